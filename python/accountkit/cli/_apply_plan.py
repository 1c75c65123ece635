"""apply's planning: what becomes of each record, and when it may start.

A record is skipped (an earlier run did it: --resume), fails without network
(the offline check found a problem), runs alone (wait and list records: they
are not single calls run_many can run, and they must see the changes the
records before them made) or is one call among those run_many runs at once.
A call joins the stream in flight unless something orders it after a record
in that stream: it is of another vendor, it refers to a record still in
flight (the value is not known yet), or it acts on an account a record in
flight acts on (two changes of one account at once could land in either
order). Then it waits until the stream has drained. Records are taken
strictly in input order, so a record that waits holds back the ones after
it: nothing overtakes, and with one in flight the results come in file order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import _describe
from .._records import Record, references
from ._apply_resume import Resume
from ._check import Problem, check_record

# The account a record acts on: (vendor, the JSON of its id field's value).
Target = tuple[str, str]


@dataclass
class Plan:
    """What apply does with a record, decided before it is taken."""

    kind: str  # "skip" (done before), "local" (fails without network), "call" (one call), "alone" (wait, list)
    duplicate: bool = False  # its key is used by an earlier record
    met: bool = True  # skip: whether the earlier outcome was as expected
    earlier_ok: bool = True  # skip: whether the earlier outcome was a success
    problem: Problem | None = None
    refs: frozenset[str] = frozenset()  # keys of the records its fields refer to


def target(rec: Record, fields: dict[str, Any]) -> Target | None:
    """The account a single-account record acts on (operation's id field and
    its value, references resolved), so that two records for one account
    never run at once. None for a record without one (a create)."""
    assert rec.vendor and rec.operation
    op = _describe.operation(rec.vendor, rec.operation)
    name = op["id_field"] if op else ""
    if not name or name not in fields:
        return None
    return (rec.vendor, json.dumps(fields[name]))


class Planner:
    """Classifies records in input order. seen: every key taken so far with the
    line of the record that owns it (for duplicates and references)."""

    def __init__(self, resume: Resume) -> None:
        self.resume = resume
        self.seen: dict[str, int] = {}

    def classify(self, rec: Record) -> Plan:
        """Decides what to do with rec; changes nothing (rec may be put back)."""
        duplicate = bool(rec.key and rec.key in self.seen)
        # A malformed record or a repeated key is reported again, whatever RESULTS says of the key.
        if rec.key and not rec.problems and not duplicate:
            earlier = self.resume.skip(rec.key)
            if earlier is not None:
                return Plan("skip", met=earlier[1], earlier_ok=earlier[0])
        problem = check_record(rec, self.seen)
        if problem is not None:
            return Plan("local", duplicate, problem=problem)
        assert rec.vendor and rec.operation
        op = _describe.operation(rec.vendor, rec.operation)
        if rec.operation == "wait" or (op is not None and op["kind"] == "list"):
            return Plan("alone", duplicate)
        return Plan("call", duplicate, refs=frozenset(key for _, key, _ in references(rec.fields)))

    def take(self, rec: Record, plan: Plan) -> None:
        """rec is taken (it will not be put back): its key is now seen."""
        if rec.key and not plan.duplicate:
            self.resume.forget(rec.key)
        if plan.kind == "skip":
            assert rec.key
            self.seen.setdefault(rec.key, rec.line)
        elif rec.key and rec.key not in self.seen:
            self.seen[rec.key] = rec.line


class InFlight:
    """The calls taken into the current run_many stream and not finished:
    records[index in the stream] = (record, duplicate, target), and the keys
    and targets of those records (what a later record must not overlap)."""

    def __init__(self) -> None:
        self.records: dict[int, tuple[Record, bool, Target | None]] = {}
        self.keys: set[str] = set()
        self.targets: set[Target] = set()

    def add(self, index: int, rec: Record, duplicate: bool, target: Target | None) -> None:
        self.records[index] = (rec, duplicate, target)
        if rec.key:
            self.keys.add(rec.key)
        if target is not None:
            self.targets.add(target)

    def remove(self, index: int) -> None:
        """The call at index has finished (and been written)."""
        owner, _, target = self.records.pop(index)
        if owner.key:
            self.keys.discard(owner.key)
        if target is not None:
            self.targets.discard(target)

    def clear(self) -> None:
        self.records.clear()
        self.keys.clear()
        self.targets.clear()


def may_join(rec: Record, plan: Plan, vendor: str, in_flight: InFlight) -> bool:
    """Whether rec may join the stream of vendor's calls in flight, as far as
    can be told before its references are resolved: it is a call of that
    vendor and refers to no record in flight. (Once resolved, its account must
    not be one in flight either: InFlight.targets.)"""
    return plan.kind == "call" and rec.vendor == vendor and not (plan.refs & in_flight.keys)


class Lookahead:
    """The input, one classified record at a time, with one record of
    look-ahead: the record that ends a stream is put back, to start the next."""

    def __init__(self, records: Iterator[Record], classify: Callable[[Record], Plan]) -> None:
        self._reader = records
        self._classify = classify
        self._held: list[tuple[Record, Plan]] = []

    def next(self) -> tuple[Record, Plan] | None:
        if self._held:
            return self._held.pop()
        rec = next(self._reader, None)
        return None if rec is None else (rec, self._classify(rec))

    def put_back(self, got: tuple[Record, Plan]) -> None:
        self._held.append(got)
