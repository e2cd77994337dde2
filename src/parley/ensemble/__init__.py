"""Uncertainty at scale: Monte Carlo ensembles, sensitivity, what-ifs (DESIGN.md).

==================  =====================================================================
module              concept
==================  =====================================================================
``sampling``        the scenario's uncertain inputs, sampled by inversion into arrays
``kernels``         a model (array function or loop) or a simulation over a batch of draws
``runner``          chunks, seeds, executors, the store, reassembly and resume
``summary``         outcome distributions and the probability of agreement
``sensitivity``     Sobol indices (SALib) and the one-at-a-time tornado
``whatif``          declarative change sets, compared with the baseline on common draws
``briefing``        the ensemble's HTML page: distributions, tornado, what-if table
``executors``       where chunks run: in-process, a process pool, Dask
==================  =====================================================================

Nothing here imports dask, SALib or matplotlib until it is used.
"""

from parley.ensemble.executors import (
    EXECUTORS,
    DaskExecutor,
    Executor,
    InProcessExecutor,
    ProcessExecutor,
    get_executor,
)
from parley.ensemble.kernels import (
    ArrayKernel,
    Kernel,
    LoopKernel,
    Outcomes,
    Settlement,
    Simulation,
    SimulationKernel,
    kernel_for,
)
from parley.ensemble.runner import (
    ChunkError,
    ChunkFailure,
    EnsembleResult,
    EnsembleSpec,
    load_ensemble,
    replay_chunk,
    resume_ensemble,
    run_ensemble,
)
from parley.ensemble.sampling import Batch, Input, InputSpace, Jitter, realise
from parley.ensemble.summary import RedLines, summarise

__all__ = [
    "EXECUTORS",
    "ArrayKernel",
    "Batch",
    "ChunkError",
    "ChunkFailure",
    "DaskExecutor",
    "EnsembleResult",
    "EnsembleSpec",
    "Executor",
    "InProcessExecutor",
    "Input",
    "InputSpace",
    "Jitter",
    "Kernel",
    "LoopKernel",
    "Outcomes",
    "ProcessExecutor",
    "RedLines",
    "Settlement",
    "Simulation",
    "SimulationKernel",
    "get_executor",
    "kernel_for",
    "load_ensemble",
    "realise",
    "replay_chunk",
    "resume_ensemble",
    "run_ensemble",
    "summarise",
]
