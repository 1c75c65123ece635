"""One client shared by many threads, and the GIL released during network I/O."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, SLOW_SERVER_DELAY, ap_account, nn_account

THREADS = 16
CALLS = 20


def test_many_threads_share_one_99digital_client(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital")
    barrier = threading.Barrier(THREADS)

    def work(t: int) -> list[int]:
        barrier.wait()  # everyone starts together, so the first token fetch is contended
        ids = []
        for i in range(CALLS):
            created = client.create_account(**nn_account(reference=f"t{t}c{i}", admin_email=f"u{t}x{i}@example.com"))
            ids.append(created["account_id"])
        return ids

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    ids = [i for chunk in results for i in chunk]
    assert len(ids) == len(set(ids)) == THREADS * CALLS
    listed = {a["reference"] for a in client.list_accounts()}
    assert listed == {f"t{t}c{i}" for t in range(THREADS) for i in range(CALLS)}
    paths = [r["path"] for r in fresh_sandbox.requests()]
    assert paths.count("/api/settings/accessToken") == 1  # single-flight token fetch
    assert paths.count("/api/online/createAccount") == THREADS * CALLS


def test_many_threads_mixed_operations(sandbox: ak.Sandbox) -> None:
    ap = sandbox.client("activeplatform")
    cv = sandbox.client("commvault")
    created = ap.create_account(**ap_account())
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(CALLS):
                if i % 2:
                    assert ap.get_account(created.id)["id"] == created["id"]
                else:
                    assert cv.get_account(COMMVAULT_ACME).id == COMMVAULT_ACME
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_gil_is_released_while_waiting(slow_server: str) -> None:
    # The server runs in this process's Python threads: if a call held the GIL
    # while waiting for the answer, the server could not answer it at all.
    client = ak.Client("activeplatform", base_url=slow_server, api_token="tok-123456", timeout=10, max_attempts=1)
    assert client.get_account(7).id == "7"
    # And calls overlap: 8 calls of 0.3 s each take far less than 2.4 s.
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: client.get_account(7).status, range(8)))
    elapsed = time.monotonic() - started
    assert results == ["active"] * 8
    assert elapsed < 8 * SLOW_SERVER_DELAY * 0.6, elapsed


def test_python_threads_run_during_a_call(slow_server: str) -> None:
    client = ak.Client("activeplatform", base_url=slow_server, api_token="tok-123456", timeout=10, max_attempts=1)
    ticks = 0
    done = threading.Event()

    def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.01)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        client.get_account(7)
    finally:
        done.set()
        t.join()
    assert ticks >= 10  # the ticker kept running for most of the 0.3 s call


def test_log_lines_reach_python_logging_from_every_thread(fresh_sandbox: ak.Sandbox,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    client = fresh_sandbox.client("commvault", logger="accountkit.test")
    with caplog.at_level("DEBUG", logger="accountkit.test"):
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: client.get_account(COMMVAULT_ACME), range(8)))
    lines = [r for r in caplog.records if r.name == "accountkit.test"]
    assert sum("GET " in r.getMessage() for r in lines) == 8
    assert any("/api/v1/authenticate" in r.getMessage() for r in lines)
    assert not any("sandbox-password" in r.getMessage() for r in lines)
    caplog.clear()
    with caplog.at_level("WARNING", logger="accountkit.test"):
        client.get_account(COMMVAULT_ACME)
    assert [r for r in caplog.records if r.name == "accountkit.test"] == []


def test_a_batch_and_another_threads_calls_share_one_client(fresh_sandbox: ak.Sandbox) -> None:
    """Issue 12's hang: a batch made no progress while another thread used the
    same client (it waited for a connection only the other thread's transfer
    held). One engine serves both now; this finishes in well under a second."""
    client = fresh_sandbox.client("99digital")
    for in_flight in (1, 8):
        callers = [threading.Thread(target=lambda: [client.call("list_accounts", {}) for _ in range(15)])
                   for _ in range(8 if in_flight == 8 else 1)]
        outcomes: list[ak.Outcome] = []
        runner = threading.Thread(
            target=lambda: outcomes.extend(client.run_many([("list_accounts", None)] * 60, max_in_flight=in_flight)))
        for t in [*callers, runner]:
            t.start()
        for t in [*callers, runner]:
            t.join(timeout=30)
            assert not t.is_alive(), f"max_in_flight={in_flight}: stuck"
        assert len(outcomes) == 60 and all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
