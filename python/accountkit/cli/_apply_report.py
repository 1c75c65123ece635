"""apply's reporting: one result line per record, written the moment the
record finishes (completion order, so a crash loses nothing already done);
with --echo, one short readable line per record as well; the counts behind
the summary and the exit status; whether a record turned out as its
``expect`` said; the progress bar.

Nothing here keeps anything per record: the counts are all there is, so that
reporting costs no memory over 100k records."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from typing import IO, Any

from .._records import Record
from ..client import masked


@dataclass
class Tally:
    total: int = 0
    ok: int = 0
    failed: int = 0
    expected_failures: int = 0
    skipped: int = 0
    skipped_failed: int = 0  # skipped records whose earlier run failed (--retry-failed runs them)
    unmet: int = 0  # records whose outcome is not what they expect (exit 1 if any)


def expectation_met(expect: str | None, ok: bool, category: str | None) -> bool:
    """Whether an outcome is what the record's expect asked for: success when
    it says nothing (or "ok"); for "error" any failure, else a failure of that
    category. A record that expects to fail and succeeds has not met it."""
    if expect is None or expect == "ok":
        return ok
    if ok:
        return False
    return expect == "error" or expect == category


def result_line(
    rec: Record, duplicate: bool, result: dict[str, Any] | None, error: dict[str, Any] | None, met: bool
) -> dict[str, Any]:
    """rec's result line: key, line, vendor, operation, ok, then result or
    error, then expect and as_expected when rec has an expect. Never the
    request's fields (they may hold passwords), nor a secret the answer holds
    (a sign-in link): a result file is a journal."""
    # A repeated key's line must not stand for the record that owns the key (--resume reads keys back).
    line: dict[str, Any] = {"key": None if duplicate else rec.key, "line": rec.line,
                            "vendor": rec.vendor, "operation": rec.operation}
    if error is None:
        line["ok"] = True
        line["result"] = masked(result)
    else:
        line["ok"] = False
        line["error"] = error
    if rec.expect is not None:
        line["expect"] = rec.expect
        line["as_expected"] = met
    return line


ECHO_WIDTH = 160


def echo_line(rec: Record, result: dict[str, Any] | None, error: dict[str, Any] | None, met: bool) -> str:
    """rec's outcome in one short line for a person (--echo): where it came
    from, then the account it names, or the error with whether the record
    meant to fail said first. Never a field's value."""
    head = f"line {rec.line:<4} {rec.key or '-':<20} {f'{rec.vendor} {rec.operation}':<30}"
    if error is None:
        ident = (result or {}).get("id")
        status = (result or {}).get("status")
        outcome = "ok" + (f", account {ident}" if ident else "") + (f" ({status})" if status else "")
        if not met:
            outcome += f", but meant to fail ({rec.expect})"
    else:
        message = str(error.get("message", ""))
        prefix = f"{rec.vendor} {rec.operation}: "
        if message.startswith(prefix):
            message = message[len(prefix):]
        label = "failed, as meant" if rec.expect is not None and met else "FAILED"
        outcome = f"{label}: [{error.get('category')}] {message}"
    line = f"{head}  {outcome}"
    return line if len(line) <= ECHO_WIDTH else line[:ECHO_WIDTH - 1] + "\u2026"


class Progress:
    """A one-line progress bar on stderr, drawn only on a terminal."""

    def __init__(self, enabled: bool, total: int | None) -> None:
        self.enabled = enabled
        self.total = total
        self._last = 0.0

    def update(self, done: int, ok: int, failed: int, skipped: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:  # at most 10 redraws a second
            return
        self._last = now
        counts = f"{ok} ok, {failed} failed" + (f", {skipped} skipped" if skipped else "")
        if self.total:
            width = 30
            filled = min(width, width * done // self.total)
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {done}/{self.total} {counts}"
        else:
            line = f"{done} records: {counts}"
        sys.stderr.write("\r" + line[:120] + "\x1b[K")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


class Report:
    """Writes RESULTS and counts outcomes as records are taken and finish."""

    def __init__(self, out: IO[str], progress: Progress, echo: IO[str] | None = None) -> None:
        self.out = out
        self.progress = progress
        self.echo = echo
        self.tally = Tally()

    def taken(self) -> None:
        """A record taken from the input (each is taken once, whatever becomes of it)."""
        self.tally.total += 1

    def skipped(self, met: bool, ok: bool = True) -> None:
        """A record an earlier run finished (--resume): no line, but its outcome
        still counts for the exit status (and a failure for the summary's hint)."""
        self.tally.skipped += 1
        if not ok:
            self.tally.skipped_failed += 1
        if not met:
            self.tally.unmet += 1
        self.show()

    def finish(self, rec: Record, duplicate: bool, result: dict[str, Any] | None, error: dict[str, Any] | None) -> None:
        """Writes rec's result line (result, or error) and counts it."""
        ok = error is None
        if ok:
            self.tally.ok += 1
        else:
            self.tally.failed += 1
        met = expectation_met(rec.expect, ok, None if error is None else error["category"])
        if rec.expect is not None and met and not ok:
            self.tally.expected_failures += 1
        if not met:
            self.tally.unmet += 1
        self.write(result_line(rec, duplicate, result, error, met))
        if self.echo is not None:
            self.echo.write(echo_line(rec, result, error, met) + "\n")
            self.echo.flush()
        self.show()

    def write(self, line: dict[str, Any]) -> None:
        # Flushed line by line: --resume after a crash trusts every complete line.
        self.out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.out.flush()

    def show(self) -> None:
        t = self.tally
        self.progress.update(t.ok + t.failed + t.skipped, t.ok, t.failed, t.skipped)


def summary(tally: Tally, out: str) -> str:
    """The line that ends every run (standard error)."""
    where = "" if out == "-" else f" -> {out}"
    expected = f" ({tally.expected_failures} as expected)" if tally.expected_failures else ""
    skipped = ""
    if tally.skipped:
        retry = (f"; {tally.skipped_failed} of them failed: add --retry-failed to run those again"
                 if tally.skipped_failed else "")
        skipped = f", {tally.skipped} skipped (done before{retry})"
    return f"accountkit apply: {tally.total} records: {tally.ok} succeeded, {tally.failed} failed{expected}{skipped}{where}"


def unfinished_message(unfinished: list[Record]) -> str | None:
    """After a second interrupt: the records abandoned in flight, which have
    no result line and whose outcome must be checked before --resume runs
    them again. None when there were none."""
    if len(unfinished) == 1:
        return (
            f"accountkit apply: stopped while record {unfinished[0].key!r} (line {unfinished[0].line}) was in "
            "flight: its outcome is not recorded; check it before --resume runs it again"
        )
    if unfinished:
        names = ", ".join(f"{r.key!r} (line {r.line})" for r in sorted(unfinished, key=lambda r: r.line))
        return (
            f"accountkit apply: stopped while {len(unfinished)} records were in flight: {names}: their outcomes "
            "are not recorded; check them before --resume runs them again"
        )
    return None
