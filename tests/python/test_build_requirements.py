"""Building without the development packages (pip install . or from the sdist
on a bare machine) stops at CMake's configure step with one message naming
every missing library and the packages that provide it (cmake/dependencies.cmake).
The packages are hidden from CMake: find_package disabled, pkg-config pointed
at an empty directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

DEBIAN = "libcurl4-openssl-dev libsimdjson-dev libcpp-httplib-dev"
FEDORA = "libcurl-devel simdjson-devel cpp-httplib-devel"


def configure(tmp_path: Path, *disabled: str, hide_pkg_config: bool = False) -> subprocess.CompletedProcess[str]:
    cmake = shutil.which("cmake")
    assert cmake, "cmake is not installed (scripts/install-deps.sh)"
    env = dict(os.environ)
    if hide_pkg_config:
        empty = tmp_path / "no-pc"
        empty.mkdir()
        env["PKG_CONFIG_LIBDIR"] = str(empty)
        env.pop("PKG_CONFIG_PATH", None)
    args = [cmake, "-S", str(REPO), "-B", str(tmp_path / "build"), "-DAK_BUILD_TESTS=OFF", "-DAK_BUILD_EXAMPLES=OFF"]
    args += [f"-DCMAKE_DISABLE_FIND_PACKAGE_{name}=ON" for name in disabled]
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


def message(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    text = " ".join((result.stdout + result.stderr).split())  # CMake wraps long lines
    assert "these development packages were not found" in text, text
    assert f"Debian/Ubuntu: apt-get install {DEBIAN}" in text, text
    assert f"Fedora: dnf install {FEDORA}" in text, text
    assert "pybind11" in text
    return text


def test_every_missing_library_is_named(tmp_path: Path) -> None:
    text = message(configure(tmp_path, "CURL", "simdjson", hide_pkg_config=True))
    assert "not found: libcurl, simdjson, cpp-httplib" in text, text


def test_only_the_missing_library_is_named(tmp_path: Path) -> None:
    text = message(configure(tmp_path, "simdjson"))
    assert "not found: simdjson." in text, text
