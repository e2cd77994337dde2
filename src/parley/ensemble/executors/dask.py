"""An executor on a Dask cluster (``dask.distributed``, the ``dask`` extra).

:class:`DaskExecutor` (``"dask"``) submits each task to a Dask scheduler: an existing
cluster's, given its address (``tcp://10.0.0.5:8786``), or a
:class:`distributed.LocalCluster` that it starts on this machine (loopback only, one thread
per worker process, no dashboard) and stops on :meth:`~DaskExecutor.close`. ``distributed``
is imported only when the first task is submitted; without it,
:class:`~parley.errors.MissingExtraError` names the install command.

Dask's scheduler keeps the tasks, not the workers: a worker that dies (killed, out of
memory, its machine gone) loses only the tasks it held, which the scheduler runs again
elsewhere (Dask documentation, "Resilience"). Since a chunk's result depends on its seed
alone, the rerun gives the same numbers and the ensemble the same result. A task that
raises is reported with its error and not retried.

References
----------
.. [1] Rocklin, M. (2015). Dask: parallel computation with blocked algorithms and task
   scheduling. *Proceedings of the 14th Python in Science Conference*, 130-136.
.. [2] Dask developers. *Dask.distributed: Resilience*.
   https://distributed.dask.org/en/stable/resilience.html
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from parley.ensemble.executors.base import Completed, Executor
from parley.errors import MissingExtraError, ParleyError

__all__ = ["DaskExecutor"]

_PURPOSE = "Running ensembles on a Dask cluster"


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingExtraError("dask[distributed]", "dask", _PURPOSE) from None
    return distributed


class DaskExecutor(Executor):
    """Run tasks on a Dask cluster.

    Parameters
    ----------
    address : str, optional
        The scheduler of an existing cluster. ``None`` starts a local cluster.
    workers : int, optional
        Local cluster only: worker processes (default: Dask's choice, one per CPU).
    threads_per_worker : int
        Local cluster only: threads per worker (1: parley's kernels are numpy code that
        holds the GIL in places, so processes scale better than threads).
    in_flight : int
        Tasks submitted ahead per worker thread.
    """

    name = "dask"

    def __init__(self, address: str | None = None, *, workers: int | None = None,
                 threads_per_worker: int = 1, in_flight: int = 4) -> None:
        if workers is not None and (isinstance(workers, bool) or workers < 1):
            raise ParleyError(f"the Dask executor needs workers >= 1; got {workers!r}. "
                              "Fix: give a positive number, or leave it out")
        self.address = address
        self._n_workers = workers
        self._threads = threads_per_worker
        self._in_flight = max(1, in_flight)
        self._client: Any = None
        self._cluster: Any = None

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (connecting, or starting the local cluster, first)."""
        if self._client is None:
            dist = _distributed()
            if self.address:
                try:
                    self._client = dist.Client(self.address, set_as_default=False)
                except OSError as err:
                    raise ParleyError(f"cannot reach the Dask scheduler at {self.address} "
                                      f"({err}). Fix: check the address (tcp://HOST:8786) and "
                                      "that the scheduler is running") from None
            else:
                self._cluster = dist.LocalCluster(
                    n_workers=self._n_workers, threads_per_worker=self._threads,
                    processes=True, host="127.0.0.1", dashboard_address=None)
                self._client = dist.Client(self._cluster, set_as_default=False)
        return self._client

    @property
    def workers(self) -> int:
        """Worker threads on the cluster now."""
        return max(1, int(sum(self.client.nthreads().values())))

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        """Submit the tasks (a window at a time); yield each as it finishes."""
        dist = _distributed()
        client = self.client
        tag = uuid.uuid4().hex[:12]
        index: dict[str, int] = {}
        todo = iter(enumerate(tasks))
        window = self.workers * self._in_flight
        futures = dist.as_completed(loop=client.loop)
        pending: set[Any] = set()

        def submit_next() -> None:
            for i, task in todo:
                key = f"parley-chunk-{tag}-{i}"
                index[key] = i
                fut = client.submit(fn, task, key=key, pure=False)
                pending.add(fut)
                futures.add(fut)
                if len(pending) >= window:
                    return

        try:
            submit_next()
            for fut in futures:
                pending.discard(fut)
                i = index[fut.key]
                if fut.status == "error":
                    done = Completed(i, None, fut.exception())
                else:
                    done = Completed(i, fut.result())
                fut.release()
                yield done
                submit_next()
        finally:
            if pending:
                client.cancel(list(pending))

    def close(self) -> None:
        """Disconnect; stop the local cluster if this executor started it."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
