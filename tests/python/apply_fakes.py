"""Stand-ins for apply's unit tests (test_cli_plan.py, test_cli_resume.py):
records built directly, and a client whose run_many behaves like the real one
towards its input (taken lazily, only while fewer than max_in_flight are
pending) but answers at once, in an order the test picks, logging each step.
No network, no extension calls besides the vendors' descriptions."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import accountkit as ak
from accountkit._records import Record
from accountkit.cli._apply_plan import Planner
from accountkit.cli._apply_refs import Referenced, ResultMemory
from accountkit.cli._apply_report import Progress, Report, Tally
from accountkit.cli._apply_resume import Resume
from accountkit.cli._apply_run import ApplyRun, Runner

COMMVAULT_ACME = "7194af6f-1285-4295-94aa-ceed7ea2d792"

NN_CREATE = {"agents": 2, "inboxes": 1, "admin_email": "a@acme.example", "admin_name": "A",
             "admin_displayName": "A", "admin_password": "Sandbox!Pass1"}


def create(line: int, key: str, **more: Any) -> Record:
    """A 99digital create_account; account_name is the key (the fake client's tag)."""
    return Record(line=line, key=key, vendor="99digital", operation="create_account",
                  fields={**NN_CREATE, "account_name": key, **more})


def update(line: int, key: str, account: Any, **more: Any) -> Record:
    """A 99digital update_account of account (an id, or a "${KEY.account_id}" reference)."""
    return Record(line=line, key=key, vendor="99digital", operation="update_account",
                  fields={"account_id": account, "server": "online", "account_name": key, **more})


def listing(line: int, key: str) -> Record:
    return Record(line=line, key=key, vendor="99digital", operation="list_accounts", fields={})


def wait(line: int, key: str) -> Record:
    return Record(line=line, key=key, vendor="commvault", operation="wait", fields={"id": COMMVAULT_ACME},
                  timeout=5)


def ap_get(line: int, key: str, account: int) -> Record:
    return Record(line=line, key=key, vendor="activeplatform", operation="get_account",
                  fields={"account_id": account})


class FakeResult:
    def __init__(self, data: dict[str, Any], status: str | None = None) -> None:
        self.data = data
        self.status = status

    def to_dict(self) -> dict[str, Any]:
        return {"id": str(self.data.get("account_id")), "status": self.status, "data": self.data}


class FakeOutcome:
    def __init__(self, index: int, result: FakeResult | None, error: ak.Error | None) -> None:
        self.index = index
        self.result = result
        self.error = error


def tag_of(operation: str, fields: Mapping[str, Any]) -> str:
    """How the fake names a call in its log: the account_name the helpers
    above set to the key, else the operation and the account id."""
    if "account_name" in fields:
        return str(fields["account_name"])
    return f"{operation} {fields.get('account_id', fields.get('accountID'))}"


class FakeClient:
    """events: ("start", tag) when run_many takes a call, ("finish", tag) when
    it yields its outcome, ("alone", tag, pending, open streams) when a wait
    or list record runs. pending_at_start[tag]: the tags pending then."""

    def __init__(self, lifo: bool = True, fail: Iterable[str] = ()) -> None:
        self.lifo = lifo  # finish the last one taken first: completion order differs from file order
        self.fail = set(fail)
        self.events: list[tuple[Any, ...]] = []
        self.pending_at_start: dict[str, list[str]] = {}
        self.sent: dict[str, dict[str, Any]] = {}  # tag -> the fields run_many got
        self.pending: list[tuple[int, str, dict[str, Any]]] = []
        self.open_streams = 0
        self.next_id = 1000

    def started(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "start"]

    def run_many(self, operations: Iterable[tuple[str, Mapping[str, Any]]], *, max_in_flight: int) -> Iterator[FakeOutcome]:
        return self._outcomes(iter(operations), max_in_flight)

    def _outcomes(self, operations: Iterator[tuple[str, Mapping[str, Any]]], limit: int) -> Iterator[FakeOutcome]:
        self.open_streams += 1
        index = 0
        more = True
        try:
            while True:
                while more and len(self.pending) < limit:
                    try:
                        operation, fields = next(operations)
                    except StopIteration:
                        more = False
                        break
                    tag = tag_of(operation, fields)
                    self.pending_at_start[tag] = [t for _, t, _ in self.pending]
                    self.pending.append((index, tag, dict(fields, _operation=operation)))
                    self.sent[tag] = dict(fields)
                    self.events.append(("start", tag))
                    index += 1
                if not self.pending:
                    return
                position, tag, fields = self.pending.pop() if self.lifo else self.pending.pop(0)
                self.events.append(("finish", tag))
                yield self._answer(position, tag, fields)
        finally:
            self.pending.clear()
            self.open_streams -= 1

    def _answer(self, position: int, tag: str, fields: dict[str, Any]) -> FakeOutcome:
        if tag in self.fail:
            return FakeOutcome(position, None, ak.VendorError(f"{tag} failed", vendor="99digital"))
        data = {k: v for k, v in fields.items() if k not in ("admin_password", "_operation")}
        if fields["_operation"] == "create_account":
            self.next_id += 1
            data["account_id"] = self.next_id
        return FakeOutcome(position, FakeResult(data), None)

    # Wait and list records (the Runner's worker thread).
    def iterate(self, operation: str, fields: Mapping[str, Any]) -> Iterator[FakeResult]:
        self.events.append(("alone", operation, len(self.pending), self.open_streams))
        yield FakeResult({"account_id": 1, "account_name": "listed"})

    def wait(self, account: Any, *, timeout: float, after: str | None = None) -> FakeResult:
        self.events.append(("alone", "wait", len(self.pending), self.open_streams))
        return FakeResult({"id": account, "status": "active"}, status="active")


class Applied:
    """What one ApplyRun over fake clients did."""

    def __init__(self, lines: list[dict[str, Any]], tally: Tally, interrupted: bool, run: ApplyRun) -> None:
        self.lines = lines
        self.tally = tally
        self.interrupted = interrupted
        self.run = run

    def by_key(self) -> dict[str | None, dict[str, Any]]:
        return {line["key"]: line for line in self.lines}


def apply(records: list[Record], client: Any, *, max_in_flight: int = 4, resume: Resume | None = None,
          referenced: Referenced | None = None, memory: ResultMemory | None = None,
          stopping: Any = lambda: False, clients: Any = None) -> Applied:
    """Runs records through ApplyRun as cmd_apply wires it, with client for
    every vendor; RESULTS go to a string."""
    memory = memory if memory is not None else ResultMemory(referenced)
    out = io.StringIO()
    report = Report(out, Progress(False, None))
    get = clients if clients is not None else (lambda vendor: client)
    runner = Runner(get)
    run = ApplyRun(iter(records), Planner(resume or Resume()), memory, report, runner, get, max_in_flight, stopping)
    try:
        interrupted = run.run()
    finally:
        runner.close(wait=True)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return Applied(lines, report.tally, interrupted, run)
