"""Correct under ambiguity, from Python (issue 13): a repeated reference is
never another customer's account, a slow vendor gets one create, a refused
credential is asked once, and wait's timeout bounds the read in flight."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import accountkit as ak
from conftest import COMMVAULT_ACME, nn_account, run_cli
from test_cli import by_line, nn, NN_CREATE, write_jsonl


def held(client: ak.Client, reference: str) -> list[str]:
    return [a["account_name"] for a in client.list_accounts() if a["reference"] == reference]


def test_a_repeated_reference_returns_this_requests_account(fresh_sandbox: ak.Sandbox) -> None:
    c = fresh_sandbox.client("99digital", retry_base_ms=1)
    first = c.create_account(**nn_account(account_name="First Company", reference="dup1"))
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount",
                              "kind": "drop_after_commit", "count": 1})
    second = c.create_account(**nn_account(account_name="Second Company", reference="dup1"))
    assert second["account_name"] == "Second Company"
    assert second.id != first.id
    assert second.recovered and second.unavailable == ("agent_id",)
    assert not first.recovered and first.unavailable is None
    assert second.to_dict()["recovered"] is True
    assert sorted(held(c, "dup1")) == ["First Company", "Second Company"]


def test_candidates_are_named_when_none_is_provably_ours(fresh_sandbox: ak.Sandbox) -> None:
    c = fresh_sandbox.client("99digital", retry_base_ms=1)
    same = nn_account(account_name="Twin", reference="dup2")
    first = c.create_account(**same)
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount",
                              "kind": "drop_after_commit", "count": 1})
    with pytest.raises(ak.OutcomeUnknownError) as caught:
        c.create_account(**same)
    assert len(caught.value.candidates) == 2 and caught.value.candidates[0] == first.id
    assert caught.value.to_dict()["candidates"] == caught.value.candidates


def test_a_slow_vendor_gets_one_create(fresh_sandbox: ak.Sandbox) -> None:
    c = fresh_sandbox.client("99digital", retry_base_ms=1, timeout_ms=1000, lookup_settle_ms=2500)
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount",
                              "kind": "delay", "delay_ms": 2500, "count": 1})
    r = c.create_account(**nn_account(reference="slowpy"))
    assert r.recovered
    assert held(c, "slowpy") == ["Acme Inc"]


def test_a_wrong_secret_is_asked_once(fresh_sandbox: ak.Sandbox) -> None:
    c = fresh_sandbox.client("99digital", client_secret="a-mistyped-secret-value")
    with pytest.raises(ak.AuthError):
        c.check_credentials()
    for _ in range(3):
        with pytest.raises(ak.AuthError) as caught:
            c.create_account(**nn_account())
        assert caught.value.vendor_code == "2"
    assert [r["path"] for r in fresh_sandbox.requests()] == ["/api/settings/accessToken"]
    assert fresh_sandbox.client("99digital").check_credentials() is True
    assert fresh_sandbox.client("activeplatform").check_credentials() is False


def test_wait_timeout_bounds_a_read_in_flight(fresh_sandbox: ak.Sandbox) -> None:
    c = fresh_sandbox.client("commvault")
    fresh_sandbox.add_faults({"vendor": "commvault", "method": "GET", "path": "/api/v1/partner/accounts/*",
                              "kind": "delay", "delay_ms": 4000})
    started = time.monotonic()
    with pytest.raises(ak.TimeoutError):
        c.wait(COMMVAULT_ACME, timeout=1)
    assert time.monotonic() - started < 3


def test_apply_checks_credentials_once_and_stops(tmp_path: Path, fresh_sandbox: ak.Sandbox) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [
        nn(f"k{i}", "create_account", **{**NN_CREATE, "reference": f"cred{i}"}) for i in range(5)
    ])
    results = tmp_path / "out.jsonl"
    env = {"ACCOUNTKIT_99DIGITAL_BASE_URL": fresh_sandbox.base_url("99digital"),
           "ACCOUNTKIT_99DIGITAL_CLIENT_ID": "sandbox-client",
           "ACCOUNTKIT_99DIGITAL_CLIENT_SECRET": "a-mistyped-secret-value"}
    out = run_cli("apply", str(records), "--out", str(results), env=env)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert "ACCOUNTKIT_99DIGITAL_CLIENT_SECRET (environment)" in out.stderr
    assert "a-mistyped-secret-value" not in out.stderr + results.read_text()
    assert out.stderr.count("wrong client_id or client_secret") == 1, out.stderr
    lines = by_line(results)
    assert len(lines) == 1 and lines[0]["error"]["category"] == "auth"
    assert [r["path"] for r in fresh_sandbox.requests()] == ["/api/settings/accessToken"]
