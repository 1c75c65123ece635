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

from . import _describe, __version__
from ._records import Record, UnresolvedReference, detect_format, read_records, references, resolve
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


def _count_records(path: str) -> int | None:
    """Lines of a regular file (a cheap streaming pass), for the progress bar."""
    if path == "-" or not os.path.isfile(path):
        return None
    count = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            count += chunk.count(b"\n")
    return count


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


class _Stop:
    """SIGINT/SIGTERM: the first asks to stop after the record in flight, the second stops at once."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, signum: int, frame: Any) -> None:
        self.requests += 1
        if self.requests == 1:
            sys.stderr.write(
                "\naccountkit apply: stopping after the record in flight (interrupt again to stop at once)\n"
            )
            sys.stderr.flush()


class Runner:
    """Runs records one at a time, each in a worker thread so that an interrupt
    is seen at once even while the core waits on the network."""

    def __init__(self, clients: Callable[[str], Client], stop: _Stop) -> None:
        self._clients = clients
        self._stop = stop
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accountkit-apply")

    def execute(self, rec: Record, fields: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
        """(result, None, False) or (None, error, False); (None, None, True) when a
        second interrupt asks to stop at once (the record is still in flight)."""
        fut = self._pool.submit(self._execute, rec, fields)
        while not futures_wait([fut], timeout=0.1).done:
            if self._stop.requests >= 2:
                return None, None, True
        try:
            return fut.result(), None, False
        except Error as e:
            return None, e.to_dict(), False
        except Exception as e:  # a bug: report it on the record, keep going
            return None, {"category": "internal", "message": f"{type(e).__name__}: {e}"}, False

    def _execute(self, rec: Record, fields: dict[str, Any]) -> dict[str, Any]:
        assert rec.vendor and rec.operation
        client = self._clients(rec.vendor)
        if rec.operation == "wait":
            read = _describe.read_operation(rec.vendor)
            id_field = read["id_field"] if read else "id"
            return client.wait(fields.get(id_field), timeout=rec.timeout or 300.0).to_dict()
        op = _describe.operation(rec.vendor, rec.operation)
        if op and op["kind"] == "list":
            items = [item.data for item in client.iterate(rec.operation, fields)]
            return {"count": len(items), "items": items}
        return client.call(rec.operation, fields).to_dict()

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


def cmd_apply(args: argparse.Namespace) -> int:
    fmt = detect_format(args.file, args.format)
    if args.out == "-" and args.resume:
        raise UsageError("--resume needs a RESULTS file, not standard output")
    if args.retry_failed and not args.resume:
        raise UsageError("--retry-failed goes with --resume")

    # Earlier results (--resume): the last line per key wins.
    done: dict[str, dict[str, Any]] = {}
    if args.out != "-" and os.path.exists(args.out) and os.path.getsize(args.out) > 0:
        if not args.resume and not args.overwrite:
            raise UsageError(f"{args.out} already has results: pass --resume to continue it or --overwrite to start over")
        if args.resume:
            for earlier in _read_results(args.out):
                if isinstance(earlier.get("key"), str):
                    done[earlier["key"]] = earlier
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
        for item in args.sandbox_option:
            name, sep, value = item.partition("=")
            if not sep:
                raise UsageError(f"--sandbox-option {item}: expected NAME=VALUE")
            try:
                sandbox.set_option(name, value)
            except Error as e:
                raise UsageError(str(e)) from None
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
    runner = Runner(client_for, stop)
    total = _count_records(args.file)
    if total and fmt == "csv":
        total -= 1  # the header
    progress = Progress(sys.stderr.isatty() and not args.no_progress and not args.verbose, total)
    tally = Tally()
    seen: dict[str, int] = {}
    results: dict[str, Any] = {}  # key -> result data of earlier successful records (for references)
    for key, earlier in done.items():
        if earlier.get("ok") and isinstance(earlier.get("result"), dict) and "data" in earlier["result"]:
            results[key] = earlier["result"]["data"]
    in_flight: Record | None = None
    interrupted = False

    def lookup(key: str, path: str, text: str) -> Any:
        if key not in results:
            raise UnresolvedReference(f"{path}: {text}: record {key!r} did not succeed")
        return results[key]

    def write(line: dict[str, Any]) -> None:
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()

    try:
        with _open_input(args.file) as stream:
            for rec in read_records(stream, fmt):
                if stop.requests:
                    interrupted = True
                    break
                tally.total += 1
                duplicate = bool(rec.key and rec.key in seen)
                if rec.key and rec.key in done and not rec.problems and not duplicate:
                    before = done[rec.key]
                    if not (args.retry_failed and not before.get("ok")):
                        tally.skipped += 1
                        seen.setdefault(rec.key, rec.line)
                        if not before.get("as_expected", before.get("ok")):
                            tally.unmet += 1
                        progress.update(tally.total, tally.ok, tally.failed, tally.skipped)
                        continue
                problem = check_record(rec, seen)
                if rec.key and rec.key not in seen:
                    seen[rec.key] = rec.line
                # A repeated key's line must not stand for the record that owns the key.
                line: dict[str, Any] = {"key": None if duplicate else rec.key, "line": rec.line,
                                        "vendor": rec.vendor, "operation": rec.operation}
                error: dict[str, Any] | None = None
                result: dict[str, Any] | None = None
                if problem is not None:
                    error = problem.to_dict()
                else:
                    try:
                        fields = resolve(rec.fields, lookup)
                    except UnresolvedReference as e:
                        error = Problem(REFERENCE, str(e)).to_dict()
                    else:
                        in_flight = rec
                        result, error, stopped = runner.execute(rec, fields)
                        if stopped:
                            interrupted = True
                            break
                        in_flight = None
                ok = error is None
                if ok:
                    line["ok"] = True
                    line["result"] = result
                    tally.ok += 1
                    if rec.key and result is not None and "data" in result:
                        results[rec.key] = result["data"]
                else:
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
                progress.update(tally.total, tally.ok, tally.failed, tally.skipped)
    finally:
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
        if in_flight is not None:
            print(
                f"accountkit apply: stopped while record {in_flight.key!r} (line {in_flight.line}) was in flight: "
                "its outcome is not recorded; check it before --resume runs it again",
                file=sys.stderr,
            )
        print("accountkit apply: interrupted; run again with --resume to continue", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        if in_flight is not None:
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


def cmd_sandbox(args: argparse.Namespace) -> int:
    sb = Sandbox(port=args.port)
    for item in args.option:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--option {item}: expected NAME=VALUE")
        try:
            sb.set_option(name, value)
        except Error as e:
            raise UsageError(str(e)) from None
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
                       description="Runs every record in order and writes one JSON result line per record.")
    p.add_argument("file", metavar="FILE", help="records (.jsonl, or .csv); - reads standard input")
    p.add_argument("--out", required=True, metavar="RESULTS", help="results file (JSONL); - writes standard output")
    p.add_argument("--format", choices=("jsonl", "csv"), help="input format (default: from the file name)")
    p.add_argument("--resume", action="store_true", help="append to RESULTS, skipping records whose key it has")
    p.add_argument("--retry-failed", action="store_true", help="with --resume: run records whose last result failed again")
    p.add_argument("--overwrite", action="store_true", help="start RESULTS over if it has results")
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
