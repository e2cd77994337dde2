"""GENIUS XML export and import (parley.io.genius)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from parley.deals import grid, preferences
from parley.errors import ScenarioError
from parley.io.genius import read_genius, to_genius, write_genius
from parley.scenario import Scenario


def _scenario(pos_a: tuple[float, float] = (0, 75), pos_b: tuple[float, float] = (100, 25),
              ) -> Scenario:
    return Scenario.model_validate({
        "name": "toy",
        "actors": [{"id": "a", "name": "A", "capability": 1, "reservation": 0.4},
                   {"id": "b", "name": "B", "capability": 2}],
        "issues": [{"id": "x", "name": "X", "status_quo": 50},
                   {"id": "y", "name": "Y", "status_quo": 50}],
        "stances": [{"actor": "a", "issue": "x", "position": pos_a[0], "salience": 0.6},
                    {"actor": "a", "issue": "y", "position": pos_a[1], "salience": 0.2},
                    {"actor": "b", "issue": "x", "position": pos_b[0], "salience": 0.5},
                    {"actor": "b", "issue": "y", "position": pos_b[1], "salience": 0.5}]})


def test_round_trip_keeps_positions_saliences_and_utilities(tmp_path: Path) -> None:
    """Positions on the 5-point grid: export then import gives the same positions,
    saliences (0.6 / 0.2 normalised to 0.75 / 0.25), reservation and utilities."""
    s = _scenario()
    files = write_genius(s, tmp_path, points_per_issue=5)
    back = read_genius(files.domain, [files.profiles["a"], files.profiles["b"]])
    t = back.scenario
    assert t.stance("toy-a", "x").position.value == 0
    assert t.stance("toy-a", "y").position.value == 75
    assert t.stance("toy-a", "x").salience.value == pytest.approx(0.75)
    assert t.actor("toy-a").reservation == pytest.approx(0.4)
    assert back.fit_error == {"toy-a": 0.0, "toy-b": 0.0}
    pk = np.array(list(itertools.product([0, 25, 50, 75, 100], repeat=2)), dtype=float)
    np.testing.assert_allclose(preferences(t).utilities(pk), preferences(s).utilities(pk),
                               atol=1e-12)


def test_off_grid_positions_export_parley_utility_over_its_best(tmp_path: Path) -> None:
    """A at (10, 60) on the grid 0/50/100: the GENIUS utility of every package equals
    parley's utility divided by A's best grid utility c (module docstring)."""
    s = _scenario(pos_a=(10, 60))
    g = to_genius(s, points_per_issue=3)
    back = read_genius(g.domain, g.profiles)
    prefs = preferences(s)
    space = grid(s, 3)
    digits = np.array(list(itertools.product(range(3), repeat=2)))
    u = prefs.utilities(space.values_of(digits))
    c = g.scale["a"]
    assert c == pytest.approx(u[:, 0].max())
    np.testing.assert_allclose(back.profiles["a"].utilities(digits), u[:, 0] / c, atol=1e-12)
    assert back.profiles["a"].reservation == pytest.approx(0.4 / c)
    assert back.fit_error["a"] > 0


def test_import_normalises_like_genius() -> None:
    """Evaluations 2, 4, 8 are divided by 8; weights 1 and 3 by their sum: the package
    (low, yes) is worth 0.25 x 2/8 + 0.75 x 1 = 0.8125."""
    domain = """<negotiation_template><utility_space><objective name="d">
      <issue index="1" name="price" type="discrete">
        <item index="1" value="low"/><item index="2" value="mid"/><item index="3" value="high"/>
      </issue>
      <issue index="2" name="deal" type="discrete">
        <item index="1" value="yes"/><item index="2" value="no"/></issue>
    </objective></utility_space></negotiation_template>"""
    prof = """<utility_space><objective>
      <issue index="1" name="price"><item value="low" evaluation="2"/>
        <item value="mid" evaluation="4"/><item value="high" evaluation="8"/></issue>
      <issue index="2" name="deal"><item value="yes" evaluation="5"/>
        <item value="no" evaluation="0"/></issue>
      <weight index="1" value="1"/><weight index="2" value="3"/>
    </objective><reservation value="0.3"/><discount_factor value="0.9"/></utility_space>"""
    g = read_genius(domain, {"buyer": prof})
    p = g.profiles["buyer"]
    assert p.weights.tolist() == [0.25, 0.75]
    assert p.utilities(np.array([[0, 0]]))[0] == pytest.approx(0.8125)
    assert (p.reservation, p.discount) == (0.3, 0.9)
    s = g.scenario
    assert [o.label for o in s.issue("price").options] == ["low", "mid", "high"]
    assert s.stance("buyer", "price").position.value == 100  # 'high', best evaluated
    assert g.fit_error["buyer"] > 0  # 2/4/8 is not linear in the option index


def test_dtd_and_entities_are_refused() -> None:
    evil = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
            "<negotiation_template>&e;</negotiation_template>")
    with pytest.raises(ScenarioError, match="DTD"):
        read_genius(evil, {"a": "<utility_space/>"})


def test_bad_profiles_list_every_problem_with_lines() -> None:
    g = to_genius(_scenario(), points_per_issue=3)
    bad = g.profiles["a"].replace('value="50" evaluation', 'value="55" evaluation', 1)
    bad = re.sub(r'<reservation value="[^"]*"/>', '<reservation value="2"/>', bad)
    with pytest.raises(ScenarioError) as err:
        read_genius(g.domain, {"a": bad, "b": g.profiles["b"]})
    rules = [p.rule for p in err.value.problems]
    assert any("value of the domain" in r for r in rules)
    assert any("[0, 1]" in r for r in rules)
    assert any(p.line for p in err.value.problems)
