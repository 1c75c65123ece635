"""The accountkit command end to end: validate, apply (JSONL, resume,
interrupts, concurrency, credentials), sandbox. CSV input: test_cli_csv.py."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, COMMVAULT_GLOBEX, COMMVAULT_INITECH, accountkit_command, run_cli
from cli_support import AP_CREATE, NN_CREATE, SAMPLE, by_line, nn, read_results, sandbox_env, write_jsonl


# -- basics -----------------------------------------------------------------------


def test_version_and_module_entry_point() -> None:
    out = run_cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"accountkit {ak.__version__}"
    mod = subprocess.run([sys.executable, "-m", "accountkit", "--version"], capture_output=True, text=True)
    assert mod.returncode == 0 and mod.stdout == out.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli().returncode == 2
    missing = run_cli("validate", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert run_cli("apply", str(SAMPLE)).returncode == 2  # --out is required
    both = run_cli("apply", str(SAMPLE), "--out", "-", "--echo")
    assert both.returncode == 2 and "--echo prints on standard output" in both.stderr


def test_vendors_command() -> None:
    out = run_cli("vendors")
    assert out.returncode == 0
    assert "ACCOUNTKIT_99DIGITAL_" in out.stdout and "admin_displayName" in out.stdout
    described = json.loads(run_cli("vendors", "--json").stdout)
    assert [v["name"] for v in described] == list(ak.VENDORS)


# -- validate ---------------------------------------------------------------------


def test_validate_the_sample() -> None:
    out = run_cli("validate", str(SAMPLE))
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert f"{SAMPLE}:7: [nn-invalid] 99digital create_account: agents: must have at most 4 digits (has 5) (max_digits) (expected)" in lines
    assert any(l.startswith(f"{SAMPLE}:17: [cv-invalid] commvault update_account: contacts[0].lastName:") for l in lines)
    assert all(l.endswith("(expected)") for l in lines)
    assert "32 records, 4 invalid (4 as expected)" in out.stderr


def test_validate_reports_every_problem_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join([
        json.dumps(nn("ok", "create_account", **NN_CREATE)),
        "",
        json.dumps(nn("bad", "create_account", **{**NN_CREATE, "agents": "many", "admin_email": "x"})),
        "{not json",
        json.dumps({"key": "v", "vendor": "nope", "operation": "create_account"}),
        json.dumps(nn("ok", "list_accounts")),
        json.dumps(nn("ref", "update_account", account_id="${missing.account_id}", server="online")),
        json.dumps(nn("ref2", "update_account", account_id="${ok.account_id}", server="online")),
        json.dumps({"key": "w", "vendor": "activeplatform", "operation": "wait", "fields": {}}),
        json.dumps({"vendor": "99digital", "operation": "list_accounts", "extra": 1}),
    ]) + "\n")
    out = run_cli("validate", str(path))
    assert out.returncode == 1
    text = out.stdout
    assert f"{path}:3: [bad] 99digital create_account: agents: must be an integer, got string (type)" in text
    assert f"{path}:3: [bad] 99digital create_account: admin_email: must be an email address (email)" in text
    assert f"{path}:4: [no key]: not valid JSON" in text
    assert f"{path}:5: [v] nope create_account: unknown vendor" in text
    assert f"{path}:6: [ok] 99digital list_accounts: the key \"ok\" is already used on line 1" in text
    assert f"{path}:7: [ref] 99digital update_account: account_id: refers to record 'missing'" in text
    assert f"{path}:9: [w] activeplatform wait: activeplatform has no asynchronous operations" in text
    assert f"{path}:10: [no key]" in text and "unknown record member(s): extra" in text
    assert ":1:" not in text and ":8:" not in text  # a reference to an earlier record is fine
    assert "9 records, 7 invalid" in out.stderr


def test_validate_reads_standard_input() -> None:
    records = json.dumps(nn("k", "create_account", **{**NN_CREATE, "inboxes": 1000})) + "\n"
    out = subprocess.run([*accountkit_command(), "validate", "-"], input=records, capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stdout.startswith("<stdin>:1: [k] 99digital create_account: inboxes:")


# -- apply ------------------------------------------------------------------------


@pytest.mark.parametrize("in_flight", ["1", "4", None])
def test_apply_the_sample_against_an_embedded_sandbox(tmp_path: Path, in_flight: str | None) -> None:
    results = tmp_path / "results.jsonl"
    more = ["--max-in-flight", in_flight] if in_flight else []
    out = run_cli("apply", str(SAMPLE), "--sandbox", "--sandbox-option", "commvault.update_delay_ms=200",
                  "--out", str(results), *more, env={"ACCOUNTKIT_COMMVAULT_POLL_INITIAL_MS": "50"})
    assert out.returncode == 0, out.stderr
    lines = read_results(results)
    sample = [json.loads(l) for l in SAMPLE.read_text().splitlines()]
    if in_flight == "1":
        assert [l["key"] for l in lines] == [r["key"] for r in sample]  # one at a time: file order
    assert sorted(l["key"] for l in lines) == sorted(r["key"] for r in sample)
    assert [l["line"] for l in by_line(results)] == list(range(1, len(sample) + 1))
    by_key = {l["key"]: l for l in lines}
    for record in sample:
        line = by_key[record["key"]]
        assert line["ok"] is ("expect" not in record), line
        assert line["vendor"] == record["vendor"] and line["operation"] == record["operation"]
        if "expect" in record:
            assert line["as_expected"] is True and line["error"]["category"] == record["expect"]
    created = by_key["nn-acme"]["result"]["data"]["account_id"]
    assert by_key["nn-acme-rename"]["result"]["data"]["account_id"] == created
    assert by_key["nn-acme-suspend"]["result"]["status"] == "suspended"
    assert by_key["nn-list"]["result"]["count"] == 2
    assert by_key["ap-ada-read"]["result"]["id"] == by_key["ap-ada"]["result"]["id"]
    assert by_key["cv-acme-update"]["result"]["status"] == "updating"
    settled = by_key["cv-acme-settled"]["result"]
    assert settled["status"] == "active" and settled["data"]["website"] is None
    assert by_key["cv-missing"]["error"]["http_status"] == 404
    fields = {f["path"] for f in by_key["nn-invalid"]["error"]["fields"]}
    assert fields == {"agents", "admin_email", "admin_password", "reference"}
    assert by_key["cv-acme-deactivated"]["result"]["status"] == "deactivated"
    assert by_key["cv-acme-active"]["result"]["status"] == "active"
    assert by_key["cv-northwind"]["result"]["status"] == "submitted"  # a fulfillment
    ready = by_key["cv-northwind-ready"]["result"]
    assert ready["status"] == "active" and ready["data"]["externalId"] == "NW-1001"
    assert by_key["nn-acme-agents"]["result"]["count"] == 1
    assert by_key["nn-acme-agents"]["result"]["items"][0]["email"] == "owner@acme.example"
    assert by_key["nn-acme-login"]["result"]["data"]["login"] == "***"  # a sign-in link: never in a result file
    assert "/sso/" not in results.read_text()
    assert by_key["ap-ada-users"]["result"]["items"][0]["email"] == "ada@lovelace.example"  # its owner
    assert by_key["ap-grace"]["result"]["status"] == "active"
    assert "Sandbox!Pass2" not in results.read_text()
    assert by_key["ap3-kat-patch"]["result"]["data"]["middle_name"] == "G"  # API v3: a PATCH
    assert "32 records: 27 succeeded, 5 failed (5 as expected)" in out.stderr
    assert "\r" not in out.stderr  # no progress bar when stderr is not a terminal
    assert "Sandbox!Pass1" not in results.read_text()  # request fields (and secrets) are not echoed


def test_apply_exit_status_says_whether_everything_succeeded(tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [
        nn("a", "list_accounts"),
        nn("b", "delete_account", accountID=4242, server="online"),
        nn("c", "create_account", **{**NN_CREATE, "agents": -1}),
    ])
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(records), "--sandbox", "--out", str(results))
    assert out.returncode == 1
    lines = by_line(results)
    assert [(l["key"], l["ok"]) for l in lines] == [("a", True), ("b", False), ("c", False)]
    assert lines[1]["error"]["category"] == "not_found" and lines[1]["error"]["vendor_code"] == "33"
    assert lines[2]["error"]["category"] == "validation"
    assert lines[2]["error"]["fields"][0]["path"] == "agents"
    assert lines[2]["line"] == 3


def test_apply_refuses_to_overwrite_results(tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [nn("a", "list_accounts")])
    results = tmp_path / "out.jsonl"
    results.write_text('{"key": "old"}\n')
    out = run_cli("apply", str(records), "--sandbox", "--out", str(results))
    assert out.returncode == 2 and "--resume" in out.stderr and "--overwrite" in out.stderr
    assert results.read_text() == '{"key": "old"}\n'
    assert run_cli("apply", str(records), "--sandbox", "--out", str(results), "--overwrite").returncode == 0
    assert [l["key"] for l in read_results(results)] == ["a"]


def test_resume_skips_done_keys_and_resolves_references_from_results(tmp_path: Path,
                                                                     external_sandbox: ak.Sandbox) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [
        nn("k1", "create_account", **NN_CREATE, reference="resume1"),
        nn("k2", "update_account", account_id="${k1.account_id}", server="online", account_name="Two"),
        {"key": "k3", "vendor": "activeplatform", "operation": "create_account", "fields": AP_CREATE},
        {"key": "k4", "vendor": "activeplatform", "operation": "get_account", "fields": {"account_id": "${k3.id}"}},
        nn("k5", "update_account", account_id="${k1.account_id}", server="online", account_name="Five"),
        {"key": "k6", "vendor": "activeplatform", "operation": "update_account",
         "fields": {"account_id": "${k3.id}", "city": "Six"}},
    ])
    results = tmp_path / "out.jsonl"
    env = sandbox_env(external_sandbox)
    assert run_cli("apply", str(records), "--out", str(results), env=env).returncode == 0
    full = results.read_text().splitlines(keepends=True)
    assert len(full) == 6
    # As if the first run had stopped while writing k4's line.
    results.write_text("".join(full[:3]) + full[3][:25])
    external_sandbox.clear_requests()

    out = run_cli("apply", str(records), "--out", str(results), "--resume", env=env)
    assert out.returncode == 0, out.stderr
    lines = read_results(results)
    assert [l["key"] for l in lines] == ["k1", "k2", "k3", "k4", "k5", "k6"]
    assert all(l["ok"] for l in lines)
    assert lines[4]["result"]["data"]["account_name"] == "Five"
    assert lines[5]["result"]["data"]["city"] == "Six"
    sent = [(r["method"], r["path"]) for r in external_sandbox.requests() if "accessToken" not in r["path"]]
    assert sent == [
        ("GET", f"/api/vendor/v1/accounts/{lines[2]['result']['id']}.json"),
        ("POST", "/api/online/updateAccount"),
        ("PUT", f"/api/vendor/v1/accounts/{lines[2]['result']['id']}.json"),
    ]
    assert "6 records: 3 succeeded, 0 failed, 3 skipped (done before)" in out.stderr

    # Everything done: a third run sends nothing.
    external_sandbox.clear_requests()
    assert run_cli("apply", str(records), "--out", str(results), "--resume", env=env).returncode == 0
    assert external_sandbox.requests() == []
    assert len(read_results(results)) == 6


def test_duplicate_keys_are_reported_and_never_shadow_the_first(tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [nn("k", "list_accounts"), nn("k", "list_accounts")])
    results = tmp_path / "out.jsonl"
    assert run_cli("apply", str(records), "--sandbox", "--out", str(results)).returncode == 1
    lines = read_results(results)
    assert [(l["key"], l["ok"]) for l in lines] == [("k", True), (None, False)]
    assert lines[1]["error"]["category"] == "invalid_record" and "line 1" in lines[1]["error"]["message"]
    # On resume the key is done (its own line says so); the duplicate is reported again.
    out = run_cli("apply", str(records), "--sandbox", "--out", str(results), "--resume")
    assert out.returncode == 1
    assert [(l["key"], l["ok"]) for l in read_results(results)][2:] == [(None, False)]


def test_resume_retry_failed(tmp_path: Path, external_sandbox: ak.Sandbox) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [
        {"key": "g", "vendor": "commvault", "operation": "get_account", "fields": {"id": COMMVAULT_ACME}},
    ])
    results = tmp_path / "out.jsonl"
    env = sandbox_env(external_sandbox)
    external_sandbox.add_faults({"vendor": "commvault", "method": "GET", "kind": "status", "status": 500})
    first = run_cli("apply", str(records), "--out", str(results), env={**env, "ACCOUNTKIT_COMMVAULT_MAX_ATTEMPTS": "1"})
    assert first.returncode == 1
    external_sandbox.clear_faults()
    # --resume alone keeps the failure (and says so by its exit status, and how to rerun it)...
    kept = run_cli("apply", str(records), "--out", str(results), "--resume", env=env)
    assert kept.returncode == 1
    assert "1 skipped (done before; 1 of them failed: add --retry-failed to run those again)" in kept.stderr
    # ...--retry-failed runs it again; the last line for a key is the one that counts.
    assert run_cli("apply", str(records), "--out", str(results), "--resume", "--retry-failed", env=env).returncode == 0
    assert [l["ok"] for l in read_results(results)] == [False, True]


def _wait_for_lines(path: Path, count: int, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().count("\n") >= count:
            return
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.01)
    raise AssertionError(f"{path} never got {count} lines")


def _commvault_updates(ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for n, account in enumerate(ids):
        out.append({"key": f"u{n}", "vendor": "commvault", "operation": "update_account",
                    "fields": {"id": account, "externalId": f"X{n}", "name": f"Name {n}", "contacts": []}})
        out.append({"key": f"w{n}", "vendor": "commvault", "operation": "wait", "fields": {"id": account},
                    "timeout": 60})
    return out


def test_interrupt_finishes_the_record_in_flight_then_resume(tmp_path: Path) -> None:
    with ak.Sandbox(update_delay=0.8) as sb:
        records = write_jsonl(tmp_path / "r.jsonl", _commvault_updates([COMMVAULT_ACME, COMMVAULT_GLOBEX,
                                                                        COMMVAULT_INITECH]))
        results = tmp_path / "out.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTKIT_")} | sandbox_env(sb)
        proc = subprocess.Popen([*accountkit_command(), "apply", str(records), "--out", str(results)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_for_lines(results, 1, proc)
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=30)
        finally:
            proc.kill()
        assert proc.returncode == 130, stderr
        assert "stopping once the records in flight have finished" in stderr and "--resume" in stderr
        lines = read_results(results)  # every line complete
        assert 1 <= len(lines) < 6
        assert all(l["ok"] for l in lines)

        out = run_cli("apply", str(records), "--out", str(results), "--resume", env=sandbox_env(sb))
        assert out.returncode == 0, out.stderr
        keys = [l["key"] for l in read_results(results)]
        assert keys == ["u0", "w0", "u1", "w1", "u2", "w2"]
        assert f"{len(lines)} skipped" in out.stderr


def test_second_interrupt_stops_at_once(tmp_path: Path) -> None:
    with ak.Sandbox(update_delay=60) as sb:
        records = write_jsonl(tmp_path / "r.jsonl", _commvault_updates([COMMVAULT_ACME]))
        results = tmp_path / "out.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTKIT_")} | sandbox_env(sb)
        proc = subprocess.Popen([*accountkit_command(), "apply", str(records), "--out", str(results)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_for_lines(results, 1, proc)
            time.sleep(0.2)  # the wait record is in flight
            proc.send_signal(signal.SIGINT)
            time.sleep(0.2)
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=10)
            assert time.monotonic() - started < 5
        finally:
            proc.kill()
        assert proc.returncode == 130
        assert "'w0' (line 2) was in flight" in stderr
        assert [l["key"] for l in read_results(results)] == ["u0"]


# -- concurrency (--max-in-flight) ------------------------------------------------------


def _nn_create(i: int, prefix: str) -> dict[str, Any]:
    return nn(f"{prefix}{i}", "create_account", **{**NN_CREATE, "reference": f"{prefix}{i}",
                                                  "account_name": f"Account {i}"})


def _server_references(sb: ak.Sandbox, prefix: str) -> list[str]:
    client = sb.client("99digital")
    return sorted(a["reference"] for a in client.list_accounts() if str(a.get("reference", "")).startswith(prefix))


def test_concurrent_apply_resolves_references_and_keeps_order_per_account(tmp_path: Path,
                                                                          external_sandbox: ak.Sandbox) -> None:
    records: list[dict[str, Any]] = []
    for i in range(12):
        records.append(_nn_create(i, "cc"))
        if i % 3 == 2:  # refers to a record that may still be in flight
            records.append(nn(f"cc{i}-rename", "update_account", account_id=f"${{cc{i}.account_id}}", server="online",
                              account_name=f"Renamed {i}"))
    records.append(nn("cc-list", "list_accounts"))
    # Two updates of one account: they must run in file order, not at once.
    for n in range(4):
        records.append(nn(f"cc0-u{n}", "update_account", account_id="${cc0.account_id}", server="online",
                          account_name=f"Step {n}"))
    records.append(nn("cc-bad", "create_account", **{**NN_CREATE, "agents": -1}))
    records.append(nn("cc1-delete", "delete_account", accountID="${cc1.account_id}", server="online"))
    path = write_jsonl(tmp_path / "r.jsonl", records)
    results = tmp_path / "out.jsonl"
    external_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/updateAccount", "kind": "delay",
                                 "delay_ms": 50, "probability": 0.5, "seed": 3})
    out = run_cli("apply", str(path), "--out", str(results), "--max-in-flight", "4", env=sandbox_env(external_sandbox))
    assert out.returncode == 1, out.stderr  # cc-bad
    lines = read_results(results)
    assert sorted(l["line"] for l in lines) == list(range(1, len(records) + 1))
    by_key = {l["key"]: l for l in lines}
    assert [k for k, l in by_key.items() if not l["ok"]] == ["cc-bad"]
    for i in (2, 5, 8, 11):
        renamed = by_key[f"cc{i}-rename"]["result"]["data"]
        assert renamed["account_id"] == by_key[f"cc{i}"]["result"]["data"]["account_id"]
        assert renamed["account_name"] == f"Renamed {i}"
    # Every update of cc0 ran after the one before it: the results say so in file order.
    order = [l["key"] for l in lines if l["key"].startswith("cc0-u")]
    assert order == [f"cc0-u{n}" for n in range(4)]
    final = {a["account_id"]: a for a in external_sandbox.client("99digital").list_accounts()}
    assert final[by_key["cc0"]["result"]["data"]["account_id"]]["account_name"] == "Step 3"
    assert _server_references(external_sandbox, "cc") == sorted(f"cc{i}" for i in range(12) if i != 1)
    assert "23 records: 22 succeeded, 1 failed" in out.stderr


def test_concurrent_resume_after_partial_results(tmp_path: Path, external_sandbox: ak.Sandbox) -> None:
    records = [_nn_create(i, "rs") for i in range(30)]
    records += [nn(f"rs{i}-up", "update_account", account_id=f"${{rs{i}.account_id}}", server="online",
                   account_name=f"Up {i}") for i in range(0, 30, 5)]
    path = write_jsonl(tmp_path / "r.jsonl", records)
    results = tmp_path / "out.jsonl"
    env = sandbox_env(external_sandbox)
    assert run_cli("apply", str(path), "--out", str(results), "--max-in-flight", "6", env=env).returncode == 0
    full = results.read_text().splitlines(keepends=True)
    assert len(full) == 36
    # As if the run had stopped after 14 lines (in completion order), the 15th cut short.
    results.write_text("".join(full[:14]) + full[14][:30])
    kept = {json.loads(l)["key"] for l in full[:14]}
    external_sandbox.clear_requests()
    out = run_cli("apply", str(path), "--out", str(results), "--resume", "--max-in-flight", "6", env=env)
    assert out.returncode == 0, out.stderr
    lines = read_results(results)
    assert sorted(l["key"] for l in lines) == sorted(r["key"] for r in records)  # each key once
    assert all(l["ok"] for l in lines)
    assert "14 skipped" in out.stderr
    creates = [r for r in external_sandbox.requests() if r["path"] == "/api/online/createAccount"]
    assert len(creates) == len([k for k in (f"rs{i}" for i in range(30)) if k not in kept])
    # The updates whose create was done before found its id in RESULTS.
    for l in lines:
        if l["key"].endswith("-up"):
            assert l["result"]["data"]["account_name"] == f"Up {l['key'][2:-3]}"
    # (The lines thrown away above stand for creates that did happen: those ran twice.)
    assert set(_server_references(external_sandbox, "rs")) == {f"rs{i}" for i in range(30)}


def test_first_interrupt_lets_every_record_in_flight_finish(tmp_path: Path, external_sandbox: ak.Sandbox) -> None:
    path = write_jsonl(tmp_path / "r.jsonl", [_nn_create(i, "in") for i in range(40)])
    results = tmp_path / "out.jsonl"
    external_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount", "kind": "delay",
                                 "delay_ms": 400})
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTKIT_")} | sandbox_env(external_sandbox)
    proc = subprocess.Popen([*accountkit_command(), "apply", str(path), "--out", str(results), "--max-in-flight",
                             "4"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_lines(results, 4, proc)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr
    assert "stopping once the records in flight have finished" in stderr
    lines = read_results(results)
    assert 4 <= len(lines) <= 12 and all(l["ok"] for l in lines)
    # Whatever was sent was recorded: no create happened without its line.
    assert _server_references(external_sandbox, "in") == sorted(l["key"] for l in lines)
    external_sandbox.clear_faults()
    out = run_cli("apply", str(path), "--out", str(results), "--resume", env=sandbox_env(external_sandbox))
    assert out.returncode == 0, out.stderr
    assert sorted(l["key"] for l in read_results(results)) == sorted(f"in{i}" for i in range(40))
    assert _server_references(external_sandbox, "in") == sorted(f"in{i}" for i in range(40))


def test_second_interrupt_names_every_record_in_flight(tmp_path: Path, external_sandbox: ak.Sandbox) -> None:
    path = write_jsonl(tmp_path / "r.jsonl", [nn("first", "list_accounts")] + [_nn_create(i, "st") for i in range(10)])
    results = tmp_path / "out.jsonl"
    external_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount", "kind": "delay",
                                 "delay_ms": 4000})
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTKIT_")} | sandbox_env(external_sandbox)
    proc = subprocess.Popen([*accountkit_command(), "apply", str(path), "--out", str(results), "--max-in-flight",
                             "3"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_lines(results, 1, proc)
        time.sleep(0.5)  # st0, st1, st2 are in flight
        proc.send_signal(signal.SIGINT)
        time.sleep(0.2)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr
    assert "stopped while 3 records were in flight: 'st0' (line 2), 'st1' (line 3), 'st2' (line 4)" in stderr
    assert [l["key"] for l in read_results(results)] == ["first"]


def test_max_in_flight_is_checked(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "r.jsonl", [nn("a", "list_accounts")])
    for bad in ("0", "1025"):
        out = run_cli("apply", str(path), "--sandbox", "--out", str(tmp_path / "o.jsonl"), "--max-in-flight", bad)
        assert out.returncode == 2 and "--max-in-flight" in out.stderr
    assert "--max-in-flight" in run_cli("apply", "--help").stdout


# -- credentials ----------------------------------------------------------------------


def test_config_file_and_environment(tmp_path: Path, external_sandbox: ak.Sandbox) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [
        {"key": "a", "vendor": "activeplatform", "operation": "list_accounts"},
    ])
    config = tmp_path / "accountkit.toml"
    config.write_text(
        "[activeplatform]\n"
        f'base_url = "{external_sandbox.base_url("activeplatform")}"\n'
        'api_token = "wrong-token-from-file"\n'
        "timeout_ms = 5000\n"
    )
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(records), "--config", str(config), "--out", str(results))
    assert out.returncode == 1
    error = read_results(results)[0]["error"]
    assert error["category"] == "auth"
    assert "wrong-token-from-file" not in results.read_text() + out.stderr + out.stdout
    # The environment wins over the file.
    out = run_cli("apply", str(records), "--config", str(config), "--out", str(results), "--overwrite",
                  env={"ACCOUNTKIT_ACTIVEPLATFORM_API_TOKEN": "sandbox-api-token"})
    assert out.returncode == 0, out.stderr
    config.write_text("[nope]\nx = 1\n")
    out = run_cli("apply", str(records), "--config", str(config), "--out", str(results), "--overwrite")
    assert out.returncode == 2 and "[nope]" in out.stderr


def test_missing_and_wrong_credentials_are_reported_per_record(tmp_path: Path,
                                                               external_sandbox: ak.Sandbox) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [nn("a", "list_accounts"), nn("b", "list_accounts")])
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(records), "--out", str(results),
                  env={"ACCOUNTKIT_99DIGITAL_BASE_URL": external_sandbox.base_url("99digital"),
                       "ACCOUNTKIT_99DIGITAL_CLIENT_ID": "sandbox-client"})
    assert out.returncode == 1
    errors = [l["error"] for l in read_results(results)]
    assert [e["category"] for e in errors] == ["invalid_argument", "invalid_argument"]
    assert "client_secret" in errors[0]["message"]
    out = run_cli("apply", str(records), "--out", str(results), "--overwrite",
                  env={"ACCOUNTKIT_99DIGITAL_BASE_URL": external_sandbox.base_url("99digital"),
                       "ACCOUNTKIT_99DIGITAL_CLIENT_ID": "sandbox-client",
                       "ACCOUNTKIT_99DIGITAL_CLIENT_SECRET": "Hunter2-not-it"})
    assert out.returncode == 1
    assert read_results(results)[0]["error"]["category"] == "auth"
    assert "Hunter2" not in results.read_text() + out.stderr + out.stdout


# -- terminal, sandbox command -------------------------------------------------------


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [nn(f"k{i}", "list_accounts") for i in range(3)])
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([*accountkit_command(), "apply", str(records), "--sandbox", "--out",
                               str(tmp_path / "out.jsonl")], stdout=subprocess.PIPE, stderr=slave, timeout=60)
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    text = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert re.search(r"\r\[#+-*\] \d/3 \d ok, 0 failed", text), text
    assert "3 records: 3 succeeded" in text


def test_sandbox_command_serves_until_interrupted() -> None:
    proc = subprocess.Popen([*accountkit_command(), "sandbox", "--port", "0", "--option",
                             "activeplatform.max_per_page=2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        url = match.group(1)
        client = ak.Client("activeplatform", base_url=url + "/activeplatform", api_token="sandbox-api-token")
        assert list(client.list_accounts(per_page=2)) == []
        with pytest.raises(ak.ValidationError):
            list(client.list_accounts(per_page=3))  # the knob took effect
        rest = ""
        while "export ACCOUNTKIT_COMMVAULT_PASSWORD" not in rest:
            rest += proc.stdout.readline()
        assert f"export ACCOUNTKIT_99DIGITAL_BASE_URL={url}/99digital" in rest
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0
