"""``accountkit list``: every account of one vendor, or of every vendor the
configuration has credentials for, as the common account view
(:func:`accountkit.account_view`), one line each: a table, CSV or JSON lines.

Pages are fetched as lines are printed (``Client.list_accounts``), so the
client's read budget (Commvault: 1000 reads an hour) paces a long listing
instead of being overrun. A vendor whose listing fails is reported on
standard error and the others still listed (exit status 1)."""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .. import _core, _describe
from ..client import Client
from ..errors import Error
from ..sandbox import Sandbox
from ._common import EXIT_FAILED, EXIT_OK, UsageError
from ._config import client_options, key_attributes, load_options
from ._sandbox_command import set_sandbox_options

# The view's fields a line shows, in order (jsonl lines also carry "record").
COLUMNS = ("vendor", "id", "name", "status", "vendor_status", "email", "country", "key", "created", "updated")

# A table's columns fit the widest value among the rows printed so far; rows
# are printed in blocks of this many, so a listing shows while pages arrive.
TABLE_BLOCK = 50


def add_list_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="list every account as the common account view",
                       description="Lists every account of --vendor (or of every vendor the configuration has "
                       "credentials for: --vendor all) as the same fields for each vendor: vendor, id, name, "
                       "status (active, suspended, pending, deleted or unknown), vendor_status, email, country, key "
                       "(your own key for the account), created and updated (ISO 8601 UTC). Pages are fetched as "
                       "lines are printed.")
    p.add_argument("--vendor", required=True, choices=(*_core.vendor_names(), "all"), metavar="NAME|all",
                   help="the vendor to list, or all: every vendor with configured credentials")
    p.add_argument("--format", choices=("table", "csv", "jsonl"), default="table",
                   help="table (default), csv (a header, then one row per account) or jsonl (one view per line, "
                   "with the vendor's full record)")
    p.add_argument("--config", metavar="FILE", help="TOML file with a [VENDOR] table of client options per vendor")
    p.add_argument("--sandbox", action="store_true", help="list an embedded sandbox (ignores configured credentials)")
    p.add_argument("--sandbox-option", action="append", default=[], metavar="NAME=VALUE",
                   help="a sandbox knob (repeatable)")
    p.set_defaults(func=cmd_list)


def configured_vendors(options: dict[str, dict[str, Any]]) -> list[str]:
    """The vendors whose options hold a secret credential (a token, a
    password, a client secret), in the library's order."""
    out = []
    for info in _describe.describe():
        opts = options.get(info["name"], {})
        if any(opts.get(name) not in (None, "") for name in info["secret_options"]):
            out.append(info["name"])
    return out


def views(client: Client, key_attribute: str | None) -> Iterator[dict[str, Any]]:
    """Every account of client's vendor as its view, page by page."""
    for item in client.list_accounts():
        yield item.view(key_attribute=key_attribute)


def cell(value: Any) -> str:
    return "" if value is None else str(value)


class Table:
    """Rows under a header, the columns as wide as the widest value so far."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._widths = [len(c) for c in COLUMNS]
        self._block: list[list[str]] = []
        self._header_done = False

    def add(self, view: dict[str, Any]) -> None:
        row = [cell(view.get(c)) for c in COLUMNS]
        self._block.append(row)
        if len(self._block) >= TABLE_BLOCK:
            self.flush()

    def flush(self) -> None:
        for row in self._block:
            self._widths = [max(w, len(v)) for w, v in zip(self._widths, row)]
        if not self._header_done:
            self._line(list(COLUMNS))
            self._header_done = True
        for row in self._block:
            self._line(row)
        self._block.clear()
        self._out.flush()

    def _line(self, row: list[str]) -> None:
        self._out.write("  ".join(v.ljust(w) for v, w in zip(row, self._widths)).rstrip() + "\n")


class Printer:
    """Writes views in one of the formats."""

    def __init__(self, fmt: str, out: IO[str]) -> None:
        self._fmt = fmt
        self._out = out
        self._table = Table(out) if fmt == "table" else None
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(COLUMNS)

    def add(self, view: dict[str, Any]) -> None:
        if self._table is not None:
            self._table.add(view)
        elif self._csv is not None:
            self._csv.writerow([cell(view.get(c)) for c in COLUMNS])
        else:
            self._out.write(json.dumps(view, ensure_ascii=False) + "\n")

    def flush(self) -> None:
        if self._table is not None:
            self._table.flush()
        self._out.flush()


def list_all(vendors: Iterable[str], options: dict[str, dict[str, Any]], sandbox: Sandbox | None,
             printer: Printer) -> int:
    """Prints every vendor's accounts; a failing vendor is reported and skipped."""
    code = EXIT_OK
    for vendor in vendors:
        try:
            client = Client(vendor, **client_options(vendor, options, sandbox))
            for view in views(client, key_attributes(options).get(vendor)):
                printer.add(view)
        except Error as e:
            printer.flush()
            print(f"accountkit list: {vendor}: {e}", file=sys.stderr)
            code = EXIT_FAILED
    printer.flush()
    return code


def cmd_list(args: argparse.Namespace) -> int:
    options = load_options(args.config, os.environ)
    if args.vendor != "all":
        vendors = [args.vendor]
    elif args.sandbox:
        vendors = list(_core.vendor_names())
    else:
        vendors = configured_vendors(options)
        if not vendors:
            raise UsageError("--vendor all: no vendor has credentials configured (ACCOUNTKIT_<VENDOR>_<OPTION> or "
                             "a --config file)")
    sandbox = None
    if args.sandbox:
        sandbox = Sandbox()
        set_sandbox_options(sandbox, args.sandbox_option, "--sandbox-option")
        sandbox.start()
    try:
        return list_all(vendors, options, sandbox, Printer(args.format, sys.stdout))
    finally:
        if sandbox is not None:
            gc.collect()  # clients kept alive by tracebacks hold keep-alive connections that delay stop()
            sandbox.stop()
