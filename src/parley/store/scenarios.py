"""Named, numbered scenario versions in the run store (the dashboard's scenario library).

The run store keeps every scenario once, by content hash (:mod:`parley.store.sqlite`). This
module adds names and version numbers on top: the table ``scenario_versions(name, version,
scenario_hash, created_at)`` (schema version 2) maps each saved version of a named scenario
to its stored content, whose ``version`` field equals the row's ``version``. Saving never
overwrites: an edit is a new row with the next number, so a run recorded against an old
version can always be reopened, and two versions can be compared.

Numbering follows the scenario's own ``version`` field (DESIGN.md, "rounds and events": a
scenario is versioned from one round of talks to the next):

- :func:`add_scenario` stores a new name at the version the scenario declares (1 unless it
  says otherwise) and refuses a name that already has versions.
- :func:`add_version` stores the next version of a name: one more than the larger of the
  latest stored version and ``floor`` (the version of a read-only copy that lives elsewhere,
  e.g. a bundled scenario), optionally only if the caller's ``base`` is still the latest
  (optimistic concurrency: an edit made on a stale copy is refused, not merged).

Each call is one ``BEGIN IMMEDIATE`` transaction of the store, so concurrent writers (threads
of a web server, several processes) never give two saves the same number: the primary key
``(name, version)`` would refuse it, and the transaction reads the latest number and writes
the next one without another writer in between.

Examples
--------
>>> from parley.store import RunStore
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5}]})
>>> with RunStore(":memory:") as store:
...     first = add_scenario(store, s)
...     second = add_version(store, s.replace(title="edited"), base=1)
...     [(v.version, get_version(store, "toy", v.version).title)
...      for v in list_versions(store, "toy")]
[(1, ''), (2, 'edited')]
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from parley.errors import StoreError
from parley.scenario import Scenario
from parley.store.sqlite import RunStore, _insert_scenario

__all__ = [
    "ScenarioConflictError",
    "ScenarioVersion",
    "add_scenario",
    "add_version",
    "delete_scenario",
    "get_version",
    "latest_version",
    "latest_versions",
    "list_versions",
]


class ScenarioConflictError(StoreError):
    """A save would clash with what is stored: the name exists, or the base is stale."""


@dataclass(frozen=True)
class ScenarioVersion:
    """One saved version of a named scenario.

    Attributes
    ----------
    name : str
        The scenario's name.
    version : int
        Its version number (>= 1), equal to the stored scenario's ``version`` field.
    scenario_hash : str
        Content hash of the stored scenario (its key in the run store).
    created_at : str
        When it was saved: ISO 8601 UTC with microseconds.
    """

    name: str
    version: int
    scenario_hash: str
    created_at: str


_COLUMNS = "name, version, scenario_hash, created_at"


def _row(row: tuple[str, int, str, str]) -> ScenarioVersion:
    return ScenarioVersion(str(row[0]), int(row[1]), str(row[2]), str(row[3]))


def _latest(conn: sqlite3.Connection, name: str) -> int | None:
    value = conn.execute("SELECT max(version) FROM scenario_versions WHERE name = ?",
                         (name,)).fetchone()[0]
    return None if value is None else int(value)


def _insert(conn: sqlite3.Connection, scenario: Scenario) -> ScenarioVersion:
    scenario_hash = _insert_scenario(conn, scenario)
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    conn.execute("INSERT INTO scenario_versions (name, version, scenario_hash, created_at) "
                 "VALUES (?, ?, ?, ?)", (scenario.name, scenario.version, scenario_hash, created))
    return ScenarioVersion(scenario.name, scenario.version, scenario_hash, created)


def add_scenario(store: RunStore, scenario: Scenario) -> ScenarioVersion:
    """Save a scenario under a new name, at the version it declares.

    Parameters
    ----------
    store : RunStore
        The run store.
    scenario : Scenario
        The scenario; ``scenario.name`` must not have saved versions yet.

    Returns
    -------
    ScenarioVersion
        The saved version.

    Raises
    ------
    ScenarioConflictError
        If the name already has saved versions.
    """
    with store._transaction("save a scenario", write=True) as conn:
        latest = _latest(conn, scenario.name)
        if latest is not None:
            raise ScenarioConflictError(
                f"a scenario named {scenario.name!r} already exists (version {latest}). "
                "Fix: save it as a new version of that scenario, or choose another name")
        return _insert(conn, scenario)


def add_version(store: RunStore, scenario: Scenario, *, base: int | None = None,
                floor: int = 0) -> ScenarioVersion:
    """Save ``scenario`` as the next version of its name.

    Parameters
    ----------
    store : RunStore
        The run store.
    scenario : Scenario
        The new content; its ``version`` field is replaced by the new number.
    base : int, optional
        The version the edit started from; if given and it is not the latest version
        (``max(latest stored, floor)``), nothing is saved.
    floor : int, default 0
        A version that exists outside the store (e.g. the bundled copy's); the new
        version is above it.

    Returns
    -------
    ScenarioVersion
        The saved version, numbered ``max(latest stored, floor) + 1``.

    Raises
    ------
    ScenarioConflictError
        If ``base`` is given and is not the latest version.
    """
    with store._transaction("save a scenario version", write=True) as conn:
        current = max(_latest(conn, scenario.name) or 0, floor)
        if base is not None and base != current:
            raise ScenarioConflictError(
                f"scenario {scenario.name!r} was edited from version {base}, but the latest "
                f"version is {current}. Fix: reload version {current}, redo the edit and "
                "save again")
        return _insert(conn, scenario.replace(version=current + 1))


def latest_version(store: RunStore, name: str) -> ScenarioVersion | None:
    """The latest saved version of ``name`` (``None`` if it has none)."""
    with store._transaction("read scenario versions", write=False) as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM scenario_versions WHERE name = ? "
                           "ORDER BY version DESC LIMIT 1", (name,)).fetchone()
    return None if row is None else _row(row)


def latest_versions(store: RunStore) -> list[ScenarioVersion]:
    """The latest saved version of every name, ordered by name."""
    with store._transaction("list scenarios", write=False) as conn:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM scenario_versions AS v WHERE version = "
            "(SELECT max(version) FROM scenario_versions WHERE name = v.name) "
            "ORDER BY name").fetchall()
    return [_row(r) for r in rows]


def list_versions(store: RunStore, name: str) -> list[ScenarioVersion]:
    """Every saved version of ``name``, oldest first (empty if it has none)."""
    with store._transaction("read scenario versions", write=False) as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM scenario_versions WHERE name = ? "
                            "ORDER BY version", (name,)).fetchall()
    return [_row(r) for r in rows]


def get_version(store: RunStore, name: str, version: int) -> Scenario:
    """Rebuild one saved version.

    Raises
    ------
    StoreError
        If ``name`` has no saved version ``version``.
    """
    with store._transaction("read a scenario version", write=False) as conn:
        row = conn.execute("SELECT scenario_hash FROM scenario_versions "
                           "WHERE name = ? AND version = ?", (name, version)).fetchone()
    if row is None:
        raise StoreError(f"scenario {name!r} has no saved version {version} in the run store "
                         f"{store.path}. Fix: list its versions and pick one of them")
    return store.get_scenario(str(row[0]))


def delete_scenario(store: RunStore, name: str) -> int:
    """Forget every saved version of ``name``; return how many there were.

    The scenarios' contents stay in the store (runs refer to them by hash), so recorded
    runs keep their scenario.
    """
    with store._transaction("delete a scenario", write=True) as conn:
        return conn.execute("DELETE FROM scenario_versions WHERE name = ?", (name,)).rowcount
