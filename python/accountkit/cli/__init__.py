"""The ``accountkit`` command (also ``python -m accountkit``).

  accountkit validate FILE            check every record offline
  accountkit apply FILE --out RESULTS run every record, one result line each
  accountkit sandbox [--port N]       serve the sandbox in the foreground
  accountkit vendors [--json]         list vendors, operations and fields
  accountkit list --vendor NAME|all   every account as the common account view
  accountkit plan DESIRED [--out PLAN] what brings the accounts in line with DESIRED
  accountkit apply --plan PLAN        run a plan file (--desired DESIRED gives its secrets)

docs/cli.md is the reference (record format, references, CSV typing,
credentials, exit codes).

One module per command (_validate_command, _apply_command, _sandbox_command,
_vendors_command, _list_command, _plan_command: plan and apply --plan); apply's work is split by concern: _apply_plan (what
becomes of each record and when it may start), _apply_run (running them),
_apply_resume (--resume), _apply_refs (what is kept for references) and
_apply_report (result lines, counts, expect). This module holds the parser
and main, the entry point of the console script and of ``python -m``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import _core, __version__
from ..errors import Error
from ._apply_command import cmd_apply
from ._apply_report import Progress, Tally
from ._apply_run import Runner
from ._check import Problem, check_record
from ._common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, INVALID_RECORD, REFERENCE, UsageError
from ._config import env_prefix, load_options
from ._list_command import add_list_parser, cmd_list
from ._plan_command import add_client_arguments, add_plan_parser, cmd_plan
from ._sandbox_command import cmd_sandbox
from ._validate_command import cmd_validate
from ._vendors_command import cmd_vendors

# What the single cli.py module offered, still importable from accountkit.cli.
__all__ = [
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_INTERRUPTED",
    "INVALID_RECORD",
    "REFERENCE",
    "UsageError",
    "Problem",
    "check_record",
    "env_prefix",
    "load_options",
    "Progress",
    "Runner",
    "Tally",
    "cmd_validate",
    "cmd_apply",
    "cmd_sandbox",
    "cmd_vendors",
    "cmd_list",
    "cmd_plan",
    "build_parser",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountkit",
        description="Create, update, read, list and delete accounts on vendor platforms.",
        epilog="Exit status: 0 every record as expected, 1 some record failed or was invalid, 2 usage error, "
        "130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"accountkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check every record offline", description="Checks every record without network: "
                       "prints each problem as FILE:LINE: [KEY] VENDOR OPERATION: FIELD: MESSAGE (RULE).")
    p.add_argument("file", metavar="FILE", help="records (.jsonl, or .csv); - reads standard input")
    p.add_argument("--format", choices=("jsonl", "csv"), help="input format (default: from the file name)")
    p.set_defaults(func=cmd_validate)

    _add_apply_parser(sub)

    p = sub.add_parser("sandbox", help="serve the sandbox in the foreground until interrupted")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE", help="a sandbox knob (repeatable)")
    p.set_defaults(func=cmd_sandbox)

    p = sub.add_parser("vendors", help="list vendors, operations and field rules")
    p.add_argument("--json", action="store_true", help="print the full description as JSON")
    p.set_defaults(func=cmd_vendors)

    add_list_parser(sub)
    add_plan_parser(sub)
    return parser


def _add_apply_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("apply", help="run every record, writing one result line each",
                       description="Runs every record and writes one JSON result line per record, in the order "
                       "the records finish. Up to --max-in-flight consecutive single-account records of one vendor "
                       "run concurrently; a record that refers to an earlier one (${KEY.PATH}) or acts on the same "
                       "account as one in flight waits for it; wait and list records run alone.")
    p.add_argument("file", metavar="FILE", nargs="?", help="records (.jsonl, or .csv); - reads standard input")
    p.add_argument("--out", metavar="RESULTS", help="results file (JSONL); - writes standard output (required with FILE)")
    p.add_argument("--plan", metavar="PLAN", help="run a plan file of `accountkit plan` instead of FILE")
    p.add_argument("--desired", metavar="DESIRED", help="with --plan: the desired records the plan was made from "
                   "(the plan file masks secrets; its creates take their fields from these)")
    p.add_argument("--refresh", action="store_true",
                   help="with --plan: run steps whose account changed since the plan read it (refused otherwise)")
    p.add_argument("--format", choices=("jsonl", "csv"), help="input format (default: from the file name)")
    p.add_argument("--resume", action="store_true", help="append to RESULTS, skipping records whose key it has")
    p.add_argument("--retry-failed", action="store_true", help="with --resume: run records whose last result failed again")
    p.add_argument("--overwrite", action="store_true", help="start RESULTS over if it has results")
    # The range is the core's own limit, read from it.
    p.add_argument("--max-in-flight", type=int, default=8, metavar="N",
                   help=f"how many records may run at once (1 to {_core.MAX_IN_FLIGHT}, default 8); 1 runs them one after "
                   "the other, "
                   "in file order")
    add_client_arguments(p)
    p.add_argument("--echo", action="store_true",
                   help="also print one short line per finished record on standard output (no progress bar then)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="log retries and notable events to stderr; twice: every HTTP exchange")
    p.set_defaults(func=cmd_apply)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except UsageError as e:
        print(f"accountkit {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Error as e:  # e.g. the embedded sandbox could not start
        print(f"accountkit {args.command}: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"accountkit {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
