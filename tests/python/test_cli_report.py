"""apply's reporting piece by piece: the shape of a result line, the counts
behind the summary and the exit status, and expect matching. No network."""

from __future__ import annotations

import io
import json

import pytest

from accountkit._records import Record
from accountkit.cli._apply_report import (
    ECHO_WIDTH, Progress, Report, Tally, echo_line, expectation_met, result_line, summary, unfinished_message)


def rec(line: int = 3, key: str | None = "k", expect: str | None = None) -> Record:
    return Record(line=line, key=key, vendor="99digital", operation="create_account", expect=expect)


RESULT = {"id": "1000", "status": None, "data": {"account_id": 1000, "name": "Zoë"}}
ERROR = {"category": "not_found", "message": "99digital update_account: no such account"}


# -- expect ------------------------------------------------------------------------------------


@pytest.mark.parametrize("expect, ok, category, met", [
    (None, True, None, True),
    (None, False, "vendor", False),
    ("ok", True, None, True),
    ("ok", False, "vendor", False),
    ("error", False, "vendor", True),
    ("error", False, "invalid_record", True),
    ("error", True, None, False),          # expected to fail, succeeded
    ("not_found", False, "not_found", True),
    ("not_found", False, "validation", False),  # failed, but not that way
    ("not_found", True, None, False),
])
def test_expectation_met(expect: str | None, ok: bool, category: str | None, met: bool) -> None:
    assert expectation_met(expect, ok, category) is met


# -- result lines ------------------------------------------------------------------------------


def test_a_success_line() -> None:
    line = result_line(rec(), False, RESULT, None, True)
    assert list(line) == ["key", "line", "vendor", "operation", "ok", "result"]
    assert line == {"key": "k", "line": 3, "vendor": "99digital", "operation": "create_account", "ok": True,
                    "result": RESULT}


def test_a_failure_line_with_its_expectation() -> None:
    line = result_line(rec(expect="not_found"), False, None, ERROR, True)
    assert list(line) == ["key", "line", "vendor", "operation", "ok", "error", "expect", "as_expected"]
    assert line["ok"] is False and line["error"] == ERROR
    assert line["expect"] == "not_found" and line["as_expected"] is True


def test_a_repeated_key_does_not_stand_for_the_record_that_owns_it() -> None:
    assert result_line(rec(), True, None, ERROR, False)["key"] is None


def test_lines_are_compact_json_one_per_record_flushed() -> None:
    class Out(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            self.flushes += 1
            super().flush()

    out = Out()
    report = Report(out, Progress(False, None))
    report.finish(rec(1, "a"), False, RESULT, None)
    report.finish(rec(2, "b"), False, None, ERROR)
    text = out.getvalue()
    assert text.count("\n") == 2 and out.flushes == 2
    first = text.splitlines()[0]
    assert first.startswith('{"key":"a","line":1,') and ", " not in first  # no spaces
    assert "Zoë" in first  # not \u-escaped
    assert [json.loads(l)["ok"] for l in text.splitlines()] == [True, False]


# -- counts and the summary ---------------------------------------------------------------------


def test_counts_behind_the_summary_and_the_exit_status() -> None:
    report = Report(io.StringIO(), Progress(False, None))
    for _ in range(6):
        report.taken()
    report.finish(rec(1, "ok"), False, RESULT, None)
    report.finish(rec(2, "failed"), False, None, ERROR)
    report.finish(rec(3, "expected", expect="not_found"), False, None, ERROR)
    report.finish(rec(4, "wrongly", expect="validation"), False, None, ERROR)
    report.skipped(met=True)
    report.skipped(met=False, ok=False)
    assert report.tally == Tally(total=6, ok=1, failed=3, expected_failures=1, skipped=2, skipped_failed=1, unmet=3)
    assert summary(report.tally, "out.jsonl") == (
        "accountkit apply: 6 records: 1 succeeded, 3 failed (1 as expected), 2 skipped (done before; 1 of them "
        "failed: add --retry-failed to run those again) -> out.jsonl")
    assert summary(Tally(total=1, skipped=1), "r") == "accountkit apply: 1 records: 0 succeeded, 0 failed, 1 skipped (done before) -> r"


# -- --echo ------------------------------------------------------------------------------------


def test_echo_says_a_failure_was_meant_before_its_error() -> None:
    gone = {"category": "not_found", "message": "99digital create_account: no such account"}
    meant = echo_line(rec(7, "bad", expect="not_found"), None, gone, met=True)
    assert meant.startswith("line 7    bad ")
    assert meant.endswith("failed, as meant: [not_found] no such account")  # the "vendor operation: " prefix goes
    assert echo_line(rec(8, None), None, gone, met=False).endswith("FAILED: [not_found] no such account")
    assert echo_line(rec(9, "k"), RESULT, None, met=True).endswith("ok, account 1000")
    assert echo_line(rec(9, "k", expect="error"), RESULT, None, met=False).endswith("ok, account 1000, but meant to fail (error)")


def test_echo_lines_are_short_and_carry_no_field_values() -> None:
    long_error = {"category": "validation", "message": "x" * 5000}
    line = echo_line(rec(1, "k"), None, long_error, met=False)
    assert len(line) == ECHO_WIDTH and line.endswith("\u2026")
    assert "Zoë" not in echo_line(rec(1, "k"), RESULT, None, met=True)


def test_report_echoes_each_finished_record() -> None:
    echo = io.StringIO()
    report = Report(io.StringIO(), Progress(False, None), echo)
    report.finish(rec(1, "a"), False, RESULT, None)
    report.finish(rec(2, "b", expect="not_found"), False, None, ERROR)
    assert [l.split()[:3] for l in echo.getvalue().splitlines()] == [["line", "1", "a"], ["line", "2", "b"]]


def test_an_expected_failure_that_succeeds_is_unmet() -> None:
    report = Report(io.StringIO(), Progress(False, None))
    report.finish(rec(1, "x", expect="error"), False, RESULT, None)
    assert report.tally == Tally(ok=1, unmet=1)


def test_summary_leaves_out_what_did_not_happen() -> None:
    assert summary(Tally(total=2, ok=2), "-") == "accountkit apply: 2 records: 2 succeeded, 0 failed"
    assert summary(Tally(total=1, failed=1), "r.jsonl") == "accountkit apply: 1 records: 0 succeeded, 1 failed -> r.jsonl"


def test_unfinished_records_are_named_in_line_order() -> None:
    assert unfinished_message([]) is None
    one = unfinished_message([rec(7, "w0")])
    assert one is not None and "stopped while record 'w0' (line 7) was in flight" in one
    many = unfinished_message([rec(4, "c"), rec(2, "a"), rec(3, "b")])
    assert many is not None
    assert "stopped while 3 records were in flight: 'a' (line 2), 'b' (line 3), 'c' (line 4): their outcomes" in many


def test_progress_is_drawn_only_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    Progress(False, 10).update(1, 1, 0, 0, force=True)
    assert capsys.readouterr().err == ""
    bar = Progress(True, 10)
    bar.update(5, 4, 1, 0, force=True)
    bar.finish()
    assert capsys.readouterr().err == "\r[###############---------------] 5/10 4 ok, 1 failed\x1b[K\r\x1b[K"
