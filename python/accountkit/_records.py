"""Reading ``accountkit apply`` / ``validate`` input, one record at a time.

JSONL: one JSON object per line, ``{"vendor", "operation", "key", "fields"}``
plus optional ``"expect"``, and ``"timeout"`` and ``"after"`` (for ``wait``:
the operation whose result the id is, as in ``Client.wait``). Blank lines are
skipped.

CSV: a header row, then one record per row. Columns ``vendor``, ``operation``,
``key`` and optional ``expect``, ``timeout`` and ``after``; every other column is a field
path (``account_name``, ``contacts[0].email``, ``sorting.field``). A cell's
text becomes the field's type from the vendor's rules: integers, numbers,
booleans (true/false, 1/0, yes/no), scalars (a JSON number or boolean, else
text); an empty cell leaves the field out; a cell that is exactly ``null`` sends
an explicit null.

References: a string value that is exactly ``${KEY.PATH}`` is replaced by the
value at PATH in the result of the earlier record KEY (which must have
succeeded), keeping its type: ``"${acme.account_id}"`` becomes 1000. KEY runs
to the first "."; PATH is a field path of that result's data. A string that
starts with ``$${`` is sent with one "$" removed (an escape).

Desired records (``accountkit plan``, shape DESIRED) are read the same way:
JSONL ``{"vendor", "fields", "status"}``; CSV columns ``vendor``, optional
``status``, and field paths typed by create_account's rules.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import _core, _describe
from ._lines import TOO_DEEP, LineProblem, Lines, TextLines, json_nesting_problem
from .errors import InvalidArgumentError

RESERVED_COLUMNS = ("vendor", "operation", "key", "expect", "timeout", "after")
MAX_COLUMNS = 1000  # columns of a CSV header

_REF = re.compile(r"^\$\{([^.{}]+)\.([^{}]+)\}$")


@dataclass(frozen=True)
class Shape:
    """What a record holds besides its fields: the members (CSV columns) every
    record needs, the optional ones, and the operation whose rules type CSV
    cells when records name none."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    operation: str | None = None

    @property
    def reserved(self) -> tuple[str, ...]:
        return self.required + self.optional


APPLY = Shape(("vendor", "operation", "key"), ("expect", "timeout", "after"))
DESIRED = Shape(("vendor",), ("status",), "create_account")


@dataclass
class Record:
    line: int
    key: str | None = None
    vendor: str | None = None
    operation: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    expect: str | None = None
    timeout: float | None = None
    after: str | None = None  # wait: the operation whose result the id is
    status: str | None = None  # a desired record's status
    problems: list[str] = field(default_factory=list)  # why the record itself is malformed


def parse_path(path: str) -> list[str | int]:
    """"contacts[0].email" -> ["contacts", 0, "email"]: the core's field-path
    parser, with its limits (64 parts, indexes adding up to 100000). Raises
    InvalidArgumentError saying what is wrong with a malformed path."""
    return _core.parse_path(path)


def get_path(value: Any, segments: list[str | int]) -> tuple[bool, Any]:
    for seg in segments:
        if isinstance(seg, int):
            if not isinstance(value, list) or seg >= len(value):
                return False, None
            value = value[seg]
        else:
            if not isinstance(value, dict) or seg not in value:
                return False, None
            value = value[seg]
    return True, value


def put_path(root: dict[str, Any], segments: list[str | int], value: Any) -> str | None:
    """Sets value at segments, creating dicts and lists; returns a problem or None."""
    current: Any = root
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        nxt: Any = None if last else ([] if isinstance(segments[i + 1], int) else {})
        if isinstance(seg, int):
            if not isinstance(current, list):
                return "crosses a value that is not a list"
            while len(current) <= seg:
                current.append(None)
            if last:
                current[seg] = value
            else:
                if current[seg] is None:
                    current[seg] = nxt
                current = current[seg]
        else:
            if not isinstance(current, dict):
                return "crosses a value that is not an object"
            if last:
                if seg in current:
                    return "is given twice"
                current[seg] = value
            else:
                current = current.setdefault(seg, nxt)
    return None


def _child(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def references(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(field path, key, result path) for every reference in a fields tree."""
    # Paths are spelled out only for references and containers: this runs for every record.
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str):
                if v.startswith("${"):
                    m = _REF.match(v)
                    if m:
                        yield _child(path, k), m.group(1), m.group(2)
            elif isinstance(v, (dict, list)):
                yield from references(v, _child(path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (str, dict, list)):
                yield from references(v, f"{path}[{i}]")
    elif isinstance(value, str):
        m = _REF.match(value)
        if m:
            yield path, m.group(1), m.group(2)


class UnresolvedReference(Exception):
    """A reference that cannot be resolved (message says why)."""


def pick(data: Any, ref_path: str) -> tuple[bool, Any]:
    """(True, the value at ref_path in data) or (False, None)."""
    try:
        segments = parse_path(ref_path)
    except InvalidArgumentError:
        return False, None
    return get_path(data, segments)


def resolve(value: Any, lookup: Any, path: str = "") -> Any:
    """value with references replaced; lookup(key, ref_path, field_path, text)
    gives the value at ref_path in the result of the earlier successful record
    key, or raises UnresolvedReference. Returns value itself when nothing in it
    changes (containers are copied only where something is replaced)."""
    if isinstance(value, dict):
        out: dict[Any, Any] | None = None
        for k, v in value.items():
            if isinstance(v, str):
                if not v.startswith("$"):
                    continue
                r = resolve(v, lookup, _child(path, k))
            elif isinstance(v, (dict, list)):
                r = resolve(v, lookup, _child(path, k))
            else:
                continue
            if r is not v:
                if out is None:
                    out = dict(value)
                out[k] = r
        return value if out is None else out
    if isinstance(value, list):
        items: list[Any] | None = None
        for i, v in enumerate(value):
            if not isinstance(v, (str, dict, list)):
                continue
            r = resolve(v, lookup, f"{path}[{i}]")
            if r is not v:
                if items is None:
                    items = list(value)
                items[i] = r
        return value if items is None else items
    if isinstance(value, str):
        if value.startswith("$${"):
            return value[1:]
        m = _REF.match(value)
        if m:
            return lookup(m.group(1), m.group(2), path, value)
    return value


# -- JSONL ------------------------------------------------------------------------


def _from_object(line: int, obj: Any, shape: Shape) -> Record:
    rec = Record(line=line, operation=shape.operation)
    if not isinstance(obj, dict):
        rec.problems.append("a record must be a JSON object")
        return rec
    for name in shape.required:
        v = obj.get(name)
        if isinstance(v, str) and v:
            setattr(rec, name, v)
        else:
            rec.problems.append(f'"{name}" must be a non-empty string' if name in obj else f'"{name}" is missing')
    fields = obj.get("fields", {})
    if isinstance(fields, dict):
        rec.fields = fields
    else:
        rec.problems.append('"fields" must be a JSON object')
    if "status" in shape.optional and obj.get("status") is not None:
        if isinstance(obj["status"], str):
            rec.status = obj["status"]
        else:
            rec.problems.append('"status" must be a string or null')
    if "expect" in obj:
        if isinstance(obj["expect"], str) and obj["expect"]:
            rec.expect = obj["expect"]
        else:
            rec.problems.append('"expect" must be "error" or an error category')
    if "timeout" in obj:
        t = obj["timeout"]
        if isinstance(t, (int, float)) and not isinstance(t, bool) and t > 0:
            rec.timeout = float(t)
        else:
            rec.problems.append('"timeout" must be a positive number of seconds')
    if "after" in obj:
        if isinstance(obj["after"], str) and obj["after"]:
            rec.after = obj["after"]
        else:
            rec.problems.append('"after" must be an operation name')
    unknown = sorted(set(obj) - {*shape.reserved, "fields"})
    if unknown:
        rec.problems.append("unknown record member(s): " + ", ".join(unknown) + ' (fields go under "fields")')
    return rec


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f'the key "{k}" is given twice')
        out[k] = v
    return out


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _encodable(obj: Any) -> bool:
    """Whether obj is valid Unicode throughout (json accepts "\\ud800" alone)."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _malformed(line: int, problem: str) -> Record:
    rec = Record(line=line)
    rec.problems.append(problem)
    return rec


def _numbered(stream: Iterable[str]) -> Lines | TextLines:
    return stream if isinstance(stream, (Lines, TextLines)) else TextLines(iter(stream))


def read_jsonl(stream: Iterable[str], shape: Shape = APPLY) -> Iterator[Record]:
    """The records of a JSONL stream: a Lines (within its limits, each line
    that cannot be read reported as a record with a problem), or any text lines."""
    lines = _numbered(stream)
    while True:
        try:
            text = next(lines)
        except StopIteration:
            return
        except LineProblem as p:
            yield _malformed(p.line, p.message)
            continue
        if not text.strip():
            continue
        too_deep = json_nesting_problem(text)
        if too_deep is not None:
            yield _malformed(lines.number, too_deep)
            continue
        try:
            obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
        except RecursionError:  # not expected past json_nesting_problem; never a traceback
            yield _malformed(lines.number, TOO_DEEP)
            continue
        except ValueError as e:
            yield _malformed(lines.number, f"not valid JSON: {e}")
            continue
        if _SURROGATE.search(text) and not _encodable(obj):
            yield _malformed(lines.number, "not valid JSON: a lone UTF-16 surrogate (\\uD800 to \\uDFFF without its pair)")
            continue
        yield _from_object(lines.number, obj, shape)


# -- CSV --------------------------------------------------------------------------

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _typed(text: str, rule: dict[str, Any] | None) -> Any:
    """A CSV cell as the field's type (text the type refuses stays text, so
    validation names the field and the rule)."""
    if text == "null":
        return None
    if _REF.match(text) or rule is None:
        return text
    kind = rule.get("type")
    try:
        if kind == "integer":
            return int(text.strip())
        if kind == "number":
            n = float(text.strip())
            return int(n) if n.is_integer() and re.fullmatch(r"\s*[-+]?\d+\s*", text) else n
        if kind == "boolean":
            low = text.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            return text
        if kind == "scalar":
            low = text.strip().lower()
            if low in ("true", "false"):
                return low == "true"
            if re.fullmatch(r"\s*-?\d+\s*", text):
                return int(text)
            if re.fullmatch(r"\s*-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?\s*", text):
                return float(text)
            return text
    except ValueError:
        return text
    return text


def _operation_fields(vendor: str | None, operation: str | None) -> list[dict[str, Any]] | None:
    if not vendor or not operation:
        return None
    op = _describe.read_operation(vendor) if operation == "wait" else _describe.operation(vendor, operation)
    return op["fields"] if op else None


def _header(cells: list[str], shape: Shape) -> tuple[list[tuple[str, list[str | int] | None]], list[str]]:
    """The columns of a CSV header as (name, field path segments or None), and its problems."""
    if len(cells) > MAX_COLUMNS:
        return [], [f"the header has {len(cells)} columns, more than {MAX_COLUMNS} (the limit)"]
    problems = []
    columns: list[tuple[str, list[str | int] | None]] = []
    for cell in cells:
        name = cell.strip()
        segments = None
        if name not in shape.reserved:
            try:
                segments = parse_path(name)
            except InvalidArgumentError as e:
                problems.append(f'column "{name}" is not a field path: {e.message}')
        columns.append((name, segments))
    names = [c for c, _ in columns]
    for required in shape.required:
        if required not in names:
            problems.append(f'the header has no "{required}" column')
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        problems.append("the header names a column twice: " + ", ".join(f'"{n}"' for n in twice))
    return columns, problems


def _next_row(reader: Any, lines: Lines | TextLines) -> list[str] | Record | None:
    """The next row (a list of cells), a Record with the problem of a row
    that cannot be read (the reading goes on after it), or None at the end."""
    lines.start_record()
    try:
        row: list[str] = next(reader)
        return row
    except StopIteration:
        return None
    except LineProblem as p:
        return _malformed(p.line, p.message)
    except csv.Error as e:
        where = "" if lines.number == lines.record_start else f" (on line {lines.number})"
        return _malformed(lines.record_start, f"not valid CSV: {e}{where}")


def read_csv(stream: Iterable[str], shape: Shape = APPLY) -> Iterator[Record]:
    """The records of a CSV stream (a Lines, or any text lines read with
    newline=""); a row that cannot be read is a record with a problem."""
    lines = _numbered(stream)
    reader = csv.reader(lines)
    while True:
        header = _next_row(reader, lines)
        if header is None:
            return
        if isinstance(header, Record) or any(cell.strip() for cell in header):
            break  # blank lines before the header are skipped
    if isinstance(header, Record):
        header.problems[0] = "the header cannot be read: " + header.problems[0]
        yield header
        return
    header_line = lines.record_start
    columns, header_problems = _header(header, shape)
    if header_problems:
        yield _malformed(header_line, "; ".join(header_problems))
        return
    names = [c for c, _ in columns]
    while True:
        row = _next_row(reader, lines)
        if row is None:
            return
        if isinstance(row, Record):
            yield row
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            # Misaligned (a missing comma, a quote gone wrong): no cell is taken for what its column says,
            # so none is shown either (it could be a password in the key column).
            yield _malformed(lines.record_start, f"the row has {len(row)} cells, the header {len(columns)}")
            continue
        rec = Record(line=lines.record_start, operation=shape.operation)
        cells = dict(zip(names, row))
        for name in shape.required:
            value = cells.get(name, "").strip()
            if value:
                setattr(rec, name, value)
            else:
                rec.problems.append(f'"{name}" is empty')
        if "status" in shape.optional and cells.get("status", "").strip():
            rec.status = cells["status"].strip()
        if "expect" in shape.optional and cells.get("expect", "").strip():
            rec.expect = cells["expect"].strip()
        if "after" in shape.optional and cells.get("after", "").strip():
            rec.after = cells["after"].strip()
        if "timeout" in shape.optional and cells.get("timeout", "").strip():
            try:
                rec.timeout = float(cells["timeout"])
                if not rec.timeout > 0:
                    raise ValueError
            except ValueError:
                rec.problems.append('"timeout" must be a positive number of seconds')
        op_fields = _operation_fields(rec.vendor, rec.operation)
        for (name, segments), cell in zip(columns, row):
            if name in shape.reserved or cell == "" or segments is None:
                continue
            rule = _describe.field_at(op_fields, segments) if op_fields is not None else None
            problem = put_path(rec.fields, segments, _typed(cell, rule))
            if problem:
                rec.problems.append(f"column {name} {problem}")
        yield rec


def read_records(stream: Iterable[str], fmt: str, shape: Shape = APPLY) -> Iterator[Record]:
    return read_csv(stream, shape) if fmt == "csv" else read_jsonl(stream, shape)


def detect_format(path: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    return "csv" if path.lower().endswith(".csv") else "jsonl"
