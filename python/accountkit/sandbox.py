"""The sandbox: every vendor emulated by one HTTP server on 127.0.0.1, with
in-memory state, the vendors' own errors, expiring tokens, rate budgets and a
journal of every request received (secrets masked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import _core
from .client import Client, OptionValue, _option_text
from .errors import InvalidArgumentError

__all__ = ["Sandbox"]


class Sandbox:
    """A sandbox server; a context manager that starts it on entry and stops it on exit.

    Keyword knobs (None leaves the sandbox's default; each goes to every vendor
    that has it): ``token_lifetime`` seconds an access token lives (99digital,
    default 3600); ``update_delay`` seconds an asynchronous update stays
    "updating" (Commvault, default 2); ``read_budget``, ``write_budget`` requests
    admitted per ``budget_window`` seconds before HTTP 429 (Commvault, defaults
    1000, 100, 3600). ``options`` sets any knob by its sandbox name
    ("activeplatform.max_per_page", "commvault.seed_accounts", ...), as
    :meth:`set_option` does. ``port=0`` picks a free port.

    >>> with Sandbox() as sb:
    ...     client = Client("99digital", **sb.credentials("99digital"))
    """

    def __init__(
        self,
        *,
        port: int = 0,
        token_lifetime: float | None = None,
        update_delay: float | None = None,
        read_budget: int | None = None,
        write_budget: int | None = None,
        budget_window: float | None = None,
        options: Mapping[str, OptionValue] | None = None,
    ) -> None:
        self._core = _core.Sandbox()
        self._port = port
        knobs: dict[str, OptionValue | None] = {
            "token_lifetime_s": _whole(token_lifetime, "token_lifetime"),
            "update_delay_ms": _whole(update_delay, "update_delay", scale=1000),
            "read_budget": read_budget,
            "write_budget": write_budget,
            "budget_window_s": _whole(budget_window, "budget_window"),
        }
        for name, value in knobs.items():
            if value is not None:
                self.set_option(name, value)
        for name, value in (options or {}).items():
            self.set_option(name, value)

    # -- life cycle -------------------------------------------------------------

    def start(self) -> Sandbox:
        """Starts serving in background threads (a no-op when running)."""
        if not self.running:
            self._core.start(self._port)
        return self

    def stop(self) -> None:
        """Stops serving; state and journal are kept. A no-op when stopped."""
        self._core.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return bool(self._core.port)

    @property
    def port(self) -> int:
        """The port served on, or 0 when stopped."""
        return int(self._core.port)

    @property
    def url(self) -> str:
        """The server's root URL, "http://127.0.0.1:PORT"."""
        port = self._core.port
        if not port:
            raise InvalidArgumentError("the sandbox is not running: start it first")
        return f"http://127.0.0.1:{port}"

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r})" if self.running else "Sandbox(stopped)"

    # -- clients ------------------------------------------------------------------

    def base_url(self, vendor: str) -> str:
        """The base_url of vendor's emulator ("http://127.0.0.1:PORT/99digital")."""
        self.credentials(vendor)  # names an unknown vendor
        url = str(self._core.vendor_url(vendor))
        if not url:
            raise InvalidArgumentError("the sandbox is not running: start it first")
        return url

    def credentials(self, vendor: str) -> dict[str, Any]:
        """The keyword arguments that point a Client of vendor at this sandbox:
        base_url plus the sandbox credentials, named as the vendor names them.
        (Every value is a str; typed Any so that ``ak.Client(vendor,
        **sb.credentials(vendor))`` type-checks against the typed constructor,
        whose other keyword arguments are not all str.)"""
        creds: dict[str, Any] = dict(self._core.credentials(vendor))
        url = str(self._core.vendor_url(vendor))
        if not url:
            raise InvalidArgumentError("the sandbox is not running: start it first")
        return {"base_url": url, **creds}

    def client(self, vendor: str, **options: Any) -> Client:
        """A Client of vendor configured for this sandbox (options as for Client)."""
        return Client(vendor, **{**self.credentials(vendor), **options})

    # -- knobs and state ---------------------------------------------------------

    def set_option(self, name: str, value: OptionValue) -> None:
        """Sets a knob by name: "VENDOR.NAME" for one vendor, a bare NAME for
        every vendor that has it (docs/sandbox.md lists them). Unknown names and
        bad values raise InvalidArgumentError."""
        self._core.set_option(name, _option_text("sandbox", name, value))

    def expire_tokens(self) -> None:
        """Invalidates every token issued so far (to test refresh and resend)."""
        self._core.expire_tokens()

    def add_faults(self, spec: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
        """Injects faults: one spec or a list of them, e.g.
        ``{"vendor": "99digital", "method": "POST", "path": "/api/online/createAccount",
        "kind": "drop_after_commit", "count": 1}``. kind is "status" (answer
        ``status``, default 503, with ``retry_after`` seconds, or a text sent
        as the Retry-After header verbatim; nothing applied), "delay"
        (``delay_ms``), "reset" (connection closed, nothing applied),
        "drop_after_commit", "malformed", "truncated" or "slow_body" (applied,
        then the answer is lost, garbled, cut or slow). vendor, method and path
        (below the vendor prefix, may end with "*") filter; ``count`` and
        ``probability`` (with ``seed``) say how often. Bad specs raise
        InvalidArgumentError."""
        self._core.add_faults(spec)

    def clear_faults(self) -> None:
        """Removes every fault."""
        self._core.clear_faults()

    def faults(self) -> list[dict[str, Any]]:
        """The faults in force, as specs (with how often each has fired)."""
        return list(self._core.faults())

    def requests(self, vendor: str | None = None) -> list[dict[str, Any]]:
        """The journal, oldest first: dicts with vendor, method, path (below the
        vendor prefix), query (dict), headers (dict, lower-case names), json
        (the parsed body: a key left out is absent, an explicit null is None;
        None for an empty body, the text for a body that is not JSON), status,
        and fault (the injected fault's kind) when one was applied. Secrets are
        masked as "***"."""
        out = []
        for entry in self._core.journal():
            if vendor is not None and entry["vendor"] != vendor:
                continue
            request = {
                "vendor": entry["vendor"],
                "method": entry["method"],
                "path": entry["path"],
                "query": entry["query"],
                "headers": entry["headers"],
                "json": entry["body"],
                "status": entry["status"],
            }
            if "fault" in entry:
                request["fault"] = entry["fault"]
            out.append(request)
        return out

    def clear_requests(self) -> None:
        """Empties the journal."""
        self._core.clear_journal()


def _whole(value: float | None, name: str, scale: int = 1) -> int | None:
    """Seconds as a whole number of seconds (or of milliseconds, scale 1000)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e9:
        raise InvalidArgumentError(f"sandbox: {name} must be a number of seconds of at least 0")
    return int(round(value * scale))
