"""accountkit validate: every record checked offline, one line per problem."""

from __future__ import annotations

import argparse
import re
import sys

from .._records import Record, detect_format, read_records
from ._apply_report import expectation_met
from ._check import check_record
from ._common import EXIT_FAILED, EXIT_OK, open_input


# Control characters of the file (in keys, vendor names, column names) are
# shown escaped: a line break would forge a report line, ESC drive the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _say(line: str) -> None:
    print(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line))


def _label(rec: Record) -> str:
    parts = [f"[{rec.key}]" if rec.key else "[no key]"]
    if rec.vendor:
        parts.append(rec.vendor)
    if rec.operation:
        parts.append(rec.operation)
    return " ".join(parts)


def cmd_validate(args: argparse.Namespace) -> int:
    fmt = detect_format(args.file, args.format)
    seen: dict[str, int] = {}
    total = invalid = unexpected = 0
    with open_input(args.file) as stream:
        name = stream.name
        for rec in read_records(stream, fmt):
            total += 1
            problem = check_record(rec, seen)
            if rec.key and rec.key not in seen:
                seen[rec.key] = rec.line
            if problem is None:
                continue
            invalid += 1
            expected = rec.expect is not None and expectation_met(rec.expect, False, problem.category)
            if not expected:
                unexpected += 1
            note = " (expected)" if expected else ""
            if problem.fields:
                for f in problem.fields:
                    _say(f"{name}:{rec.line}: {_label(rec)}: {f.path}: {f.message} ({f.rule}){note}")
                if problem.field_count > len(problem.fields):
                    more = problem.field_count - len(problem.fields)
                    _say(f"{name}:{rec.line}: {_label(rec)}: and {more} more invalid fields (not shown){note}")
            else:
                _say(f"{name}:{rec.line}: {_label(rec)}: {problem.message} ({problem.category}){note}")
    sys.stdout.flush()
    expected_note = f" ({invalid - unexpected} as expected)" if invalid != unexpected else ""
    print(f"accountkit validate: {total} records, {invalid} invalid{expected_note}", file=sys.stderr)
    return EXIT_FAILED if unexpected else EXIT_OK
