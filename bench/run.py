"""Runs every benchmark of `make bench` against the canned nginx that
scripts/bench.sh started, and prints one table with medians, ratios and the
targets (docs/benchmarks.md explains each row).

  run.py --base-url http://127.0.0.1:PORT --bin-dir build/bench/bench --venv build/bench-venv
         [--seconds 2.5] [--reps 3] [--na ROW=REASON ...] [--out-md F] [--out-json F]

Every network measurement runs for a fixed time, REPS times; the repetitions
go round-robin over the rows so that a slow patch of the machine hits every
row alike. The nginx stub_status counters are read around each run to count
the connections the client opened and the requests the server saw.
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
    group: str  # "net" (calls against nginx) or "valid" (records validated, no network)
    cmd: list[str] | None
    na: str | None = None  # why the row cannot run
    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    timeout: float = 60

    @property
    def rates(self) -> list[float]:
        return [r["rate"] for r in self.runs]

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
    being measured) minus nginx's master and workers minus this script. The
    machine is small (2 cores); anything else running skews every number."""

    def __init__(self, nginx_pid: int | None) -> None:
        self.nginx_pid = nginx_pid

    def _nginx_seconds(self) -> float:
        if not self.nginx_pid:
            return 0.0
        pids = [self.nginx_pid]
        try:
            with open(f"/proc/{self.nginx_pid}/task/{self.nginx_pid}/children", encoding="utf-8") as f:
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
        return total

    def sample(self) -> tuple[float, float, float]:
        with open("/proc/stat", encoding="utf-8") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(cpu) - cpu[3] - cpu[4]) / TICKS  # all but idle and iowait
        mine = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = resource.getrusage(resource.RUSAGE_SELF)
        ours = mine.ru_utime + mine.ru_stime + me.ru_utime + me.ru_stime + self._nginx_seconds()
        return time.perf_counter(), busy, ours

    @staticmethod
    def other_cores(before: tuple[float, float, float], after: tuple[float, float, float]) -> float:
        wall = after[0] - before[0]
        other = (after[1] - before[1]) - (after[2] - before[2])
        return max(0.0, other / wall) if wall > 0 else 0.0


METER = CpuMeter(None)


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


def run_once(row: Row, base_url: str) -> None:
    """One repetition of a row; appends to row.runs or sets row.error."""
    assert row.cmd is not None
    before = server_counters(base_url) if row.group == "net" else None
    cpu_before = METER.sample()
    try:
        p = subprocess.run(row.cmd, capture_output=True, text=True, timeout=row.timeout)
    except subprocess.TimeoutExpired:
        row.error = f"timed out after {row.timeout:.0f} s"
        return
    cpu_after = METER.sample()
    after = server_counters(base_url) if row.group == "net" else None
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
    pyinfo = capture(
        [venv_python, "-c", "import sys, accountkit, requests; "
         "print(sys.version.split()[0], accountkit.__version__, requests.__version__)"]
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
    p.add_argument("--apply-records", type=int, default=100_000)
    p.add_argument("--apply-timeout", type=float, default=240)
    p.add_argument("--nginx-workers", default="1")
    p.add_argument("--nginx-pid", type=int, help="nginx's master process, to tell its CPU time from other load")
    p.add_argument("--wait-quiet", type=float, default=60,
                   help="seconds the whole bench may spend waiting for other processes to leave the CPUs alone")
    p.add_argument("--na", action="append", default=[], metavar="ROW=REASON")
    p.add_argument("--out-md")
    p.add_argument("--out-json")
    args = p.parse_args()

    base = args.base_url.rstrip("/")
    url = base + CREATE_PATH
    s, vs, k = str(args.seconds), str(args.validate_seconds), str(args.in_flight)
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
        Row("raw_multi", f"raw libcurl C multi, {k} easy handles, 1 thread", "net",
            [f"{b}/ak_bench_raw_curl_multi", url, s, c_pool, k]),
        Row("c_seq", "accountkit C: ak_call loop, 1 client", "net", [f"{b}/ak_bench_seq", "call", base, s, c_pool]),
        Row("c_batch", f"accountkit C: ak_batch, max_in_flight {k}", "net",
            [f"{b}/ak_bench_batch", base, s, c_pool, k]),
        Row("py_call", "accountkit Python: client.call loop", "net",
            [*py, "ak_call", "--base-url", base, "--seconds", s, "--pool", py_pool]),
        Row("py_create", "accountkit Python: client.create_account(**f) loop", "net",
            [*py, "ak_create", "--base-url", base, "--seconds", s, "--pool", py_pool]),
        Row("py_run_many", f"accountkit Python: run_many, max_in_flight {k}", "net",
            [*py, "ak_run_many", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k]),
        Row("req_seq", "Python requests: 1 Session, sequential", "net",
            [*py, "requests_seq", "--base-url", base, "--seconds", s, "--pool", py_pool]),
        Row("req_threads", f"Python requests: {k} threads, 1 Session each", "net",
            [*py, "requests_threads", "--base-url", base, "--seconds", s, "--pool", py_pool, "--in-flight", k]),
        Row("val_cpp", "validation C++: ak::validate_fields", "valid", [f"{b}/ak_bench_validate", vs, "100000"]),
        Row("val_c", "validation C: ak_validate per record", "valid", [f"{b}/ak_bench_seq", "validate", vs, "100000"]),
        Row("val_py_many", "validation Python: validate_many, 100k records", "valid",
            [*py, "validate_many", "--pool", "100000"]),
        Row("val_py_each", "validation Python: validate per record, 50k", "valid",
            [*py, "validate_each", "--pool", "50000"]),
    ]
    global METER
    METER = CpuMeter(args.nginx_pid)
    na = dict(item.split("=", 1) for item in args.na)
    by_key = {r.key: r for r in rows}
    for key, reason in na.items():
        if key in by_key:
            by_key[key].na = reason
    for r in rows:
        if r.cmd and r.cmd[0] == "wrk" and not shutil.which("wrk"):
            r.na = "wrk is not installed"
        elif r.cmd and os.path.isabs(r.cmd[0]) and not os.path.exists(r.cmd[0]) and not r.na:
            r.na = f"not built: {r.cmd[0]} is missing"

    quiet = QuietWait(args.wait_quiet)
    discarded = 0
    started = time.time()
    print(f"bench: {len(rows)} rows x {args.reps} runs, {args.seconds} s per network run", file=sys.stderr)
    for rep in range(args.reps):
        for r in rows:
            if r.na or r.error:
                continue
            for attempt in range(RETRIES + 1):
                quiet()
                t = time.perf_counter()
                run_once(r, base)
                last = r.runs[-1] if r.runs and len(r.runs) == rep + 1 else None
                status = r.na and f"n/a: {r.na}" or r.error or f"{fmt_rate(last and last['rate'])}/s"
                disturbed = last is not None and last.get("other_cores", 0.0) > BUSY
                if disturbed:
                    status += f", disturbed: other processes used {last['other_cores']:.2f} cores"
                print(f"  run {rep + 1}/{args.reps} {r.key:<12} {status} ({time.perf_counter() - t:.1f} s)",
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

    med = {r.key: r.median for r in rows}
    raw, c16 = med.get("raw_curl"), med.get("wrk_c16")
    info = machine(os.path.join(args.venv, "bin", "python"))

    lines: list[str] = []
    lines.append(f"machine: {info['cpus']} CPUs, {info['cpu']}, Linux {info['kernel']}; libcurl {info['libcurl']}, "
                 f"nginx {info['nginx']}, {info['wrk']}, Python {info['python']}, requests {info['requests']}, "
                 f"accountkit {info['accountkit']}")
    lines.append("")
    lines.append(f"runs: {args.reps} per row, {args.seconds} s each (validation {args.validate_seconds} s); "
                 f"medians; nginx {args.nginx_workers} worker(s); {time.strftime('%Y-%m-%d %H:%M:%S')}")
    lines.append("")
    lines.append("| # | measurement | median calls/s | runs (calls/s) | vs raw libcurl | vs wrk -c16 | conns/run "
                 "| other load |")
    lines.append("|---|---|---:|---|---:|---:|---:|---:|")
    notes: list[str] = []
    busy_runs = 0
    for i, r in enumerate(rows, 1):
        if r.na:
            lines.append(f"| {i} | {r.label} | n/a ({r.na}) | | | | | |")
            continue
        if r.error:
            lines.append(f"| {i} | {r.label} | error | {r.error[:160]} | | | | |")
            continue
        runs = ", ".join(fmt_rate(x) for x in r.rates)
        conns = ""
        if r.group == "net":
            conns = "/".join(sorted({str(x.get("server_connections", "?")) for x in r.runs}))
            for x in r.runs:
                seen = x.get("server_requests")
                if seen is not None and abs(seen - x["calls"]) > max(2, 0.005 * x["calls"]):
                    notes.append(f"{r.key}: the server saw {seen} requests for {x['calls']} calls")
                    break
        vs_raw = fmt_ratio(r.median, raw) if r.group == "net" else "-"
        vs_c16 = fmt_ratio(r.median, c16) if r.group == "net" else "-"
        other = max(x.get("other_cores", 0.0) for x in r.runs)
        busy_runs += sum(1 for x in r.runs if x.get("other_cores", 0.0) > BUSY)
        lines.append(f"| {i} | {r.label} | {fmt_rate(r.median)} | {runs} | {vs_raw} | {vs_c16} | {conns} "
                     f"| {other:.2f} |")
    n = len(rows) + 1
    if "na" in rss:
        lines.append(f"| {n} | accountkit apply, {args.apply_records} records: peak RSS | n/a ({rss['na']}) | | | | | |")
    elif "error" in rss and "max_rss_mb" not in rss:
        lines.append(f"| {n} | accountkit apply, {args.apply_records} records: peak RSS | error | {rss['error']} | | | | |")
    else:
        lines.append(f"| {n} | accountkit apply, {args.apply_records} records: peak RSS | {rss['max_rss_mb']:.1f} MB "
                     f"| 1 run: {rss['seconds']:.1f} s, {fmt_rate(rss['rate'])} records/s, {rss['ok']} ok | "
                     f"{fmt_ratio(rss['rate'], raw)} | {fmt_ratio(rss['rate'], c16)} | {rss['server_connections']} | |")
        if rss.get("error"):
            notes.append(f"apply: {rss['error']}")
    lines.append("")

    def target(name: str, value: float | None, base_value: float | None, want: float, unit: str = "x") -> str:
        """A ">= want" target: a ratio value/base_value, or an absolute rate."""
        if value is None or (unit == "x" and not base_value):
            return f"| {name} | n/a | | |"
        got = value / base_value if unit == "x" and base_value else value
        shown = f"{got:.2f}x" if unit == "x" else f"{fmt_rate(got)} {unit}"
        wanted = f">= {want:.2f}x" if unit == "x" else f">= {fmt_rate(want)} {unit}"
        verdict = "PASS" if got >= want else f"MISS by {100 * (1 - got / want):.0f}%"
        return f"| {name} | {shown} | {wanted} | {verdict} ({got / want:.2f} of target) |"

    lines.append("| target | measured | wanted | result |")
    lines.append("|---|---:|---:|---|")
    lines.append(target("Python sequential (client.call) / raw libcurl", med.get("py_call"), raw, 0.85))
    lines.append(target("C batch (16 in flight) / wrk -c16", med.get("c_batch"), c16, 0.80))
    lines.append(target("Python run_many (16 in flight) / wrk -c16", med.get("py_run_many"), c16, 0.80))
    lines.append(target("C++ validation", med.get("val_cpp"), None, 1_000_000, "records/s"))
    lines.append(target("Python batch validation (validate_many)", med.get("val_py_many"), None, 300_000, "records/s"))
    rss_mb = rss.get("max_rss_mb")
    if rss_mb is None:
        lines.append("| accountkit apply 100k records: peak RSS | n/a | < 64 MB | |")
    else:
        lines.append(f"| accountkit apply {args.apply_records} records: peak RSS | {rss_mb:.1f} MB | < 64 MB | "
                     f"{'PASS' if rss_mb < 64 and not rss.get('error') else 'MISS'} ({rss_mb / 64:.2f} of the limit) |")
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
    if args.out_json:
        with open(args.out_json, "w", encoding="utf-8") as f:
            json.dump({"machine": info, "rows": [{"key": r.key, "label": r.label, "na": r.na, "error": r.error,
                                                  "median": r.median, "runs": r.runs} for r in rows],
                       "apply": rss}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
