"""The conformance cases (tests/conformance/*.json; README.md there) through
the Python package: ak.validate, Client.call against one sandbox, the
exception classes, the CSV reader's field paths, ak.account_view and
ak.plan_accounts (no sandbox: they are pure). Cases run in order on one
sandbox (later cases see what earlier ones created); each kind is one test
that lists every failing case by name."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import accountkit as ak
from accountkit import errors as ak_errors
from accountkit._records import read_csv

CASES = Path(__file__).resolve().parents[2] / "tests" / "conformance"


def _cases(kind: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            if case.get("kind", "operation") == kind:
                out.append((f"{path.name}: {case['name']}", case))
    return out


class Outcome:
    def __init__(self, error: ak.Error | None = None, result: ak.Result | None = None) -> None:
        self.status = error.category if error else "ok"
        self.message = error.message if error else ""
        self.raw_body = (error.raw_body or "") if error else ""
        self.fields = [[f.path, f.rule] for f in error.errors] if error else []
        self.field_messages = "\n".join(f.message for f in error.errors) if error else ""
        self.result_id = (result.id or "") if result else ""
        self.result_repr = repr(result) if result else ""

    def __repr__(self) -> str:
        return f"{self.status} {self.message!r} {self.fields}"


def _differences(got: Outcome, want: dict[str, Any]) -> str:
    diff = []
    if got.status != want["status"]:
        diff.append(f"status {got.status}, want {want['status']}")
    if "fields" in want and got.fields != want["fields"]:
        diff.append(f"fields differ, want {want['fields']}")
    for text in want.get("message_has", []):
        if text not in got.message:
            diff.append(f"message lacks {text!r}")
    if "result_id" in want and got.result_id != want["result_id"]:
        diff.append(f"result id {got.result_id!r}, want {want['result_id']!r}")
    return "; ".join(diff) + (f"; got {got!r}" if diff else "")


def _same(a: Any, b: Any) -> bool:
    """Deep equality: numbers by value (1 == 1.0, booleans apart), objects unordered."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _check_sent(journal: list[dict[str, Any]], sent: dict[str, Any]) -> str:
    found = [e for e in journal if e["method"] == sent["method"] and e["path"] == sent["path"]]
    if not found:
        return f"no {sent['method']} {sent['path']} reached the sandbox; journal: {journal}"
    entry = found[-1]
    diff = []
    if "query" in sent and not _same(entry["query"], sent["query"]):
        diff.append(f"query {entry['query']}, want {sent['query']}")
    if "body" in sent and not _same(entry["json"], sent["body"]):
        diff.append(f"body {entry['json']}, want {sent['body']}")
    for key, value in sent.get("body_has", {}).items():
        body = entry["json"] if isinstance(entry["json"], dict) else {}
        if key not in body or not _same(body[key], value):
            diff.append(f"body member {key} is {body.get(key, '(absent)')!r}, want {value!r}")
    return "; ".join(diff)


class Runner:
    def __init__(self, sandbox: ak.Sandbox) -> None:
        self.sandbox = sandbox
        self.clients: dict[str, ak.Client] = {}

    def validate(self, case: dict[str, Any]) -> Outcome:
        try:
            problems = ak.validate(case["vendor"], case["operation"], case.get("fields"), id=case.get("id"))
        except ak.Error as e:
            return Outcome(e)
        if not problems:
            return Outcome()
        # What ak.validate lists is what a call raises: the same fields, as a
        # ValidationError whose message spells each one out.
        message = "; ".join(f"{p.path} {p.message}" for p in problems)
        return Outcome(ak.ValidationError(message, errors=problems))

    def call(self, case: dict[str, Any]) -> Outcome:
        try:
            vendor = case["vendor"]
            if vendor not in self.clients:
                ak.Client(vendor)  # an unknown vendor fails here, as a caller's client would
                self.clients[vendor] = self.sandbox.client(vendor)
            result = self.clients[vendor].call(case["operation"], case.get("fields"), id=case.get("id"))
        except ak.Error as e:
            return Outcome(e)
        return Outcome(result=result)


@pytest.fixture(scope="module")
def runner() -> Any:
    with ak.Sandbox() as sb:
        yield Runner(sb)


def test_every_operation_case(runner: Runner) -> None:
    cases = _cases("operation")
    assert len(cases) > 100, f"the case files were not found in {CASES}"
    failures = []
    for name, case in cases:
        local = runner.validate(case)
        if d := _differences(local, case["expect"]):
            failures.append(f"{name}\n  validate: {d}")
        want = case.get("call", case["expect"])
        runner.sandbox.clear_requests()
        called = runner.call(case)
        journal = runner.sandbox.requests()
        if d := _differences(called, want):
            failures.append(f"{name}\n  call: {d}")
        if "call" not in case and case["expect"]["status"] != "ok" and journal:
            failures.append(f"{name}\n  sent although invalid: {journal}")
        if "sent" in case and (d := _check_sent(journal, case["sent"])):
            failures.append(f"{name}\n  sent: {d}")
        journal_text = json.dumps(journal, ensure_ascii=False)
        for secret in case.get("secrets", []):
            texts = [o.message + o.raw_body + o.field_messages + o.result_repr for o in (local, called)]
            if any(secret in t for t in texts) or secret in journal_text:
                failures.append(f"{name}\n  the secret {secret!r} shows in an error, a repr or the journal")
    assert not failures, f"{len(failures)} of {len(cases)} cases differ:\n" + "\n".join(failures)


def _class_for(code: int) -> type[ak.Error] | None:
    classes = [c for c in vars(ak_errors).values() if isinstance(c, type) and issubclass(c, ak.Error) and c is not ak.Error]
    matching = [c for c in classes if c.code == code]
    assert len(matching) <= 1, f"several exception classes have code {code}: {matching}"
    return matching[0] if matching else None


def test_every_status_case() -> None:
    cases = _cases("status")
    assert len(cases) > 15
    failures = []
    for name, case in cases:
        cls = _class_for(case["code"]) if case["code"] != 0 else None
        if case["status_name"] is None or case["code"] == 0:
            if cls is not None:
                failures.append(f"{name}: {cls.__name__} has code {case['code']}, which is no error status")
            continue
        if cls is None:
            failures.append(f"{name}: no exception class has code {case['code']}")
            continue
        if cls.category != case["status_name"]:
            failures.append(f"{name}: {cls.__name__}.category is {cls.category!r}")
        if ak_errors.error_class(case["status_name"]) is not cls:
            failures.append(f"{name}: error_class({case['status_name']!r}) is not {cls.__name__}")
        parent = case["parent"]
        bases = [b for b in cls.__mro__[1:] if issubclass(b, ak.Error) and b is not ak.Error]
        nearest = bases[0].category if bases else None
        if nearest != parent:
            failures.append(f"{name}: {cls.__name__} refines {nearest}, want {parent}")
    assert not failures, "\n".join(failures)


def test_every_path_case() -> None:
    """The CSV reader is where Python takes field paths: each column header is one."""
    cases = _cases("path")
    assert len(cases) > 10
    failures = []
    for name, case in cases:
        column = case["path"].replace('"', '""')
        text = f'vendor,operation,key,"{column}"\r\n99digital,list_accounts,k,x\r\n'
        problems = [p for rec in read_csv(io.StringIO(text, newline="")) for p in rec.problems]
        header_problems = [p for p in problems if "field path" in p]
        want = case["expect"]
        if want["status"] == "ok" and header_problems:
            failures.append(f"{name}: refused: {header_problems}")
        if want["status"] != "ok":
            if not header_problems:
                failures.append(f"{name}: accepted")
            for text in want.get("message_has", []):
                if not any(text in p for p in header_problems):
                    failures.append(f"{name}: the problem lacks {text!r}: {header_problems}")
    assert not failures, "\n".join(failures)


def _failure(error: ak.Error | None, want: dict[str, Any]) -> str:
    """An expected failure ({"status", "message_has"}) against what was raised."""
    if error is None:
        return f"succeeded, want {want}"
    return _differences(Outcome(error), want)


def _secrets_shown(case: dict[str, Any], *texts: str) -> str:
    return "; ".join(f"the secret {s!r} shows" for s in case.get("secrets", []) if any(s in t for t in texts))


def test_every_view_case() -> None:
    cases = _cases("view")
    assert len(cases) > 4
    failures = []
    for name, case in cases:
        view, error = None, None
        try:
            view = ak.account_view(case["vendor"], case["record"], key_attribute=case.get("key_attribute"))
        except ak.Error as e:
            error = e
        want = case["expect"]
        shown = json.dumps(view, ensure_ascii=False) if view is not None else ""
        diff = [_secrets_shown(case, shown, error.message if error else "")]
        if "view" in want:
            if view is None:
                diff.append(f"failed: {error!r}")
            elif not _same({k: v for k, v in view.items() if k != "record"}, want["view"]):
                diff.append(f"view {shown}, want {want['view']}")
        else:
            diff.append(_failure(error, want))
        if d := "; ".join(x for x in diff if x):
            failures.append(f"{name}\n  account_view: {d}")
    assert not failures, "\n".join(failures)


def test_every_plan_case() -> None:
    """ak.plan_accounts: the plan rules over records in hand, each step as its plan-file dict."""
    cases = _cases("plan")
    assert len(cases) > 10
    failures = []
    for name, case in cases:
        steps, error = None, None
        try:
            plan = ak.plan_accounts(case["vendor"], case["desired"], case["records"], prune=case.get("prune", False),
                                    in_flight=case.get("in_flight", ()), key_attribute=case.get("key_attribute"))
            steps = [s.to_dict() for s in plan.steps]
        except ak.Error as e:
            error = e
        want = case["expect"]
        shown = json.dumps(steps, ensure_ascii=False) if steps is not None else ""
        diff = [_secrets_shown(case, shown, repr(steps), error.message if error else "")]
        if "steps" in want:
            if steps is None:
                diff.append(f"failed: {error!r}")
            elif not _same(steps, want["steps"]):
                diff.append(f"steps {shown}, want {json.dumps(want['steps'], ensure_ascii=False)}")
        else:
            diff.append(_failure(error, want))
        if d := "; ".join(x for x in diff if x):
            failures.append(f"{name}\n  plan_accounts: {d}")
    assert not failures, "\n".join(failures)
