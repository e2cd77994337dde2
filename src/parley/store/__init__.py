"""The run store: scenarios, runs and their results (SQLite; see :mod:`parley.store.sqlite`)."""

from parley.store.sqlite import (
    SCHEMA_VERSION,
    RunRecord,
    RunStore,
    default_store_path,
)

__all__ = ["SCHEMA_VERSION", "RunRecord", "RunStore", "default_store_path"]
