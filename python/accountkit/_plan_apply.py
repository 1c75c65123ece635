"""Plan.apply: running a plan's steps (docs/plan.md, "Applying").

One account's steps (an update, then a suspend) run in plan order: round r
runs the r-th step of every account, vendor by vendor, all of them at once
through Client.run_many. Before a round's steps run, their accounts are read
again (get_account through run_many where the vendor has it, else one
listing) and each step is checked with the core's ``changed_since``; a create
is checked against the listing (no account may carry its key). A step that
fails or is refused ends its account's chain. Asynchronous vendors' steps are
waited for until the account settles, so that planning again sees the
result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import _core, _describe
from .client import Client, Result
from .errors import Error, InvalidArgumentError, NotFoundError
from .plan import RUN_ACTIONS, PlanStep, StalePlanError, StepOutcome, client_for, desired_by_line

MASK = "***"


def _has_mask(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_mask(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_mask(v) for v in value)
    return bool(value == MASK)


def _create_fields(step: PlanStep, records: dict[int, tuple[str, dict[str, Any]]] | None,
                   key_attribute: str) -> dict[str, Any]:
    """A loaded create's fields: the desired record on its line, which must be
    the one the plan was made from (the core plans it again alone: same key,
    same masked fields)."""
    where = f"{step.vendor} create (line {step.line})"
    if records is None:
        raise InvalidArgumentError(f"{where}: the plan file masks its secrets: give the desired records it was made "
                                   "from", vendor=step.vendor, operation="create_account")
    got = records.get(step.line or 0)
    if got is None or got[0] != step.vendor:
        raise InvalidArgumentError(f"{where}: the desired records have no {step.vendor} record on that line",
                                   vendor=step.vendor, operation="create_account")
    alone = _core.PlanBuilder(step.vendor, False, key_attribute)
    alone.add_desired(got[1]["line"], got[1]["fields"], got[1]["status"])
    ((again, send),) = alone
    if again.get("key") != step.key or again.get("fields") != step.fields:
        raise InvalidArgumentError(f"{where}: the desired record on that line is not the one the plan was made from",
                                   vendor=step.vendor, operation="create_account")
    return send


def _fields(step: PlanStep, records: dict[int, tuple[str, dict[str, Any]]] | None,
            key_attribute: str) -> dict[str, Any]:
    if step._send is not None:
        return step._send
    if step.action == "create":
        return _create_fields(step, records, key_attribute)
    if _has_mask(step.fields):
        raise InvalidArgumentError(f"{step.vendor} {step.action} {step.id}: the plan file masks a value this step "
                                   "sends: plan again", vendor=step.vendor, operation=step.operation or "")
    return step.fields


class _Applier:
    def __init__(self, clients: Mapping[str, Client], records: dict[int, tuple[str, dict[str, Any]]] | None,
                 refresh: bool, max_in_flight: int, settle_timeout: float, key_attributes: Mapping[str, str]) -> None:
        self.clients = clients
        self.key_attributes = key_attributes
        self.records = records
        self.refresh = refresh
        self.max_in_flight = max_in_flight
        self.settle_timeout = settle_timeout

    # -- reading the accounts again ------------------------------------------------

    def _listing(self, client: Client, steps: list[PlanStep], creates: list[PlanStep]) -> tuple[
            dict[str, dict[str, Any]], dict[str, list[str]], dict[str, str]]:
        """The views of the accounts steps name, by id; the ids of the
        accounts that carry a create's key, by key; and by key the creates
        still in flight that would make an account for one of creates (the
        core's rule: a Commvault fulfillment not yet complete). Only those are
        kept, so a listing of any size is read in bounded memory."""
        ids = {s.id for s in steps if s.id}
        keys = {s.key for s in creates}
        by_id: dict[str, dict[str, Any]] = {}
        by_key: dict[str, list[str]] = {}
        attribute = self.key_attributes.get(client.vendor, "")
        builder = _core.PlanBuilder(client.vendor, False, attribute) if creates else None
        for n, s in enumerate(creates, start=1):
            assert builder is not None
            builder.add_desired(n, s.fields, None)  # masked secrets: the key is all it matches by
        for item in client.list_accounts():
            view = item.view(key_attribute=attribute)
            if view.get("id") is not None and str(view["id"]) in ids:
                by_id[str(view["id"])] = view
            if view.get("key") and str(view["key"]) in keys:
                by_key.setdefault(str(view["key"]), []).append(str(view.get("id")))
            if builder is not None:
                builder.add_record(item._data)
        in_flight: dict[str, str] = {}
        if builder is not None and builder.wants_in_flight():
            for item in client.iterate(builder.in_flight_op):
                builder.add_in_flight(item._data)
            for step, _ in builder:
                if step["action"] == "conflict" and step.get("line") and step["key"] not in by_key:
                    in_flight[step["key"]] = step.get("reason", "")
        return by_id, by_key, in_flight

    def _reads(self, client: Client, steps: list[PlanStep]) -> dict[str, dict[str, Any] | Error]:
        """Each account's view now, read with get_account (all at once)."""
        read = _describe.operation(client.vendor, "get_account")
        assert read is not None
        ids = sorted({s.id for s in steps if s.id})
        out: dict[str, dict[str, Any] | Error] = {}
        ops = ((read["name"], {read["id_field"]: i}) for i in ids)
        for o in client.run_many(ops, max_in_flight=self.max_in_flight):
            if o.result is not None:
                out[ids[o.index]] = o.result.view(key_attribute=self.key_attributes.get(client.vendor))
            elif isinstance(o.error, NotFoundError):
                out[ids[o.index]] = {}
            elif o.error is not None:
                out[ids[o.index]] = o.error
        return out

    def _check(self, client: Client, steps: list[PlanStep]) -> dict[int, Exception]:
        """The steps (by position) that may not run, with why."""
        refused: dict[int, Exception] = {}
        creates = [s for s in steps if s.action == "create"]
        listed = bool(creates) or _describe.operation(client.vendor, "get_account") is None
        by_id, by_key, in_flight = self._listing(client, steps, creates) if listed else ({}, {}, {})
        now: Mapping[str, dict[str, Any] | Error] = by_id if listed else self._reads(client, steps)
        for i, s in enumerate(steps):
            op = s.operation or ""
            if s.action == "create":
                holders = by_key.get(s.key, [])
                if holders:  # the plan would now compare it
                    what = f"an account now carries the key: {', '.join(holders)}"
                    message = f"{client.vendor} create {s.key!r}: refused, {what}: plan again"
                elif s.key in in_flight:  # "its account is being created (...): plan again once it settles"
                    what = in_flight[s.key]
                    message = f"{client.vendor} create {s.key!r}: refused, {what}"
                else:
                    continue
                refused[i] = StalePlanError(message, changed=what, vendor=client.vendor, operation=op)
                continue
            view = now.get(s.id or "", {})
            if isinstance(view, Error):
                refused[i] = view
                continue
            changed = _core.changed_since(s.expect, view)
            if changed and not self.refresh:
                refused[i] = StalePlanError(f"{s.vendor} {s.action} {s.id}: refused, the account changed since the "
                                            f"plan: {changed} (plan again, or apply with refresh)",
                                            changed=changed, vendor=s.vendor, operation=op)
        return refused

    # -- running --------------------------------------------------------------------

    def _settle(self, client: Client, done: list[tuple[PlanStep, Result]]) -> list[Result | Error]:
        def one(item: tuple[PlanStep, Result]) -> Result | Error:
            step, result = item
            try:
                if step.action == "create":
                    return client.wait(result, timeout=self.settle_timeout)
                return client.wait(step.id, timeout=self.settle_timeout)
            except Error as e:
                return e

        if not done:
            return []
        with ThreadPoolExecutor(max_workers=min(8, len(done))) as pool:
            return list(pool.map(one, done))

    def run_vendor(self, vendor: str, steps: list[PlanStep]) -> list[StepOutcome]:
        """One round's steps of one vendor: checked, run at once, settled."""
        outcomes = [StepOutcome(s) for s in steps]
        try:
            client = client_for(self.clients, vendor)
            refused = self._check(client, steps)
        except Error as e:
            for o in outcomes:
                o.error = e
            return outcomes
        to_run: list[tuple[int, str, dict[str, Any]]] = []
        for i, s in enumerate(steps):
            if i in refused:
                outcomes[i].error = refused[i]
                continue
            try:
                to_run.append((i, s.operation or "", _fields(s, self.records, self.key_attributes.get(vendor, ""))))
            except Error as e:
                outcomes[i].error = e
        for ran in client.run_many(((op, f) for _, op, f in to_run), max_in_flight=self.max_in_flight):
            mine = outcomes[to_run[ran.index][0]]
            mine.result, mine.error = ran.result, ran.error
        info = _describe.vendor(vendor)
        if info and info.get("asynchronous"):
            done = [(o.step, o.result) for o in outcomes if o.ok and isinstance(o.result, Result)]
            settled = iter(self._settle(client, done))
            for o in outcomes:
                if o.ok and isinstance(o.result, Result):
                    got = next(settled)
                    o.result, o.error = (got, None) if isinstance(got, Result) else (o.result, got)
        return outcomes


def _chains(steps: Iterable[PlanStep]) -> list[list[PlanStep]]:
    """The steps that run, one list per account (its id, or a create's key), in plan order."""
    chains: dict[tuple[str, str], list[PlanStep]] = {}
    for s in steps:
        if s.action in RUN_ACTIONS:
            chains.setdefault((s.vendor, s.id or "key:" + s.key), []).append(s)
    return list(chains.values())


def apply_plan(steps: list[PlanStep], clients: Mapping[str, Client], desired: Iterable[Mapping[str, Any]] | None,
               refresh: bool, max_in_flight: int, settle_timeout: float,
               key_attributes: Mapping[str, str]) -> list[StepOutcome]:
    """Plan.apply (its documentation says what it does)."""
    records = None
    if desired is not None:  # only the records the plan file's creates need: the file may be large
        lines = {s.line for s in steps if s.action == "create" and s._send is None}
        records = {line: (vendor, rec) for line, vendor, rec in desired_by_line(desired) if line in lines}
    applier = _Applier(clients, records, refresh, max_in_flight, settle_timeout, key_attributes)
    chains = _chains(steps)
    result: dict[int, StepOutcome] = {}  # id(step) -> its outcome
    failed: set[int] = set()  # chains that ended
    for r in range(max((len(c) for c in chains), default=0)):
        by_vendor: dict[str, list[tuple[int, PlanStep]]] = {}
        for n, chain in enumerate(chains):
            if r >= len(chain):
                continue
            if n in failed:
                skipped = StepOutcome(chain[r])
                skipped.error = InvalidArgumentError(f"{chain[r].vendor} {chain[r].action} {chain[r].id}: not run, "
                                                     "the account's step before it did not succeed",
                                                     vendor=chain[r].vendor, operation=chain[r].operation or "")
                result[id(chain[r])] = skipped
                continue
            by_vendor.setdefault(chain[r].vendor, []).append((n, chain[r]))
        for vendor, items in by_vendor.items():
            for (n, _), outcome in zip(items, applier.run_vendor(vendor, [s for _, s in items])):
                result[id(outcome.step)] = outcome
                if not outcome.ok:
                    failed.add(n)
    return [result[id(s)] for s in steps if id(s) in result]
