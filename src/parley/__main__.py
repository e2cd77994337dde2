"""``python -m parley``: the command line."""

from parley.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    main()
