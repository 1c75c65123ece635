"""The cancellation-latency suite of `make bench` (issue 16; docs/benchmarks.md):
the time from a cancel to the call coming back, against a delay server that
holds every answer for --server-delay-ms (scripts/bench.sh starts one at
10 s), so that only the cancel ends the exchange. One row per way to cancel:

  c_call    ak_call_with on a thread, ak_cancel_trigger from another (bench/ak_cancel.c)
  c_batch   ak_batch_next waiting, ak_batch_cancel from another thread (bench/ak_cancel.c)
  py_async  AsyncClient: task.cancel(), until the engine reports the create over (py_bench.py)

Each row cancels --samples creates, each after --hold-ms in flight, and every
one must end as outcome-unknown (a create that was sent may have landed). The
target: a median under 50 ms. Prints the table; appends it to --out-md and
writes the figures to --out-json.

  cancel_latency.py --delay-url URL --server-delay-ms 10000 --bin-dir DIR --venv DIR
                    [--samples 21] [--hold-ms 100] [--out-md F] [--out-json F]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from suite import publish  # noqa: E402

TARGET_MS = 50.0


def measure(cmd: list[str], timeout: float) -> dict[str, Any]:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        tail = " | ".join((p.stderr.strip() or p.stdout.strip()).splitlines()[-2:])
        return {"error": f"exit {p.returncode}, no result: {tail}"}
    res: dict[str, Any] = json.loads(lines[-1])
    if p.returncode != 0 or res.get("failures"):
        tail = " | ".join(p.stderr.strip().splitlines()[-2:])
        res["error"] = f"exit {p.returncode}, {res.get('failures', 0)} samples not outcome-unknown: {tail}"
    return res


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--delay-url", required=True)
    p.add_argument("--server-delay-ms", type=float, required=True)
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--venv", required=True)
    p.add_argument("--samples", type=int, default=21)
    p.add_argument("--hold-ms", type=float, default=100)
    p.add_argument("--na", action="append", default=[], metavar="ROW=REASON")
    p.add_argument("--out-md")
    p.add_argument("--out-json")
    args = p.parse_args()

    url, n, hold = args.delay_url.rstrip("/"), str(args.samples), f"{args.hold_ms:g}"
    program = os.path.join(args.bin_dir, "ak_bench_cancel")
    python = [os.path.join(args.venv, "bin", "python"), os.path.join(HERE, "py_bench.py")]
    rows = [
        ("c_call", "accountkit C: ak_call_with, ak_cancel_trigger from another thread",
         [program, "call", url, n, hold]),
        ("c_batch", "accountkit C: ak_batch_next waiting, ak_batch_cancel from another thread",
         [program, "batch", url, n, hold]),
        ("py_async", "accountkit Python: AsyncClient, task.cancel()",
         [*python, "ak_async_cancel", "--base-url", url, "--samples", n, "--hold-ms", hold]),
    ]
    na = dict(item.split("=", 1) for item in args.na)
    # Each sample holds its create --hold-ms, then waits for the cancel; a
    # broken cancel would wait for the server's delay, so bound each row by it.
    timeout = 30 + args.samples * (args.hold_ms + 100) / 1000 + args.server_delay_ms / 1000
    results: dict[str, dict[str, Any]] = {}
    for key, label, cmd in rows:
        if key in na:
            results[key] = {"na": na[key]}
        elif not os.path.exists(cmd[0]):
            results[key] = {"na": f"not built: {cmd[0]} is missing"}
        else:
            print(f"  cancel latency: {key}...", file=sys.stderr)
            results[key] = measure(cmd, timeout)
        results[key]["label"] = label

    lines = [
        f"Cancellation latency: the server holds every answer {args.server_delay_ms / 1000:g} s; each sample "
        f"cancels a create after {args.hold_ms:g} ms in flight and times the cancel until the call is back "
        f"({args.samples} samples; each must end as outcome-unknown).",
        "",
        "| client | median ms | p90 ms | max ms | target: median < 50 ms |",
        "|---|---|---|---|---|",
    ]
    for key, _, _ in rows:
        r = results[key]
        if "na" in r or "median_ms" not in r:
            why = r.get("na") and f"n/a: {r['na']}" or r.get("error", "?")
            lines.append(f"| {r['label']} | {why} | | | |")
            continue
        verdict = "met" if r["median_ms"] < TARGET_MS and "error" not in r else "MISSED"
        note = f" ({r['error']})" if "error" in r else ""
        lines.append(f"| {r['label']} | {r['median_ms']:.1f} | {r['p90_ms']:.1f} | {r['max_ms']:.1f} | "
                     f"{verdict}{note} |")
    publish(lines, {"server_delay_ms": args.server_delay_ms, "hold_ms": args.hold_ms, "rows": results},
            args.out_md, args.out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
