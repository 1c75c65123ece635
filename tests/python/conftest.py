"""Fixtures for the Python package's tests. They run against the INSTALLED
package (scripts/python-test.sh pip-installs it into a fresh virtualenv and
runs pytest from build/), and over real HTTP against the sandbox on loopback."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import accountkit as ak

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

COMMVAULT_ACME = "7194af6f-1285-4295-94aa-ceed7ea2d792"
COMMVAULT_GLOBEX = "3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76"
COMMVAULT_INITECH = "C0FFEE00-1234-4ABC-8DEF-0123456789AB"


def nn_account(**overrides: Any) -> dict[str, Any]:
    """A valid 99digital create_account field set."""
    fields: dict[str, Any] = {
        "account_name": "Acme Inc",
        "agents": 10,
        "inboxes": 5,
        "admin_email": "owner@acme.example",
        "admin_name": "Ada Owner",
        "admin_displayName": "Ada",
        "admin_password": "Sandbox!Pass1",
    }
    fields.update(overrides)
    return fields


def ap_account(**overrides: Any) -> dict[str, Any]:
    """A valid ActivePlatform create_account field set."""
    fields: dict[str, Any] = {
        "account_type_id": 1,
        "account_class_id": 1,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "country": "GB",
        "region": "Greater London",
        "city": "London",
        "street": "St James's Square",
        "building": "12",
        "office": "3",
        "zip": "SW1Y 4JH",
        "phone": "+442079460000",
        "email": "ada@lovelace.example",
    }
    fields.update(overrides)
    return fields


def cv_update(**overrides: Any) -> dict[str, Any]:
    """A valid Commvault update_account field set for the seeded Acme account."""
    fields: dict[str, Any] = {
        "externalId": "XSP1234",
        "name": "Acme ltd",
        "contacts": [],
    }
    fields.update(overrides)
    return fields


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ak.Sandbox]:
    """One sandbox per test module; Commvault updates settle after 0.2 s."""
    with ak.Sandbox(update_delay=0.2) as sb:
        yield sb
        gc.collect()  # clients kept alive by tracebacks hold keep-alive connections that delay stop()


@pytest.fixture
def fresh_sandbox() -> Iterator[ak.Sandbox]:
    """A sandbox of the test's own (for tests that count requests or change knobs)."""
    with ak.Sandbox(update_delay=0.2) as sb:
        yield sb
        gc.collect()


def accountkit_command() -> list[str]:
    """The installed console script, next to this interpreter."""
    script = Path(sys.executable).with_name("accountkit")
    if script.exists():
        return [str(script)]
    found = shutil.which("accountkit")
    assert found, "the accountkit console script is not installed"
    return [found]


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTKIT_")}
    full_env.update(env or {})
    return subprocess.run(
        [*accountkit_command(), *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- a server that needs the GIL ------------------------------------------------------


SLOW_SERVER_DELAY = 0.3


class _SlowHandler(BaseHTTPRequestHandler):
    """An ActivePlatform look-alike served by this Python process: it needs the
    GIL to answer, and answers each GET .../accounts/N.json after SLOW_SERVER_DELAY."""

    delay = SLOW_SERVER_DELAY
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        time.sleep(self.delay)
        account = self.path.split("/")[-1].split(".")[0]
        body = json.dumps({"id": int(account), "status": "active"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def external_sandbox() -> Iterator[ak.Sandbox]:
    """A sandbox that outlives each CLI run (like a real vendor's state)."""
    with ak.Sandbox(update_delay=0.2) as sb:
        yield sb
        gc.collect()
