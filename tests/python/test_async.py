"""AsyncClient: the Client's operations as coroutines, driven by one engine
thread per client (no thread per call), against the sandbox. Plain asyncio
(asyncio.run), and uvloop (scripts/python-test.sh installs it; the test is
skipped where it is missing)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, COMMVAULT_INITECH, ap_account, cv_update, nn_account

_T = TypeVar("_T")


def run(main: Callable[[], Awaitable[_T]]) -> _T:
    async def wrapped() -> _T:
        return await main()

    return asyncio.run(wrapped())


def nn_create(i: int, prefix: str) -> dict[str, Any]:
    return nn_account(reference=f"{prefix}{i}", admin_email=f"u{i}@{prefix}.example", account_name=f"Account {i}")


def os_threads() -> int:
    """Threads of this process as the OS counts them (C++ threads included)."""
    return len(os.listdir("/proc/self/task"))


def aclient(sb: ak.Sandbox, vendor: str, **options: Any) -> ak.AsyncClient:
    return ak.AsyncClient(vendor, **{**sb.credentials(vendor), **options})  # type: ignore[no-any-return]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("accountkit")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


# -- the same results as Client ------------------------------------------------------


def test_results_equal_the_sync_clients(sandbox: ak.Sandbox) -> None:
    sync = sandbox.client("activeplatform")

    async def main() -> None:
        async with aclient(sandbox, "activeplatform") as client:
            assert await client.check_credentials() is False  # a static token: checked only by a call
            created = await client.create_account(**ap_account(first_name="Async"))
            assert isinstance(created, ak.Result) and created.operation == "create_account"
            assert created.id is not None
            got = await client.get_account(created.id)
            assert got.data == sync.get_account(created.id).data
            assert (got.id, got.status, got.operation) == (created.id, "active", "get_account")
            updated = await client.update_account(created.id, first_name="Asynchronous")
            assert updated.data == sync.get_account(created.id).data
            listed = [a async for a in client.list_accounts(per_page=2)]
            assert [a.data for a in listed] == [a.data for a in sync.list_accounts(per_page=2)]
            assert created.id in [a.id for a in listed]
            page = await client.call("list_accounts", {"per_page": 2})
            assert page.data == sync.call("list_accounts", {"per_page": 2}).data
            # Every other operation is a coroutine method, as Client has them.
            assert "list_accounts" in dir(client)
            with pytest.raises(AttributeError):
                client.no_such_operation  # noqa: B018

    run(main)


def test_errors_are_the_sync_clients(sandbox: ak.Sandbox) -> None:
    async def main() -> None:
        async with aclient(sandbox, "99digital") as client:
            with pytest.raises(ak.ValidationError) as caught:
                await client.create_account(**nn_account(agents=12345, admin_email="nope"))
            assert {e.path for e in caught.value.errors} >= {"agents", "admin_email"}
            with pytest.raises(ak.UnknownOperationError):
                await client.call("no_such_operation", {})
        sync = sandbox.client("activeplatform")
        with pytest.raises(ak.Error) as expected:
            sync.get_account(987654)
        async with aclient(sandbox, "activeplatform") as ap:
            with pytest.raises(ak.Error) as caught_async:
                await ap.get_account(987654)
            assert type(caught_async.value) is type(expected.value)
            assert caught_async.value.to_dict() == expected.value.to_dict()
        async with aclient(sandbox, "99digital") as client:
            with pytest.raises(ak.ValidationError):
                client.list_accounts(no_such_filter=1)  # checked at once, as Client does

    run(main)


def test_wait_follows_the_vendor_rules(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.set_option("commvault.update_delay_ms", 100)

    async def main() -> None:
        async with aclient(fresh_sandbox, "commvault", poll_initial_ms=20, poll_max_ms=100) as client:
            updating = await client.update_account(COMMVAULT_ACME, **cv_update())
            assert updating.status == "updating"
            settled = await client.wait(updating, timeout=10)
            assert settled.status == "active" and settled.operation == "get_account"
            submitted = await client.create_account(
                account={"externalId": "PYA-1", "name": "Async Fulfilled Ltd", "contacts": [
                    {"type": "admin", "email": "admin@pya-1.example", "firstName": "Ada", "lastName": "Admin"}]},
                service={"skus": [{"sku": "MET-M365-BASIC", "quantity": 5}]})
            account = await client.wait(submitted, timeout=10)  # the fulfillment, then its account
            assert account.status == "active" and account["name"] == "Async Fulfilled Ltd"
            sync = fresh_sandbox.client("commvault")
            assert account.data == sync.get_account(account.id).data
            await client.update_account(COMMVAULT_INITECH, externalId="XSP3003", name="FAIL this one", contacts=[])
            with pytest.raises(ak.OperationFailedError) as failed:
                await client.wait(COMMVAULT_INITECH, timeout=10)
            assert failed.value.operation == "wait" and "update_failure" in str(failed.value)
            with pytest.raises(ak.UnknownOperationError):
                await client.wait(submitted.id, after="no_such_operation", timeout=1)
        async with aclient(fresh_sandbox, "99digital") as nn:
            with pytest.raises(ak.UnknownOperationError):
                await nn.wait("1", timeout=1)

    run(main)


def test_wait_times_out_with_a_poll_in_flight(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.add_faults({"vendor": "commvault", "method": "GET", "path": "/api/v1/partner/accounts/*",
                              "kind": "delay", "delay_ms": 4000})

    async def main() -> None:
        async with aclient(fresh_sandbox, "commvault") as client:
            started = time.monotonic()
            with pytest.raises(ak.TimeoutError) as caught:
                await client.wait(COMMVAULT_ACME, timeout=1)
            assert time.monotonic() - started < 3
            assert caught.value.operation == "wait" and caught.value.is_retriable

    run(main)


# -- concurrency on one engine thread --------------------------------------------------


def test_a_thousand_tasks_on_one_client(fresh_sandbox: ak.Sandbox) -> None:
    before = os_threads()
    python_before = threading.active_count()
    peak = [0, 0]  # OS threads, Python threads

    async def main() -> list[ak.Result]:
        # 1,000 tasks at once; the engine keeps 48 of them in flight, below the
        # sandbox's 64 server threads (each holds a keep-alive connection), with
        # a generous timeout for a machine shared with builds.
        async with aclient(fresh_sandbox, "99digital", timeout=60, max_in_flight=48) as client:
            async def create(i: int) -> ak.Result:
                peak[0] = max(peak[0], os_threads())
                peak[1] = max(peak[1], threading.active_count())
                return await client.create_account(**nn_create(i, "k"))

            tasks = [asyncio.create_task(create(i)) for i in range(1000)]
            await asyncio.sleep(0.05)
            peak[0] = max(peak[0], os_threads())
            results = await asyncio.gather(*tasks)
            listed = Counter([str(a["reference"]) async for a in client.list_accounts()
                              if str(a.get("reference", "")).startswith("k")])
            assert listed == Counter({f"k{i}": 1 for i in range(1000)})
            return results

    results = run(main)
    for i, r in enumerate(results):
        assert r.operation == "create_account" and r["reference"] == f"k{i}", r
    assert len({r.id for r in results}) == 1000
    # No thread per call: the engine thread, plus at most a few short-lived
    # ones libcurl may start to resolve a new connection's host (48 connections).
    assert peak[0] <= before + 16, (before, peak[0])
    assert peak[1] <= python_before  # no Python thread at all
    assert os_threads() <= before + 8  # closed: the engine thread is joined
    creates = [r for r in fresh_sandbox.requests() if r["path"] == "/api/online/createAccount"]
    assert len(creates) == 1000


def test_tasks_that_loop_never_stall(sandbox: ak.Sandbox) -> None:
    # Tasks that submit again as soon as they are answered keep completions
    # racing the loop's wake-ups (the pipe): none may be lost (it once was,
    # and every task then waited for ever).
    created = sandbox.client("activeplatform").create_account(**ap_account())

    async def main() -> int:
        async with aclient(sandbox, "activeplatform", max_in_flight=16) as client:
            calls = 0
            deadline = time.monotonic() + 1.5

            async def worker() -> None:
                nonlocal calls
                while time.monotonic() < deadline:
                    assert (await client.get_account(created.id)).id == created.id
                    calls += 1

            await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(16))), 30)
            return calls

    assert run(main) > 100


def test_run_many_yields_outcomes(fresh_sandbox: ak.Sandbox) -> None:
    async def main() -> None:
        async with aclient(fresh_sandbox, "99digital") as client:
            ops: list[tuple[Any, Any]] = [("create_account", nn_create(i, "rm")) for i in range(40)]
            ops += [("create_account", nn_account(agents=12345)), ("no_such_operation", {}), (7, {})]
            outcomes = [o async for o in client.run_many(ops, max_in_flight=8)]
            assert sorted(o.index for o in outcomes) == list(range(43))
            for o in outcomes:
                if o.index < 40:
                    assert o.ok and o.result is not None and o.result["reference"] == f"rm{o.index}", o
            errors = {o.index: type(o.error) for o in outcomes if not o.ok}
            assert errors == {40: ak.ValidationError, 41: ak.UnknownOperationError, 42: ak.InvalidArgumentError}

            async def source() -> Any:
                for i in range(5):
                    yield ("create_account", nn_create(i, "ai"))

            assert sorted([o.index async for o in client.run_many(source())]) == list(range(5))
            with pytest.raises(ak.InvalidArgumentError):
                client.run_many([], max_in_flight=0)

    run(main)


def test_run_many_closed_early_cancels_the_rest(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount", "kind": "delay",
                              "delay_ms": 300})

    async def main() -> None:
        async with aclient(fresh_sandbox, "99digital") as client:
            started = time.monotonic()
            stream = client.run_many((("create_account", nn_create(i, "brk")) for i in range(100)), max_in_flight=8)
            async for outcome in stream:
                assert outcome.ok
                break
            await stream.aclose()  # type: ignore[attr-defined]
            assert time.monotonic() - started < 2
            fresh_sandbox.clear_faults()
            assert (await client.create_account(**nn_create(0, "after"))).id

    run(main)
    sent = [r for r in fresh_sandbox.requests() if r["path"] == "/api/online/createAccount"]
    assert len(sent) <= 10


# -- cancellation and closing ----------------------------------------------------------


async def cancel_a_read_in_flight(client: ak.AsyncClient, account_id: str) -> None:
    """Cancels a get_account the server holds 3 s: the task ends at once, and
    the client goes on working."""
    task = asyncio.create_task(client.get_account(account_id))
    await asyncio.sleep(0.3)  # the read is in flight
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 2
    assert (await client.get_account(account_id)).id == account_id


def test_a_cancelled_read_stops_promptly(fresh_sandbox: ak.Sandbox, lines: Lines) -> None:
    sync = fresh_sandbox.client("activeplatform")
    created = sync.create_account(**ap_account())
    fresh_sandbox.add_faults({"vendor": "activeplatform", "method": "GET", "kind": "delay", "delay_ms": 3000,
                              "count": 1})

    async def main() -> None:
        async with aclient(fresh_sandbox, "activeplatform") as client:
            await cancel_a_read_in_flight(client, created.id)

    run(main)
    assert not [r for r in lines.records if r.levelno >= logging.WARNING and "cancelled" in r.getMessage()]


def test_a_cancelled_create_is_reported_and_not_repeated(fresh_sandbox: ak.Sandbox, lines: Lines) -> None:
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/createAccount", "kind": "delay",
                              "delay_ms": 3000, "count": 1})

    async def main() -> None:
        async with aclient(fresh_sandbox, "99digital") as client:
            await client.check_credentials()
            task = asyncio.create_task(client.create_account(**nn_create(1, "cx")))
            await asyncio.sleep(0.5)  # the create is in flight
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.monotonic() - started < 2
            for _ in range(50):  # the outcome is logged when the engine reports it
                await asyncio.sleep(0.05)
                if any("cancelled in flight" in r.getMessage() for r in lines.records):
                    break
            await asyncio.sleep(3.5)  # past the vendor's delay: nothing is sent again
            references = [a.get("reference") async for a in client.list_accounts()]
            assert references.count("cx1") <= 1

    run(main)
    warnings = [r.getMessage() for r in lines.records if r.levelno == logging.WARNING]
    reported = [w for w in warnings if "create_account was cancelled in flight" in w]
    assert len(reported) == 1, warnings
    assert 'look for reference "cx1" with list_accounts' in reported[0]
    creates = [r for r in fresh_sandbox.requests() if r["path"] == "/api/online/createAccount"]
    assert len(creates) == 1


def test_a_lost_create_cancelled_during_its_lookup_is_outcome_unknown(fresh_sandbox: ak.Sandbox,
                                                                       lines: Lines) -> None:
    fresh_sandbox.add_faults([{"vendor": "99digital", "path": "/api/online/createAccount",
                               "kind": "drop_after_commit", "count": 1},
                              {"vendor": "99digital", "path": "/api/online/getAccounts", "kind": "delay",
                               "delay_ms": 3000, "count": 1}])

    async def main() -> None:
        async with aclient(fresh_sandbox, "99digital") as client:
            await client.check_credentials()
            task = asyncio.create_task(client.create_account(**nn_create(1, "dropped")))
            await asyncio.sleep(0.5)  # the answer was lost; the lookup is in flight
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.monotonic() - started < 2
            for _ in range(50):
                await asyncio.sleep(0.05)
                if any("cancelled" in r.getMessage() for r in lines.records if r.levelno == logging.WARNING):
                    break
            references = [a.get("reference") async for a in client.list_accounts()]
            assert references.count("dropped1") == 1  # it landed, once

    run(main)
    reported = [r.getMessage() for r in lines.records if r.levelno == logging.WARNING]
    assert any("may or may not have been applied" in w and "cancelled" in w for w in reported), reported
    creates = [r for r in fresh_sandbox.requests() if r["path"] == "/api/online/createAccount"]
    assert len(creates) == 1


def test_close_with_operations_in_flight_returns_promptly(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.add_faults({"vendor": "activeplatform", "method": "GET", "kind": "delay", "delay_ms": 3000})
    created = fresh_sandbox.client("activeplatform").create_account(**ap_account())
    before = os_threads()

    async def main() -> None:
        client = aclient(fresh_sandbox, "activeplatform")
        tasks = [asyncio.create_task(client.get_account(created.id)) for _ in range(20)]
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await client.close()
        assert time.monotonic() - started < 1.5
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(o, ak.CancelledError) for o in outcomes), outcomes
        assert client.closed
        with pytest.raises(ak.InvalidArgumentError):
            await client.get_account(created.id)
        await client.close()  # idempotent

    run(main)
    assert os_threads() <= before


def test_garbage_collection_joins_the_engine_thread(sandbox: ak.Sandbox) -> None:
    before = os_threads()

    async def main() -> None:
        client = aclient(sandbox, "activeplatform")
        assert await client.check_credentials() is False
        assert os_threads() == before + 1

    run(main)
    gc.collect()
    assert os_threads() <= before


def test_one_client_across_event_loops(sandbox: ak.Sandbox) -> None:
    client = aclient(sandbox, "activeplatform")

    async def main() -> str | None:
        return (await client.create_account(**ap_account())).id

    assert run(main) and run(main)  # a second asyncio.run takes the client over
    run(client.close)


def test_works_under_uvloop(fresh_sandbox: ak.Sandbox) -> None:
    uvloop = pytest.importorskip("uvloop")
    created = fresh_sandbox.client("activeplatform").create_account(**ap_account())
    fresh_sandbox.add_faults({"vendor": "activeplatform", "method": "GET", "kind": "delay", "delay_ms": 3000,
                              "count": 1})

    async def main() -> None:
        async with aclient(fresh_sandbox, "99digital") as client:
            results = await asyncio.gather(*(client.create_account(**nn_create(i, "uv")) for i in range(50)))
            assert [r["reference"] for r in results] == [f"uv{i}" for i in range(50)]
        # Cancellation wakes uvloop's loop as it wakes asyncio's.
        async with aclient(fresh_sandbox, "activeplatform") as client:
            await cancel_a_read_in_flight(client, created.id)

    uvloop.run(main())
