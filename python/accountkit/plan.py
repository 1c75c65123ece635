"""Desired state: plan what brings the vendors' accounts in line with your own
records, show it, keep it as a file, and apply it (docs/plan.md).

:func:`plan` reads each vendor's accounts (``list_accounts``, pages walked
lazily) and hands them with the desired records to the core's plan rules
(``_core.PlanBuilder``): matching by your own key and diffing happen there,
once, for every language. :func:`iter_plan` gives the same steps one at a
time, for plans too large to hold; :meth:`Plan.apply` runs the steps
(_plan_apply).

>>> import accountkit as ak
>>> with ak.Sandbox() as sb:
...     clients = {"99digital": sb.client("99digital")}
...     p = ak.plan(clients, [{"vendor": "99digital", "fields": {...}, "status": None}])
...     print(p.summary())
...     outcomes = p.apply(clients)
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from . import _core
from .client import Client
from .errors import InvalidArgumentError

__all__ = ["plan", "iter_plan", "plan_accounts", "Plan", "PlanStep", "PlanSummary", "write_plan", "StepOutcome", "StalePlanError", "ACTIONS", "RUN_ACTIONS"]

#: Every action a step can have, in the order counts and summaries list them.
ACTIONS = ("create", "update", "suspend", "resume", "remove", "conflict", "no_change", "only_at_vendor")
#: The actions apply runs (the others are shown and counted only).
RUN_ACTIONS = frozenset({"create", "update", "suspend", "resume", "remove"})
PLAN_VERSION = 1


class StalePlanError(InvalidArgumentError):
    """A step apply refused: the account no longer shows what the plan read
    (``changed`` says what), or for a create, an account now carries its key.
    Plan again, or apply with ``refresh=True``."""

    def __init__(self, message: str, *, changed: str, vendor: str = "", operation: str = "") -> None:
        super().__init__(message, vendor=vendor, operation=operation)
        self.changed = changed


@dataclass(slots=True)
class PlanStep:
    """One step of a plan. ``fields`` is what applying sends with secrets
    masked ("***"); what is really sent is held privately and never shown.
    ``changes`` are dicts ``{"field", "from", "to"}`` (plus ``"applied":
    False`` for drift update_account cannot apply); ``expect`` what the plan
    read of the account and relies on; ``line`` the desired record's 1-based
    position (None for an account only at the vendor)."""

    action: str
    vendor: str
    key: str
    id: str | None = None  # noqa: A003 - the vendor's word
    line: int | None = None
    operation: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    _send: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], send: dict[str, Any] | None = None) -> PlanStep:
        """A step from its plan-file dict (what :meth:`to_dict` gives); send:
        the unmasked fields when known (None for a step read from a file)."""

        def typed(name: str, kind: type | tuple[type, ...], default: Any) -> Any:
            value = data.get(name, default)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise InvalidArgumentError(f"plan step {name!r} has the wrong type ({type(value).__name__})")
            return value

        action = typed("action", str, None)
        if action not in ACTIONS:
            raise InvalidArgumentError(f"plan step: unknown action {action!r}")
        return cls(
            action=action,
            vendor=typed("vendor", str, None),
            key=typed("key", str, ""),
            id=typed("id", (str, type(None)), None),
            line=typed("line", (int, type(None)), None),
            operation=typed("operation", (str, type(None)), None),
            fields=typed("fields", dict, {}),
            changes=typed("changes", list, []),
            expect=typed("expect", dict, {}),
            reason=typed("reason", str, ""),
            _send=send,
        )

    def to_dict(self) -> dict[str, Any]:
        """The step as the plan file holds it (secrets masked)."""
        out: dict[str, Any] = {"action": self.action, "vendor": self.vendor, "key": self.key}
        if self.id is not None:
            out["id"] = self.id
        if self.line is not None:
            out["line"] = self.line
        if self.operation:
            out["operation"] = self.operation
            out["fields"] = self.fields
        for name in ("changes", "expect", "reason"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out

    def describe(self) -> str:
        """``99digital 1003 "ref3"``: the vendor, the account (when known) and the key."""
        return " ".join(p for p in (self.vendor, self.id or "", json.dumps(self.key, ensure_ascii=False)) if p)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _change_text(change: Mapping[str, Any]) -> str:
    text = f"{change.get('field')}: {_shown(change.get('from'))} → {_shown(change.get('to'))}"
    return text if change.get("applied", True) else text + " (not applied)"


_SIGNS = {"create": "+", "update": "~", "suspend": "~", "resume": "~", "remove": "-", "conflict": "!",
          "only_at_vendor": "?"}


class PlanSummary:
    """The plan for people, made a step at a time (``accountkit plan`` keeps
    no step it has written): one line per step that changes or needs a look
    (``+ create``, ``~ update FIELD: OLD → NEW``, ``! conflict``, ``-
    remove``, ``? only at vendor``), steps without change counted, and a last
    line counting them all."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
        self._lines: list[str] = []

    def counted(self, steps: Iterable[PlanStep]) -> Iterator[PlanStep]:
        """steps as they come, each added on its way."""
        for step in steps:
            self.add(step)
            yield step

    def add(self, step: PlanStep) -> None:
        self.counts[step.action] += 1
        if step.action == "no_change":
            return
        words = "only at vendor" if step.action == "only_at_vendor" else step.action
        details = [_change_text(c) for c in step.changes]
        if step.reason:
            details.append(step.reason)
        line = f"{_SIGNS[step.action]} {words} {step.describe()}"
        self._lines.append(line + (": " + "; ".join(details) if details else ""))

    @property
    def has_changes(self) -> bool:
        """Whether applying would run anything."""
        return any(self.counts[a] for a in RUN_ACTIONS)

    def text(self) -> str:
        lines = list(self._lines)
        if self.counts["no_change"]:
            lines.append(f"= {self.counts['no_change']} without change")
        lines.append(_count_line(self.counts))
        return "\n".join(lines)


def write_plan(stream: TextIO, steps: Iterable[PlanStep], key_attributes: Mapping[str, str] | None = None) -> None:
    """The plan file (:meth:`Plan.to_json`) of steps, written as they come;
    key_attributes: those the plan was made with (applying matches by them)."""
    stream.write('{"version": %d, ' % PLAN_VERSION)
    if key_attributes:
        stream.write('"key_attributes": %s, ' % json.dumps(dict(key_attributes), ensure_ascii=False))
    stream.write('"steps": [\n')
    first = True
    for step in steps:
        stream.write(("  " if first else ",\n  ") + json.dumps(step.to_dict(), ensure_ascii=False))
        first = False
    stream.write("]}\n" if first else "\n]}\n")


class Plan:
    """The steps that bring the vendors' accounts in line with the desired
    records, in the order of the desired records per vendor, then each
    vendor's accounts only at the vendor. ``key_attributes``: the custom
    attribute that holds your own key, per vendor whose key is one
    (ActivePlatform), as the plan was made with; applying matches by them."""

    def __init__(self, steps: Iterable[PlanStep], key_attributes: Mapping[str, str] | None = None) -> None:
        self.steps: list[PlanStep] = list(steps)
        self.key_attributes: dict[str, str] = dict(key_attributes or {})

    def __repr__(self) -> str:
        counted = ", ".join(f"{a}={n}" for a, n in self.counts().items() if n)
        return f"Plan({counted or 'empty'})"

    def counts(self) -> dict[str, int]:
        """How many steps of each action (every action, zeros included)."""
        return self._summary().counts

    @property
    def has_changes(self) -> bool:
        """Whether applying would run anything."""
        return self._summary().has_changes

    def summary(self) -> str:
        """The plan for people (:class:`PlanSummary`)."""
        return self._summary().text()

    def _summary(self) -> PlanSummary:
        out = PlanSummary()
        for s in self.steps:
            out.add(s)
        return out

    def to_json(self) -> str:
        """The plan file: ``{"version": 1, "key_attributes"?: {...}, "steps":
        [...]}``, one step a line, secrets masked ("***"): applying it takes
        them from the desired records."""
        out = io.StringIO()
        self.write_json(out)
        return out.getvalue()

    def write_json(self, stream: TextIO) -> None:
        """:meth:`to_json` written to stream a step at a time."""
        write_plan(stream, self.steps, self.key_attributes)

    @classmethod
    def from_json(cls, text: str, *, actions: Iterable[str] | None = None) -> Plan:
        """A plan from its file (:meth:`to_json`). actions: keep only the
        steps with these actions (:data:`RUN_ACTIONS` for a plan read only to
        apply it): the file's steps are read one at a time, so a large plan
        file then costs the memory of its kept steps only. Raises
        InvalidArgumentError for text that is no plan file of this version."""
        kept = frozenset(ACTIONS if actions is None else actions)
        if unknown := sorted(kept - set(ACTIONS)):
            raise InvalidArgumentError(f"actions: unknown action(s) {', '.join(map(repr, unknown))} "
                                       f"(known: {', '.join(ACTIONS)})")
        members, steps = _read_plan_file(text, lambda step: step.action in kept)
        if members.get("version") != PLAN_VERSION or steps is None:
            raise InvalidArgumentError(f'not a plan file: expected {{"version": {PLAN_VERSION}, "steps": [...]}}')
        key_attributes = members.get("key_attributes", {})
        if not isinstance(key_attributes, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in key_attributes.items()):
            raise InvalidArgumentError('not a plan file: "key_attributes" must map vendor names to attribute keys')
        return cls(steps, key_attributes)

    def apply(
        self,
        clients: Client | Mapping[str, Client],
        *,
        desired: Iterable[Mapping[str, Any]] | None = None,
        refresh: bool = False,
        max_in_flight: int = 16,
        settle_timeout: float = 300.0,
    ) -> list[StepOutcome]:
        """Runs the steps that change something (create, update, suspend,
        resume, remove) and returns one :class:`StepOutcome` each, in plan
        order. One account's steps run in plan order; different accounts at
        once through :meth:`Client.run_many` (exactly-once creates, retries,
        rate limits). Before a step runs, its account is read again: a step
        whose account no longer shows what the plan read is refused
        (:class:`StalePlanError`) unless ``refresh``; a create whose key an
        account now carries is always refused. A plan read from a file has
        its secrets masked: ``desired`` (the records it was made from) then
        gives each create's fields, from the record on the step's line. For
        asynchronous vendors (Commvault) each step is waited for until its
        account settles (``settle_timeout`` seconds)."""
        from ._plan_apply import apply_plan

        return apply_plan(self.steps, _client_map(clients), desired, refresh, max_in_flight, settle_timeout,
                          self.key_attributes)


class _JsonScanner:
    """Walks a JSON text a value at a time (json's own decoder reads each
    value), so that an array's items can be taken one by one."""

    _SPACE = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._decoder = json.JSONDecoder()

    def error(self, problem: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(problem, self.text, self.pos)

    def peek(self) -> str:
        """The next character after white space ("" at the end)."""
        self.pos = self._SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos:self.pos + 1]

    def take(self, expected: str, what: str) -> str:
        got = self.peek()
        if not got or got not in expected:
            raise self.error(f"Expecting {what}")
        self.pos += 1
        return got

    def value(self) -> Any:
        self.peek()
        got, self.pos = self._decoder.raw_decode(self.text, self.pos)
        return got

    def items(self, opening: str, closing: str) -> Iterator[None]:
        """Enters an object or array and yields before each member or item,
        which the caller reads; returns once it is closed."""
        self.take(opening, f"'{opening}'")
        if self.peek() == closing:
            self.pos += 1
            return
        while True:
            yield
            if self.take("," + closing, "',' delimiter") == closing:
                return

    def end(self) -> None:
        if self.peek():
            raise self.error("Extra data")


def _read_plan_file(text: str, keep: Callable[[PlanStep], bool]) -> tuple[dict[str, Any], list[PlanStep] | None]:
    """The top-level members of a plan file other than "steps", and its steps
    that keep accepts (None when "steps" is no list). The steps are decoded
    one at a time, so the file's other steps are never held at once."""
    scan = _JsonScanner(text)
    members: dict[str, Any] = {}
    steps: list[PlanStep] | None = None
    try:
        for _ in scan.items("{", "}"):
            if scan.peek() != '"':
                raise scan.error("Expecting property name enclosed in double quotes")
            name = scan.value()
            scan.take(":", "':' delimiter")
            if name != "steps" or scan.peek() != "[":
                members[name] = scan.value()
                steps = None if name == "steps" else steps
                continue
            steps = []
            for n, _ in enumerate(scan.items("[", "]"), start=1):
                item = scan.value()
                if not isinstance(item, dict):
                    raise InvalidArgumentError(f"plan step {n} is not an object")
                step = PlanStep.from_dict(item)
                if keep(step):
                    steps.append(step)
        scan.end()
    except json.JSONDecodeError as e:
        raise InvalidArgumentError(f"not a plan file: {e}") from None
    except RecursionError:
        raise InvalidArgumentError("not a plan file: values nested too deeply") from None
    return members, steps


def _count_line(counts: Mapping[str, int]) -> str:
    words = {"create": "to create", "update": "to update", "suspend": "to suspend", "resume": "to resume",
             "remove": "to remove", "conflict": "conflicts", "no_change": "without change",
             "only_at_vendor": "only at the vendor"}
    parts = [f"{counts[a]} {words[a]}" for a in ACTIONS if counts.get(a)]
    if not any(counts.get(a) for a in RUN_ACTIONS):
        parts.insert(0, "no changes")
    return "plan: " + (", ".join(parts) if parts else "nothing to do")


@dataclass
class StepOutcome:
    """What became of one step apply ran: ``result`` (the account, settled
    for an asynchronous vendor) when it succeeded, ``error`` (an
    :class:`~accountkit.Error`; a :class:`StalePlanError` for a refused step)
    when it did not."""

    step: PlanStep
    result: Any = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def refused(self) -> bool:
        """True when the step was not run because the account changed."""
        return isinstance(self.error, StalePlanError)


def _client_map(clients: Client | Mapping[str, Client]) -> dict[str, Client]:
    if isinstance(clients, Client):
        return {clients.vendor: clients}
    if not isinstance(clients, Mapping):
        raise InvalidArgumentError("clients must be a Client or a mapping of vendor name to Client")
    return dict(clients)


def client_for(clients: Mapping[str, Client], vendor: str) -> Client:
    client = clients.get(vendor)
    if client is None:
        raise InvalidArgumentError(f"{vendor}: no client for this vendor (give one in clients)", vendor=vendor)
    return client


def desired_by_line(desired: Iterable[Mapping[str, Any]]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """The desired records checked as they come, as (line, vendor, core
    record {"line", "fields", "status"}); which statuses there are is the
    core's rule. Raises InvalidArgumentError naming the line."""
    seen: set[int] = set()
    for position, rec in enumerate(desired, start=1):
        if not isinstance(rec, Mapping):
            raise InvalidArgumentError(f"desired record {position}: not a mapping")
        line = rec.get("line", position)
        if not isinstance(line, int) or isinstance(line, bool) or line < 1 or line in seen:
            raise InvalidArgumentError(f'desired record {position}: "line" must be a number no other record has')
        seen.add(line)
        vendor, fields, status = rec.get("vendor"), rec.get("fields"), rec.get("status")
        if not isinstance(vendor, str) or not vendor:
            raise InvalidArgumentError(f'desired record {line}: "vendor" must be a vendor name')
        if not isinstance(fields, Mapping):
            raise InvalidArgumentError(f'desired record {line}: "fields" must be a mapping')
        if status is not None and not isinstance(status, str):
            raise InvalidArgumentError(f'desired record {line}: "status" must be text or null')
        yield line, vendor, {"line": line, "fields": dict(fields), "status": status}


def plan(
    clients: Client | Mapping[str, Client],
    desired: Iterable[Mapping[str, Any]],
    *,
    prune: bool = False,
    key_attributes: Mapping[str, str] | None = None,
) -> Plan:
    """The plan that brings the vendors' accounts in line with ``desired``:
    records ``{"vendor", "fields" (create_account's fields), "status"
    ("active", "suspended" or None: leave it)}``, whose 1-based position is
    their line unless they say (``"line"``: where the record is in a file).
    ``clients`` maps each vendor named in ``desired`` to its Client (or is
    one Client). Each vendor's accounts are read with ``list_accounts``
    (lazily paged) and matched by your own key; ``prune`` plans removing the
    accounts no record has (where the vendor can). ``key_attributes`` maps a
    vendor whose accounts have no field for your key (ActivePlatform) to the
    custom attribute that holds it (``{"activeplatform": "partner_id"}``);
    the plan keeps them for :meth:`Plan.apply`. Raises
    InvalidArgumentError for a malformed record, a vendor without a client or
    whose accounts cannot be planned (ActivePlatform without a key
    attribute, activeplatform-v3), before anything is read; an
    :class:`~accountkit.Error` of a listing as it is."""
    return Plan(iter_plan(clients, desired, prune=prune, key_attributes=key_attributes), key_attributes)


def iter_plan(
    clients: Client | Mapping[str, Client],
    desired: Iterable[Mapping[str, Any]],
    *,
    prune: bool = False,
    key_attributes: Mapping[str, str] | None = None,
) -> Iterator[PlanStep]:
    """:func:`plan`'s steps one at a time, in the same order, for plans too
    large to hold (``accountkit plan`` writes them so). Every desired record
    is read at the first step; each vendor's accounts are listed when its
    steps are reached (and, where the vendor lists its creates in flight and a
    record has no account yet, those: Commvault's fulfillments). The core
    keeps what is not yet taken as compact text."""
    by_client = _client_map(clients)
    attributes = _key_attributes(key_attributes)
    builders = _builders(desired, prune, lambda vendor, _line: client_for(by_client, vendor), attributes)
    while builders:
        vendor, builder = next(iter(builders.items()))
        client = by_client[vendor]
        for item in client.list_accounts():
            builder.add_record(item._data)
        if builder.wants_in_flight():  # creates the vendor is still carrying out (Commvault's fulfillments)
            for item in client.iterate(builder.in_flight_op):
                builder.add_in_flight(item._data)
        for step, send in builder:
            yield PlanStep.from_dict(step, send)
        del builders[vendor]  # its steps are taken: release what it kept


def plan_accounts(
    vendor: str,
    desired: Iterable[Mapping[str, Any]],
    records: Iterable[Mapping[str, Any]],
    *,
    prune: bool = False,
    in_flight: Iterable[Mapping[str, Any]] = (),
    key_attribute: str | None = None,
) -> Plan:
    """The plan rules alone: ``desired`` records of one vendor (``{"fields",
    "status", "line"}``, as :func:`plan` takes them; a ``"vendor"`` member,
    when given, must be ``vendor``) against ``records``, that vendor's account
    records already in hand (as get_account or list_accounts give them). No
    client, no I/O: what :func:`plan` decides for one vendor once it has read
    the accounts. Steps come in the order of ``desired``, then the accounts
    only at the vendor in the order of ``records``. ``in_flight``: the items
    of the vendor's listing of creates still in flight (Commvault's
    ``list_fulfillments``), whose records are then conflicts, not creates.
    ``key_attribute``: the custom attribute that holds your key, for a
    vendor whose accounts have no field for it (ActivePlatform). Raises
    InvalidArgumentError for a malformed record or a vendor whose accounts
    cannot be planned (ActivePlatform without a key attribute)."""
    def named(recs: Iterable[Mapping[str, Any]]) -> Iterator[Any]:
        # desired_by_line's checks want a vendor on each record: this one's.
        for rec in recs:
            yield {"vendor": vendor, **rec} if isinstance(rec, Mapping) else rec

    def only_this(rec_vendor: str, line: int) -> None:
        if rec_vendor != vendor:
            raise InvalidArgumentError(f"desired record {line}: vendor {rec_vendor!r}, the plan is for {vendor!r}",
                                       vendor=vendor)

    attributes = _key_attributes({vendor: key_attribute} if key_attribute else None)
    builders = _builders(named(desired), prune, only_this, attributes)
    builder = builders[vendor] if vendor in builders else _builder(vendor, prune, attributes)
    with _about(vendor):
        for position, record in enumerate(records, start=1):
            if not isinstance(record, Mapping):
                raise InvalidArgumentError(f"account record {position}: not a mapping")
            builder.add_record(dict(record))
        for position, item in enumerate(in_flight, start=1):
            if not isinstance(item, Mapping):
                raise InvalidArgumentError(f"create in flight {position}: not a mapping")
            builder.add_in_flight(dict(item))
    return Plan((PlanStep.from_dict(step, send) for step, send in builder), attributes)


def _key_attributes(given: Mapping[str, str] | None) -> dict[str, str]:
    if given is None:
        return {}
    if not isinstance(given, Mapping) or not all(isinstance(k, str) and isinstance(v, str) and v
                                                 for k, v in given.items()):
        raise InvalidArgumentError("key_attributes must map vendor names to attribute keys (non-empty text)")
    return dict(given)


@contextmanager
def _about(vendor: str) -> Iterator[None]:
    """The core's InvalidArgumentError, naming the vendor it is about."""
    try:
        yield
    except InvalidArgumentError as e:
        raise InvalidArgumentError(str(e), vendor=vendor) from None


def _builder(vendor: str, prune: bool, key_attributes: Mapping[str, str]) -> _core.PlanBuilder:
    with _about(vendor):  # a vendor without rules: nothing was read
        return _core.PlanBuilder(vendor, prune, key_attributes.get(vendor, ""))


def _builders(desired: Iterable[Mapping[str, Any]], prune: bool, check_vendor: Callable[[str, int], object],
              key_attributes: Mapping[str, str]) -> dict[str, _core.PlanBuilder]:
    """A builder per vendor (check_vendor(vendor, line) raises when the
    vendor may not be planned here, before its first record), each record
    added as it comes: no list
    of them is kept here (docs/plan.md: memory grows with the desired records
    in the core, not with the accounts)."""
    builders: dict[str, _core.PlanBuilder] = {}
    for line, vendor, rec in desired_by_line(desired):
        builder = builders.get(vendor)
        if builder is None:
            check_vendor(vendor, line)
            builder = builders[vendor] = _builder(vendor, prune, key_attributes)
        with _about(vendor):
            builder.add_desired(line, rec["fields"], rec["status"])
    return builders
