"""The package's types: mypy --strict over it and stubtest of the stubs
(_core.pyi) against the real extension module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPY_CACHE_DIR=str(cwd / ".mypy_cache"))
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_stubtest(tmp_path: Path) -> None:
    allowlist = Path(__file__).with_name("stubtest-allowlist.txt")
    result = _run("mypy.stubtest", "--concise", "--allowlist", str(allowlist), "accountkit", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_over_the_installed_package(tmp_path: Path) -> None:
    result = _run("mypy", "--strict", "-p", "accountkit", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
