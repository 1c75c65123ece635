"""``accountkit plan`` and ``accountkit apply --plan``: desired state
(docs/plan.md). plan reads the desired records (JSONL or CSV, with the reader
apply uses: _records.DESIRED), reads the vendors' accounts, and prints and
writes the plan (accountkit.plan); apply --plan runs a plan file
(Plan.apply), taking the secrets of its creates from the desired records."""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from .._records import DESIRED, detect_format, read_records
from ..client import Client
from ..errors import Error
from ..plan import RUN_ACTIONS, Plan, PlanStep, PlanSummary, StalePlanError, StepOutcome, iter_plan, write_plan
from ..sandbox import Sandbox
from ._common import EXIT_FAILED, EXIT_OK, EXIT_PLAN_CHANGES, EXIT_PLAN_CONFLICTS, UsageError, open_input
from ._config import client_options, key_attributes, load_options
from ._sandbox_command import set_sandbox_options


PLAN_HELP = ("Reads the desired records (JSONL: {\"vendor\", \"fields\", \"status\"} a line; CSV: columns vendor, "
             "status and field paths) and every account of their vendors, matches them by your own key (99digital "
             "reference, Commvault account.externalId, ActivePlatform the custom attribute its key_attribute "
             "setting names) and prints the plan: + create, ~ update FIELD: OLD → NEW, "
             "~ suspend / resume, ! conflict, - remove, ? only at the vendor. Nothing is changed: `accountkit apply "
             "--plan` runs the plan file.")


def add_plan_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    what = "show what brings the vendors' accounts in line with desired records"
    p = sub.add_parser("plan", help=what, description=PLAN_HELP)
    p.add_argument("file", metavar="DESIRED", help="desired records (.jsonl, or .csv); - reads standard input")
    p.add_argument("--input-format", choices=("jsonl", "csv"), help="input format (default: from the file name)")
    p.add_argument("--out", metavar="PLAN", help="write the plan file (JSON, secrets masked) here")
    p.add_argument("--prune", action="store_true",
                   help="plan removing accounts that carry a key no desired record has (where the vendor can)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="print the summary (text, the default) or the plan file's JSON")
    p.add_argument("--detailed-exitcode", action="store_true",
                   help=f"exit {EXIT_PLAN_CHANGES} when the plan has steps to apply, {EXIT_PLAN_CONFLICTS} when it has "
                        "conflicts, 0 only when nothing differs")
    add_client_arguments(p)
    p.set_defaults(func=cmd_plan)


def add_client_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="TOML file with a [VENDOR] table of client options per vendor")
    p.add_argument("--sandbox", action="store_true", help="against an embedded sandbox (ignores configured credentials)")
    p.add_argument("--sandbox-option", action="append", default=[], metavar="NAME=VALUE",
                   help="a sandbox knob (repeatable)")


def read_desired(path: str, fmt: str | None) -> tuple[Iterable[dict[str, Any]], list[str]]:
    """The desired records of path, each with its line, and the vendors they
    name; every malformed record is reported (FILE:LINE: problem) and is a
    usage error. A file is checked in a first pass and read again as the plan
    consumes it (no list of its records is kept); standard input is read
    once, into a list."""

    def records() -> Iterator[dict[str, Any]]:
        with open_input(path) as stream:
            for rec in read_records(stream, detect_format(path, fmt), DESIRED):
                yield {"line": rec.line, "vendor": rec.vendor, "fields": rec.fields, "status": rec.status,
                       "problems": rec.problems}

    problems: list[str] = []
    kept: list[dict[str, Any]] = []
    vendors: dict[str, None] = {}
    for rec in records():
        problems += [f"{path}:{rec['line']}: {p}" for p in rec.pop("problems")]
        vendors.setdefault(str(rec["vendor"]), None)
        if path == "-":
            kept.append(rec)
    if problems:
        raise UsageError("malformed desired records:\n" + "\n".join(problems))
    if path == "-":
        return kept, list(vendors)
    return ({k: v for k, v in rec.items() if k != "problems"} for rec in records()), list(vendors)


class Session:
    """The clients of a command (one per vendor, made when first needed) and
    the embedded sandbox, if any: a context manager that stops it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._options = load_options(args.config, os.environ)
        self._sandbox: Sandbox | None = None
        if args.sandbox:
            self._sandbox = Sandbox()
            set_sandbox_options(self._sandbox, args.sandbox_option, "--sandbox-option")
            self._sandbox.start()
        self.clients: dict[str, Client] = {}
        # The custom attribute holding your key, per vendor that has one configured.
        self.key_attributes = key_attributes(self._options)

    def for_vendors(self, vendors: Iterator[str]) -> dict[str, Client]:
        for vendor in vendors:
            if vendor not in self.clients:
                self.clients[vendor] = Client(vendor, **client_options(vendor, self._options, self._sandbox))
        return self.clients

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.clients.clear()
        if self._sandbox is not None:
            gc.collect()  # clients kept alive by tracebacks hold keep-alive connections that delay stop()
            self._sandbox.stop()


def cmd_plan(args: argparse.Namespace) -> int:
    desired, vendors = read_desired(args.file, args.input_format)
    summary = PlanSummary()
    with Session(args) as session:
        clients = session.for_vendors(iter(vendors))
        attributes = {v: a for v, a in session.key_attributes.items() if v in vendors}
        # Each step is counted and written, then let go: the plan is never held.
        steps = summary.counted(iter_plan(clients, desired, prune=args.prune, key_attributes=attributes))
        if args.out:
            _write(args.out, steps, attributes)
        elif args.format == "json":
            write_plan(sys.stdout, steps, attributes)
        else:
            for _ in steps:
                pass
    if args.format == "text":
        print(summary.text())
    elif args.out:
        with open(args.out, encoding="utf-8") as f:
            shutil.copyfileobj(f, sys.stdout)
    if args.out:
        print(f"plan written to {args.out}", file=sys.stderr)
    if not args.detailed_exitcode:
        return EXIT_OK
    if summary.counts["conflict"]:
        return EXIT_PLAN_CONFLICTS
    return EXIT_PLAN_CHANGES if summary.has_changes else EXIT_OK


def _write(path: str, steps: Iterable[PlanStep], key_attributes: dict[str, str]) -> None:
    """The plan file at path, whole or not at all (a listing that fails leaves none)."""
    partial = path + ".partial"
    try:
        with open(partial, "w", encoding="utf-8") as f:
            write_plan(f, steps, key_attributes)
        os.replace(partial, path)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}") from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def outcome_line(o: StepOutcome) -> str:
    s = o.step
    what = f"{s.action} {s.describe()}"
    if o.ok:
        got = getattr(o.result, "id", None)
        return f"ok       {what}" + (f" -> {got}" if got and got != s.id else "")
    if isinstance(o.error, StalePlanError):
        return f"refused  {what}: {o.error.changed}"
    return f"failed   {what}: {o.error}"


def cmd_apply_plan(args: argparse.Namespace) -> int:
    if args.file or args.resume or args.retry_failed or args.overwrite:
        raise UsageError("--plan runs a plan file: it takes no FILE, --resume, --retry-failed or --overwrite")
    try:
        with open(args.plan, encoding="utf-8") as f:
            loaded = Plan.from_json(f.read(), actions=RUN_ACTIONS)  # only the steps it runs are held
    except OSError as e:
        raise UsageError(f"cannot read {args.plan}: {e.strerror}") from None
    except Error as e:
        raise UsageError(f"{args.plan}: {e}") from None
    desired = read_desired(args.desired, None)[0] if args.desired else None
    with Session(args) as session:
        # The plan file's key attributes are those it was made with; the configured ones fill in.
        loaded.key_attributes = {**session.key_attributes, **loaded.key_attributes}
        clients = session.for_vendors(iter(dict.fromkeys(s.vendor for s in loaded.steps if s.operation)))
        outcomes = loaded.apply(clients, desired=desired, refresh=args.refresh, max_in_flight=args.max_in_flight)
    for o in outcomes:
        print(outcome_line(o))
    done = sum(o.ok for o in outcomes)
    refused = sum(o.refused for o in outcomes)
    failed = len(outcomes) - done - refused
    hint = " (plan again; --refresh runs the changed updates and status steps as planned)" if refused else ""
    print(f"apply: {len(outcomes)} steps: {done} done, {failed} failed, {refused} refused{hint}")
    return EXIT_OK if done == len(outcomes) else EXIT_FAILED
