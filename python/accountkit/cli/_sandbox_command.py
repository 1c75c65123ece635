"""accountkit sandbox: the sandbox served in the foreground until interrupted,
with the credentials and ACCOUNTKIT_... exports that point apply at it."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from .. import _describe, __version__
from ..errors import Error
from ..sandbox import Sandbox
from ._common import EXIT_FAILED, EXIT_OK, UsageError
from ._config import env_prefix


def set_sandbox_options(sb: Sandbox, items: list[str], flag: str) -> None:
    """Applies NAME=VALUE knobs given with flag; a malformed one is a usage error.
    (apply --sandbox-option uses it too.)"""
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
    set_sandbox_options(sb, args.option, "--option")
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
        # A timed wait, not a bare one: the signal handler runs between waits.
        while not stopping.wait(0.5):
            pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sb.stop()
    print("accountkit sandbox: stopped", file=sys.stderr)
    return EXIT_OK
