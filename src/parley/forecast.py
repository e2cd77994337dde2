"""The main job: run models on a scenario, store the runs, write the briefing.

This is the library function behind ``parley forecast`` (DESIGN.md, "data flow of the main
job"): scenario -> each selected model's ``run`` -> forecasts -> store (one run row per
model) -> per-issue rows -> HTML briefing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from parley.errors import MissingExtraError
from parley.models import Forecast, get_model
from parley.scenario import Scenario

__all__ = ["BASELINE_MODELS", "ForecastRun", "run_forecasts"]

BASELINE_MODELS = ("compromise", "weighted-median", "nash")


@dataclass(frozen=True)
class ForecastRun:
    """What :func:`run_forecasts` did: forecasts, per-issue rows, stored runs, briefing."""

    scenario: Scenario
    forecasts: tuple[Forecast, ...]
    rows: list[dict[str, Any]]
    runs: tuple[Any, ...] = ()
    store_path: Path | None = None
    report_path: Path | None = None
    report_skipped: str = ""
    seed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``parley forecast --json``."""
        return {
            "scenario": {"name": self.scenario.name, "title": self.scenario.title,
                         "hash": self.scenario.content_hash()},
            "seed": self.seed,
            "models": [f.model for f in self.forecasts],
            "issues": self.rows,
            "forecasts": [f.to_dict() for f in self.forecasts],
            "runs": [{"id": r.id, "model": r.model, "started_at": r.started_at,
                      "finished_at": r.finished_at} for r in self.runs],
            "store": str(self.store_path) if self.store_path else None,
            "report": str(self.report_path) if self.report_path else None,
        }


def run_forecasts(
    scenario: Scenario,
    *,
    models: Sequence[str] | None = None,
    seed: int | None = None,
    store: str | Path | None = None,
    report: str | Path | Literal["default"] | None = None,
) -> ForecastRun:
    """Run each model on ``scenario``; optionally record the runs and write a briefing.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    models : sequence of str, optional
        Registered model names (default: :data:`BASELINE_MODELS`).
    seed : int, optional
        Seed handed to every model (deterministic models ignore it).
    store : path or "default", optional
        Run store to record one run per model in (``None``: do not record).
    report : path or "default", optional
        Where to write the HTML briefing (``"default"``:
        ``./parley-briefing-<scenario>.html``; ``None``: no briefing).
    """
    from parley.report import forecast_rows

    chosen = [get_model(name) for name in (models or BASELINE_MODELS)]
    timed: list[tuple[Forecast, datetime, datetime]] = []
    for model in chosen:
        started = datetime.now(UTC)
        result = model.run(scenario, rng=seed)
        timed.append((result, started, datetime.now(UTC)))
    forecasts = tuple(f for f, _, _ in timed)

    records: tuple[Any, ...] = ()
    store_path = None
    if store is not None:
        from parley.store import RunStore

        with RunStore(None if store == "default" else store) as st:
            records = tuple(st.save_forecast(f, scenario, seed=seed, started_at=t0,
                                             finished_at=t1) for f, t0, t1 in timed)
            store_path = st.path

    report_path, skipped = None, ""
    if report is not None:
        path = Path(f"parley-briefing-{scenario.name}.html") if report == "default" else Path(
            report)
        try:
            from parley.report import write_briefing

            report_path = write_briefing(scenario, forecasts, path)
        except MissingExtraError as err:
            skipped = f"briefing not written: {err}"
    return ForecastRun(scenario=scenario, forecasts=forecasts,
                       rows=forecast_rows(scenario, forecasts), runs=records,
                       store_path=store_path, report_path=report_path,
                       report_skipped=skipped, seed=seed)
