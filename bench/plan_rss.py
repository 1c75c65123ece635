"""The desired-state suite of `make bench` (issue 17; docs/benchmarks.md):
`accountkit plan` of --records desired 99digital records against a sandbox
holding as many accounts (one in ten renamed, so a tenth of the plan is
updates), in its own process: its peak RSS (target: under 200 MB) and how
fast it reads the vendor's accounts, next to `run_many`'s rate in the same
run (the creates that seed the sandbox, --in-flight at once). Then
`accountkit apply --plan` of that plan (its peak RSS and time) and `plan`
again, whose changes must be none.

Runs with the bench virtualenv's Python (accountkit installed): the sandbox
is served from this process; the plan runs as a child whose RSS alone is
measured. Prints the table; appends it to --out-md, writes --out-json.

  plan_rss.py --records 100000 [--in-flight 32] [--out-md F] [--out-json F]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import RSS_WRAPPER  # noqa: E402
from suite import publish  # noqa: E402

TARGET_MB = 200.0


def record(i: int, renamed: bool = False) -> dict[str, Any]:
    return {"account_name": f"{'Renamed' if renamed else 'Account'} {i}", "agents": 5, "inboxes": 2,
            "admin_email": f"admin{i}@plan.example", "admin_name": "Admin", "admin_displayName": "Admin",
            "admin_password": "Plan!Bench1", "reference": f"plan{i}"}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--in-flight", type=int, default=32)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--out-md")
    p.add_argument("--out-json")
    args = p.parse_args()
    import accountkit as ak

    n = args.records
    out: dict[str, Any] = {"records": n}
    with ak.Sandbox() as sb, tempfile.TemporaryDirectory() as tmp:
        client = sb.client("99digital")
        print(f"  plan: seeding {n} accounts with run_many...", file=sys.stderr)
        started = time.perf_counter()
        failed = sum(1 for o in client.run_many((("create_account", record(i)) for i in range(n)),
                                                max_in_flight=args.in_flight) if o.error)
        out["run_many_rate"] = n / (time.perf_counter() - started)
        desired = os.path.join(tmp, "desired.jsonl")
        with open(desired, "w", encoding="utf-8") as f:
            for i in range(n):
                f.write(json.dumps({"vendor": "99digital", "fields": record(i, renamed=i % 10 == 0)}) + "\n")
        env = dict(os.environ)
        for name, value in sb.credentials("99digital").items():
            env[f"ACCOUNTKIT_99DIGITAL_{name.upper()}"] = value
        cli = os.path.join(os.path.dirname(sys.executable), "accountkit")
        plan_file = os.path.join(tmp, "plan.json")

        def measured(what: str, *argv: str) -> tuple[int, float, float] | None:
            print(f"  plan: accountkit {what}...", file=sys.stderr)
            run = subprocess.run([sys.executable, "-c", RSS_WRAPPER, cli, *argv], capture_output=True, text=True,
                                 env=env, timeout=args.timeout)
            try:
                rc, kib, seconds = run.stdout.split()
            except ValueError:
                out.setdefault("error", f"{what}: wrapper failed: {run.stderr.strip()[-300:]}")
                return None
            if int(rc) != 0:
                out.setdefault("error", f"{what}: exit {rc}")
            return int(rc), int(kib) / 1024, float(seconds)

        if failed:
            out["error"] = f"{failed} seeding creates failed"
        if got := measured(f"plan over {n} records", "plan", desired, "--out", plan_file):
            out.update(max_rss_mb=got[1], seconds=got[2], reads_per_s=n / got[2])
            with open(plan_file, encoding="utf-8") as f:
                out["updates"] = sum(s["action"] == "update" for s in json.load(f)["steps"])
        if got := measured(f"apply --plan of {n} steps", "apply", "--plan", plan_file, "--desired", desired):
            out.update(apply_max_rss_mb=got[1], apply_seconds=got[2])
        again_file = os.path.join(tmp, "plan-again.json")  # a failed plan writes none: never read the first
        if measured("plan again", "plan", desired, "--out", again_file) and os.path.exists(again_file):
            with open(again_file, encoding="utf-8") as f:
                out["changes_after_apply"] = sum(s["action"] != "no_change" for s in json.load(f)["steps"])
    lines = [
        f"Desired state: `accountkit plan` of {n:,} desired 99digital records against a sandbox holding as many "
        f"accounts (a tenth renamed), then `accountkit apply --plan` of that plan, then `plan` again, each in its "
        f"own process; run_many's rate is the seeding creates', {args.in_flight} in flight, in the same run.",
        "",
        "| plan peak RSS | target | plan time | accounts read/s | run_many calls/s | read / run_many "
        "| apply --plan peak RSS | apply time | changes after apply |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    if "max_rss_mb" in out:
        verdict = "met" if out["max_rss_mb"] < TARGET_MB and "error" not in out else "MISSED"
        applied = (f"{out['apply_max_rss_mb']:.0f} MB | {out['apply_seconds']:.1f} s ({out['updates']:,} updates)"
                   if "apply_max_rss_mb" in out else f"{out.get('error', '?')} |")
        lines.append(f"| {out['max_rss_mb']:.0f} MB | < {TARGET_MB:.0f} MB: {verdict} | {out['seconds']:.1f} s | "
                     f"{out['reads_per_s']:,.0f} | {out['run_many_rate']:,.0f} | "
                     f"{out['reads_per_s'] / out['run_many_rate']:.2f}x | {applied} | "
                     f"{out.get('changes_after_apply', '?')} |")
    else:
        lines.append(f"| {out.get('error', '?')} | | | | | | | | |")
    publish(lines, out, args.out_md, args.out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
