"""``accountkit list``: every vendor's accounts on a sandbox that outlives the
run, printed as the common view in each format; --vendor all; errors."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, ap_account, nn_account, run_cli
from cli_support import sandbox_env

COLUMNS = ["vendor", "id", "name", "status", "vendor_status", "email", "country", "key", "created", "updated"]


def seed(sb: ak.Sandbox) -> dict[str, str]:
    """One account made on each vendor (Commvault has its fixed ones): vendor -> id."""
    made = {}
    made["99digital"] = ak.Client("99digital", **sb.credentials("99digital")).create_account(
        **nn_account(account_name="Listed", reference="crmlist")).id
    made["activeplatform"] = ak.Client("activeplatform", **sb.credentials("activeplatform")).create_account(
        **ap_account(primary_name="Listed AP")).id
    made["activeplatform-v3"] = ak.Client("activeplatform-v3", **sb.credentials("activeplatform-v3")).create_account(
        account_type_id=1, first_name="Ada", last_name="V3", email="ada@v3.example").id
    made["commvault"] = COMMVAULT_ACME
    return made


def jsonl(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("vendor", ["99digital", "activeplatform", "activeplatform-v3", "commvault"])
def test_each_vendor_as_jsonl(external_sandbox: ak.Sandbox, vendor: str) -> None:
    made = seed(external_sandbox)
    out = run_cli("list", "--vendor", vendor, "--format", "jsonl", env=sandbox_env(external_sandbox))
    assert out.returncode == 0, out.stderr
    views = jsonl(out.stdout)
    assert views and all(v["vendor"] == vendor and list(v)[:10] == COLUMNS for v in views)
    (mine,) = [v for v in views if v["id"] == made[vendor]]
    assert mine["status"] == "active"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", mine["created"])
    expected = {"99digital": ("Listed", "crmlist"), "activeplatform": ("Listed AP", None),
                "activeplatform-v3": ("Ada V3", None), "commvault": ("Acme ltd", "XSP1234")}[vendor]
    assert (mine["name"], mine["key"]) == expected
    # the vendor's record, as list_accounts returns it
    client = ak.Client(vendor, **external_sandbox.credentials(vendor))
    (item,) = [r for r in client.list_accounts() if r.id == made[vendor]]
    assert mine["record"] == item.data


def test_all_vendors_as_csv_and_table(external_sandbox: ak.Sandbox) -> None:
    made = seed(external_sandbox)
    env = sandbox_env(external_sandbox)
    out = run_cli("list", "--vendor", "all", "--format", "csv", env=env)
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == COLUMNS
    by_vendor = {row[0] for row in rows[1:]}
    assert by_vendor == set(ak.VENDORS)
    assert [row for row in rows[1:] if row[0] == "commvault" and row[1] == COMMVAULT_ACME][0][7] == "XSP1234"
    assert any(row[0] == "99digital" and row[1] == made["99digital"] and row[5] == "" for row in rows)  # no email
    table = run_cli("list", "--vendor", "all", env=env)  # table is the default
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == COLUMNS and len(lines) == len(rows)
    assert any(line.split()[:2] == ["commvault", COMMVAULT_ACME] for line in lines)
    # only the vendors with credentials
    only = {k: v for k, v in env.items() if k.startswith("ACCOUNTKIT_COMMVAULT_")}
    out = run_cli("list", "--vendor", "all", "--format", "jsonl", env=only)
    assert out.returncode == 0 and {v["vendor"] for v in jsonl(out.stdout)} == {"commvault"}


def test_embedded_sandbox_and_errors(external_sandbox: ak.Sandbox) -> None:
    out = run_cli("list", "--vendor", "commvault", "--sandbox", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert COMMVAULT_ACME in {v["id"] for v in jsonl(out.stdout)}
    assert run_cli("list").returncode == 2  # --vendor is required
    assert run_cli("list", "--vendor", "nosuch").returncode == 2
    nothing = run_cli("list", "--vendor", "all")
    assert nothing.returncode == 2 and "no vendor has credentials" in nothing.stderr
    # a vendor that fails is reported, the others are still listed
    env = sandbox_env(external_sandbox)
    env["ACCOUNTKIT_ACTIVEPLATFORM_API_TOKEN"] = "wrong-token-for-the-test"
    out = run_cli("list", "--vendor", "all", "--format", "jsonl", env=env)
    assert out.returncode == 1
    assert "accountkit list: activeplatform:" in out.stderr and "wrong-token-for-the-test" not in out.stderr
    assert "commvault" in {v["vendor"] for v in jsonl(out.stdout)}


def test_environment_variables_go_to_the_longest_vendor_prefix() -> None:
    from accountkit.cli import load_options

    environ = {"ACCOUNTKIT_ACTIVEPLATFORM_V3_API_TOKEN": "t3", "ACCOUNTKIT_ACTIVEPLATFORM_API_TOKEN": "t1"}
    options = load_options(None, environ)
    assert options["activeplatform"] == {"api_token": "t1"}
    assert options["activeplatform-v3"] == {"api_token": "t3"}
