"""``python -m accountkit``: the accountkit command line (see accountkit.cli)."""

from accountkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
