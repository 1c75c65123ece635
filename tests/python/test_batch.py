"""Bulk work: Client.run_many (many operations in flight on one thread,
outcomes in completion order) and validate_many (one pass over many records)."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

import accountkit as ak

from conftest import REPO, SLOW_SERVER_DELAY, ap_account, nn_account


def nn_create(i: int, prefix: str = "bulk") -> tuple[str, dict[str, Any]]:
    return ("create_account", nn_account(reference=f"{prefix}{i}", admin_email=f"u{i}@{prefix}.example",
                                         account_name=f"Account {i}"))


def references_on_server(client: ak.Client, prefix: str) -> Counter[str]:
    return Counter(a["reference"] for a in client.list_accounts() if str(a.get("reference", "")).startswith(prefix))


# -- run_many -----------------------------------------------------------------------


@pytest.mark.parametrize("max_in_flight", [1, 4, 16])
def test_many_creates_map_back_to_their_input(fresh_sandbox: ak.Sandbox, max_in_flight: int) -> None:
    client = fresh_sandbox.client("99digital")
    prefix = f"m{max_in_flight}x"
    ops = [nn_create(i, prefix) for i in range(60)]
    outcomes = list(client.run_many(ops, max_in_flight=max_in_flight))
    assert sorted(o.index for o in outcomes) == list(range(60))
    for o in outcomes:
        assert o.ok and o.error is None and isinstance(o.result, ak.Result), o
        assert o.operation == "create_account" and o.result.operation == "create_account"
        assert o.result["reference"] == f"{prefix}{o.index}"  # index is the input position
        assert o.result.id == str(o.result["account_id"])
    if max_in_flight == 1:
        assert [o.index for o in outcomes] == list(range(60))  # one at a time: input order
    ids = [o.result["account_id"] for o in outcomes if o.result is not None]
    assert len(set(ids)) == 60
    assert references_on_server(client, prefix) == Counter({f"{prefix}{i}": 1 for i in range(60)})
    paths = [r["path"] for r in fresh_sandbox.requests()]
    assert paths.count("/api/online/createAccount") == 60
    assert paths.count("/api/settings/accessToken") == 1


def test_outcomes_come_in_completion_order(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("activeplatform")
    created = [client.create_account(**ap_account(first_name=f"N{i}")) for i in range(4)]
    slow = created[0].id
    fresh_sandbox.add_faults({"vendor": "activeplatform", "method": "GET", "kind": "delay", "delay_ms": 500,
                              "path": f"/api/vendor/v1/accounts/{slow}.json"})
    started = time.monotonic()
    outcomes = list(client.run_many([("get_account", {"account_id": int(c.id or 0)}) for c in created],
                                    max_in_flight=4))
    elapsed = time.monotonic() - started
    assert [o.index for o in outcomes][-1] == 0  # the slow one, first in, comes out last
    assert sorted(o.index for o in outcomes) == [0, 1, 2, 3]
    for o in outcomes:
        assert o.result is not None and o.result.id == created[o.index].id
    assert elapsed < 1.0  # the others did not wait behind it


def test_invalid_fields_and_unknown_operations_are_outcomes(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("99digital")
    ops: list[tuple[Any, Any]] = [
        nn_create(0, "inv"),
        ("create_account", nn_account(agents=12345, admin_email="nope")),
        ("no_such_operation", {}),
        nn_create(1, "inv"),
        ("update_account", None),
        (42, {}),
    ]
    outcomes = {o.index: o for o in client.run_many(ops, max_in_flight=4)}
    assert sorted(outcomes) == list(range(6))
    assert outcomes[0].ok and outcomes[3].ok
    bad = outcomes[1]
    assert not bad.ok and bad.result is None and isinstance(bad.error, ak.ValidationError)
    assert {(f.path, f.rule) for f in bad.error.errors} >= {("agents", "max_digits"), ("admin_email", "email")}
    assert bad.error.http_status is None and bad.error.attempts == 0  # nothing sent
    assert isinstance(outcomes[2].error, ak.UnknownOperationError) and outcomes[2].operation == "no_such_operation"
    assert isinstance(outcomes[4].error, ak.ValidationError)
    assert {f.path for f in outcomes[4].error.errors} >= {"account_id", "server"}
    assert isinstance(outcomes[5].error, ak.InvalidArgumentError)
    # The same errors as call() raises.
    with pytest.raises(ak.ValidationError) as info:
        client.call(*ops[1])
    assert [tuple(f) for f in info.value.errors] == [tuple(f) for f in bad.error.errors]


@pytest.mark.parametrize("validate", [True, False])
def test_values_json_cannot_express_are_outcomes(sandbox: ak.Sandbox, validate: bool) -> None:
    client = sandbox.client("99digital", validate=validate)
    values: list[object] = [datetime.date(2024, 1, 1), float("nan"), {1, 2}, 2**70, b"x"]
    ops = [("create_account", nn_account(account_name=v)) for v in values]
    ops.append(("create_account", ["not", "a", "mapping"]))  # type: ignore[arg-type]
    sandbox.clear_requests()
    outcomes = sorted(client.run_many(ops), key=lambda o: o.index)
    assert len(outcomes) == len(ops)
    for o in outcomes[:-1]:
        assert isinstance(o.error, ak.ValidationError), o
        assert ("account_name", "type") in {(f.path, f.rule) for f in o.error.errors}
    # Fields that are not a mapping are the caller's mistake, as in every front end.
    assert isinstance(outcomes[-1].error, ak.InvalidArgumentError), outcomes[-1]
    assert "must be an object" in outcomes[-1].error.message
    assert [r for r in sandbox.requests() if r["path"] == "/api/online/createAccount"] == []


def test_input_is_pulled_lazily(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("99digital")
    pulled = 0

    def ops() -> Iterator[tuple[str, dict[str, Any]]]:
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield ("list_accounts", {})

    stream = client.run_many(ops(), max_in_flight=3)
    assert pulled == 0  # nothing happens before the first next()
    first = next(stream)
    assert first.ok and pulled <= 4
    for n, _ in enumerate(stream, start=2):
        assert pulled <= n + 3  # never more than max_in_flight ahead of what was yielded
        if n == 20:
            break
    assert pulled <= 23


def test_an_early_break_abandons_the_rest(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital")
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount", "kind": "delay",
                              "delay_ms": 300})
    started = time.monotonic()
    for outcome in client.run_many((nn_create(i, "brk") for i in range(100)), max_in_flight=8):
        assert outcome.ok
        break  # the iterator is dropped here: its batch is freed, the other 7 abandoned
    assert time.monotonic() - started < 2  # no waiting for the 7 in flight (nor the 92 never pulled)
    # close() does the same for an iterator that is kept.
    stream = client.run_many((nn_create(i, "brk2") for i in range(100)), max_in_flight=8)
    assert next(stream).ok
    stream.close()  # type: ignore[attr-defined]
    with pytest.raises(StopIteration):
        next(stream)
    assert time.monotonic() - started < 4
    fresh_sandbox.clear_faults()
    # The client goes on working; only what was in flight was sent.
    assert client.call(*nn_create(1000, "after")).id
    sent = [r for r in fresh_sandbox.requests() if r["path"] == "/api/online/createAccount"]
    assert len(sent) <= 17


def test_retries_under_faults_create_each_account_exactly_once(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital", max_attempts=8, retry_base_ms=1, retry_max_ms=20)
    fresh_sandbox.add_faults([
        {"vendor": "99digital", "path": "/api/online/createAccount", "kind": "status", "status": 503,
         "probability": 0.2, "seed": 11},
        {"vendor": "99digital", "path": "/api/online/createAccount", "kind": "drop_after_commit",
         "probability": 0.2, "seed": 12},
    ])
    outcomes = list(client.run_many((nn_create(i, "once") for i in range(80)), max_in_flight=16))
    failed = [o for o in outcomes if not o.ok]
    assert failed == [], failed[:3]
    faults = Counter(r.get("fault") for r in fresh_sandbox.requests() if r["path"] == "/api/online/createAccount")
    assert faults["status"] > 0 and faults["drop_after_commit"] > 0  # the faults did fire
    fresh_sandbox.clear_faults()
    assert references_on_server(client, "once") == Counter({f"once{i}": 1 for i in range(80)})
    for o in outcomes:
        assert o.result is not None and o.result["reference"] == f"once{o.index}"


def test_errors_are_scrubbed_and_carry_their_category(sandbox: ak.Sandbox) -> None:
    client = ak.Client("99digital", base_url=sandbox.base_url("99digital"), client_id="sandbox-client",
                       client_secret="Hunter2-very-secret")
    outcomes = list(client.run_many([nn_create(i, "auth") for i in range(3)]))
    assert len(outcomes) == 3
    for o in outcomes:
        assert isinstance(o.error, ak.AuthError)
        assert o.error.vendor == "99digital" and o.error.operation == "create_account"
        for text in (str(o.error), repr(o), o.error.raw_body or ""):
            assert "Hunter2-very-secret" not in text
    missing = ak.Client("99digital", base_url=sandbox.base_url("99digital"), client_id="sandbox-client")
    (outcome,) = list(missing.run_many([nn_create(0, "miss")]))
    assert isinstance(outcome.error, ak.InvalidArgumentError) and "client_secret" in str(outcome.error)


def test_bad_arguments_raise(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("99digital")
    for bad in (0, 1025, True, 2.0, "4"):
        with pytest.raises(ak.InvalidArgumentError, match="max_in_flight"):
            client.run_many([], max_in_flight=bad)  # type: ignore[arg-type]
    assert list(client.run_many([])) == []
    with pytest.raises(ak.InvalidArgumentError, match="pair"):
        list(client.run_many(["create_account"]))  # type: ignore[list-item]
    with pytest.raises(TypeError):
        client.run_many(5)  # type: ignore[arg-type]


def test_outcome_repr() -> None:
    result = ak.Result({"account_id": 1, "admin_password": "S3cret!pw"}, id="1", vendor="99digital",
                       operation="create_account")
    ok = ak.Outcome(3, "create_account", result, None)
    assert ok.ok and "index=3" in repr(ok) and "S3cret" not in repr(ok)
    failed = ak.Outcome(4, "create_account", None, ak.NotFoundError("gone"))
    assert not failed.ok and "NotFoundError" in repr(failed)


def test_rate_limit_options_pace_a_batch(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("activeplatform", requests_per_second=20)
    started = time.monotonic()
    outcomes = list(client.run_many([("list_accounts", {})] * 10, max_in_flight=10))
    elapsed = time.monotonic() - started
    assert all(o.ok for o in outcomes)
    assert elapsed >= 0.4  # 10 requests at 20 per second: 0.45 s at least
    waited = ak.Client("activeplatform", **fresh_sandbox.credentials("activeplatform"), requests_per_second=1,
                       rate_limit_max_wait_ms=100)
    outcomes = sorted(waited.run_many([("list_accounts", {})] * 3), key=lambda o: o.index)
    assert outcomes[0].ok
    limited = [o.error for o in outcomes if o.error is not None]
    assert limited and all(isinstance(e, ak.RateLimitError) and e.http_status is None for e in limited)


# -- concurrency on one thread, against a server that needs the GIL -------------------


def test_operations_overlap_and_the_gil_is_released(slow_server: str) -> None:
    client = ak.Client("activeplatform", base_url=slow_server, api_token="tok-123456", timeout=10, max_attempts=1)
    started = time.monotonic()
    outcomes = list(client.run_many([("get_account", {"account_id": i}) for i in range(1, 13)], max_in_flight=12))
    elapsed = time.monotonic() - started
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if o.error]
    assert sorted(o.result.id for o in outcomes if o.result) == sorted(str(i) for i in range(1, 13))
    assert elapsed < 12 * SLOW_SERVER_DELAY * 0.4, elapsed  # overlapped (the server itself needs the GIL)


def test_ctrl_c_interrupts_run_many(slow_server: str) -> None:
    script = textwrap.dedent(f"""
        import signal, sys, time
        import accountkit as ak
        # Python leaves SIGINT ignored when it starts with it ignored (a
        # background job of a shell, as a CI runner may be): restore Ctrl-C.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        client = ak.Client("activeplatform", base_url={slow_server!r}, api_token="tok-123456", timeout=60)
        print("started", flush=True)
        try:
            for outcome in client.run_many(("get_account", {{"account_id": 1}}) for _ in range(10**6)):
                pass
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
    """)
    # The server is this process's: the child's requests stay unanswered for 0.3 s each.
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=REPO / "build" if (REPO / "build").is_dir() else None,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        out, _ = proc.communicate(timeout=10)
        assert time.monotonic() - started < 2
    finally:
        proc.kill()
    assert proc.returncode == 3 and "interrupted" in out


# -- validate_many -------------------------------------------------------------------


def _records() -> list[Any]:
    return [
        nn_account(),
        nn_account(agents=12345, admin_email="nope", admin_password="weak"),
        {},
        None,
        nn_account(account_name=datetime.date(2024, 1, 1), reference="has spaces"),
        nn_account(admin_2fa=1),
        {"admin_displayname": "typo", **nn_account()},
        nn_account(agents=float("inf"), extra={"nested": [1, {2}]}),
    ]


def test_validate_many_equals_validate_per_record() -> None:
    records = _records()
    many = ak.validate_many("99digital", "create_account", records)
    assert len(many) == len(records)
    for record, problems in zip(records, many):
        assert problems == ak.validate("99digital", "create_account", record)
        assert all(isinstance(p, ak.FieldError) for p in problems)
    assert many[0] == [] and many[1] != []
    # Any iterable, consumed once; every list is its own.
    again = ak.validate_many("99digital", "create_account", iter(records))
    assert again == many
    assert again[0] is not again[2] and again[0] is not many[0]
    assert ak.validate_many("commvault", "update_account", []) == []


def test_validate_many_over_every_operation() -> None:
    for vendor in ak.describe_vendors():
        for op in vendor["operations"]:
            records = [{}, {"unknown_field": 1}, {f["name"]: "x" for f in op["fields"]}]
            expected = [ak.validate(vendor["name"], op["name"], r) for r in records]
            assert ak.validate_many(vendor["name"], op["name"], records) == expected


def test_validate_many_refuses_a_record_that_is_not_a_mapping() -> None:
    # As validate does (and every front end): fields that are not an object are a misuse.
    with pytest.raises(ak.InvalidArgumentError, match="must be an object"):
        ak.validate_many("99digital", "create_account", [nn_account(), ["not", "a", "mapping"]])


def test_validate_many_errors() -> None:
    with pytest.raises(ak.InvalidArgumentError, match="unknown vendor"):
        ak.validate_many("nope", "create_account", [{}])
    with pytest.raises(ak.UnknownOperationError):
        ak.validate_many("99digital", "get_account", [{}])
    with pytest.raises(TypeError):
        ak.validate_many("99digital", "create_account", 5)  # type: ignore[arg-type]

    def failing() -> Iterator[dict[str, Any]]:
        yield nn_account()
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        ak.validate_many("99digital", "create_account", failing())
