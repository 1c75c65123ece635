"""The offline check of one record, shared by validate (which reports it) and
apply (which fails the record without network): shape, vendor, operation,
key, references to earlier records and every field rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import _describe
from .._records import Record, references
from ..client import validate
from ..errors import Error, FieldError
from ._common import INVALID_RECORD, REFERENCE

# The field problems one record reports at most (a hostile record can have one per list element).
MAX_FIELD_ERRORS = 100


@dataclass
class Problem:
    """Why a record cannot run (found before any network)."""

    category: str
    message: str
    fields: list[FieldError] = field(default_factory=list)  # at most MAX_FIELD_ERRORS of them
    field_count: int = 0  # how many fields were invalid (more than fields holds past the cap)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.category, "message": self.message}
        if self.fields:
            out["fields"] = [f._asdict() for f in self.fields]
        if self.field_count > len(self.fields):
            out["fields_omitted"] = self.field_count - len(self.fields)
        return out


def _prefixes(path: str) -> list[str]:
    """path and every path it is under ("a.b[0]": "a.b[0]", "a", "a.b")."""
    return [path, *(path[:i] for i, c in enumerate(path) if c in ".[")]


def check_record(rec: Record, seen: dict[str, int]) -> Problem | None:
    """Everything that can be checked offline: the record's shape, vendor,
    operation, key, references to earlier records and the field rules (a field
    holding a reference is checked once resolved, at apply time). seen: the
    keys of the records before rec, with their lines."""
    if rec.problems:
        return Problem(INVALID_RECORD, "; ".join(rec.problems))
    assert rec.vendor and rec.operation and rec.key
    info = _describe.vendor(rec.vendor)
    if info is None:
        known = ", ".join(v["name"] for v in _describe.describe())
        return Problem(INVALID_RECORD, f'unknown vendor "{rec.vendor}" (known: {known})')
    if rec.operation == "wait":
        read = _describe.read_operation(rec.vendor)
        if not info["asynchronous"] or read is None:
            return Problem(INVALID_RECORD, f"{rec.vendor} has no asynchronous operations: wait does not apply")
        op_name = read["name"]
    else:
        if _describe.operation(rec.vendor, rec.operation) is None:
            known = ", ".join(op["name"] for op in info["operations"])
            return Problem(
                INVALID_RECORD, f'{rec.vendor} has no operation "{rec.operation}" (known: {known}, and wait if asynchronous)'
            )
        op_name = rec.operation
    if rec.key in seen:
        return Problem(INVALID_RECORD, f'the key "{rec.key}" is already used on line {seen[rec.key]}')
    if rec.timeout is not None and rec.operation != "wait":
        return Problem(INVALID_RECORD, '"timeout" applies to wait records only')
    if rec.after is not None and rec.operation != "wait":
        return Problem(INVALID_RECORD, '"after" applies to wait records only')
    if rec.after is not None and _describe.operation(rec.vendor, rec.after) is None:
        known = ", ".join(op["name"] for op in info["operations"])
        return Problem(INVALID_RECORD, f'"after": {rec.vendor} has no operation "{rec.after}" (known: {known})')
    refs = list(references(rec.fields))
    for path, key, _ in refs:
        if key not in seen:
            return Problem(REFERENCE, f"{path}: refers to record {key!r}, which does not come earlier in the file")
    # A field holding a reference is not checked here: its value is known only once the record it names has run.
    try:
        found = validate(rec.vendor, op_name, rec.fields)
    except Error as e:  # fields the core refuses whole (nested deeper than it allows)
        return Problem(INVALID_RECORD, e.message)
    referring = {p for p, _, _ in refs}
    errors = [e for e in found if not referring or referring.isdisjoint(_prefixes(e.path))]
    if errors:
        what = "1 invalid field" if len(errors) == 1 else f"{len(errors)} invalid fields"
        shown = errors[:MAX_FIELD_ERRORS]
        detail = "; ".join(f"{e.path} {e.message}" for e in shown)
        if len(errors) > len(shown):
            detail += f"; and {len(errors) - len(shown)} more"
        return Problem("validation", f"{rec.vendor} {rec.operation}: {what}: {detail}", shown, len(errors))
    return None
