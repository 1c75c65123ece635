"""--resume: which records an earlier run already finished, read from its
RESULTS file, so that apply skips them (or, with --retry-failed, runs the
failed ones again) and their result data still serves references."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from ._apply_refs import ResultMemory
from ._common import UsageError

# The values of Resume.done, shared: one tuple per state, not one per key (100k keys).
_DONE_STATES = {(ok, met): (ok, met) for ok in (True, False) for met in (True, False)}


def read_results(path: str) -> Iterator[dict[str, Any]]:
    """The complete lines of an earlier RESULTS file. A last line cut short by
    an interruption is removed from the file (that record runs again)."""
    with open(path, "r+b") as f:
        data_end = 0
        for raw in f:
            if not raw.endswith(b"\n"):
                break
            data_end += len(raw)
            try:
                obj = json.loads(raw)
            except (ValueError, RecursionError):  # not a line apply wrote
                continue
            if isinstance(obj, dict):
                yield obj
        f.truncate(data_end)


class Resume:
    """The keys an earlier run finished: done[key] = (ok, as expected) of the
    last result line for key (lines may be in any order: the last one counts)."""

    def __init__(self, retry_failed: bool = False) -> None:
        self.retry_failed = retry_failed
        self.done: dict[str, tuple[bool, bool]] = {}

    @classmethod
    def from_results(cls, out: str, resume: bool, overwrite: bool, retry_failed: bool, memory: ResultMemory) -> Resume:
        """What RESULTS (apply's --out) says was done before. A RESULTS that
        has results is read with --resume, started over with --overwrite and
        refused otherwise (a usage error: never lose results by accident)."""
        state = cls(retry_failed)
        if out != "-" and os.path.exists(out) and os.path.getsize(out) > 0:
            if not resume and not overwrite:
                raise UsageError(f"{out} already has results: pass --resume to continue it or --overwrite to start over")
            if resume:
                state.load(out, memory)
        return state

    def load(self, path: str, memory: ResultMemory) -> None:
        """Reads an earlier RESULTS: each key's last (ok, as expected), and
        into memory what references need of its result data if it succeeded."""
        for earlier in read_results(path):
            key = earlier.get("key")
            if not isinstance(key, str):
                continue  # a duplicate key's line (key null) stands for no record
            ok = bool(earlier.get("ok"))
            self.done[key] = _DONE_STATES[ok, bool(earlier.get("as_expected", ok))]
            result = earlier.get("result")
            kept = ok and isinstance(result, dict) and "data" in result and memory.remember(key, result["data"])
            if not kept:
                memory.forget(key)  # the last line counts: an earlier success of key no longer serves

    def skip(self, key: str) -> tuple[bool, bool] | None:
        """(ok, as expected) of key's earlier result when its record is not to
        run again; None when it runs (never done, or failed and --retry-failed)."""
        state = self.done.get(key)
        if state is None or (self.retry_failed and not state[0]):
            return None
        return state

    def forget(self, key: str) -> None:
        """key's record has been taken: its earlier outcome is needed no more
        (a later record with key is a duplicate), and the memory goes back."""
        self.done.pop(key, None)
