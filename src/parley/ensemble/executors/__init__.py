"""Executors: where the chunks of an ensemble run (one interface, see :mod:`.base`).

=============  ==========================================  ==============================
name           executor                                    needs
=============  ==========================================  ==============================
``local``      :class:`.local.InProcessExecutor`           nothing
``processes``  :class:`.local.ProcessExecutor`             nothing (``spawn`` processes)
``dask``       :class:`.dask.DaskExecutor`                 the ``dask`` extra
=============  ==========================================  ==============================

Importing this package imports no backend; ``dask.distributed`` is imported when a Dask
executor first submits work.
"""

from __future__ import annotations

from parley.ensemble.executors.base import Completed, Executor
from parley.ensemble.executors.dask import DaskExecutor
from parley.ensemble.executors.local import InProcessExecutor, ProcessExecutor
from parley.errors import ParleyError

__all__ = [
    "EXECUTORS",
    "Completed",
    "DaskExecutor",
    "Executor",
    "InProcessExecutor",
    "ProcessExecutor",
    "get_executor",
]

#: Executor names, as the command line's ``--executor`` takes them.
EXECUTORS = ("local", "processes", "dask")


def get_executor(name: str, *, workers: int | None = None,
                 scheduler: str | None = None) -> Executor:
    """The executor called ``name``.

    Parameters
    ----------
    name : {'local', 'processes', 'dask'}
        In-process, a local process pool, or Dask.
    workers : int, optional
        Worker processes (``processes``; ``dask`` with a local cluster).
    scheduler : str, optional
        ``dask`` only: the address of an existing scheduler (default: start a local cluster).

    Examples
    --------
    >>> get_executor("local").name
    'local'
    """
    if scheduler is not None and name != "dask":
        raise ParleyError(f"a scheduler address needs the dask executor; got executor "
                          f"{name!r}. Fix: add --executor dask, or drop --scheduler")
    if name == "local":
        if workers not in (None, 1):
            raise ParleyError(f"the local executor runs in this process (1 worker); got "
                              f"workers={workers!r}. Fix: use --executor processes")
        return InProcessExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    if name == "dask":
        return DaskExecutor(scheduler, workers=workers)
    raise ParleyError(f"unknown executor {name!r}; choose one of: {', '.join(EXECUTORS)}")
