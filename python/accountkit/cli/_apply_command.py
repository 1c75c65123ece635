"""accountkit apply: the command itself. It checks the arguments, reads what
an earlier run did (--resume), makes one client per vendor (or points them at
an embedded sandbox), opens RESULTS, handles interrupts and ends the run;
planning, running and reporting are _apply_plan, _apply_run and
_apply_report.

Interrupts: the first SIGINT/SIGTERM stops taking records and lets every
record in flight finish and be written (exit 130, --resume continues after
them); the second stops at once and names the records abandoned in flight."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from typing import IO, Any

from .. import _core
from .._records import detect_format, read_records
from ..client import Client
from ..errors import AuthError, Error
from ..sandbox import Sandbox
from ._apply_plan import Planner
from ._apply_refs import ResultMemory, scan_input
from ._apply_report import Progress, Report, summary, unfinished_message
from ._apply_resume import Resume
from ._apply_run import ApplyRun, Runner
from ._common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError, open_input
from ._config import client_options, credential_sources, load_options
from ._plan_command import cmd_apply_plan
from ._sandbox_command import set_sandbox_options


class _StopNow(BaseException):
    """The second SIGINT/SIGTERM: stop at once (raised by the signal handler).
    A BaseException, so that no `except Exception` on the way swallows it."""


class _Stop:
    """SIGINT/SIGTERM: the first stops feeding records and lets those in flight
    finish; the second raises _StopNow in the main thread (while armed)."""

    def __init__(self) -> None:
        self.requests = 0
        self.armed = False  # only while the run can handle _StopNow

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


class Clients:
    """One Client per vendor, made at its first record. A vendor whose client
    cannot be made (a missing credential) keeps the error: each of its records
    fails with it, and the run goes on. A new client's credentials are checked
    once before its first record; a refusal is kept in ``refused`` (the run
    stops: every further record would be refused too, and vendors block IPs
    that keep trying). Shared with the worker thread."""

    def __init__(self, options: dict[str, dict[str, Any]], sandbox: Sandbox | None,
                 config: str | None = None, environ: Any = None) -> None:
        self._options = options
        self._sandbox = sandbox
        self._config = config
        self._environ = environ if environ is not None else {}
        self._made: dict[str, Client | Error] = {}
        self._lock = threading.Lock()
        self.refused: AuthError | None = None

    def _check(self, vendor: str, client: Client) -> Client | Error:
        try:
            client.check_credentials()
        except AuthError as e:
            sources = (["the embedded sandbox's"] if self._sandbox is not None else
                       credential_sources(vendor, self._options.get(vendor, {}), self._config, self._environ))
            e.message = f"{e.message} (credentials read from: {'; '.join(sources)})"
            e.args = (e.message,)
            self.refused = e
            return e
        except Error:
            pass  # not a refusal (the vendor is down, say): each record finds out
        return client

    def get(self, vendor: str) -> Client:
        with self._lock:
            if vendor not in self._made:
                opts = client_options(vendor, self._options, self._sandbox)
                try:
                    self._made[vendor] = self._check(vendor, Client(vendor, **opts))
                except Error as e:
                    self._made[vendor] = e
            got = self._made[vendor]
        if isinstance(got, Error):
            raise got
        return got

    def clear(self) -> None:
        self._made.clear()


def _check_arguments(args: argparse.Namespace) -> None:
    if args.out == "-" and args.resume:
        raise UsageError("--resume needs a RESULTS file, not standard output")
    if args.retry_failed and not args.resume:
        raise UsageError("--retry-failed goes with --resume")
    if args.out == "-" and args.echo:
        raise UsageError("--echo prints on standard output, which --out - already takes")
    # The core's own limit, read from it (never a copy of the number).
    if not 1 <= args.max_in_flight <= _core.MAX_IN_FLIGHT:
        raise UsageError(f"--max-in-flight must be from 1 to {_core.MAX_IN_FLIGHT}")


def _log_to_stderr(verbose: int) -> None:
    """-v: retries and notable events; -vv: every HTTP exchange."""
    log_handler = logging.StreamHandler(sys.stderr)
    log_handler.setFormatter(logging.Formatter("accountkit: %(levelname)s %(message)s"))
    log = logging.getLogger("accountkit")
    log.addHandler(log_handler)
    log.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


def _start_sandbox(args: argparse.Namespace) -> Sandbox | None:
    if not args.sandbox:
        return None
    sandbox = Sandbox()
    set_sandbox_options(sandbox, args.sandbox_option, "--sandbox-option")
    sandbox.start()
    return sandbox


def _open_results(path: str, append: bool) -> IO[str]:
    if path == "-":
        return sys.stdout
    try:
        return open(path, "a" if append else "w", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}") from None


def cmd_apply(args: argparse.Namespace) -> int:
    if args.plan:
        return cmd_apply_plan(args)
    if not args.file or not args.out:
        raise UsageError("give FILE and --out RESULTS (or --plan PLAN)")
    if args.desired or args.refresh:
        raise UsageError("--desired and --refresh go with --plan")
    fmt = detect_format(args.file, args.format)
    _check_arguments(args)
    # Opened (and refused if it is not text) before anything else is done.
    stream_in = open_input(args.file)
    # The input's size and the keys its references name (one cheap pass first),
    # so that only those records' result data is kept in memory.
    total, referenced = scan_input(args.file, fmt)
    if total and fmt == "csv":
        total -= 1  # the header
    memory = ResultMemory(referenced)
    resume = Resume.from_results(args.out, args.resume, args.overwrite, args.retry_failed, memory)
    options = load_options(args.config, os.environ)
    if args.verbose:
        _log_to_stderr(args.verbose)
    sandbox = _start_sandbox(args)
    clients = Clients(options, sandbox, args.config, os.environ)
    out = _open_results(args.out, args.resume)

    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    runner = Runner(clients.get)
    bar = sys.stderr.isatty() and not (args.no_progress or args.verbose or args.echo)
    report = Report(out, Progress(bar, total), sys.stdout if args.echo else None)
    run = ApplyRun(iter(read_records(stream_in, fmt)), Planner(resume), memory, report, runner, clients.get,
                   args.max_in_flight, lambda: bool(stop.requests) or clients.refused is not None)
    interrupted = stopped_now = False
    stop.armed = True
    try:
        with stream_in:
            interrupted = run.run()
    except _StopNow:
        interrupted = stopped_now = True
    finally:
        stop.armed = False
        report.progress.finish()
        if out is not sys.stdout:
            out.close()
        for s, handler in previous.items():
            signal.signal(s, handler)

    print(summary(report.tally, args.out), file=sys.stderr)
    refused = clients.refused
    if refused is not None:
        interrupted = False  # stopped by the refusal, not by a signal
        print(f"accountkit apply: stopped: {refused.message}; nothing more was sent with these credentials: "
              "fix them and run again with --resume", file=sys.stderr)
    if interrupted:
        _say_interrupted(run, stopped_now)
    runner.close(wait=True)
    if sandbox is not None:
        _stop_sandbox(sandbox, clients)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if report.tally.unmet else EXIT_OK


def _say_interrupted(run: ApplyRun, stopped_now: bool) -> None:
    """Names what a second interrupt abandoned; exits at once if the worker
    is still inside the core."""
    message = unfinished_message(run.unfinished() if stopped_now else [])
    if message is not None:
        print(message, file=sys.stderr)
    print("accountkit apply: interrupted; run again with --resume to continue", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    if stopped_now and run.alone is not None:
        os._exit(EXIT_INTERRUPTED)  # the worker is still inside the core: do not wait for it


def _stop_sandbox(sandbox: Sandbox, clients: Clients) -> None:
    # Free the clients (tracebacks of failed calls keep some alive) so that
    # their keep-alive connections close and the sandbox stops at once.
    clients.clear()
    gc.collect()
    sandbox.stop()
