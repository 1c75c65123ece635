"""apply's run: takes the records in input order and runs each as the
planner says, single calls of one vendor through Client.run_many (many at
once, on this thread), wait and list records one at a time in a worker.

Only this thread touches the run's state (the worker runs one record and
hands back its outcome), and the input is pulled lazily: run_many takes a
record only when it has a free slot, so the input is never held."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any

from .. import _describe
from .._records import Record, UnresolvedReference, resolve
from ..client import Client
from ..errors import Error
from ._apply_plan import InFlight, Lookahead, Plan, Planner, may_join, target
from ._apply_refs import ResultMemory
from ._apply_report import Report
from ._check import Problem
from ._common import REFERENCE


class Runner:
    """Runs a record that is not one call (wait, list operations) in a worker
    thread, so that an interrupt is seen at once even while the core waits."""

    def __init__(self, clients: Callable[[str], Client]) -> None:
        self._clients = clients
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accountkit-apply")

    def execute(self, rec: Record, fields: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(result, None) or (None, error). A second interrupt raises _StopNow
        meanwhile (the record stays in flight in the worker)."""
        fut = self._pool.submit(self._execute, rec, fields)
        # Short timed waits: signal handlers run in the main thread only between them.
        while not futures_wait([fut], timeout=0.1).done:
            pass
        try:
            return fut.result(), None
        except Error as e:
            return None, e.to_dict()
        except Exception as e:  # a bug: report it on the record, keep going
            return None, {"category": "internal", "message": f"{type(e).__name__}: {e}"}

    def _execute(self, rec: Record, fields: dict[str, Any]) -> dict[str, Any]:
        assert rec.vendor and rec.operation
        client = self._clients(rec.vendor)
        if rec.operation == "wait":
            read = _describe.read_operation(rec.vendor)
            id_field = read["id_field"] if read else "id"
            return client.wait(fields.get(id_field), timeout=rec.timeout or 300.0, after=rec.after).to_dict()
        items = [item.data for item in client.iterate(rec.operation, fields)]
        return {"count": len(items), "items": items}

    def close(self, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


class ApplyRun:
    """One apply run over records: the planner decides, this runs, report
    writes. After an interrupt, in_flight and alone name what was abandoned."""

    def __init__(self, records: Iterator[Record], planner: Planner, memory: ResultMemory, report: Report,
                 runner: Runner, clients: Callable[[str], Client], max_in_flight: int,
                 stopping: Callable[[], bool]) -> None:
        self.planner = planner
        self.memory = memory
        self.report = report
        self.runner = runner
        self.clients = clients
        self.max_in_flight = max_in_flight
        self.stopping = stopping  # true after the first interrupt: take no more records
        self.source = Lookahead(records, planner.classify)
        self.in_flight = InFlight()
        self.alone: Record | None = None  # a wait or list record running in the worker

    def run(self) -> bool:
        """Runs every record; True when an interrupt stopped it taking records
        (those in flight then finished first), False when the input ended."""
        while True:
            if self.stopping():
                return True
            got = self.source.next()
            if got is None:
                return False
            rec, plan = got
            if self._settled_locally(rec, plan):
                continue
            self._start(rec, plan)

    def unfinished(self) -> list[Record]:
        """The records in flight (after a second interrupt: abandoned)."""
        unfinished = [owner for owner, _, _ in self.in_flight.records.values()]
        if self.alone is not None:
            unfinished.append(self.alone)
        return unfinished

    def _start(self, rec: Record, plan: Plan) -> None:
        """Runs rec alone, or starts a run_many stream with it."""
        assert rec.vendor
        client: Client | None = None
        client_error: Error | None = None
        if plan.kind == "call":
            try:
                client = self.clients(rec.vendor)
            except Error as e:
                client_error = e
        if plan.kind == "alone" or client is None:
            self._run_alone(rec, plan, client_error)
        else:
            self.source.put_back((rec, plan))  # the stream's feed takes it first
            self._run_stream(client, rec.vendor)

    def _run_alone(self, rec: Record, plan: Plan, client_error: Error | None) -> None:
        """Runs rec while nothing else is in flight (a wait or list record, or a
        call whose vendor has no client: it fails with the client's error)."""
        self._take(rec, plan)
        try:
            fields = resolve(rec.fields, self.memory.lookup)
        except UnresolvedReference as e:
            self._finish(rec, plan.duplicate, None, Problem(REFERENCE, str(e)).to_dict())
            return
        if client_error is not None:
            self._finish(rec, plan.duplicate, None, client_error.to_dict())
            return
        self.alone = rec
        result, error = self.runner.execute(rec, fields)
        self.alone = None
        self._finish(rec, plan.duplicate, result, error)

    def _run_stream(self, client: Client, vendor: str) -> None:
        """Runs vendor's calls through run_many while _feed lets them join;
        writes each outcome as it comes (completion order)."""
        outcomes = client.run_many(self._feed(vendor), max_in_flight=self.max_in_flight)
        try:
            for outcome in outcomes:
                owner, duplicate, _ = self.in_flight.records[outcome.index]
                if outcome.result is not None:
                    self._finish(owner, duplicate, outcome.result.to_dict(), None)
                else:
                    assert outcome.error is not None
                    self._finish(owner, duplicate, None, outcome.error.to_dict())
                # Only once written: a record abandoned before that is named as in flight.
                self.in_flight.remove(outcome.index)
        finally:
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()  # abandons what is still in flight (after _StopNow)
        self.in_flight.clear()

    def _feed(self, vendor: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The single-call records of vendor that may run now, for run_many.
        Ends (putting the record back) at a record that must wait: another
        vendor, a wait or list record, or one that refers to a record in flight
        or acts on an account one in flight acts on. Records that fail without
        network get their line here."""
        index = 0  # run_many's Outcome.index: the position in this stream
        while not self.stopping():
            got = self.source.next()
            if got is None:
                return
            rec, plan = got
            if self._settled_locally(rec, plan):
                continue
            if not may_join(rec, plan, vendor, self.in_flight):
                self.source.put_back(got)
                return
            unresolved: UnresolvedReference | None = None
            account = None
            try:
                fields = resolve(rec.fields, self.memory.lookup)
            except UnresolvedReference as e:
                unresolved = e
            else:
                account = target(rec, fields)
                if account is not None and account in self.in_flight.targets:
                    self.source.put_back(got)
                    return
            self._take(rec, plan)
            if unresolved is not None:
                self._finish(rec, plan.duplicate, None, Problem(REFERENCE, str(unresolved)).to_dict())
                continue
            assert rec.operation
            self.in_flight.add(index, rec, plan.duplicate, account)
            index += 1
            yield rec.operation, fields

    def _settled_locally(self, rec: Record, plan: Plan) -> bool:
        """Records skipped (done before) or failing without network are
        recorded at once; True for those."""
        if plan.kind not in ("skip", "local"):
            return False
        self._take(rec, plan)
        if plan.problem is not None:
            self._finish(rec, plan.duplicate, None, plan.problem.to_dict())
        return True

    def _take(self, rec: Record, plan: Plan) -> None:
        """Counts rec as taken; records its key."""
        self.report.taken()
        self.planner.take(rec, plan)
        if plan.kind == "skip":
            self.report.skipped(plan.met, plan.earlier_ok)

    def _finish(self, rec: Record, duplicate: bool, result: dict[str, Any] | None,
                error: dict[str, Any] | None) -> None:
        """Keeps what references need of a success, then writes rec's line."""
        if error is None and rec.key and not duplicate and result is not None and "data" in result:
            self.memory.remember(rec.key, result["data"])
        self.report.finish(rec, duplicate, result, error)
