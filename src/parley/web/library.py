"""The dashboard's scenario library: bundled scenarios plus the versions users save.

Bundled scenarios (:func:`parley.io.bundled_names`) are read-only. Saving an edit of one
stores a new *user* version in the run store (:mod:`parley.store.scenarios`), numbered above
the bundled version; the name then lists that latest user version, and deleting the name's
user versions brings the bundled one back. A name that is not bundled lives only in the
store. Request bodies are scenario text (JSON or YAML), never paths: nothing here reads or
writes a file other than the run store.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import yaml

from parley.errors import Problem, ScenarioError
from parley.io import bundled_names
from parley.io import load as load_bundled
from parley.io.native import loads
from parley.scenario import Scenario
from parley.store import RunStore
from parley.store import scenarios as versions_table
from parley.web.errors import NotFoundError, ReadOnlyError
from parley.web.schemas import NAME_PATTERN

__all__ = ["BODY_FORMATS", "Entry", "ScenarioLibrary", "UnsupportedBodyError", "check_name",
           "parse_body"]

#: Request ``Content-Type`` (without parameters) -> scenario text format.
BODY_FORMATS = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
}
_NAME = re.compile(NAME_PATTERN)
_CACHE_SIZE = 128


class UnsupportedBodyError(Exception):
    """The body's content type is not JSON or YAML."""


def parse_body(body: bytes, content_type: str, source: str = "request body"
               ) -> tuple[Scenario, dict[str, Any]]:
    """Validate a scenario sent as JSON or YAML text.

    Parameters
    ----------
    body : bytes
        The request body (UTF-8 text).
    content_type : str
        The request's ``Content-Type``: one of :data:`BODY_FORMATS` (parameters such as
        ``charset`` are ignored).
    source : str
        Named as the source of each problem.

    Returns
    -------
    (Scenario, dict)
        The scenario and the raw mapping it was built from.

    Raises
    ------
    ScenarioError
        Listing every problem, with its line in the body where known. YAML aliases
        (``*name``) are refused: their expansion could make a small body huge.
    UnsupportedBodyError
        If the content type is not JSON or YAML.
    """
    fmt = BODY_FORMATS.get(content_type.split(";")[0].strip().lower())
    if fmt is None:
        raise UnsupportedBodyError(content_type)

    def fail(rule: str, value: object, fix: str, line: int | None = None) -> ScenarioError:
        return ScenarioError([Problem("body", rule, value, fix, line, source)], source)

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise fail("is not UTF-8 text", f"byte {body[err.start]:#04x} at offset {err.start}",
                   "send the scenario as UTF-8") from None
    if not text.strip():
        raise fail("is empty", "", "send a scenario (see GET /api/scenarios/geneva-2026)")
    try:
        if fmt == "yaml":
            for token in yaml.scan(text, Loader=yaml.SafeLoader):
                if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                    raise fail("YAML anchors and aliases (&name, *name) are not accepted",
                               token.value, "write the repeated part out in full",
                               token.start_mark.line + 1)
        scenario = loads(text, source, fmt=fmt)
        raw = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except RecursionError:
        raise fail("is nested too deeply", "", "send a flat scenario document") from None
    except yaml.YAMLError as err:  # raised by the scan above; loads reports the same with lines
        mark = getattr(err, "problem_mark", None)
        raise fail(f"is not valid YAML: {getattr(err, 'problem', None) or err}", "",
                   "fix the YAML syntax", mark.line + 1 if mark is not None else None
                   ) from None
    return scenario, raw


@dataclass(frozen=True)
class Entry:
    """One version of a named scenario and where it lives."""

    name: str
    version: int
    origin: str  # "bundled" or "user"
    scenario_hash: str
    created_at: str | None


class ScenarioLibrary:
    """Bundled scenarios and the user versions saved in one run store.

    Parameters
    ----------
    store : RunStore
        The run store (shared by the app's threads; it serialises their calls).
    """

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._bundled_names = frozenset(bundled_names())
        self._bundled: dict[str, Scenario] = {}
        self._cache: OrderedDict[str, tuple[Scenario, dict[str, Any]]] = OrderedDict()

    # -- reading -------------------------------------------------------------------------
    def bundled(self, name: str) -> Scenario | None:
        """The bundled scenario called ``name``, or ``None``."""
        with self._lock:
            if name in self._bundled:
                return self._bundled[name]
        if name not in self._bundled_names:
            return None
        scenario = load_bundled(name)
        with self._lock:
            self._bundled[name] = scenario
        return scenario

    def entries(self, name: str) -> list[Entry]:
        """Every version of ``name``, oldest first (the bundled one, then user versions)."""
        out: list[Entry] = []
        bundled = self.bundled(name)
        if bundled is not None:
            out.append(Entry(name, bundled.version, "bundled", bundled.content_hash(), None))
        out += [Entry(v.name, v.version, "user", v.scenario_hash, v.created_at)
                for v in versions_table.list_versions(self.store, name)]
        return out

    def names(self) -> list[str]:
        """Every name: bundled and saved, sorted."""
        saved = {v.name for v in versions_table.latest_versions(self.store)}
        return sorted(self._bundled_names | saved)

    def resolve(self, name: str, version: int | None = None
                ) -> tuple[Entry, list[Entry], Scenario, dict[str, Any]]:
        """One version of ``name`` (default: the latest) with its JSON form.

        Returns
        -------
        (Entry, list of Entry, Scenario, dict)
            The version, every version of the name, the scenario and
            ``scenario.model_dump(mode="json")``.

        Raises
        ------
        NotFoundError
            If there is no such name or version.
        """
        entries = self.entries(name) if _NAME.match(name) else []
        if not entries:
            raise NotFoundError(f"no scenario named {name!r}. Fix: list the scenarios "
                                "(GET /api/scenarios) and use one of their names")
        if version is None:
            entry = entries[-1]
        else:
            found = [e for e in entries if e.version == version]
            if not found:
                known = ", ".join(str(e.version) for e in entries)
                raise NotFoundError(f"scenario {name!r} has no version {version}; it has "
                                    f"{known}")
            entry = found[-1]
        scenario, doc = self._load(entry)
        return entry, entries, scenario, doc

    def _load(self, entry: Entry) -> tuple[Scenario, dict[str, Any]]:
        with self._lock:
            hit = self._cache.get(entry.scenario_hash)
            if hit is not None:
                self._cache.move_to_end(entry.scenario_hash)
                return hit
        if entry.origin == "bundled":
            scenario = self.bundled(entry.name)
            assert scenario is not None
        else:
            scenario = versions_table.get_version(self.store, entry.name, entry.version)
        value = (scenario, scenario.model_dump(mode="json"))
        with self._lock:
            self._cache[entry.scenario_hash] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    # -- writing -------------------------------------------------------------------------
    def create(self, scenario: Scenario) -> Entry:
        """Save a scenario under a new name (at the version it declares)."""
        check_name(scenario.name)
        if self.bundled(scenario.name) is not None:
            raise versions_table.ScenarioConflictError(
                f"{scenario.name!r} is a bundled scenario. Fix: save your edit as a new "
                f"version of it (PUT /api/scenarios/{scenario.name}), or choose another name")
        v = versions_table.add_scenario(self.store, scenario)
        return Entry(v.name, v.version, "user", v.scenario_hash, v.created_at)

    def update(self, name: str, scenario: Scenario, *, base: int | None) -> Entry:
        """Save ``scenario`` as the next version of ``name``.

        ``base`` is the version the edit started from; the save is refused if a later
        version exists (``None``: no check).
        """
        entries = self.entries(name) if _NAME.match(name) else []
        if not entries:
            raise NotFoundError(f"no scenario named {name!r}. Fix: create it with "
                                "POST /api/scenarios")
        if scenario.name != name:
            raise ScenarioError([Problem(
                "name", "must be the name in the URL", scenario.name,
                f"set name: {name}, or create a new scenario with POST /api/scenarios")])
        bundled = self.bundled(name)
        v = versions_table.add_version(self.store, scenario, base=base,
                                       floor=bundled.version if bundled is not None else 0)
        return Entry(v.name, v.version, "user", v.scenario_hash, v.created_at)

    def delete(self, name: str) -> tuple[int, bool]:
        """Delete every user version of ``name``; return (how many, whether bundled remains).

        Raises
        ------
        NotFoundError
            If there is no such name.
        ReadOnlyError
            If the name is bundled and has no user versions.
        """
        entries = self.entries(name) if _NAME.match(name) else []
        if not entries:
            raise NotFoundError(f"no scenario named {name!r}")
        bundled = entries[0].origin == "bundled"
        if bundled and len(entries) == 1:
            raise ReadOnlyError(f"{name!r} is a bundled scenario and cannot be deleted; only "
                                "versions saved by users can")
        return versions_table.delete_scenario(self.store, name), bundled


def check_name(name: str) -> None:
    """Refuse a name that cannot be part of a URL path (:data:`NAME_PATTERN`)."""
    if not _NAME.match(name):
        raise ScenarioError([Problem(
            "name", "must start with a letter or digit and hold only letters, digits, '.', "
            "'_' and '-' (it becomes part of the dashboard's URLs)", name,
            "rename it, e.g. 'geneva-2026-round-2'")])
