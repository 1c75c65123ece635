"""--resume and --retry-failed piece by piece: reading an earlier RESULTS
(a line cut short is removed, the last line per key counts), which keys are
skipped, and what of their results is kept for references. No network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accountkit._records import Record, UnresolvedReference
from accountkit.cli._apply_plan import Plan, Planner
from accountkit.cli._apply_refs import ResultMemory, scan_input
from accountkit.cli._apply_resume import Resume, read_results
from accountkit.cli._common import UsageError

from apply_fakes import FakeClient, apply, create, update


def line(key: str | None, ok: bool, data: dict[str, Any] | None = None, **more: Any) -> str:
    out: dict[str, Any] = {"key": key, "line": 1, "vendor": "99digital", "operation": "create_account", "ok": ok}
    if ok:
        out["result"] = {"id": None, "status": None, "data": data or {}}
    else:
        out["error"] = {"category": "vendor", "message": "failed"}
    out.update(more)
    return json.dumps(out) + "\n"


def results_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "results.jsonl"
    path.write_text("".join(lines))
    return path


# -- reading RESULTS ----------------------------------------------------------------------


def test_read_results_removes_a_last_line_cut_short(tmp_path: Path) -> None:
    whole = line("a", True) + line("b", True)
    path = results_file(tmp_path, whole, '{"key": "c", "ok": tr')
    assert [r["key"] for r in read_results(str(path))] == ["a", "b"]
    assert path.read_text() == whole  # that record runs again


def test_read_results_skips_lines_that_are_not_objects(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True), "not json\n", "[1, 2]\n", line("b", False))
    assert [r["key"] for r in read_results(str(path))] == ["a", "b"]
    assert path.read_text().count("\n") == 4  # complete lines stay


# -- which keys are skipped ------------------------------------------------------------------


def test_done_keys_are_skipped_and_the_last_line_for_a_key_counts(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True), line("b", True), line("b", False), line("c", False),
                        line("c", True), line(None, False), line("x", False, expect="error", as_expected=True))
    resume = Resume()
    resume.load(str(path), ResultMemory({}))
    assert resume.skip("a") == (True, True)
    assert resume.skip("b") == (False, False)  # failed last: skipped, and it still fails the run
    assert resume.skip("c") == (True, True)
    assert resume.skip("x") == (False, True)  # failed as expected
    assert resume.skip("new") is None
    assert None not in resume.done  # a duplicate's line (key null) stands for no record


def test_retry_failed_runs_the_records_whose_last_result_failed(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True), line("b", False), line("c", False), line("c", True))
    resume = Resume(retry_failed=True)
    resume.load(str(path), ResultMemory({}))
    assert resume.skip("a") == (True, True)
    assert resume.skip("b") is None
    assert resume.skip("c") == (True, True)


def test_results_are_refused_unless_resume_or_overwrite(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True))
    with pytest.raises(UsageError, match="--resume.*--overwrite"):
        Resume.from_results(str(path), False, False, False, ResultMemory({}))
    assert Resume.from_results(str(path), False, True, False, ResultMemory({})).done == {}  # --overwrite
    assert Resume.from_results(str(path), True, False, False, ResultMemory({})).skip("a") == (True, True)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert Resume.from_results(str(empty), False, False, False, ResultMemory({})).done == {}
    assert Resume.from_results(str(tmp_path / "none.jsonl"), False, False, False, ResultMemory({})).done == {}
    assert Resume.from_results("-", False, False, False, ResultMemory({})).done == {}


def test_the_planner_skips_done_keys_but_reports_bad_records_again(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True), line("b", False), line("bad", True))
    resume = Resume()
    resume.load(str(path), ResultMemory({}))
    planner = Planner(resume)
    assert planner.classify(create(1, "a")) == Plan("skip", met=True)
    assert planner.classify(create(2, "b")) == Plan("skip", met=False, earlier_ok=False)
    malformed = Record(line=3, key="bad", vendor="99digital", problems=['"operation" is missing'])
    assert planner.classify(malformed).kind == "local"
    planner.take(create(1, "a"), Plan("skip"))
    assert "a" not in resume.done  # needed no more
    duplicate = planner.classify(create(4, "a"))
    assert duplicate.kind == "local" and duplicate.duplicate  # a second "a" is not skipped


def test_retry_failed_through_the_planner(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True), line("b", False))
    resume = Resume(retry_failed=True)
    resume.load(str(path), ResultMemory({}))
    planner = Planner(resume)
    assert planner.classify(create(1, "a")).kind == "skip"
    assert planner.classify(create(2, "b")).kind == "call"


# -- what is kept for references --------------------------------------------------------------


def test_earlier_results_serve_references_only_for_referenced_keys(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True, {"account_id": 1}), line("b", True, {"account_id": 2}),
                        line("c", True, {"account_id": 3}), line("c", False))
    memory = ResultMemory({"a": "account_id", "c": "account_id"})
    Resume().load(str(path), memory)
    assert memory.results == {"a": 1}  # b: no reference names it; c: failed last
    assert memory.lookup("a", "account_id", "account_id", "${a.account_id}") == 1
    with pytest.raises(UnresolvedReference, match="record 'c' did not succeed"):
        memory.lookup("c", "account_id", "account_id", "${c.account_id}")


def test_memory_keeps_only_the_values_references_name(tmp_path: Path) -> None:
    memory = ResultMemory({"one": "account_id", "two": ("account_id", "contacts[0].email"), "gone": "nope"})
    assert memory.remember("one", {"account_id": 5, "big": "x" * 1000})
    assert memory.remember("two", {"account_id": 6, "contacts": [{"email": "e@x.example"}], "big": "y"})
    assert memory.remember("gone", {"account_id": 7})
    assert not memory.remember("unreferenced", {"account_id": 8})
    assert memory.results["one"] == 5
    assert memory.results["two"] == {"account_id": 6, "contacts[0].email": "e@x.example"}
    assert memory.lookup("two", "contacts[0].email", "f", "t") == "e@x.example"
    with pytest.raises(UnresolvedReference, match="has no nope"):
        memory.lookup("gone", "nope", "f", "t")
    whole = ResultMemory(None)  # standard input: no scan, whole data kept
    assert whole.remember("k", {"a": {"b": 1}}) and whole.lookup("k", "a.b", "f", "t") == 1


def test_scan_finds_what_references_name(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [
        {"key": "a", "fields": {}},
        {"key": "b", "fields": {"account_id": "${a.account_id}"}},
        {"key": "c", "fields": {"x": ["${a.id}"], "y": "${b.account_id}"}},
    ]))
    assert scan_input(str(path), "jsonl") == (3, {"a": ("account_id", "id"), "b": "account_id"})
    assert scan_input("-", "jsonl") == (None, None)


# -- resume through a run ---------------------------------------------------------------------


def test_a_resumed_run_sends_only_what_was_not_done(tmp_path: Path) -> None:
    path = results_file(tmp_path, line("a", True, {"account_id": 41}), line("b", False),
                        line("c", True, {"account_id": 43}))
    records = [create(1, "a"), create(2, "b"), create(3, "c"), update(4, "a-up", "${a.account_id}")]
    memory = ResultMemory({"a": "account_id"})
    resume = Resume.from_results(str(path), True, False, False, memory)
    client = FakeClient()
    done = apply(records, client, resume=resume, memory=memory)
    assert client.started() == ["a-up"]
    assert client.sent["a-up"]["account_id"] == 41  # from the earlier RESULTS
    assert (done.tally.total, done.tally.skipped, done.tally.ok, done.tally.unmet) == (4, 3, 1, 1)  # b failed before

    client = FakeClient()
    resume = Resume.from_results(str(path), True, False, True, memory)  # --retry-failed
    done = apply(records, client, resume=resume, memory=memory)
    assert client.started() == ["b", "a-up"]
    assert (done.tally.skipped, done.tally.unmet) == (2, 0)
