"""Runs every benchmark of `make bench` against the canned nginx and the
delay server that scripts/bench.sh started, and prints the tables with
medians, ratios and the targets (docs/benchmarks.md explains each row).

  run.py --base-url http://127.0.0.1:PORT --bin-dir build/bench/bench --venv build/bench-venv
         [--delay-url http://127.0.0.1:PORT2 --delay-ms 20 --latency-in-flight 16,256,1024]
         [--seconds 2.5] [--reps 3] [--previous results.json ...] [--na ROW=REASON ...]
         [--out-md F] [--out-json F]

Every network measurement runs for a fixed time, REPS times; the repetitions
go round-robin over the rows so that a slow patch of the machine hits every
row alike. The servers' stub_status counters (nginx's, and the delay server's
in the same format) are read around each run to count the connections the
client opened and the requests the server saw.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from records import TOKEN, write_jsonl  # noqa: E402

CREATE_PATH = "/api/online/createAccount"
BUSY = 0.15  # cores used by other processes during a run that make it suspect
RETRIES = 2  # times a disturbed run is done again
STATUS_PATH = "/_bench/status"


@dataclass
class Row:
    key: str
    label: str
    group: str  # "net" (calls against nginx), "latency" (against the delay server) or "valid" (no network)
    cmd: list[str] | None
    na: str | None = None  # why the row cannot run
    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    timeout: float = 60
    in_flight: int = 0  # operations the client keeps in flight (0: one at a time, or not a client)
    client: str = ""  # latency rows: which client (raw_multi, c_batch, ...)
    server: str = ""  # base URL whose counters count this row's connections and requests
    rate_key: str = "rate"  # latency rows: "steady_rate" (from the in_flight-th completion on)
    server_pid: int | None = None  # the server's process, for its CPU time

    @property
    def rates(self) -> list[float]:
        return [r.get(self.rate_key, r["rate"]) for r in self.runs]

    @property
    def median(self) -> float | None:
        return statistics.median(self.rates) if self.runs and not self.error else None


def server_counters(base_url: str) -> tuple[int, int]:
    """(accepted connections, requests) from nginx's stub_status."""
    with urllib.request.urlopen(base_url + STATUS_PATH, timeout=5) as r:
        text = r.read().decode()
    nums = text.splitlines()[2].split()
    return int(nums[0]), int(nums[2])


def parse_wrk(out: str) -> dict[str, Any]:
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    if not m or not total:
        raise ValueError("no Requests/sec in wrk's output")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    unit = {"ms": 0.001, "s": 1.0, "m": 60.0}[total.group(3)]
    return {
        "calls": int(total.group(1)),
        "seconds": float(total.group(2)) * unit,
        "rate": float(m.group(1)),
        "failures": int(bad.group(1)) if bad else 0,
        "socket_errors": sock.group(1).strip() if sock else "",
    }


TICKS = os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time the rest of the machine used during a run, in cores: every
    CPU's busy time (/proc/stat) minus this script's children (the client
    being measured) minus the servers (nginx's master and workers, the delay
    server) minus this script. The machine is small (2 cores); anything else
    running skews every number."""

    def __init__(self, server_pids: list[int]) -> None:
        self.server_pids = server_pids

    def _server_seconds(self) -> dict[int, float]:
        """CPU seconds of each server: the process and its children (nginx's workers)."""
        out: dict[int, float] = {}
        for server in self.server_pids:
            pids = [server]
            try:
                with open(f"/proc/{server}/task/{server}/children", encoding="utf-8") as f:
                    pids += [int(x) for x in f.read().split()]
            except OSError:
                pass
            total = 0.0
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
                except (OSError, IndexError, ValueError):
                    pass
            out[server] = total
        return out

    def sample(self) -> tuple[float, float, float, float, dict[int, float]]:
        """(wall clock, machine busy seconds, ours, the clients', each server's)."""
        with open("/proc/stat", encoding="utf-8") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(cpu) - cpu[3] - cpu[4]) / TICKS  # all but idle and iowait
        mine = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = resource.getrusage(resource.RUSAGE_SELF)
        servers = self._server_seconds()
        children = mine.ru_utime + mine.ru_stime
        ours = children + me.ru_utime + me.ru_stime + sum(servers.values())
        return time.perf_counter(), busy, ours, children, servers

    @staticmethod
    def other_cores(before: tuple[Any, ...], after: tuple[Any, ...]) -> float:
        wall = after[0] - before[0]
        other = (after[1] - before[1]) - (after[2] - before[2])
        return max(0.0, other / wall) if wall > 0 else 0.0

    @staticmethod
    def client_cores(before: tuple[Any, ...], after: tuple[Any, ...]) -> float:
        """Cores the measured client (a finished child of this script) used."""
        wall = after[0] - before[0]
        return max(0.0, (after[3] - before[3]) / wall) if wall > 0 else 0.0

    @staticmethod
    def server_cores(before: tuple[Any, ...], after: tuple[Any, ...], pid: int | None) -> float | None:
        wall = after[0] - before[0]
        if not pid or pid not in after[4] or wall <= 0:
            return None
        return max(0.0, (after[4][pid] - before[4].get(pid, 0.0)) / wall)


METER = CpuMeter([])


class QuietWait:
    """Before each run, waits while other processes keep the machine busy,
    spending at most `budget` seconds over the whole bench."""

    def __init__(self, budget: float) -> None:
        self.left = budget
        self.waited = 0.0

    def __call__(self) -> None:
        while self.left > 0:
            before = METER.sample()
            time.sleep(0.5)
            if CpuMeter.other_cores(before, METER.sample()) <= BUSY:
                return
            self.left -= 0.5
            self.waited += 0.5


def run_once(row: Row) -> None:
    """One repetition of a row; appends to row.runs or sets row.error."""
    assert row.cmd is not None
    before = server_counters(row.server) if row.server else None
    cpu_before = METER.sample()
    try:
        p = subprocess.run(row.cmd, capture_output=True, text=True, timeout=row.timeout)
    except subprocess.TimeoutExpired:
        row.error = f"timed out after {row.timeout:.0f} s"
        return
    cpu_after = METER.sample()
    after = server_counters(row.server) if row.server else None
    try:
        if row.key.startswith("wrk"):
            res = parse_wrk(p.stdout)
        else:
            lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
            if not lines:
                raise ValueError("no result line")
            res = json.loads(lines[-1])
    except ValueError as e:
        tail = (p.stderr.strip() or p.stdout.strip()).splitlines()[-3:]
        row.error = f"exit {p.returncode}, {e}: {' | '.join(tail)}"
        return
    if "na" in res:
        row.na = res["na"]
        return
    if p.returncode != 0 or res.get("failures"):
        tail = p.stderr.strip().splitlines()[-2:]
        row.error = f"exit {p.returncode}, {res.get('failures', 0)} failed calls: {' | '.join(tail)}"
        return
    res["other_cores"] = round(CpuMeter.other_cores(cpu_before, cpu_after), 3)
    # The client's CPU: over the measured window when the program reports it
    # (cpu_seconds), else over the whole process (wrk).
    if res.get("cpu_seconds") is not None and res.get("seconds"):
        res["client_cores"] = round(res["cpu_seconds"] / res["seconds"], 3)
        if res.get("calls"):
            res["client_us_per_call"] = round(1e6 * res["cpu_seconds"] / res["calls"], 2)
    else:
        res["client_cores"] = round(CpuMeter.client_cores(cpu_before, cpu_after), 3)
    server = CpuMeter.server_cores(cpu_before, cpu_after, row.server_pid)
    if server is not None:
        res["server_cores"] = round(server, 3)
    if before and after:
        res["server_connections"] = after[0] - before[0] - 1  # the "after" read's own connection
        res["server_requests"] = after[1] - before[1] - 1  # the "after" read itself
    row.runs.append(res)


def fmt_rate(v: float | None) -> str:
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    return f"{v:,.0f}"


def miss_pct(got: float, want: float) -> str:
    """How far got falls short of want, in percent of want."""
    pct = 100 * (1 - got / want)
    return f"{pct:.1f}%" if pct < 1 else f"{pct:.0f}%"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def capture(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(venv_python: str) -> dict[str, str]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    curl = capture(["curl-config", "--version"]).removeprefix("libcurl ")
    if not curl:  # no libcurl headers: the curl tool's "curl X.Y.Z (...)"
        parts = capture(["curl", "--version"]).split()
        curl = parts[1] if len(parts) > 1 else ""
    nginx = capture(["nginx", "-v"]).rsplit("/", 1)[-1]
    wrk_lines = capture(["wrk", "-v"]).splitlines()
    wrk = wrk_lines[0].split("[")[0].strip() if wrk_lines else ""
    # Versions from the packages' metadata: a package that is missing shows as "-".
    pyinfo = capture(
        [venv_python, "-c", "import sys, importlib.metadata as m\n"
         "def v(p):\n    try:\n        return m.version(p)\n    except m.PackageNotFoundError:\n        return '-'\n"
         "print(sys.version.split()[0], *(v(p) for p in ('accountkit', 'requests', 'aiohttp', 'httpx')))"]
    ).split()
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "kernel": platform.release(),
        "libcurl": curl,
        "nginx": nginx,
        "wrk": wrk,
        "python": pyinfo[0] if pyinfo else "",
        "accountkit": pyinfo[1] if len(pyinfo) > 1 else "",
        "requests": pyinfo[2] if len(pyinfo) > 2 else "",
        "aiohttp": pyinfo[3] if len(pyinfo) > 3 else "",
        "httpx": pyinfo[4] if len(pyinfo) > 4 else "",
    }


RSS_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "t = time.perf_counter() - t\n"
    "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, t)\n"
)


def apply_rss(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    """Peak RSS of `accountkit apply` over args.apply_records records (its own
    wrapper process, so no other child of this script counts)."""
    records = os.path.join(args.work_dir, f"apply-{args.apply_records}.jsonl")
    results = os.path.join(args.work_dir, f"apply-{args.apply_records}.results.jsonl")
    if not os.path.exists(records):
        write_jsonl(records, args.apply_records)
    env = dict(os.environ)
    env["ACCOUNTKIT_99DIGITAL_BASE_URL"] = base_url
    env["ACCOUNTKIT_99DIGITAL_ACCESS_TOKEN"] = TOKEN
    cli = os.path.join(args.venv, "bin", "accountkit")
    python = os.path.join(args.venv, "bin", "python")
    before = server_counters(base_url)
    p = subprocess.run(
        [python, "-c", RSS_WRAPPER, cli, "apply", records, "--out", results, "--overwrite", "--no-progress"],
        capture_output=True, text=True, env=env, timeout=args.apply_timeout,
    )
    after = server_counters(base_url)
    try:
        rc, kib, seconds = p.stdout.split()
    except ValueError:
        return {"error": f"wrapper failed: {p.stderr.strip()[-300:]}"}
    ok = lines = 0
    try:
        with open(results, encoding="utf-8") as f:
            for line in f:
                lines += 1
                ok += '"ok":true' in line
        os.remove(results)
    except OSError:
        pass
    out = {
        "records": args.apply_records,
        "exit": int(rc),
        "max_rss_mb": int(kib) / 1024,
        "seconds": float(seconds),
        "rate": args.apply_records / float(seconds),
        "results": lines,
        "ok": ok,
        "server_connections": after[0] - before[0] - 1,
        "server_requests": after[1] - before[1] - 1,
    }
    if int(rc) != 0 or ok != args.apply_records:
        out["error"] = f"exit {rc}, {ok} of {args.apply_records} records succeeded"
    return out


NOISE_FLOOR = 0.05  # the smallest tolerance of a "within noise of the previous run" target
NOISY = 0.20  # noise above this makes a no-regression verdict inconclusive
NOISE_CAP = 0.50  # the tolerance never goes past this (a ratio is never allowed to halve)


def paired_ratios(row: Row, base: Row) -> list[float]:
    """row's rate over base's rate, repetition by repetition (the runs of one
    round of the round-robin ran next to each other)."""
    return [a / b for a, b in zip(row.rates, base.rates) if b]


def spread(values: list[float]) -> float:
    """(max - min) / median: how far apart the repetitions of a ratio were."""
    if len(values) < 2:
        return 0.0
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid if mid else 0.0


def load_previous(paths: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The previous runs' ratios, first file first: each file is a results.json
    of an earlier run (its "ratios", or computed from its rows) or a baseline in
    the same shape (bench/previous-engine.json). A ratio measured while other
    processes disturbed the run is left out (the next file's is used)."""
    out = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        ratios = dict(data.get("ratios") or {})
        med = {r["key"]: r.get("median") for r in data.get("rows", [])}
        busy = {r["key"]: any(x.get("other_cores", 0.0) > BUSY for x in r.get("runs", []))
                for r in data.get("rows", [])}
        for key in ("c_seq", "py_call"):
            name = f"{key}/raw_curl"
            if name not in ratios and med.get(key) and med.get("raw_curl"):
                ratios[name] = {"ratio": med[key] / med["raw_curl"], "spread": 0.0}
            if name in ratios and "disturbed" not in ratios[name]:
                ratios[name]["disturbed"] = busy.get(key, False) or busy.get("raw_curl", False)
        ratios = {k: v for k, v in ratios.items() if not v.get("disturbed")}
        source = data.get("source") or f"{path} ({data.get('finished', 'time unknown')})"
        out.append((source, ratios))
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--venv", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--seconds", type=float, default=2)
    p.add_argument("--validate-seconds", type=float, default=1.0)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--in-flight", type=int, default=16)
    p.add_argument("--async-in-flight", type=int, default=256,
                   help="the wider concurrency of the asyncio rows (AsyncClient, run_many, aiohttp)")
    p.add_argument("--delay-url", help="the delay server (bench/delay_server.c); no latency rows without it")
    p.add_argument("--delay-ms", type=float, default=20)
    p.add_argument("--latency-in-flight", default="16,256,1024",
                   help="comma-separated in-flight counts of the latency rows")
    p.add_argument("--apply-records", type=int, default=100_000)
    p.add_argument("--apply-timeout", type=float, default=240)
    p.add_argument("--nginx-workers", default="1")
    p.add_argument("--nginx-pid", type=int, help="nginx's master process, to tell its CPU time from other load")
    p.add_argument("--server-pid", type=int, action="append", default=[],
                   help="another server process whose CPU time is not other load (the delay server)")
    p.add_argument("--previous", action="append", default=[], metavar="RESULTS_JSON",
                   help="an earlier run's results.json (or a baseline in its shape) for the no-regression targets; "
                        "the first that has a row's ratio is used")
    p.add_argument("--save-reference", metavar="FILE",
                   help="also write the results here when the no-regression rows ran undisturbed, for the next "
                        "run's --previous")
    p.add_argument("--wait-quiet", type=float, default=60,
                   help="seconds the whole bench may spend waiting for other processes to leave the CPUs alone")
    p.add_argument("--na", action="append", default=[], metavar="ROW=REASON")
    p.add_argument("--only", metavar="REGEX",
                   help="run only the rows whose key matches (re.search; 'apply' for the apply run), e.g. '^lat_'")
    p.add_argument("--out-md")
    p.add_argument("--out-json")
    args = p.parse_args()

    base = args.base_url.rstrip("/")
    url = base + CREATE_PATH
    s, vs, k = str(args.seconds), str(args.validate_seconds), str(args.in_flight)
    kk = args.in_flight
    b = args.bin_dir
    py = [os.path.join(args.venv, "bin", "python"), os.path.join(HERE, "py_bench.py")]
    # wrk takes whole seconds only.
    wrk = ["wrk", "-t1", f"-d{max(1, round(args.seconds))}s", "-s", os.path.join(HERE, "wrk_post.lua")]
    c_pool, py_pool = "60000", "30000"
    rows = [
        Row("wrk_c1", "wrk -t1 -c1 (server, 1 connection)", "net", [*wrk, "-c1", url]),
        Row("wrk_c16", f"wrk -t1 -c{k} (server, {k} connections)", "net", [*wrk, f"-c{k}", url]),
        Row("raw_curl", "raw libcurl C loop, 1 easy handle, keep-alive", "net",
            [f"{b}/ak_bench_raw_curl", url, s, c_pool]),
        Row("raw_multi", f"raw libcurl C multi, {k} easy handles, 1 thread (perform + poll)", "net",
            [f"{b}/ak_bench_raw_curl_multi", url, s, c_pool, k, "poll"], in_flight=kk),
        Row("raw_multi_epoll", f"raw libcurl C multi, {k} easy handles, 1 thread (socket_action + epoll)", "net",
            [f"{b}/ak_bench_raw_curl_multi", url, s, c_pool, k, "epoll"], in_flight=kk),
        Row("c_seq", "accountkit C: ak_call loop, 1 client", "net", [f"{b}/ak_bench_seq", "call", base, s, c_pool]),
        Row("c_batch", f"accountkit C: ak_batch, max_in_flight {k}", "net",
            [f"{b}/ak_bench_batch", base, s, c_pool, k], in_flight=kk),
        Row("py_call", "accountkit Python: client.call loop", "net",
            [*py, "ak_call", "--base-url", base, "--seconds", s, "--pool", py_pool]),
        Row("py_create", "accountkit Python: client.create_account(**f) loop", "net",
            [*py, "ak_create", "--base-url", base, "--seconds", s, "--pool", py_pool]),
        Row("py_run_many", f"accountkit Python: run_many, max_in_flight {k}", "net",
            [*py, "ak_run_many", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k],
            in_flight=kk),
        Row("req_seq", "Python requests: 1 Session, sequential", "net",
            [*py, "requests_seq", "--base-url", base, "--seconds", s, "--pool", py_pool]),
        Row("req_threads", f"Python requests: {k} threads, 1 Session each", "net",
            [*py, "requests_threads", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k],
            in_flight=kk),
        Row("aiohttp", f"Python aiohttp: 1 ClientSession, TCPConnector(limit={k}), {k} tasks", "net",
            [*py, "aiohttp", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k], in_flight=kk),
        Row("httpx", f"Python httpx: 1 AsyncClient, Limits(max_connections={k}), {k} tasks", "net",
            [*py, "httpx", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k], in_flight=kk),
        Row("py_async", f"accountkit Python: AsyncClient, {k} tasks", "net",
            [*py, "ak_async", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k], in_flight=kk),
    ]
    # asyncio at a wider concurrency: AsyncClient next to run_many and aiohttp
    # (the table after the second); client= lets --na of the narrow row cover these.
    wide = args.async_in_flight
    for key, mode, label in (
        ("py_run_many", "ak_run_many", f"accountkit Python: run_many, max_in_flight {wide}"),
        ("aiohttp", "aiohttp", f"Python aiohttp: 1 ClientSession, TCPConnector(limit={wide}), {wide} tasks"),
        ("py_async", "ak_async", f"accountkit Python: AsyncClient, {wide} tasks"),
    ):
        rows.append(Row(f"{key}_{wide}", label, "net",
                        [*py, mode, "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", str(wide)],
                        in_flight=wide, client=key))
    for r in rows:
        r.server = base

    # The latency-bound rows: the delay server answers after --delay-ms.
    levels = [int(x) for x in args.latency_in_flight.split(",") if x.strip()]
    latency_clients = [
        ("raw_multi", "raw libcurl C multi (perform + poll)"),
        ("raw_multi_epoll", "raw libcurl C multi (socket_action + epoll)"),
        ("c_batch", "accountkit C: ak_batch"),
        ("py_run_many", "accountkit Python: run_many"),
    ]
    latency_rows: list[Row] = []
    d = (args.delay_url or "").rstrip("/")
    for n in levels:
        for client, label in latency_clients:
            cmd = {
                "raw_multi": [f"{b}/ak_bench_raw_curl_multi", d + CREATE_PATH, s, c_pool, str(n), "poll"],
                "raw_multi_epoll": [f"{b}/ak_bench_raw_curl_multi", d + CREATE_PATH, s, c_pool, str(n), "epoll"],
                "c_batch": [f"{b}/ak_bench_batch", d, s, c_pool, str(n)],
                "py_run_many": [*py, "ak_run_many", "--base-url", d, "--seconds", s, "--pool", py_pool,
                                "--in-flight", str(n)],
            }[client]
            latency_rows.append(Row(f"lat_{client}_{n}", f"{label}, {n} in flight", "latency", cmd,
                                    in_flight=n, client=client, server=d, rate_key="steady_rate",
                                    timeout=60 + 0.05 * n))
    validation_rows = [
        Row("val_cpp", "validation C++: ak::validate_fields", "valid", [f"{b}/ak_bench_validate", vs, "100000"]),
        Row("val_c", "validation C: ak_validate per record", "valid", [f"{b}/ak_bench_seq", "validate", vs, "100000"]),
        Row("val_py_many", "validation Python: validate_many, 100k records", "valid",
            [*py, "validate_many", "--pool", "100000"]),
        Row("val_py_each", "validation Python: validate per record, 50k", "valid",
            [*py, "validate_each", "--pool", "50000"]),
    ]
    all_rows = rows + latency_rows + validation_rows
    for r in rows:
        r.server_pid = args.nginx_pid
    for r in latency_rows:
        r.server_pid = args.server_pid[0] if args.server_pid else None
    global METER
    METER = CpuMeter([x for x in [args.nginx_pid, *args.server_pid] if x])
    na = dict(item.split("=", 1) for item in args.na)
    by_key = {r.key: r for r in all_rows}
    for key, reason in na.items():
        for r in all_rows:
            # A row named by --na, and the latency rows of that client (lat_<key>_<n>).
            if r.key == key or r.client == key:
                r.na = reason
    for r in latency_rows:
        if not args.delay_url and not r.na:
            r.na = na.get("delay", "no delay server (run.py --delay-url)")
    for r in all_rows:
        if r.cmd and r.cmd[0] == "wrk" and not shutil.which("wrk"):
            r.na = "wrk is not installed"
        elif r.cmd and os.path.isabs(r.cmd[0]) and not os.path.exists(r.cmd[0]) and not r.na:
            r.na = f"not built: {r.cmd[0]} is missing"
    if args.only:
        for r in all_rows:
            if not re.search(args.only, r.key) and not r.na:
                r.na = f"not selected (--only {args.only})"
        if not re.search(args.only, "apply"):
            na.setdefault("apply", f"not selected (--only {args.only})")
    previous = load_previous(args.previous)

    quiet = QuietWait(args.wait_quiet)
    discarded = 0
    started = time.time()
    print(f"bench: {len(all_rows)} rows x {args.reps} runs, {args.seconds} s per network run", file=sys.stderr)
    for rep in range(args.reps):
        for r in all_rows:
            if r.na or r.error:
                continue
            for attempt in range(RETRIES + 1):
                quiet()
                t = time.perf_counter()
                run_once(r)
                last = r.runs[-1] if r.runs and len(r.runs) == rep + 1 else None
                shown = last and last.get(r.rate_key, last["rate"])
                status = r.na and f"n/a: {r.na}" or r.error or f"{fmt_rate(shown)}/s"
                disturbed = last is not None and last.get("other_cores", 0.0) > BUSY
                if disturbed:
                    status += f", disturbed: other processes used {last['other_cores']:.2f} cores"
                print(f"  run {rep + 1}/{args.reps} {r.key:<22} {status} ({time.perf_counter() - t:.1f} s)",
                      file=sys.stderr)
                # A run other processes disturbed is done again while the wait budget lasts.
                if not disturbed or attempt == RETRIES or quiet.left <= 0:
                    break
                r.runs.pop()
                discarded += 1
    if "apply" in na:
        rss: dict[str, Any] = {"na": na["apply"]}
    elif not os.path.exists(os.path.join(args.venv, "bin", "accountkit")):
        rss = {"na": "not built: no accountkit command in " + args.venv}
    else:
        print(f"  apply: {args.apply_records} records through `accountkit apply`...", file=sys.stderr)
        t = time.perf_counter()
        rss = apply_rss(args, base)
        print(f"  apply: done ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    elapsed = time.time() - started

    med = {r.key: r.median for r in all_rows}
    raw, multi = med.get("raw_curl"), med.get("raw_multi")
    run_many = med.get("py_run_many")
    info = machine(os.path.join(args.venv, "bin", "python"))

    lines: list[str] = []
    lines.append(f"machine: {info['cpus']} CPUs, {info['cpu']}, Linux {info['kernel']}; libcurl {info['libcurl']}, "
                 f"nginx {info['nginx']}, {info['wrk']}, Python {info['python']}, requests {info['requests']}, "
                 f"aiohttp {info['aiohttp']}, httpx {info['httpx']}, accountkit {info['accountkit']}")
    lines.append("")
    lines.append(f"runs: {args.reps} per row, {args.seconds} s each (validation {args.validate_seconds} s); "
                 f"medians; nginx {args.nginx_workers} worker(s); delay server {args.delay_ms:g} ms; "
                 f"{time.strftime('%Y-%m-%d %H:%M:%S')}")
    lines.append("")
    notes: list[str] = []
    busy_runs = 0

    def check_runs(r: Row) -> None:
        """Notes when the server saw other requests than the client counted, or
        when a client kept fewer connections than operations in flight."""
        for x in r.runs:
            seen = x.get("server_requests")
            if seen is not None and abs(seen - x["calls"]) > max(2, 0.005 * x["calls"]):
                notes.append(f"{r.key}: the server saw {seen} requests for {x['calls']} calls")
                break
        if r.in_flight > 1:
            conns = [x.get("server_connections") for x in r.runs if x.get("server_connections") is not None]
            if conns and min(conns) < r.in_flight:
                notes.append(f"{r.key}: the client opened only {min(conns)} connections for {r.in_flight} in flight "
                             "(a connection limit caps it)")

    def cpu_of(r: Row, key: str) -> str:
        """The median over the runs of key (client_cores, server_cores, client_us_per_call)."""
        vals = [x[key] for x in r.runs if key in x]
        if not vals:
            return ""
        v = statistics.median(vals)
        return f"{v:.1f}" if key == "client_us_per_call" else f"{v:.2f}"

    def conns_of(r: Row) -> str:
        return "/".join(sorted({str(x.get("server_connections", "?")) for x in r.runs}, key=lambda v: (len(v), v)))

    # ---- table 1: the canned nginx, and validation ----
    lines.append(f"| # | measurement | median calls/s | runs (calls/s) | vs raw libcurl | vs raw multi {k} | conns/run "
                 "| client CPU | client µs/call | server CPU | other load |")
    lines.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(rows + validation_rows, 1):
        if r.na:
            lines.append(f"| {i} | {r.label} | n/a ({r.na}) | | | | | | | | |")
            continue
        if r.error:
            lines.append(f"| {i} | {r.label} | error | {r.error[:160]} | | | | | | | |")
            continue
        runs = ", ".join(fmt_rate(x) for x in r.rates)
        conns = ""
        if r.group == "net":
            conns = conns_of(r)
            check_runs(r)
        vs_raw = fmt_ratio(r.median, raw) if r.group == "net" else "-"
        vs_multi = fmt_ratio(r.median, multi) if r.group == "net" else "-"
        other = max(x.get("other_cores", 0.0) for x in r.runs)
        busy_runs += sum(1 for x in r.runs if x.get("other_cores", 0.0) > BUSY)
        lines.append(f"| {i} | {r.label} | {fmt_rate(r.median)} | {runs} | {vs_raw} | {vs_multi} | {conns} "
                     f"| {cpu_of(r, 'client_cores')} | {cpu_of(r, 'client_us_per_call')} | {cpu_of(r, 'server_cores')} "
                     f"| {other:.2f} |")
    n = len(rows) + len(validation_rows) + 1
    if "na" in rss:
        lines.append(f"| {n} | accountkit apply, {args.apply_records} records: peak RSS | n/a ({rss['na']}) "
                     "| | | | | | | | |")
    elif "error" in rss and "max_rss_mb" not in rss:
        lines.append(f"| {n} | accountkit apply, {args.apply_records} records: peak RSS | error | {rss['error']} "
                     "| | | | | | | |")
    else:
        lines.append(f"| {n} | accountkit apply, {args.apply_records} records: peak RSS | {rss['max_rss_mb']:.1f} MB "
                     f"| 1 run: {rss['seconds']:.1f} s, {fmt_rate(rss['rate'])} records/s, {rss['ok']} ok | "
                     f"{fmt_ratio(rss['rate'], raw)} | {fmt_ratio(rss['rate'], multi)} | {rss['server_connections']} "
                     "| | | | |")
        if rss.get("error"):
            notes.append(f"apply: {rss['error']}")
    lines.append("")

    # ---- table 2: Python at the same concurrency against run_many ----
    lines.append(f"| Python, {k} in flight, canned nginx | median calls/s | / run_many | run_many is |")
    lines.append("|---|---:|---:|---:|")
    for key in ("py_run_many", "py_async", "aiohttp", "httpx", "req_threads"):
        r = by_key[key]
        if r.na:
            lines.append(f"| {r.label} | n/a ({r.na}) | | |")
        elif r.error:
            lines.append(f"| {r.label} | error ({r.error[:100]}) | | |")
        else:
            lines.append(f"| {r.label} | {fmt_rate(r.median)} | {fmt_ratio(r.median, run_many)} "
                         f"| {fmt_ratio(run_many, r.median)} |")
    lines.append("")

    # ---- table 2b: asyncio, AsyncClient against run_many and aiohttp at the same concurrency ----
    lines.append("| asyncio, canned nginx | in flight | AsyncClient calls/s | run_many calls/s | aiohttp calls/s "
                 "| AsyncClient / run_many | AsyncClient / aiohttp |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for n, suffix in ((kk, ""), (wide, f"_{wide}")):
        trio = [by_key[key + suffix] for key in ("py_async", "py_run_many", "aiohttp")]
        shown = [("n/a" if r.na else "error" if r.error else fmt_rate(r.median)) for r in trio]
        a, m, h = (r.median for r in trio)
        lines.append(f"| AsyncClient, {n} tasks | {n} | {shown[0]} | {shown[1]} | {shown[2]} "
                     f"| {fmt_ratio(a, m)} | {fmt_ratio(a, h)} |")
    lines.append("")

    # ---- table 3: latency-bound ----
    ideal_of = {n: n / (args.delay_ms / 1000.0) for n in levels}
    if latency_rows:
        lines.append(f"Latency-bound: the delay server answers {args.delay_ms:g} ms after reading each request; "
                     "rates are steady-state (from the in_flight-th completion on).")
        lines.append("")
        lines.append(f"| # | client | in flight | median calls/s | runs (calls/s) | ideal (n / {args.delay_ms:g} ms) "
                     "| fraction of ideal | vs raw multi (same n) | conns/run | client CPU | client µs/call "
                     "| server CPU | other load |")
        lines.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for i, r in enumerate(latency_rows, 1):
            label = dict(latency_clients)[r.client]
            head = f"| L{i} | {label} | {r.in_flight}"
            if r.na:
                lines.append(f"{head} | n/a ({r.na}) | | | | | | | | | |")
                continue
            if r.error:
                lines.append(f"{head} | error | {r.error[:160]} | | | | | | | | |")
                continue
            check_runs(r)
            other = max(x.get("other_cores", 0.0) for x in r.runs)
            busy_runs += sum(1 for x in r.runs if x.get("other_cores", 0.0) > BUSY)
            lines.append(f"{head} | {fmt_rate(r.median)} | {', '.join(fmt_rate(x) for x in r.rates)} "
                         f"| {fmt_rate(ideal_of[r.in_flight])} | {r.median / ideal_of[r.in_flight]:.2f} "
                         f"| {fmt_ratio(r.median, med.get(f'lat_raw_multi_{r.in_flight}'))} | {conns_of(r)} "
                         f"| {cpu_of(r, 'client_cores')} | {cpu_of(r, 'client_us_per_call')} "
                         f"| {cpu_of(r, 'server_cores')} | {other:.2f} |")
        lines.append("")

    # ---- targets ----
    def target(name: str, value: float | None, base_value: float | None, want: float, unit: str = "x") -> str:
        """A ">= want" target: a ratio value/base_value ("x"), a fraction of an
        ideal rate ("of ideal"), or an absolute rate (any other unit)."""
        ratio = unit in ("x", "of ideal")

        def show(v: float) -> str:
            return f"{v:.2f}x" if unit == "x" else f"{v:.2f} of ideal" if ratio else f"{fmt_rate(v)} {unit}"

        if value is None or (ratio and not base_value):
            return f"| {name} | n/a | >= {show(want)} | |"
        got = value / base_value if ratio and base_value else value
        shown, wanted = show(got), f">= {show(want)}"
        verdict = "PASS" if got >= want else f"MISS by {miss_pct(got, want)}"
        return f"| {name} | {shown} | {wanted} | {verdict} ({got / want:.2f} of target) |"

    ratios: dict[str, dict[str, float]] = {}

    def no_regression(name: str, key: str) -> str:
        """key's ratio to the raw libcurl loop must stay within noise of the
        previous run's: at least previous x (1 - tolerance), the tolerance
        being the larger spread of the per-repetition ratios (this run's or
        the previous one's) and at least NOISE_FLOOR."""
        r, rr = by_key[key], by_key["raw_curl"]
        if r.median is None or rr.median is None:
            return f"| {name} | n/a | within noise of the previous run | |"
        got = r.median / rr.median
        now_spread = spread(paired_ratios(r, rr))
        disturbed = any(x.get("other_cores", 0.0) > BUSY for x in r.runs + rr.runs)
        ratios[f"{key}/raw_curl"] = {"ratio": round(got, 4), "spread": round(now_spread, 4), "disturbed": disturbed}
        prev = next(((src, rs[f"{key}/raw_curl"]) for src, rs in previous if f"{key}/raw_curl" in rs), None)
        if prev is None:
            return f"| {name} | {got:.2f}x | within noise of the previous run (none found) | no previous run |"
        src, pr = prev
        noise = max(NOISE_FLOOR, now_spread, float(pr.get("spread", 0.0)))
        tol = min(noise, NOISE_CAP)
        floor = pr["ratio"] * (1 - tol)
        verdict = "PASS" if got >= floor else f"MISS by {miss_pct(got, floor)}"
        verdict += f" ({got / pr['ratio']:.2f} of previous)"
        if noise > NOISY:
            verdict += f"; noise {100 * noise:.0f}%: not conclusive, rerun on a quiet machine"
        if src not in prev_sources:
            prev_sources.append(src)
        return (f"| {name} | {got:.2f}x | >= {floor:.2f}x (previous {pr['ratio']:.2f}x - {100 * tol:.0f}% noise) "
                f"| {verdict} |")

    prev_sources: list[str] = []
    lines.append("| target | measured | wanted | result |")
    lines.append("|---|---:|---:|---|")
    lines.append(no_regression("C sequential (ak_call) / raw libcurl loop", "c_seq"))
    lines.append(no_regression("Python sequential (client.call) / raw libcurl loop", "py_call"))
    lines.append(target(f"C batch ({k} in flight) / raw libcurl multi {k}", med.get("c_batch"), multi, 0.90))
    lines.append(target(f"Python run_many ({k} in flight) / raw libcurl multi {k}", med.get("py_run_many"), multi,
                        0.85))
    for n in levels:
        for client in ("raw_multi", "raw_multi_epoll", "c_batch", "py_run_many"):
            r = by_key.get(f"lat_{client}_{n}")
            if r is None:
                continue
            label = {"raw_multi": "raw libcurl multi (perform+poll)", "raw_multi_epoll": "raw libcurl multi (epoll)",
                     "c_batch": "C ak_batch", "py_run_many": "Python run_many"}
            lines.append(target(f"latency-bound, {n} in flight: {label[client]}, rate / ({n} / {args.delay_ms:g} ms)",
                                r.median, ideal_of[n], 0.90, "of ideal"))
    lines.append(target("C++ validation", med.get("val_cpp"), None, 1_000_000, "records/s"))
    lines.append(target("Python batch validation (validate_many)", med.get("val_py_many"), None, 300_000, "records/s"))
    rss_mb = rss.get("max_rss_mb")
    if rss_mb is None:
        lines.append("| accountkit apply 100k records: peak RSS | n/a | < 64 MB | |")
    else:
        lines.append(f"| accountkit apply {args.apply_records} records: peak RSS | {rss_mb:.1f} MB | < 64 MB | "
                     f"{'PASS' if rss_mb < 64 and not rss.get('error') else 'MISS'} ({rss_mb / 64:.2f} of the limit) |")
    if prev_sources:
        notes.append("previous run for the no-regression targets: " + "; ".join(prev_sources))
    keep = bool(ratios) and not any(v["disturbed"] for v in ratios.values())
    if args.save_reference:
        notes.append(f"this run {'is' if keep else 'is not'} kept as the previous run of the next one's no-regression "
                     f"targets ({args.save_reference}){'' if keep else ': other processes disturbed those rows'}")
    if quiet.waited or discarded:
        notes.append(f"waited {quiet.waited:.0f} s in all for other processes to leave the CPUs alone; "
                     f"{discarded} disturbed runs were done again")
    if busy_runs:
        plural = "s" if busy_runs > 1 else ""
        notes.append(f"{busy_runs} run{plural} had other processes using more than {BUSY:.2f} cores of this machine "
                     "(column \"other load\", the worst run of each row): rerun on a quiet machine before "
                     "trusting those rows")
    if notes:
        lines.append("")
        lines.extend(f"note: {x}" for x in notes)
    lines.append("")
    lines.append(f"bench: took {elapsed:.0f} s")
    text = "\n".join(lines)
    print(text)
    if args.out_md:
        with open(args.out_md, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    results = {"machine": info, "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "ratios": ratios,
               "rows": [{"key": r.key, "label": r.label, "group": r.group, "in_flight": r.in_flight,
                         "na": r.na, "error": r.error, "median": r.median, "runs": r.runs}
                        for r in all_rows],
               "apply": rss}
    for path in [args.out_json, args.save_reference if keep else None]:
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
