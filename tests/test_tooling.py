"""The house checks run the same way everywhere: ruff and mypy (strict) as tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (python -m pip install -e '.[test]')")
    targets = [d for d in ("src", "tests", "bench") if (REPO / d).is_dir()]
    proc = _run("ruff", "check", *targets)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_passes_on_the_package() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (python -m pip install -e '.[test]')")
    proc = _run(sys.executable, "-m", "mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_public_api_lists_are_complete_and_importable() -> None:
    """Every module declares __all__, and every name in it exists."""
    import importlib
    import pkgutil

    import parley

    for info in pkgutil.walk_packages(parley.__path__, "parley."):
        if info.name.startswith(("parley.web", "parley.__main__")):
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        assert names is not None, f"{info.name} has no __all__"
        for name in names:
            assert hasattr(module, name), f"{info.name}.__all__ names missing {name!r}"


def test_importing_parley_pulls_in_no_heavy_optional_dependency() -> None:
    code = ("import sys, parley, parley.models, parley.io, parley.report, parley.store; "
            "heavy = [m for m in ('matplotlib', 'dask', 'fastapi') if m in sys.modules]; "
            "print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "[]"
