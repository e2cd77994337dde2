"""The run store: scenarios, runs and their results in one SQLite file.

Every forecast (and, later, every simulation, deal search, ensemble or backtest) that parley
runs can be recorded here, so that an analyst can list past runs, reopen their results and
see exactly which scenario, model, parameters, seed and parley version produced them.

Layout
------
The store is one SQLite database (standard library :mod:`sqlite3`) with five tables:

``scenarios(hash, name, content, created_at)``
    Each scenario once, keyed by :meth:`Scenario.content_hash
    <parley.scenario.Scenario.content_hash>`; ``content`` is the canonical JSON text whose
    SHA-256 is that hash, so a stored scenario can be checked and rebuilt exactly.
``runs(id, kind, model, scenario_hash, parameters, seed, parley_version, started_at,``
``finished_at, duration_s, status)``
    One row per run. ``parameters`` is JSON; ``seed`` is kept as decimal text because numpy
    seeds may exceed SQLite's 64-bit integers; times are ISO 8601 UTC with microseconds, so
    that they sort as text.
``results(run_id, content)``
    The run's result as JSON, apart from the run row so that listing runs never reads it;
    deleted with its run (``ON DELETE CASCADE``).
``scenario_versions(name, version, scenario_hash, created_at)`` (schema version 2)
    Named, numbered versions of the scenarios that users save (the web dashboard's
    library, :mod:`parley.store.scenarios`): each row points at a stored scenario whose
    ``version`` field equals ``version``.
``ensemble_chunks(run_id, chunk, seed, draws, content, created_at)`` (schema version 3)
    The completed chunks of an ensemble run, keyed by run and chunk index: the chunk's seed
    (JSON: entropy and spawn key), its number of draws and its results (numpy ``.npz``
    bytes, no pickles), written as each chunk finishes so that an interrupted ensemble
    resumes without redoing them (:mod:`parley.store.chunks`); deleted with their run.

JSON has no ``nan`` or infinity: non-finite floats in parameters and results are stored as
``null`` (``None``), as :meth:`Forecast.to_dict <parley.models.base.Forecast.to_dict>` does.

Schema versions
---------------
:data:`MIGRATIONS` is the ordered list of SQL scripts that take a store from one schema
version to the next; :data:`SCHEMA_VERSION` is the last one. The version lives in
``PRAGMA user_version`` and the file is marked as parley's by ``PRAGMA application_id``
(:data:`APPLICATION_ID`, ASCII ``PRLY``). Opening a store applies the missing scripts in one
``BEGIN IMMEDIATE`` transaction, so a store is never left half-migrated and two processes
opening a new file at once migrate it once. A later migration that must rebuild a table
should follow SQLite's documented twelve-step ``ALTER TABLE`` procedure inside that
transaction (``PRAGMA foreign_keys`` cannot change inside one).

Safety
------
A store is opened only if it is a new or empty file, or a parley store of a schema version
this parley can read. Anything else raises :class:`~parley.errors.StoreError` naming the
path and the fix, and the file is not written to (not even switched to WAL): a file that is
not SQLite (checked from its first 16 bytes before SQLite opens it), an SQLite database of
another program, a store written by a newer parley, or a location that cannot be written.

Concurrency
-----------
The database runs in write-ahead-log mode (``journal_mode=WAL``): readers never block the
writer and the writer never blocks readers. Every write is one ``BEGIN IMMEDIATE``
transaction, and the connection has a busy timeout of :data:`BUSY_TIMEOUT_S` seconds, so
several processes (command-line runs, ensemble workers, a web server) writing to one file
wait for each other instead of failing. Within a process, a :class:`RunStore` holds one
connection, opened with ``check_same_thread=False`` and guarded by a :class:`threading.Lock`:
one store may be shared by threads, and their calls are serialised. A store must not be
shared across processes (after ``fork``, or by pickling): open one per process. WAL needs
shared memory, so the store should be on a local file system, not a network share.

References
----------
.. [1] SQLite documentation, "Write-Ahead Logging", https://sqlite.org/wal.html
.. [2] SQLite documentation, "Database File Format" (header, ``user_version``,
   ``application_id``), https://sqlite.org/fileformat2.html
.. [3] SQLite documentation, "Making Other Kinds Of Table Schema Changes" (the twelve-step
   procedure), https://sqlite.org/lang_altertable.html

Examples
--------
>>> from datetime import UTC, datetime
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({
...     "name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
...                 {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}]})
>>> t = datetime(2026, 2, 17, 9, 0, tzinfo=UTC)
>>> with RunStore(":memory:") as store:
...     run = store.record_run(kind="forecast", scenario=s, model="compromise",
...                            parameters={}, seed=7, result={"outcome": {"x": 50.0}},
...                            started_at=t, finished_at=t)
...     again = store.get_run(run.id)
>>> again.scenario_name, again.seed, again.result
('toy', 7, {'outcome': {'x': 50.0}})
"""

from __future__ import annotations

import json
import math
import operator
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, SupportsIndex

from parley.errors import ScenarioError, StoreError
from parley.scenario import Scenario, parse_scenario

if TYPE_CHECKING:
    from parley.models.base import Forecast

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "RunRecord",
    "RunStore",
    "default_store_path",
]

#: Ordered ``(version, script)`` pairs; script ``v`` takes a store from ``v - 1`` to ``v``.
MIGRATIONS: Final[tuple[tuple[int, str], ...]] = (
    (1, """
CREATE TABLE scenarios (
    hash TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    model TEXT,
    scenario_hash TEXT NOT NULL REFERENCES scenarios (hash),
    parameters TEXT NOT NULL,
    seed TEXT,
    parley_version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    duration_s REAL NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE results (
    run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    content TEXT NOT NULL
);
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX runs_scenario_hash ON runs (scenario_hash);
"""),
    (2, """
CREATE TABLE scenario_versions (
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    scenario_hash TEXT NOT NULL REFERENCES scenarios (hash),
    created_at TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
"""),
    (3, """
CREATE TABLE ensemble_chunks (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    chunk INTEGER NOT NULL CHECK (chunk >= 0),
    seed TEXT NOT NULL,
    draws INTEGER NOT NULL CHECK (draws >= 0),
    content BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, chunk)
);
"""),
)

#: The schema version this parley writes (the last of :data:`MIGRATIONS`).
SCHEMA_VERSION: Final[int] = MIGRATIONS[-1][0]

#: ``PRAGMA application_id`` of a parley store: the ASCII bytes ``PRLY``.
APPLICATION_ID: Final[int] = 0x50524C59

#: Seconds a writer waits for another one to finish before giving up.
BUSY_TIMEOUT_S: Final[float] = 10.0

#: The statuses a run may have.
STATUSES: Final[tuple[str, ...]] = ("ok", "failed", "running")

_SQLITE_MAGIC = b"SQLite format 3\x00"
_MEMORY = ":memory:"
_FIX_ELSEWHERE = "Fix: point --store/PARLEY_STORE at another file or move this one away"
_RUN_COLUMNS = (
    "r.id, r.kind, r.model, s.name, r.scenario_hash, r.parameters, r.seed, "
    "r.parley_version, r.started_at, r.finished_at, r.duration_s, r.status"
)


def default_store_path() -> Path:
    """The store used when none is given.

    Returns
    -------
    Path
        ``$PARLEY_STORE`` if that is set and not empty, else ``runs.sqlite3`` in the user's
        data directory for ``parley`` (``platformdirs.user_data_dir``).
    """
    env = os.environ.get("PARLEY_STORE", "")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("parley")) / "runs.sqlite3"


@dataclass(frozen=True)
class RunRecord:
    """One recorded run.

    Attributes
    ----------
    id : str
        Unique id that sorts by start time: ``YYYYMMDDTHHMMSS-xxxxxxxx`` (UTC, 8 hex digits).
    kind : str
        What ran: ``"forecast"`` (later ``"simulate"``, ``"deals"``, ``"ensemble"``,
        ``"backtest"``).
    model : str or None
        Registered model name, where a model ran.
    scenario_name, scenario_hash : str
        The scenario's name and content hash (its key in the store).
    parameters : dict
        The run's parameters, as stored (JSON types).
    seed : int or None
        The seed the run was given.
    parley_version : str
        Version of parley that recorded the run.
    started_at, finished_at : str
        ISO 8601 UTC times, e.g. ``2026-02-17T09:00:00.000000+00:00``.
    duration_s : float
        ``finished_at - started_at`` in seconds.
    status : str
        ``"ok"``, ``"failed"`` or ``"running"``.
    result : dict or None
        The run's result; ``None`` in listings (:meth:`RunStore.runs`), loaded by
        :meth:`RunStore.get_run`.
    """

    id: str
    kind: str
    model: str | None
    scenario_name: str
    scenario_hash: str
    parameters: dict[str, Any]
    seed: int | None
    parley_version: str
    started_at: str
    finished_at: str
    duration_s: float
    status: str
    result: dict[str, Any] | None = None


class RunStore:
    """A SQLite run store: scenarios by content hash, runs and their results.

    Parameters
    ----------
    path : str or Path, optional
        The database file; ``None`` means :func:`default_store_path`. Missing parent
        folders are created. ``":memory:"`` gives a private in-memory store (for tests).

    Raises
    ------
    StoreError
        If the file is not a parley store, was written by a newer parley, or cannot be
        written; the file is then left untouched.

    Notes
    -----
    See the module documentation for the schema, its versions and how concurrent writers
    are handled. Use the store as a context manager, or call :meth:`close`.
    """

    path: Path

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = default_store_path() if path is None else Path(path).expanduser()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = _open(self.path)

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    # -- lifetime --------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (idempotent); later calls raise :class:`StoreError`."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- scenarios -------------------------------------------------------------------------
    def save_scenario(self, scenario: Scenario) -> str:
        """Store ``scenario`` (once; saving it again changes nothing) and return its hash.

        Parameters
        ----------
        scenario : Scenario
            The scenario to keep.

        Returns
        -------
        str
            ``scenario.content_hash()``, its key in the store.
        """
        with self._transaction("save a scenario", write=True) as conn:
            return _insert_scenario(conn, scenario)

    def get_scenario(self, scenario_hash: str) -> Scenario:
        """Rebuild a stored scenario from its content hash (or a unique prefix of it).

        Raises
        ------
        StoreError
            If no stored scenario has that hash, or the prefix is ambiguous.
        ScenarioError
            If the stored content no longer validates (e.g. after a format change).
        """
        with self._transaction("read a scenario", write=False) as conn:
            full = self._resolve(conn, "scenarios", "hash", scenario_hash, "scenario")
            name, content = conn.execute(
                "SELECT name, content FROM scenarios WHERE hash = ?", (full,)).fetchone()
        source = f"scenario {name!r} ({full[:12]}) in {self.path}"
        try:
            return parse_scenario(json.loads(content), source)
        except ScenarioError:
            raise
        except ValueError as err:
            raise StoreError(f"{source} is not valid JSON ({err}). Fix: the store is damaged; "
                             "save the scenario again from its file") from None

    # -- runs ------------------------------------------------------------------------------
    def record_run(self, *, kind: str, scenario: Scenario, model: str | None,
                   parameters: Mapping[str, Any], seed: int | None,
                   result: Mapping[str, Any], started_at: datetime, finished_at: datetime,
                   status: str = "ok") -> RunRecord:
        """Record one run, with its scenario and result, in one transaction.

        Parameters
        ----------
        kind : str
            What ran, e.g. ``"forecast"``.
        scenario : Scenario
            The scenario it ran on (saved too, if new).
        model : str or None
            Registered model name, where a model ran.
        parameters : mapping
            The run's parameters; JSON types, numpy scalars or arrays (non-finite floats
            are stored as ``None``).
        seed : int or None
            The seed the run was given (any size).
        result : mapping
            The run's result, under the same rules as ``parameters``.
        started_at, finished_at : datetime
            Timezone-aware start and end times.
        status : {"ok", "failed", "running"}
            How the run ended.

        Returns
        -------
        RunRecord
            The stored run, with ``parameters`` and ``result`` as they will be read back.

        Raises
        ------
        StoreError
            If an argument cannot be stored (naive time, end before start, unknown status,
            values JSON cannot hold) or the store cannot be written.
        """
        if not isinstance(kind, str) or not kind.strip():
            raise StoreError(f"run kind must be a non-empty string; got {kind!r}. "
                             "Fix: e.g. kind='forecast'")
        if status not in STATUSES:
            raise StoreError(f"run status must be one of {', '.join(STATUSES)}; got "
                             f"{status!r}. Fix: use one of those")
        start = _utc(started_at, "started_at")
        finish = _utc(finished_at, "finished_at")
        duration = (finish - start).total_seconds()
        if duration < 0:
            raise StoreError(f"finished_at {finish.isoformat()} is before started_at "
                             f"{start.isoformat()}. Fix: pass the times in order")
        seed_value = _seed(seed)
        params_text = _to_json(parameters, "parameters")
        result_text = _to_json(result, "result")
        version = _parley_version()
        started_text = start.isoformat(timespec="microseconds")
        finished_text = finish.isoformat(timespec="microseconds")
        with self._transaction("record a run", write=True) as conn:
            scenario_hash = _insert_scenario(conn, scenario)
            run_id = _new_run_id(start)
            while conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                run_id = _new_run_id(start)
            conn.execute(
                "INSERT INTO runs (id, kind, model, scenario_hash, parameters, seed, "
                "parley_version, started_at, finished_at, duration_s, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, kind, model, scenario_hash, params_text,
                 None if seed_value is None else str(seed_value), version, started_text,
                 finished_text, duration, status))
            conn.execute("INSERT INTO results (run_id, content) VALUES (?, ?)",
                         (run_id, result_text))
        return RunRecord(
            id=run_id, kind=kind, model=model, scenario_name=scenario.name,
            scenario_hash=scenario_hash, parameters=json.loads(params_text), seed=seed_value,
            parley_version=version, started_at=started_text, finished_at=finished_text,
            duration_s=duration, status=status, result=json.loads(result_text))

    def save_forecast(self, forecast: Forecast, scenario: Scenario, *, seed: int | None,
                      started_at: datetime, finished_at: datetime) -> RunRecord:
        """Record a model's forecast as a ``"forecast"`` run.

        The result is ``forecast.to_dict()`` and the parameters are its ``"parameters"``.

        Parameters
        ----------
        forecast : Forecast
            What the model returned.
        scenario : Scenario
            The scenario it forecast.
        seed : int or None
            The seed the model was given.
        started_at, finished_at : datetime
            Timezone-aware start and end times of the model's run.

        Returns
        -------
        RunRecord
            The stored run.
        """
        result = forecast.to_dict()
        return self.record_run(kind="forecast", scenario=scenario, model=forecast.model,
                               parameters=result["parameters"], seed=seed, result=result,
                               started_at=started_at, finished_at=finished_at)

    def runs(self, *, limit: int | None = None, scenario: str | None = None,
             kind: str | None = None) -> list[RunRecord]:
        """List runs, newest first, without their results.

        Parameters
        ----------
        limit : int, optional
            At most this many runs (all if ``None``).
        scenario : str, optional
            Only runs of the scenario with this name or content hash.
        kind : str, optional
            Only runs of this kind.

        Returns
        -------
        list of RunRecord
            Ordered by start time, newest first (ties: last recorded first); ``result`` is
            ``None``.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, SupportsIndex)
                                  or operator.index(limit) < 0):
            raise StoreError(f"limit must be a whole number >= 0; got {limit!r}. "
                             "Fix: pass limit=None for all runs")
        with self._transaction("list runs", write=False) as conn:
            rows = conn.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs AS r "
                "JOIN scenarios AS s ON s.hash = r.scenario_hash "
                "WHERE (?1 IS NULL OR r.kind = ?1) "
                "AND (?2 IS NULL OR s.name = ?2 OR r.scenario_hash = ?2) "
                "ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?3",
                (kind, scenario, -1 if limit is None else operator.index(limit))).fetchall()
        return [_record(row, None) for row in rows]

    def get_run(self, run_id: str) -> RunRecord:
        """The run with this id (or a unique prefix of it), with its result.

        Raises
        ------
        StoreError
            Naming the id, if no run has it or the prefix is ambiguous.
        """
        with self._transaction("read a run", write=False) as conn:
            full = self._resolve(conn, "runs", "id", run_id, "run")
            row = conn.execute(
                f"SELECT {_RUN_COLUMNS}, res.content FROM runs AS r "
                "JOIN scenarios AS s ON s.hash = r.scenario_hash "
                "LEFT JOIN results AS res ON res.run_id = r.id WHERE r.id = ?",
                (full,)).fetchone()
        result = None if row[-1] is None else json.loads(row[-1])
        return _record(row[:-1], result)

    def delete_run(self, run_id: str) -> None:
        """Delete a run (by id or unique prefix) and its result; its scenario stays.

        Raises
        ------
        StoreError
            Naming the id, if no run has it or the prefix is ambiguous.
        """
        with self._transaction("delete a run", write=True) as conn:
            full = self._resolve(conn, "runs", "id", run_id, "run")
            conn.execute("DELETE FROM runs WHERE id = ?", (full,))

    # -- internals -------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, doing: str, *, write: bool) -> Iterator[sqlite3.Connection]:
        """Hold the lock and one transaction (``IMMEDIATE`` for writes); map SQLite errors."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreError(f"the run store {self.path} is closed. "
                                 "Fix: open a new RunStore")
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                _rollback(conn)
                if isinstance(exc, sqlite3.Error):
                    raise _store_error(self.path, exc, doing) from exc
                raise

    def _resolve(self, conn: sqlite3.Connection, table: str, column: str, key: str,
                 what: str) -> str:
        """The full key equal to ``key``, or the only one starting with it."""
        if not isinstance(key, str) or not key:
            raise StoreError(f"{what} id must be a non-empty string; got {key!r}. "
                             "Fix: give an id from the list of runs (parley runs)")
        if conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (key,)).fetchone():
            return key
        found = [r[0] for r in conn.execute(
            f"SELECT {column} FROM {table} WHERE substr({column}, 1, ?) = ? "
            f"ORDER BY {column} LIMIT 6", (len(key), key))]
        if len(found) == 1:
            return str(found[0])
        if not found:
            hint = ("check the id against the list of runs (parley runs)" if what == "run"
                    else "give the scenario_hash of a stored run")
            raise StoreError(f"no {what} {key!r} in the run store {self.path}. Fix: {hint}")
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise StoreError(f"{what} id {key!r} is ambiguous in {self.path}: it starts {shown}. "
                         "Fix: give more characters of the id")


# ----------------------------------------------------------------------------------------
# opening and migrating
# ----------------------------------------------------------------------------------------


def _open(path: Path) -> sqlite3.Connection:
    """Open (creating or migrating if needed) the store at ``path``; see the module docs."""
    if str(path) != _MEMORY:
        _check_location(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as err:
        raise _store_error(path, err, "open the store") from err
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")  # one snapshot: another process may be creating the store
        version = _inspect(conn, path)
        conn.execute("COMMIT")
        _use_wal(conn)
        if version < SCHEMA_VERSION:
            _migrate(conn, path)
    except BaseException as exc:
        _rollback(conn)
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise _store_error(path, exc, "open the store") from exc
        raise
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL mode, retrying while another process holds the lock.

    Changing the journal mode needs an exclusive lock, and SQLite reports ``SQLITE_BUSY``
    for it at once, without calling the busy handler; so wait here, for up to
    :data:`BUSY_TIMEOUT_S` seconds, as for any other write.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as err:
            busy = str(getattr(err, "sqlite_errorname", "")).startswith("SQLITE_BUSY")
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(2 * delay, 0.1)


def _check_location(path: Path) -> None:
    """Refuse, before SQLite touches it, a path that cannot hold a store or is not SQLite."""
    fix_dir = "Fix: point --store/PARLEY_STORE at a file in a folder you can write to"
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a parley run store. Fix: point "
                         f"--store/PARLEY_STORE at a file such as {path / 'runs.sqlite3'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise StoreError(f"cannot create the folder for the run store {path}: part of "
                         f"{path.parent} is a file, not a folder. {fix_dir}") from None
    except OSError as err:
        raise StoreError(f"cannot create the folder for the run store {path}: "
                         f"{err.strerror or err}. {fix_dir}") from None
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as err:
            raise StoreError(f"cannot read the run store {path}: {err.strerror or err}. "
                             "Fix: make it readable, or point --store/PARLEY_STORE at "
                             "another file") from None
        if head and head != _SQLITE_MAGIC:
            raise StoreError(f"{path} is not a parley run store (file is not a database: it "
                             f"does not start with the SQLite header). {_FIX_ELSEWHERE}")
        if not os.access(path, os.W_OK):
            raise StoreError(f"the run store {path} is read-only. Fix: make it writable "
                             "(chmod u+w), or point --store/PARLEY_STORE at another file")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write the run store {path}: its folder {path.parent} is "
                         f"not writable (SQLite keeps its write-ahead log there). {fix_dir}")


def _inspect(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of the store behind ``conn``; 0 for a new, empty database.

    Reads only; raises :class:`StoreError` for a database that is not a parley store or
    is newer than this parley.
    """
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    names = [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' "
        "ORDER BY name")]
    if app_id == 0 and version == 0 and not names:
        return 0
    if app_id != APPLICATION_ID:
        what = f"tables {', '.join(names[:6])}" + (", ..." if len(names) > 6 else "")
        raise StoreError(
            f"{path} is not a parley run store (an SQLite database of another program: "
            f"{what if names else 'no tables'}; application_id {app_id}, user_version "
            f"{version}). {_FIX_ELSEWHERE}")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer parley: its store schema is version {version}, "
            f"and this parley ({_parley_version()}) reads versions up to {SCHEMA_VERSION}. "
            "Fix: upgrade parley (python -m pip install --upgrade parley), or point "
            "--store/PARLEY_STORE at another file")
    return version


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the missing :data:`MIGRATIONS` in one immediate transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = _inspect(conn, path)  # another process may have migrated meanwhile
        if current < SCHEMA_VERSION:
            for version, script in MIGRATIONS:
                if version > current:
                    for statement in _statements(script):
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back an open transaction, keeping the error that caused it (not a new one)."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (``executescript`` would commit)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {buffer.strip()!r}")


def _store_error(path: Path, err: sqlite3.Error, doing: str) -> StoreError:
    """Turn an SQLite error into a :class:`StoreError` naming the path and the fix."""
    name = getattr(err, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return StoreError(f"{path} is not a parley run store (file is not a database, or "
                          f"is damaged: {err}). {_FIX_ELSEWHERE}")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM",
                        "SQLITE_AUTH")):
        return StoreError(f"cannot {doing}: the run store {path} cannot be written ({err}). "
                          "Fix: make the file and its folder writable, or point "
                          "--store/PARLEY_STORE at another file")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(f"cannot {doing}: the run store {path} stayed locked by another "
                          f"process for {BUSY_TIMEOUT_S:g} s ({err}). Fix: wait for the other "
                          "parley process to finish and try again")
    if name.startswith("SQLITE_FULL"):
        return StoreError(f"cannot {doing}: the disk holding {path} is full. "
                          "Fix: free some space, or point --store/PARLEY_STORE elsewhere")
    return StoreError(f"cannot {doing} in the run store {path}: {err}. Fix: check the file "
                      "and its folder, or point --store/PARLEY_STORE at another file")


# ----------------------------------------------------------------------------------------
# values
# ----------------------------------------------------------------------------------------


def _insert_scenario(conn: sqlite3.Connection, scenario: Scenario) -> str:
    """Insert ``scenario`` unless already stored; return its content hash."""
    if not isinstance(scenario, Scenario):
        raise StoreError(f"expected a Scenario; got {type(scenario).__name__}. "
                         "Fix: load it with parley.io.load")
    content = json.dumps(scenario.to_dict(), sort_keys=True, separators=(",", ":"))
    scenario_hash = scenario.content_hash()
    conn.execute(
        "INSERT OR IGNORE INTO scenarios (hash, name, content, created_at) VALUES (?, ?, ?, ?)",
        (scenario_hash, scenario.name, content,
         datetime.now(UTC).isoformat(timespec="microseconds")))
    return scenario_hash


def _record(row: tuple[Any, ...], result: dict[str, Any] | None) -> RunRecord:
    (run_id, kind, model, name, scenario_hash, parameters, seed, version, started, finished,
     duration, status) = row
    return RunRecord(
        id=run_id, kind=kind, model=model, scenario_name=name, scenario_hash=scenario_hash,
        parameters=json.loads(parameters), seed=None if seed is None else int(seed),
        parley_version=version, started_at=started, finished_at=finished,
        duration_s=float(duration), status=status, result=result)


def _new_run_id(started: datetime) -> str:
    """``YYYYMMDDTHHMMSS-xxxxxxxx``: the UTC start second and 32 random bits."""
    return f"{started.astimezone(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def _utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise StoreError(f"{name} must be a datetime; got {moment!r}. "
                         "Fix: pass datetime.now(UTC)")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StoreError(f"{name} must be timezone-aware; got {moment.isoformat()}. "
                         "Fix: pass datetime.now(UTC)")
    return moment.astimezone(UTC)


def _seed(seed: object) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise StoreError(f"seed must be a whole number or None; got {seed!r}. "
                         "Fix: pass the integer seed the run used")
    if isinstance(seed, SupportsIndex):
        return operator.index(seed)
    raise StoreError(f"seed must be a whole number or None; got {seed!r}. "
                     "Fix: pass the integer seed the run used")


def _jsonable(obj: Any) -> Any:
    """JSON types from ``obj``: numpy values unpacked, non-finite floats as ``None``."""
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, str | int | bool) or obj is None:
        return obj
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    tolist = getattr(obj, "tolist", None)  # numpy arrays and scalars
    if callable(tolist):
        return _jsonable(tolist())
    return obj


def _to_json(obj: Mapping[str, Any], what: str) -> str:
    if not isinstance(obj, Mapping):
        raise StoreError(f"the run's {what} must be a mapping; got {type(obj).__name__}. "
                         "Fix: pass a dict")
    try:
        return json.dumps(_jsonable(obj), allow_nan=False)  # ASCII: lone surrogates survive
    except (TypeError, ValueError) as err:
        raise StoreError(f"cannot store the run's {what}: {err}. Fix: give numbers, "
                         "strings, booleans, None, lists or mappings") from None


def _parley_version() -> str:
    try:
        return metadata.version("parley")
    except metadata.PackageNotFoundError:
        return "0+unknown"
