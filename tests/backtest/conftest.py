"""Fixtures of the backtest tests: the small DEU file in tests/data and the real DEU III file."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.io.deu import DeuData, load_deu

SMALL = Path(__file__).resolve().parents[1] / "data" / "deu" / "small.tsv"
DEU3 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "deu" / "deu3.tsv"


@pytest.fixture(scope="session")
def small() -> DeuData:
    """tests/data/deu/small.tsv: five issues, three scoreable (hand-computed errors)."""
    return load_deu(SMALL)


@pytest.fixture(scope="session")
def deu3() -> DeuData:
    """../shared/data/deu/deu3.tsv; skips when the shared data folder is absent."""
    if not DEU3.is_file():
        pytest.skip(f"DEU III data not found at {DEU3.resolve()} (../shared/data sits beside "
                    "the checkout in CI only)")
    return load_deu(DEU3)
