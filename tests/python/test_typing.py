"""The package's types: mypy --strict over it, stubtest of its stubs against
the real extension module, and the per-vendor types generated from the vendor
tables (accountkit/_vendors.pyi): programs with marked lines, where mypy must
report exactly the marked errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
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


# ---------------------------------------------------------------- per-vendor types

_CREATE = (
    'account_name="Acme", agents=5, inboxes=2, admin_email="ada@acme.example", admin_name="Ada", '
    'admin_displayName="Ada", admin_password="S3cret!pw"'
)

# A correct program: mypy --strict accepts it, and it runs against the sandbox.
GOOD = f"""
import asyncio

import accountkit as ak
from accountkit import VendorName


async def use_async(sb: ak.Sandbox) -> None:
    # AsyncClient is typed as Client is, with coroutine methods and async iterators.
    async with ak.AsyncClient("99digital", **sb.credentials("99digital"), max_in_flight=32) as ad:
        made = await ad.create_account({_CREATE}, reference="typed2")
        assert made.id is not None
        await ad.update_account(made.id, server="online", account_name="Acme")
        names = [a["account_name"] async for a in ad.list_accounts()]
        assert "Acme" in names, names
    ac = ak.AsyncClient("commvault", **sb.credentials("commvault"))
    got = await ac.get_account("3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76")
    assert got.id is not None
    assert [f.id async for f in ac.list_fulfillments(pageSize=5)] == []
    await ac.close()


with ak.Sandbox() as sb:
    d = ak.Client("99digital", **sb.credentials("99digital"), max_attempts=2, verify_tls=True)
    created = d.create_account({_CREATE}, reference="typed1", admin_2fa=0)
    assert created.id is not None
    d.update_account(created.id, server="online", account_name="Acme")
    d.update_account(account_id=int(created.id), server="online", account_status=1)
    names = [a["account_name"] for a in d.list_accounts()]
    assert "Acme" in names, names
    fields: dict[str, object] = {{"server": "online", "account_name": "Acme"}}
    d.call("update_account", fields, id=created.id)  # call() stays untyped: any operation, any mapping
    d.delete_account(created.id)
    c = ak.Client("commvault", **sb.credentials("commvault"))
    for account in c.list_accounts(pageSize=10):
        c.get_account(str(account.id))
    # Every operation is a typed method (Client.__getattr__ at run time).
    off = c.deactivate_account("3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76", disableLogin=True)
    assert off.status == "deactivating", off.status
    c.activate_account(id="3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76")
    assert [f.id for f in c.list_fulfillments(pageSize=5)] == []
    assert "activate_account" in dir(c)
    name: VendorName = "activeplatform"
    a = ak.Client(name, **sb.credentials("activeplatform"), timeout=5.0)
    assert isinstance(a, ak.Client)
    asyncio.run(use_async(sb))
print("ran")
"""

# Each marked line must get exactly the errors named (substrings of mypy's
# messages, separated by " || "), and no other line any error.
BAD = f"""
import accountkit as ak

d = ak.Client("99digital", access_token="t")
ak.Client("99digtal")  # E: No overload variant of "Client" matches argument type
ak.Client("99digital", api_token="t")  # E: No overload variant of "Client" matches argument types
ak.Client("99digital", max_attempts="3")  # E: No overload variant of "Client" matches argument types
d.create_account(acount_name="Acme", agents=5, inboxes=2, admin_email="a@b.example", admin_name="A", admin_displayName="A", admin_password="S3cret!pw")  # E: Unexpected keyword argument "acount_name" for "create_account" of "Digital99Client"; did you mean "account_name"?
d.create_account({_CREATE.replace("agents=5", 'agents="ten"')})  # E: Argument "agents" to "create_account" of "Digital99Client" has incompatible type "str"; expected "int"
d.create_account({_CREATE.replace('admin_email="ada@acme.example", ', "")})  # E: Missing named argument "admin_email"
d.create_account({_CREATE}, admin_2fa=3)  # E: Argument "admin_2fa" to "create_account" of "Digital99Client" has incompatible type "Literal[3]"
d.update_account("1", account_id=1)  # E: No overload variant of "update_account" of "Digital99Client" matches
d.update_account(server="online")  # E: No overload variant of "update_account" of "Digital99Client" matches
d.get_account(1)  # E: "None" not callable
d.list_accounts(page=1)  # E: Unexpected keyword argument "page"
c = ak.Client("commvault", username="u", password="p")
c.list_accounts(pageSise=10)  # E: Unexpected keyword argument "pageSise" for "list_accounts" of "CommvaultClient"; did you mean "pageSize"?
c.delete_account("x")  # E: "None" not callable
c.create_account({_CREATE})  # E: Unexpected keyword argument "account_name" for "create_account" of "CommvaultClient"
c.deactivate_account("x", disableLogin="yes")  # E: No overload variant of "deactivate_account" of "CommvaultClient" matches argument types "str", "str"
c.list_fulfillments(pageSise=5)  # E: Unexpected keyword argument "pageSise" for "list_fulfillments" of "CommvaultClient"
d.activate_account("1")  # E: "Digital99Client" has no attribute "activate_account"


async def use_async() -> None:
    a = ak.AsyncClient("99digital", access_token="t")
    await a.create_account(acount_name="Acme", agents=5, inboxes=2, admin_email="a@b.example", admin_name="A", admin_displayName="A", admin_password="S3cret!pw")  # E: Unexpected keyword argument "acount_name" for "create_account" of "Digital99AsyncClient"; did you mean "account_name"?
    await a.get_account(1)  # E: "None" not callable
    for _ in a.list_accounts():  # E: "AsyncIterator[Result]" has no attribute "__iter__"
        pass
    a.list_accounts(page=1)  # E: Unexpected keyword argument "page"
"""


def _mypy_errors(tmp_path: Path, program: str) -> dict[int, list[str]]:
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = _run("mypy", "--strict", "--no-error-summary", "--hide-error-context", "prog.py", cwd=tmp_path)
    found: dict[int, list[str]] = {}
    for line in result.stdout.splitlines():
        m = re.match(r"prog\.py:(\d+): error: (.*)", line)
        if m:
            found.setdefault(int(m.group(1)), []).append(m.group(2))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return found


def test_mypy_accepts_a_correct_program_that_runs(tmp_path: Path) -> None:
    assert _mypy_errors(tmp_path, GOOD) == {}
    ran = subprocess.run([sys.executable, "prog.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert ran.stdout.strip() == "ran", ran.stdout + ran.stderr


def test_mypy_rejects_unknown_vendors_fields_types_and_missing_required_fields(tmp_path: Path) -> None:
    found = _mypy_errors(tmp_path, BAD)
    lines = textwrap.dedent(BAD).splitlines()
    expected = {i + 1: line.split("  # E: ", 1)[1].split(" || ") for i, line in enumerate(lines) if "  # E: " in line}
    report = "\n".join(f"{n}: {m}" for n, ms in sorted(found.items()) for m in ms)
    assert set(found) == set(expected), report
    for number, wanted in expected.items():
        for text in wanted:
            assert any(text in m for m in found[number]), f"line {number} lacks {text!r}:\n{report}"


def test_the_vendor_stub_is_generated_from_the_vendor_table() -> None:
    import accountkit as ak

    stub = Path(ak.__file__).with_name("_vendors.pyi").read_text()
    assert "Generated by python/gen_stubs.py" in stub
    literal = re.search(r"^VendorName = Literal\[(.*)\]$", stub, re.M)
    assert literal is not None
    assert literal.group(1) == ", ".join(repr(v) for v in ak.VENDORS)
    # Every operation is a method of its vendor's client class, with its fields.
    for vendor in ak.describe_vendors():
        for op in vendor["operations"]:
            assert f"def {op['name']}(self" in stub, (vendor["name"], op["name"])
            for field in op["fields"]:
                assert repr(field["name"]) in stub, (vendor["name"], op["name"], field["name"])


def test_nothing_imports_typing_extensions_at_run_time() -> None:
    code = "import sys, accountkit, accountkit.cli; print('typing_extensions' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stdout + out.stderr
