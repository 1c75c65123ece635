"""The repaired wheel (scripts/python-wheel.sh) runs on a machine without
libcurl, simdjson and cpp-httplib: inside a private mount namespace in which
the system's copies of every library the extension needs beyond glibc and
libstdc++ are hidden (an empty file bind-mounted over each), the installed
package still imports, starts a sandbox and does a create/get round trip,
while the same extension before `auditwheel repair` fails to import there.

scripts/python-test.sh installs the repaired wheel into the virtualenv these
tests run in and names both wheels in AK_WHEEL and AK_RAW_WHEEL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import accountkit as ak

# What a manylinux policy lets a wheel take from the system (glibc's libraries,
# libstdc++, libgcc_s, libz, libexpat, the loader): everything else must be in the wheel.
SYSTEM = re.compile(r"^(libc|libm|libmvec|libdl|librt|libanl|libpthread|libutil|libresolv|libnsl|libstdc\+\+|"
                    r"libgcc_s|libatomic|libz|libexpat|ld-linux(-x86-64)?|linux-vdso)\.so")
# Hidden even if the extension stopped linking them directly.
ALWAYS_HIDDEN = ("libcurl", "libsimdjson", "libcpp-httplib")

PROBE = r"""
import json, os
import accountkit as ak
fields = json.loads(os.environ["AK_PROBE_FIELDS"])
with ak.Sandbox() as sb:
    client = sb.client("activeplatform")
    created = client.create_account(**fields)
    read = client.get_account(created.id)
    assert read["email"] == fields["email"], read.data
with open("/proc/self/maps") as maps:
    libs = sorted({line.split()[-1] for line in maps if ".so" in line.split()[-1]})
print(json.dumps({"package": ak.__file__, "id": created.id, "libs": libs}))
"""

ACCOUNT = {"account_type_id": 1, "account_class_id": 1, "first_name": "Ada", "last_name": "Lovelace",
           "country": "GB", "region": "Greater London", "city": "London", "street": "St James's Square",
           "building": "12", "office": "3", "zip": "SW1Y 4JH", "phone": "+442079460000",
           "email": "ada@lovelace.example"}


def wheel(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"{variable} is not set: scripts/python-test.sh builds the wheels and sets it")
    path = Path(value)
    assert path.is_file(), f"{variable}={value} does not exist"
    return path


def unshare_command() -> list[str]:
    """unshare -m as root; -rm (a user namespace mapping root) otherwise."""
    for command in (["unshare", "-m"], ["unshare", "-r", "-m"]):
        try:
            if subprocess.run([*command, "true"], capture_output=True).returncode == 0:
                return command
        except FileNotFoundError:
            break
    pytest.skip("unshare -m is not permitted here (needs root, or user namespaces): cannot hide libraries")


def dependencies(extension: Path) -> dict[str, Path]:
    """ldd of the extension as built: soname -> the system file it resolves to."""
    out = subprocess.run(["ldd", str(extension)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+) => (/\S+) ", line)
        if match:
            found[match.group(1)] = Path(match.group(2))
        assert "not found" not in line, out
    return found


def system_copies(prefixes: set[str]) -> list[Path]:
    """Every file in the loader's directories whose name starts with one of prefixes + '.so'
    or prefixes + '-' (the real files; symlinks resolve to them)."""
    dirs = ["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"]
    files = set()
    for d in map(Path, dirs):
        if not d.is_dir():
            continue
        for entry in d.iterdir():
            name = entry.name
            if any(name.startswith(p + ".so") or name.startswith(p + "-") for p in prefixes) and ".so" in name:
                real = entry.resolve()
                if real.is_file():
                    files.add(real)
    return sorted(files)


def run_hidden(hidden: list[Path], empty: Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    mounts = "".join(f'mount --bind "{empty}" "{f}" || exit 97\n' for f in hidden)
    script = mounts + 'exec "$@"\n'
    command = [*unshare_command(), "sh", "-c", script, "sh", sys.executable, "-c", PROBE]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert result.returncode != 97, f"could not bind-mount over the libraries: {result.stderr}"
    return result


def test_repaired_wheel_needs_no_system_libraries(tmp_path: Path) -> None:
    repaired, raw = wheel("AK_WHEEL"), wheel("AK_RAW_WHEEL")
    assert re.search(r"-manylinux_2_\d+_x86_64\.whl$", repaired.name), repaired.name
    # The suite runs against the repaired wheel: the grafted libraries sit beside the package.
    grafted = Path(ak.__file__).parent.with_name("accountkit.libs")
    assert grafted.is_dir(), "the installed package is not the repaired wheel"
    assert any(p.name.startswith("libcurl") for p in grafted.iterdir()), sorted(grafted.iterdir())

    # The extension before the repair, unpacked to run from PYTHONPATH.
    unpacked = tmp_path / "raw"
    with zipfile.ZipFile(raw) as zf:
        zf.extractall(unpacked)
    extension = next((unpacked / "accountkit").glob("_core*.so"))
    needed = dependencies(extension)
    foreign = {name.split(".so")[0] for name in needed if not SYSTEM.match(name)}
    assert {"libcurl", "libsimdjson", "libcpp-httplib"} <= foreign, needed
    hidden = system_copies(foreign | set(ALWAYS_HIDDEN))
    assert any(p.name.startswith("libcurl.so") for p in hidden), hidden
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_LIBRARY_PATH", "LD_PRELOAD")}
    env["AK_PROBE_FIELDS"] = json.dumps(ACCOUNT)

    def run(hide: list[Path], pythonpath: Path | None) -> subprocess.CompletedProcess[str]:
        run_env = dict(env, PYTHONPATH=str(pythonpath)) if pythonpath else env
        if hide:
            return run_hidden(hide, empty, run_env, elsewhere)
        return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=run_env,
                              cwd=elsewhere, timeout=120)

    # Control: with the system's libraries visible, the unrepaired extension works...
    plain = run([], unpacked)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["package"].startswith(str(unpacked)), plain.stdout
    # ...and with them hidden it cannot even be imported.
    bare = run(hidden, unpacked)
    assert bare.returncode != 0, bare.stdout
    assert "ImportError" in bare.stderr and re.search(r"lib(curl|simdjson|cpp-httplib)", bare.stderr), bare.stderr

    # The installed repaired wheel, libraries hidden: imports, sandbox, create/get round trip.
    repaired_run = run(hidden, None)
    assert repaired_run.returncode == 0, repaired_run.stderr
    report = json.loads(repaired_run.stdout)
    assert Path(report["package"]).parent == Path(ak.__file__).parent
    assert report["id"]
    loaded = [Path(p) for p in report["libs"]]
    for prefix in ("libcurl", "libsimdjson", "libcpp-httplib"):
        copies = [p for p in loaded if p.name.startswith(prefix)]
        assert copies and all(p.parent == grafted for p in copies), (prefix, copies)
    assert not set(loaded) & set(hidden), set(loaded) & set(hidden)
