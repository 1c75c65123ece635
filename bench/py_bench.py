"""Python-side benchmarks; each run prints one JSON line (calls, seconds, rate,
failures) or {"na": "why"} when the API it measures is not there yet.

  py_bench.py MODE --base-url URL --seconds S --pool N [--in-flight K]

MODE:
  ak_call          accountkit Client.call("create_account", fields) in a loop
  ak_create        accountkit Client.create_account(**fields) in a loop
  ak_run_many      accountkit Client.run_many(generator, max_in_flight=K)
  ak_async         accountkit AsyncClient (max_in_flight=K): K asyncio tasks, each awaiting call("create_account")
  requests_seq     requests.Session().post(json=fields) in a loop, response decoded
  requests_threads K threads, one requests.Session each
  aiohttp          one aiohttp.ClientSession (TCPConnector(limit=K)), K asyncio tasks
  httpx            one httpx.AsyncClient (Limits(max_connections=K)), K asyncio tasks
  validate_many    accountkit.validate_many over N records (no network), timed as one batch
  validate_each    accountkit.validate per record (no network)
  ak_async_cancel  AsyncClient cancellation latency (--samples, --hold-ms): prints samples, median_ms,
                   p90_ms, max_ms, failures instead of a rate
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from records import TOKEN, pool  # noqa: E402

CREATE_PATH = "/api/online/createAccount"


CPU_START = 0.0  # time.process_time() when the clock started (start_clock)


def start_clock() -> float:
    """Starts a run's clock: returns perf_counter() and notes the CPU time so far."""
    global CPU_START
    CPU_START = time.process_time()
    return time.perf_counter()


def report(calls: int, seconds: float, failures: int, **extra: Any) -> dict[str, Any]:
    """The run's JSON line; cpu_seconds is this process's CPU (every thread) since start_clock()."""
    return {"calls": calls, "seconds": round(seconds, 6), "rate": round(calls / seconds, 1), "failures": failures,
            "cpu_seconds": round(time.process_time() - CPU_START, 4), **extra}


def raise_nofile(need: int) -> None:
    """Raises the soft limit on open files to the hard one (one per connection),
    and fails if even that is below what `need` connections take."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft != resource.RLIM_INFINITY and need + 64 > soft:
        raise SystemExit(f"{need} connections need more open files than the limit ({soft})")


class Steady:
    """The steady-state rate, as the C programs count it (bench/records.h): the
    clock starts at the IN_FLIGHT-th completion, when every connection is open."""

    def __init__(self, in_flight: int) -> None:
        self.in_flight = in_flight
        self.warm_calls = 0
        self.warm_at = 0.0

    def tick(self, calls: int, now: float) -> None:
        if calls == self.in_flight:
            self.warm_calls, self.warm_at = calls, now

    def rate(self, calls: int, end: float, start: float) -> float:
        if self.warm_calls and calls > self.warm_calls and end > self.warm_at:
            return round((calls - self.warm_calls) / (end - self.warm_at), 1)
        return round(calls / (end - start), 1) if end > start else 0.0


def client(base_url: str) -> Any:
    import accountkit as ak

    return ak.Client("99digital", base_url=base_url, access_token=TOKEN)


def bench_ak_call(args: argparse.Namespace, use_kwargs: bool) -> dict[str, Any]:
    import accountkit as ak

    records = pool(args.pool)
    c = client(args.base_url)
    n = len(records)
    calls = failures = 0
    first_error = None
    start = start_clock()
    deadline = start + args.seconds
    end = start
    create, call = c.create_account, c.call
    while end < deadline:
        fields = records[calls % n]
        try:
            r = create(**fields) if use_kwargs else call("create_account", fields)
            if not r.id:
                failures += 1
        except ak.Error as e:
            failures += 1
            first_error = first_error or str(e)
        calls += 1
        end = time.perf_counter()
    if first_error:
        print(f"first error: {first_error}", file=sys.stderr)
    return report(calls, end - start, failures)


def bench_run_many(args: argparse.Namespace) -> dict[str, Any]:
    c = client(args.base_url)
    if not hasattr(c, "run_many"):
        return {"na": "Client.run_many is not in this build of accountkit"}
    records = pool(args.pool)
    n = len(records)
    start = start_clock()
    deadline = start + args.seconds

    def operations() -> Iterator[tuple[str, dict[str, Any]]]:
        # Submits until the time is up; what is in flight then still completes.
        for i in itertools.count():
            if time.perf_counter() >= deadline:
                return
            yield ("create_account", records[i % n])

    calls = failures = 0
    first_error = None
    end = start
    steady = Steady(args.in_flight)
    clock = time.perf_counter
    for outcome in c.run_many(operations(), max_in_flight=args.in_flight):
        calls += 1
        if calls == args.in_flight:
            steady.tick(calls, clock())
        if not outcome.ok or not outcome.result.id:
            failures += 1
            first_error = first_error or str(outcome.error)
    end = time.perf_counter()
    if first_error:
        print(f"first error: {first_error}", file=sys.stderr)
    return report(calls, end - start, failures, steady_rate=steady.rate(calls, end, start), in_flight=args.in_flight)


def _post(session: Any, url: str, fields: dict[str, Any]) -> bool:
    r = session.post(url, json=fields, headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    return r.status_code == 200 and r.json().get("status") == "OK"


def bench_requests_seq(args: argparse.Namespace) -> dict[str, Any]:
    import requests

    url = args.base_url + CREATE_PATH
    records = pool(args.pool)
    n = len(records)
    s = requests.Session()
    calls = failures = 0
    start = start_clock()
    deadline = start + args.seconds
    end = start
    while end < deadline:
        if not _post(s, url, records[calls % n]):
            failures += 1
        calls += 1
        end = time.perf_counter()
    return report(calls, end - start, failures)


def bench_requests_threads(args: argparse.Namespace) -> dict[str, Any]:
    import requests

    url = args.base_url + CREATE_PATH
    records = pool(args.pool)
    n = len(records)
    counter = itertools.count()  # next() on it is atomic under the GIL
    lock = threading.Lock()
    totals = {"calls": 0, "failures": 0}
    start = start_clock()
    deadline = start + args.seconds

    def worker() -> None:
        s = requests.Session()  # one Session (connection pool) per thread
        calls = failures = 0
        while time.perf_counter() < deadline:
            if not _post(s, url, records[next(counter) % n]):
                failures += 1
            calls += 1
        with lock:
            totals["calls"] += calls
            totals["failures"] += failures

    with ThreadPoolExecutor(max_workers=args.in_flight) as ex:
        for f in [ex.submit(worker) for _ in range(args.in_flight)]:
            f.result()
    end = time.perf_counter()
    return report(totals["calls"], end - start, totals["failures"])


HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


async def _async_tasks(args: argparse.Namespace, post: Any) -> dict[str, Any]:
    """K tasks, each POSTing the next record until the time is up; `post(fields)`
    returns True for a decoded 99digital success."""
    records = pool(args.pool)
    n = len(records)
    counter = itertools.count()
    totals = {"calls": 0, "failures": 0}
    first_error: list[str] = []
    start = start_clock()
    deadline = start + args.seconds

    async def worker() -> None:
        calls = failures = 0
        while time.perf_counter() < deadline:
            try:
                ok = await post(records[next(counter) % n])
            except Exception as e:  # noqa: BLE001 - a failed call is counted, the first one shown
                ok = False
                if not first_error:
                    first_error.append(f"{type(e).__name__}: {e}")
            failures += not ok
            calls += 1
        totals["calls"] += calls
        totals["failures"] += failures

    await asyncio.gather(*(worker() for _ in range(args.in_flight)))
    end = time.perf_counter()
    if first_error:
        print(f"first error: {first_error[0]}", file=sys.stderr)
    return report(totals["calls"], end - start, totals["failures"], in_flight=args.in_flight)


def bench_aiohttp(args: argparse.Namespace) -> dict[str, Any]:
    try:
        import aiohttp
    except ImportError as e:
        return {"na": f"aiohttp is not installed ({e})"}
    url = args.base_url + CREATE_PATH

    async def run() -> dict[str, Any]:
        connector = aiohttp.TCPConnector(limit=args.in_flight)
        async with aiohttp.ClientSession(connector=connector, headers=HEADERS) as session:

            async def post(fields: dict[str, Any]) -> bool:
                async with session.post(url, json=fields) as r:
                    body = await r.json()
                    return r.status == 200 and body.get("status") == "OK"

            return await _async_tasks(args, post)

    return asyncio.run(run())


def bench_httpx(args: argparse.Namespace) -> dict[str, Any]:
    try:
        import httpx
    except ImportError as e:
        return {"na": f"httpx is not installed ({e})"}
    url = args.base_url + CREATE_PATH

    async def run() -> dict[str, Any]:
        limits = httpx.Limits(max_connections=args.in_flight, max_keepalive_connections=args.in_flight)
        async with httpx.AsyncClient(limits=limits, headers=HEADERS) as client:

            async def post(fields: dict[str, Any]) -> bool:
                r = await client.post(url, json=fields)
                return r.status_code == 200 and r.json().get("status") == "OK"

            return await _async_tasks(args, post)

    return asyncio.run(run())


def bench_async(args: argparse.Namespace) -> dict[str, Any]:
    import accountkit as ak

    if not hasattr(ak, "AsyncClient"):
        return {"na": "AsyncClient is not in this build of accountkit"}

    async def run() -> dict[str, Any]:
        # One engine thread drives the K tasks' operations; K in flight at most.
        async with ak.AsyncClient("99digital", base_url=args.base_url, access_token=TOKEN,
                                  max_in_flight=args.in_flight) as c:
            call = c.call

            async def post(fields: dict[str, Any]) -> bool:
                return bool((await call("create_account", fields)).id)

            return await _async_tasks(args, post)

    return asyncio.run(run())


def bench_async_cancel(args: argparse.Namespace) -> dict[str, Any]:
    """Cancellation latency of AsyncClient: a create held by the server
    (--hold-ms), then task.cancel(); the time until the engine reports the
    operation over (its outcome-unknown warning on the "accountkit" logger,
    logged when the engine's outcome reaches the loop), --samples times."""
    import logging

    import accountkit as ak

    if not hasattr(ak, "AsyncClient"):
        return {"na": "AsyncClient is not in this build of accountkit"}
    ended: list[float] = []

    class Ended(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "cancelled in flight" in record.getMessage():
                ended.append(time.perf_counter())

    logger = logging.getLogger("accountkit")
    logger.addHandler(Ended(logging.WARNING))
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # the warnings are what is measured, not output
    records = pool(args.samples)

    async def run() -> dict[str, Any]:
        latencies: list[float] = []
        failures = 0
        async with ak.AsyncClient("99digital", base_url=args.base_url, access_token=TOKEN) as c:
            for fields in records:
                before = len(ended)
                task = asyncio.create_task(c.create_account(**fields))
                await asyncio.sleep(args.hold_ms / 1000)
                cancelled = time.perf_counter()
                task.cancel()
                while len(ended) == before and time.perf_counter() - cancelled < 5:
                    await asyncio.sleep(0.0005)
                if len(ended) == before:
                    failures += 1
                    continue
                latencies.append((ended[-1] - cancelled) * 1000)
        return {"samples": len(records), "failures": failures, **latency_summary(latencies)}

    return asyncio.run(run())


def latency_summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms) or [float("nan")]
    return {"median_ms": round(ms[len(ms) // 2], 3), "p90_ms": round(ms[min(len(ms) - 1, len(ms) * 9 // 10)], 3),
            "max_ms": round(ms[-1], 3)}


def bench_validate_many(args: argparse.Namespace) -> dict[str, Any]:
    import accountkit as ak

    if not hasattr(ak, "validate_many"):
        return {"na": "accountkit.validate_many is not in this build of accountkit"}
    records = pool(args.pool)
    bad = dict(records[0], admin_password="weak")
    if not ak.validate_many("99digital", "create_account", [bad])[0]:
        raise SystemExit("validate_many accepted an invalid record")
    start = start_clock()
    errors = ak.validate_many("99digital", "create_account", records)
    end = time.perf_counter()
    failures = sum(1 for e in errors if e)
    if len(errors) != len(records):
        raise SystemExit(f"validate_many returned {len(errors)} lists for {len(records)} records")
    return report(len(records), end - start, failures)


def bench_validate_each(args: argparse.Namespace) -> dict[str, Any]:
    import accountkit as ak

    records = pool(args.pool)
    validate = ak.validate
    start = start_clock()
    failures = sum(1 for r in records if validate("99digital", "create_account", r))
    end = time.perf_counter()
    return report(len(records), end - start, failures)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("mode")
    p.add_argument("--base-url", default="")
    p.add_argument("--seconds", type=float, default=2.5)
    p.add_argument("--pool", type=int, default=40000)
    p.add_argument("--in-flight", type=int, default=16)
    p.add_argument("--samples", type=int, default=20, help="ak_async_cancel: cancellations measured")
    p.add_argument("--hold-ms", type=float, default=100, help="ak_async_cancel: time in flight before the cancel")
    args = p.parse_args()
    raise_nofile(args.in_flight)
    modes = {
        "ak_call": lambda a: bench_ak_call(a, use_kwargs=False),
        "ak_create": lambda a: bench_ak_call(a, use_kwargs=True),
        "ak_run_many": bench_run_many,
        "requests_seq": bench_requests_seq,
        "requests_threads": bench_requests_threads,
        "aiohttp": bench_aiohttp,
        "ak_async": bench_async,
        "ak_async_cancel": bench_async_cancel,
        "httpx": bench_httpx,
        "validate_many": bench_validate_many,
        "validate_each": bench_validate_each,
    }
    if args.mode not in modes:
        p.error(f"unknown mode {args.mode} (known: {', '.join(modes)})")
    out = modes[args.mode](args)
    print(json.dumps(out))
    return 1 if out.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
