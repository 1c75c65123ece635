"""The ``accountkit`` command (also ``python -m accountkit``).

  accountkit validate FILE            check every record offline
  accountkit apply FILE --out RESULTS run every record, one result line each
  accountkit sandbox [--port N]       serve the sandbox in the foreground
  accountkit vendors [--json]         list vendors, operations and fields

docs/python.md is the reference (record format, references, CSV typing,
credentials, exit codes).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from typing import IO, Any

from . import _core, _describe, __version__
from ._records import Record, UnresolvedReference, detect_format, pick, read_records, references, resolve
from .client import Client, validate
from .errors import Error, FieldError
from .sandbox import Sandbox

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# Categories a record can fail with besides the core's (errors.Error.category).
INVALID_RECORD = "invalid_record"
REFERENCE = "reference"


class UsageError(Exception):
    """A problem with the command line or its files: exit 2."""


# -- shared helpers -------------------------------------------------------------


@dataclass
class Problem:
    """Why a record cannot run (found before any network)."""

    category: str
    message: str
    fields: list[FieldError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.category, "message": self.message}
        if self.fields:
            out["fields"] = [f._asdict() for f in self.fields]
        return out


def _label(rec: Record) -> str:
    parts = [f"[{rec.key}]" if rec.key else "[no key]"]
    if rec.vendor:
        parts.append(rec.vendor)
    if rec.operation:
        parts.append(rec.operation)
    return " ".join(parts)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")


def check_record(rec: Record, seen: dict[str, int]) -> Problem | None:
    """Everything that can be checked offline: the record's shape, vendor,
    operation, key, references to earlier records and the field rules (a field
    holding a reference is checked once resolved, at apply time)."""
    if rec.problems:
        return Problem(INVALID_RECORD, "; ".join(rec.problems))
    assert rec.vendor and rec.operation and rec.key
    info = _describe.vendor(rec.vendor)
    if info is None:
        known = ", ".join(v["name"] for v in _describe.describe())
        return Problem(INVALID_RECORD, f'unknown vendor "{rec.vendor}" (known: {known})')
    if rec.operation == "wait":
        read = _describe.read_operation(rec.vendor)
        if not info["asynchronous"] or read is None:
            return Problem(INVALID_RECORD, f"{rec.vendor} has no asynchronous operations: wait does not apply")
        op_name = read["name"]
    else:
        if _describe.operation(rec.vendor, rec.operation) is None:
            known = ", ".join(op["name"] for op in info["operations"])
            return Problem(
                INVALID_RECORD, f'{rec.vendor} has no operation "{rec.operation}" (known: {known}, and wait if asynchronous)'
            )
        op_name = rec.operation
    if rec.key in seen:
        return Problem(INVALID_RECORD, f'the key "{rec.key}" is already used on line {seen[rec.key]}')
    if rec.timeout is not None and rec.operation != "wait":
        return Problem(INVALID_RECORD, '"timeout" applies to wait records only')
    refs = list(references(rec.fields))
    for path, key, _ in refs:
        if key not in seen:
            return Problem(REFERENCE, f"{path}: refers to record {key!r}, which does not come earlier in the file")
    errors = [
        e for e in validate(rec.vendor, op_name, rec.fields) if not any(_under(e.path, p) for p, _, _ in refs)
    ]
    if errors:
        what = "1 invalid field" if len(errors) == 1 else f"{len(errors)} invalid fields"
        detail = "; ".join(f"{e.path} {e.message}" for e in errors)
        return Problem("validation", f"{rec.vendor} {rec.operation}: {what}: {detail}", errors)
    return None


def _expectation_met(expect: str | None, ok: bool, category: str | None) -> bool:
    if expect is None or expect == "ok":
        return ok
    if ok:
        return False
    return expect == "error" or expect == category


def _open_input(path: str) -> IO[str]:
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None


# -- validate -------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    fmt = detect_format(args.file, args.format)
    seen: dict[str, int] = {}
    total = invalid = unexpected = 0
    name = "<stdin>" if args.file == "-" else args.file
    with _open_input(args.file) as stream:
        for rec in read_records(stream, fmt):
            total += 1
            problem = check_record(rec, seen)
            if rec.key and rec.key not in seen:
                seen[rec.key] = rec.line
            if problem is None:
                continue
            invalid += 1
            expected = rec.expect is not None and _expectation_met(rec.expect, False, problem.category)
            if not expected:
                unexpected += 1
            note = " (expected)" if expected else ""
            if problem.fields:
                for f in problem.fields:
                    print(f"{name}:{rec.line}: {_label(rec)}: {f.path}: {f.message} ({f.rule}){note}")
            else:
                print(f"{name}:{rec.line}: {_label(rec)}: {problem.message} ({problem.category}){note}")
    sys.stdout.flush()
    expected_note = f" ({invalid - unexpected} as expected)" if invalid != unexpected else ""
    print(f"accountkit validate: {total} records, {invalid} invalid{expected_note}", file=sys.stderr)
    return EXIT_FAILED if unexpected else EXIT_OK


# -- configuration ----------------------------------------------------------------


def env_prefix(vendor: str) -> str:
    """ACCOUNTKIT_99DIGITAL_ for "99digital"."""
    return "ACCOUNTKIT_" + re.sub(r"[^A-Za-z0-9]", "_", vendor).upper() + "_"


def load_options(config: str | None, environ: Any) -> dict[str, dict[str, Any]]:
    """Client options per vendor: the config file's [VENDOR] tables, then the
    ACCOUNTKIT_<VENDOR>_<OPTION> environment variables over them."""
    options: dict[str, dict[str, Any]] = {name: {} for name in (v["name"] for v in _describe.describe())}
    if config:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib
        try:
            with open(config, "rb") as f:
                data = tomllib.load(f)
        except OSError as e:
            raise UsageError(f"cannot read {config}: {e.strerror}") from None
        except tomllib.TOMLDecodeError as e:
            raise UsageError(f"{config} is not valid TOML: {e}") from None
        for vendor, table in data.items():
            if vendor not in options:
                raise UsageError(f'{config}: unknown vendor table [{vendor}] (known: {", ".join(options)})')
            if not isinstance(table, dict):
                raise UsageError(f"{config}: [{vendor}] must be a table of client options")
            for name, value in table.items():
                if not isinstance(value, (str, int, float, bool)):
                    raise UsageError(f"{config}: [{vendor}] {name} must be a string, number or boolean")
                options[vendor][name] = value
    for vendor, opts in options.items():
        prefix = env_prefix(vendor)
        for key, value in environ.items():
            if key.startswith(prefix) and len(key) > len(prefix):
                opts[key[len(prefix) :].lower()] = value
    return options


# -- apply ----------------------------------------------------------------------


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
        if not force and now - self._last < 0.1:
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


_REFERENCE = re.compile(rb"\$\{([^.{}]+)\.([^{}]+)\}")


def _scan_input(path: str, fmt: str) -> tuple[int | None, dict[str, str | tuple[str, ...]] | None]:
    """One cheap streaming pass over a regular file before apply runs it: its
    line count (for the progress bar) and what its references name, as
    {key: result path, or a tuple of them} (only those values of those
    records' results are kept). (None, None) for standard input or a pipe,
    which cannot be read twice: then every result's data is kept whole."""
    if path == "-" or not os.path.isfile(path):
        return None, None
    count = 0
    keys: dict[str, set[str]] = {}
    with open(path, "rb") as f:
        for raw in f:
            count += 1
            if b"${" not in raw:
                continue
            if fmt == "jsonl":
                try:
                    obj = json.loads(raw)
                except ValueError:
                    obj = None
                if isinstance(obj, dict):
                    for _, key, ref_path in references(obj.get("fields")):
                        keys.setdefault(key, set()).add(ref_path)
                    continue
            # CSV (or a line that is not a JSON object): every ${KEY.PATH} in the text, a superset.
            for m in _REFERENCE.finditer(raw.replace(b'""', b'"')):
                key, ref_path = (g.decode("utf-8", "replace") for g in m.groups())
                keys.setdefault(key, set()).add(ref_path)
    # Compact: most keys are referred to by one path, and most paths repeat.
    texts: dict[str, str] = {}
    compact: dict[str, str | tuple[str, ...]] = {}
    for key, paths in keys.items():
        shared = tuple(sorted(texts.setdefault(p, p) for p in paths))
        compact[key] = shared[0] if len(shared) == 1 else shared
    return count, compact


def _read_results(path: str) -> Iterator[dict[str, Any]]:
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
            except ValueError:
                continue
            if isinstance(obj, dict):
                yield obj
        f.truncate(data_end)


class _StopNow(BaseException):
    """The second SIGINT/SIGTERM: stop at once (raised by the signal handler)."""


class _Stop:
    """SIGINT/SIGTERM: the first stops feeding records and lets those in flight
    finish; the second raises _StopNow in the main thread (while armed)."""

    def __init__(self) -> None:
        self.requests = 0
        self.armed = False

    def __call__(self, signum: int, frame: Any) -> None:
        self.requests += 1
        if self.requests == 1:
            sys.stderr.write(
                "\naccountkit apply: stopping once the records in flight have finished "
                "(interrupt again to stop at once)\n"
            )
            sys.stderr.flush()
        elif self.armed:
            self.armed = False
            raise _StopNow


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
            return client.wait(fields.get(id_field), timeout=rec.timeout or 300.0).to_dict()
        items = [item.data for item in client.iterate(rec.operation, fields)]
        return {"count": len(items), "items": items}

    def close(self, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


@dataclass
class Tally:
    total: int = 0
    ok: int = 0
    failed: int = 0
    expected_failures: int = 0
    skipped: int = 0
    unmet: int = 0  # records whose outcome is not what they expect (exit 1 if any)


# A referenced value the result did not have.
_MISSING = object()

# The values of apply's `done` (ok, as expected), shared: one per state, not per key.
_DONE_STATES = {(ok, met): (ok, met) for ok in (True, False) for met in (True, False)}


@dataclass
class _Plan:
    """What apply does with a record, decided before it is taken."""

    kind: str  # "skip" (done before), "local" (fails without network), "call" (one call), "alone" (wait, list)
    duplicate: bool = False  # its key is used by an earlier record
    met: bool = True  # skip: whether the earlier outcome was as expected
    problem: Problem | None = None
    refs: frozenset[str] = frozenset()  # keys of the records its fields refer to


def _target(rec: Record, fields: dict[str, Any]) -> tuple[str, str] | None:
    """The account a single-account record acts on (operation's id field and
    its value), so that two records for one account never run at once."""
    assert rec.vendor and rec.operation
    op = _describe.operation(rec.vendor, rec.operation)
    name = op["id_field"] if op else ""
    if not name or name not in fields:
        return None
    return (rec.vendor, json.dumps(fields[name]))


def cmd_apply(args: argparse.Namespace) -> int:
    fmt = detect_format(args.file, args.format)
    if args.out == "-" and args.resume:
        raise UsageError("--resume needs a RESULTS file, not standard output")
    if args.retry_failed and not args.resume:
        raise UsageError("--retry-failed goes with --resume")
    if not 1 <= args.max_in_flight <= _core.MAX_IN_FLIGHT:
        raise UsageError(f"--max-in-flight must be from 1 to {_core.MAX_IN_FLIGHT}")

    # The input's size and the keys its references name (one cheap pass first),
    # so that only those records' result data is kept in memory.
    total, referenced = _scan_input(args.file, fmt)
    if total and fmt == "csv":
        total -= 1  # the header

    def kept(key: str, data: Any) -> Any:
        """What is kept of a successful record's result data for references:
        the value its references name (one path: the value, or _MISSING; more:
        {result path: value}), or the whole data when the input could not be
        scanned first; None: nothing (no record refers to it)."""
        if referenced is None:
            return data
        paths = referenced.get(key)
        if paths is None:
            return None
        if isinstance(paths, str):
            found, value = pick(data, paths)
            return value if found else _MISSING
        picked: dict[str, Any] = {}
        for ref_path in paths:
            found, value = pick(data, ref_path)
            if found:
                picked[ref_path] = value
        return picked

    # Earlier results (--resume): the last line per key wins. Kept: each key's
    # (ok, as expected), and the result data of referenced keys.
    done: dict[str, tuple[bool, bool]] = {}
    results: dict[str, Any] = {}  # key -> what kept() keeps of successful records that are referred to
    if args.out != "-" and os.path.exists(args.out) and os.path.getsize(args.out) > 0:
        if not args.resume and not args.overwrite:
            raise UsageError(f"{args.out} already has results: pass --resume to continue it or --overwrite to start over")
        if args.resume:
            for earlier in _read_results(args.out):
                key = earlier.get("key")
                if not isinstance(key, str):
                    continue
                ok = bool(earlier.get("ok"))
                done[key] = _DONE_STATES[ok, bool(earlier.get("as_expected", ok))]
                result = earlier.get("result")
                keep = kept(key, result["data"]) if ok and isinstance(result, dict) and "data" in result else None
                if keep is not None:
                    results[key] = keep
                else:
                    results.pop(key, None)
    options = load_options(args.config, os.environ)
    if args.verbose:
        log_handler = logging.StreamHandler(sys.stderr)
        log_handler.setFormatter(logging.Formatter("accountkit: %(levelname)s %(message)s"))
        log = logging.getLogger("accountkit")
        log.addHandler(log_handler)
        log.setLevel(logging.DEBUG if args.verbose > 1 else logging.INFO)

    sandbox: Sandbox | None = None
    if args.sandbox:
        sandbox = Sandbox()
        _set_sandbox_options(sandbox, args.sandbox_option, "--sandbox-option")
        sandbox.start()

    clients: dict[str, Client | Error] = {}
    lock = threading.Lock()

    def client_for(vendor: str) -> Client:
        with lock:
            if vendor not in clients:
                opts = dict(options.get(vendor, {}))
                if sandbox is not None:
                    info = _describe.vendor(vendor)
                    for name in ["base_url", *(info["credentials"] if info else [])]:
                        opts.pop(name, None)
                    opts.update(sandbox.credentials(vendor))
                try:
                    clients[vendor] = Client(vendor, **opts)
                except Error as e:
                    clients[vendor] = e
            got = clients[vendor]
        if isinstance(got, Error):
            raise got
        return got

    out: IO[str]
    if args.out == "-":
        out = sys.stdout
    else:
        try:
            out = open(args.out, "a" if args.resume else "w", encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot write {args.out}: {e.strerror}") from None

    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    runner = Runner(client_for)
    progress = Progress(sys.stderr.isatty() and not args.no_progress and not args.verbose, total)
    tally = Tally()
    seen: dict[str, int] = {}  # key -> line of the record that owns it
    # Records taken and not finished: stream index -> (record, duplicate, target).
    in_flight: dict[int, tuple[Record, bool, tuple[str, str] | None]] = {}
    in_flight_keys: set[str] = set()
    in_flight_targets: set[tuple[str, str]] = set()
    alone: Record | None = None  # a wait or list record running in the worker
    interrupted = stopped_now = False

    def lookup(key: str, ref_path: str, path: str, text: str) -> Any:
        if key not in results:
            raise UnresolvedReference(f"{path}: {text}: record {key!r} did not succeed")
        entry = results[key]
        paths = None if referenced is None else referenced.get(key)
        if paths is None:
            found, value = pick(entry, ref_path)
        elif isinstance(paths, str):
            found, value = paths == ref_path and entry is not _MISSING, entry
        else:
            found, value = ref_path in entry, entry.get(ref_path)
        if not found:
            raise UnresolvedReference(f"{path}: {text}: the result of record {key!r} has no {ref_path}")
        return value

    def write(line: dict[str, Any]) -> None:
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()

    def show() -> None:
        progress.update(tally.ok + tally.failed + tally.skipped, tally.ok, tally.failed, tally.skipped)

    def classify(rec: Record) -> _Plan:
        """Decides what to do with rec; changes nothing (rec may be put back)."""
        duplicate = bool(rec.key and rec.key in seen)
        if rec.key and rec.key in done and not rec.problems and not duplicate:
            ok, met = done[rec.key]
            if not (args.retry_failed and not ok):
                return _Plan("skip", met=met)
        problem = check_record(rec, seen)
        if problem is not None:
            return _Plan("local", duplicate, problem=problem)
        assert rec.vendor and rec.operation
        op = _describe.operation(rec.vendor, rec.operation)
        if rec.operation == "wait" or (op is not None and op["kind"] == "list"):
            return _Plan("alone", duplicate)
        return _Plan("call", duplicate, refs=frozenset(key for _, key, _ in references(rec.fields)))

    def take(rec: Record, plan: _Plan) -> None:
        """Counts rec as taken; records its key."""
        tally.total += 1
        if rec.key and not plan.duplicate:
            done.pop(rec.key, None)  # needed no more: a later record with this key is a duplicate
        if plan.kind == "skip":
            assert rec.key
            seen.setdefault(rec.key, rec.line)
            tally.skipped += 1
            if not plan.met:
                tally.unmet += 1
            show()
        elif rec.key and rec.key not in seen:
            seen[rec.key] = rec.line

    def finish(rec: Record, duplicate: bool, result: dict[str, Any] | None, error: dict[str, Any] | None) -> None:
        """Writes rec's result line and counts it."""
        # A repeated key's line must not stand for the record that owns the key.
        line: dict[str, Any] = {"key": None if duplicate else rec.key, "line": rec.line,
                                "vendor": rec.vendor, "operation": rec.operation}
        ok = error is None
        if ok:
            line["ok"] = True
            line["result"] = result
            tally.ok += 1
            if rec.key and not duplicate and result is not None and "data" in result:
                keep = kept(rec.key, result["data"])
                if keep is not None:
                    results[rec.key] = keep
        else:
            assert error is not None
            line["ok"] = False
            line["error"] = error
            tally.failed += 1
        met = _expectation_met(rec.expect, ok, None if error is None else error["category"])
        if rec.expect is not None:
            line["expect"] = rec.expect
            line["as_expected"] = met
            if met and not ok:
                tally.expected_failures += 1
        if not met:
            tally.unmet += 1
        write(line)
        show()

    def settled_locally(rec: Record, plan: _Plan) -> bool:
        """Records skipped (done before) or failing without network are
        recorded at once; True for those."""
        if plan.kind not in ("skip", "local"):
            return False
        take(rec, plan)
        if plan.problem is not None:
            finish(rec, plan.duplicate, None, plan.problem.to_dict())
        return True

    # The input, one record at a time, with one record of look-ahead that may be put back.
    stream_in = _open_input(args.file)
    reader = iter(read_records(stream_in, fmt))
    held: list[tuple[Record, _Plan]] = []

    def next_record() -> tuple[Record, _Plan] | None:
        if held:
            return held.pop()
        rec = next(reader, None)
        return None if rec is None else (rec, classify(rec))

    def feed(vendor: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The single-call records of vendor that may run now, for run_many.
        Ends (putting the record back) at a record that must wait: another
        vendor, a wait or list record, or one that refers to a record in flight
        or acts on an account one in flight acts on. Records that fail without
        network get their line here."""
        index = 0
        while not stop.requests:
            got = next_record()
            if got is None:
                return
            rec, plan = got
            if settled_locally(rec, plan):
                continue
            if plan.kind != "call" or rec.vendor != vendor or plan.refs & in_flight_keys:
                held.append(got)
                return
            unresolved: UnresolvedReference | None = None
            target = None
            try:
                fields = resolve(rec.fields, lookup)
            except UnresolvedReference as e:
                unresolved = e
            else:
                target = _target(rec, fields)
                if target is not None and target in in_flight_targets:
                    held.append(got)
                    return
            take(rec, plan)
            if unresolved is not None:
                finish(rec, plan.duplicate, None, Problem(REFERENCE, str(unresolved)).to_dict())
                continue
            assert rec.operation
            in_flight[index] = (rec, plan.duplicate, target)
            if rec.key:
                in_flight_keys.add(rec.key)
            if target is not None:
                in_flight_targets.add(target)
            index += 1
            yield rec.operation, fields

    stop.armed = True
    try:
        with stream_in:
            while True:
                if stop.requests:
                    interrupted = True
                    break
                got = next_record()
                if got is None:
                    break
                rec, plan = got
                if settled_locally(rec, plan):
                    continue
                assert rec.vendor
                client: Client | None = None
                client_error: Error | None = None
                if plan.kind == "call":
                    try:
                        client = client_for(rec.vendor)
                    except Error as e:
                        client_error = e
                if plan.kind == "alone" or client is None:
                    # Runs alone: nothing else is in flight here.
                    take(rec, plan)
                    try:
                        fields = resolve(rec.fields, lookup)
                    except UnresolvedReference as e:
                        finish(rec, plan.duplicate, None, Problem(REFERENCE, str(e)).to_dict())
                        continue
                    if client_error is not None:
                        finish(rec, plan.duplicate, None, client_error.to_dict())
                        continue
                    alone = rec
                    result, error = runner.execute(rec, fields)
                    alone = None
                    finish(rec, plan.duplicate, result, error)
                    continue
                # A stream of single calls of this vendor, while they may run concurrently.
                held.append(got)
                outcomes = client.run_many(feed(rec.vendor), max_in_flight=args.max_in_flight)
                try:
                    for outcome in outcomes:
                        owner, duplicate, target = in_flight[outcome.index]
                        if outcome.result is not None:
                            finish(owner, duplicate, outcome.result.to_dict(), None)
                        else:
                            assert outcome.error is not None
                            finish(owner, duplicate, None, outcome.error.to_dict())
                        del in_flight[outcome.index]
                        if owner.key:
                            in_flight_keys.discard(owner.key)
                        if target is not None:
                            in_flight_targets.discard(target)
                finally:
                    close = getattr(outcomes, "close", None)
                    if close is not None:
                        close()  # abandons what is still in flight (after _StopNow)
                in_flight.clear()
                in_flight_keys.clear()
                in_flight_targets.clear()
    except _StopNow:
        interrupted = stopped_now = True
    finally:
        stop.armed = False
        progress.finish()
        if out is not sys.stdout:
            out.close()
        for s, handler in previous.items():
            signal.signal(s, handler)

    where = "" if args.out == "-" else f" -> {args.out}"
    expected = f" ({tally.expected_failures} as expected)" if tally.expected_failures else ""
    skipped = f", {tally.skipped} skipped (done before)" if tally.skipped else ""
    print(
        f"accountkit apply: {tally.total} records: {tally.ok} succeeded, {tally.failed} failed{expected}{skipped}{where}",
        file=sys.stderr,
    )
    if interrupted:
        unfinished = [owner for owner, _, _ in in_flight.values()] if stopped_now else []
        if stopped_now and alone is not None:
            unfinished.append(alone)
        if len(unfinished) == 1:
            print(
                f"accountkit apply: stopped while record {unfinished[0].key!r} (line {unfinished[0].line}) was in "
                "flight: its outcome is not recorded; check it before --resume runs it again",
                file=sys.stderr,
            )
        elif unfinished:
            names = ", ".join(f"{r.key!r} (line {r.line})" for r in sorted(unfinished, key=lambda r: r.line))
            print(
                f"accountkit apply: stopped while {len(unfinished)} records were in flight: {names}: their outcomes "
                "are not recorded; check them before --resume runs them again",
                file=sys.stderr,
            )
        print("accountkit apply: interrupted; run again with --resume to continue", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        if stopped_now and alone is not None:
            os._exit(EXIT_INTERRUPTED)  # the worker is still inside the core: do not wait for it
    runner.close(wait=True)
    if sandbox is not None:
        # Free the clients (tracebacks of failed calls keep some alive) so that
        # their keep-alive connections close and the sandbox stops at once.
        clients.clear()
        gc.collect()
        sandbox.stop()
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if tally.unmet else EXIT_OK


# -- sandbox --------------------------------------------------------------------


def _set_sandbox_options(sb: Sandbox, items: list[str], flag: str) -> None:
    """Applies NAME=VALUE knobs given with flag; a malformed one is a usage error."""
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"{flag} {item}: expected NAME=VALUE")
        try:
            sb.set_option(name, value)
        except Error as e:
            raise UsageError(str(e)) from None


def cmd_sandbox(args: argparse.Namespace) -> int:
    sb = Sandbox(port=args.port)
    _set_sandbox_options(sb, args.option, "--option")
    try:
        sb.start()
    except Error as e:
        print(f"accountkit sandbox: {e}", file=sys.stderr)
        return EXIT_FAILED
    stopping = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stopping.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"accountkit sandbox {__version__} listening on {sb.url} (Ctrl-C to stop)")
        exports = []
        for vendor in (v["name"] for v in _describe.describe()):
            creds = sb.credentials(vendor)
            shown = " ".join(f"{k}={v}" for k, v in creds.items())
            print(f"  {vendor:<15} {shown}")
            exports += [f"export {env_prefix(vendor)}{k.upper()}={v}" for k, v in creds.items()]
        print("# for accountkit apply without --sandbox:")
        for export in exports:
            print(export)
        sys.stdout.flush()
        while not stopping.wait(0.5):
            pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sb.stop()
    print("accountkit sandbox: stopped", file=sys.stderr)
    return EXIT_OK


# -- vendors --------------------------------------------------------------------


def _field_lines(fields: list[dict[str, Any]], indent: str) -> Iterator[str]:
    for f in fields:
        notes = [f["type"]]
        if f.get("required"):
            notes.append("required")
        if f.get("nullable"):
            notes.append("nullable")
        if f.get("secret"):
            notes.append("secret")
        for k in ("max_length", "max_digits", "format"):
            if k in f:
                notes.append(f"{k}={f[k]}")
        if "one_of" in f:
            notes.append("one of " + "/".join(json.dumps(v) for v in f["one_of"]))
        yield f"{indent}{f['name'] or '(element)'}: {', '.join(notes)}"
        yield from _field_lines(f.get("fields", []), indent + "  ")
        if "element" in f:
            yield from _field_lines(f["element"].get("fields", []), indent + "  ")


def cmd_vendors(args: argparse.Namespace) -> int:
    vendors = _describe.describe()
    if args.json:
        print(json.dumps(vendors, indent=2))
        return EXIT_OK
    for v in vendors:
        print(f"{v['name']} ({v['display_name']}); credentials: {', '.join(v['credentials'])}")
        print(f"  environment: {env_prefix(v['name'])}<OPTION>, e.g. {env_prefix(v['name'])}BASE_URL")
        for op in v["operations"]:
            id_note = f", id field {op['id_field']}" if op["id_field"] else ""
            print(f"  {op['name']} ({op['kind']}: {op['method']} {op['path']}{id_note})")
            for line in _field_lines(op["fields"], "    "):
                print(line)
        if v["asynchronous"]:
            print("  wait (polls until an asynchronous change settles)")
    return EXIT_OK


# -- entry point ------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountkit",
        description="Create, update, read, list and delete accounts on vendor platforms.",
        epilog="Exit status: 0 every record as expected, 1 some record failed or was invalid, 2 usage error, "
        "130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"accountkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check every record offline", description="Checks every record without network: "
                       "prints each problem as FILE:LINE: [KEY] VENDOR OPERATION: FIELD: MESSAGE (RULE).")
    p.add_argument("file", metavar="FILE", help="records (.jsonl, or .csv); - reads standard input")
    p.add_argument("--format", choices=("jsonl", "csv"), help="input format (default: from the file name)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("apply", help="run every record, writing one result line each",
                       description="Runs every record and writes one JSON result line per record, in the order "
                       "the records finish. Up to --max-in-flight consecutive single-account records of one vendor "
                       "run concurrently; a record that refers to an earlier one (${KEY.PATH}) or acts on the same "
                       "account as one in flight waits for it; wait and list records run alone.")
    p.add_argument("file", metavar="FILE", help="records (.jsonl, or .csv); - reads standard input")
    p.add_argument("--out", required=True, metavar="RESULTS", help="results file (JSONL); - writes standard output")
    p.add_argument("--format", choices=("jsonl", "csv"), help="input format (default: from the file name)")
    p.add_argument("--resume", action="store_true", help="append to RESULTS, skipping records whose key it has")
    p.add_argument("--retry-failed", action="store_true", help="with --resume: run records whose last result failed again")
    p.add_argument("--overwrite", action="store_true", help="start RESULTS over if it has results")
    p.add_argument("--max-in-flight", type=int, default=8, metavar="N",
                   help=f"how many records may run at once (1 to {_core.MAX_IN_FLIGHT}, default 8); 1 runs them one after "
                   "the other, "
                   "in file order")
    p.add_argument("--config", metavar="FILE", help="TOML file with a [VENDOR] table of client options per vendor")
    p.add_argument("--sandbox", action="store_true", help="run against an embedded sandbox (ignores configured credentials)")
    p.add_argument("--sandbox-option", action="append", default=[], metavar="NAME=VALUE",
                   help="a sandbox knob, e.g. commvault.update_delay_ms=200 (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="log retries and notable events to stderr; twice: every HTTP exchange")
    p.set_defaults(func=cmd_apply)

    p = sub.add_parser("sandbox", help="serve the sandbox in the foreground until interrupted")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE", help="a sandbox knob (repeatable)")
    p.set_defaults(func=cmd_sandbox)

    p = sub.add_parser("vendors", help="list vendors, operations and field rules")
    p.add_argument("--json", action="store_true", help="print the full description as JSON")
    p.set_defaults(func=cmd_vendors)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except UsageError as e:
        print(f"accountkit {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Error as e:  # e.g. the embedded sandbox could not start
        print(f"accountkit {args.command}: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"accountkit {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
