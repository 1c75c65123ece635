"""The exceptions accountkit raises: one class per status of the core's error
taxonomy (``ak_status`` in the C header), all under :class:`Error`. Each class
names its status by number (``code``, the ABI's value); its ``category`` is the
core's stable name for that number, and a class refines another exactly where
the core's status refines another (``ak_status_parent``): a timeout is a
transport error, an undecodable answer a vendor error, an unknown operation an
invalid argument. tests/python/test_errors.py checks the classes against the
core's table.

Every exception carries the vendor and operation it belongs to, the HTTP
status and the vendor's own code when the vendor answered, the vendor's request
id, whether retrying later may succeed, and how many HTTP attempts were made.
Messages name the vendor and the operation and never contain a secret.
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar, NamedTuple

from . import _core

__all__ = [
    "FieldError",
    "Error",
    "InvalidArgumentError",
    "ValidationError",
    "AuthError",
    "NotFoundError",
    "RateLimitError",
    "VendorError",
    "DecodeError",
    "TransportError",
    "UnknownOperationError",
    "OutcomeUnknownError",
    "OperationFailedError",
    "CancelledError",
    "InternalError",
    "OutOfMemoryError",
    "error_class",
]


class FieldError(NamedTuple):
    """One problem with one field: ``path`` like ``contacts[0].address.city``,
    ``rule`` a stable name (``required``, ``type``, ``max_length``, ``email``,
    ``vendor`` when the vendor reported it, ...) and ``message`` a sentence that
    never contains the field's value."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} ({self.rule})"


class Error(Exception):
    """Base class of every accountkit error.

    Attributes: ``category`` (the core's stable name: ``validation``, ``auth``,
    ...), ``code`` (the ``ak_status`` number), ``message``, ``vendor``,
    ``operation``, ``http_status`` (None when no answer arrived),
    ``vendor_code`` (the vendor's raw code as text, or None), ``request_id``
    (or None), ``raw_body`` (the vendor's answer with secrets masked, or None),
    ``is_retriable``, ``attempts`` (HTTP attempts; 0 for local failures),
    ``retry_after`` (seconds the vendor asked to wait, or None), ``errors``
    (the field errors; empty except for validation) and ``candidates`` (for
    an unknown outcome after a lookup: the ids of every account that may be
    this request's)."""

    category: ClassVar[str] = "internal"  # set from the core's table below
    code: ClassVar[int] = 13

    def __init__(
        self,
        message: str,
        *,
        vendor: str = "",
        operation: str = "",
        http_status: int | None = None,
        vendor_code: str | None = None,
        request_id: str | None = None,
        raw_body: str | None = None,
        is_retriable: bool = False,
        attempts: int = 0,
        retry_after: float | None = None,
        errors: list[FieldError] | None = None,
        candidates: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.vendor = vendor
        self.operation = operation
        self.http_status = http_status
        self.vendor_code = vendor_code
        self.request_id = request_id
        self.raw_body = raw_body
        self.is_retriable = is_retriable
        self.attempts = attempts
        self.retry_after = retry_after
        self.errors: list[FieldError] = list(errors or [])
        self.candidates: list[str] = list(candidates or [])

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready data (what ``accountkit apply`` writes)."""
        out: dict[str, Any] = {"category": self.category, "message": self.message}
        if self.errors:
            out["fields"] = [e._asdict() for e in self.errors]
        if self.candidates:
            out["candidates"] = list(self.candidates)
        for name in ("http_status", "vendor_code", "request_id", "retry_after"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["retriable"] = self.is_retriable
        out["attempts"] = self.attempts
        return out


class InvalidArgumentError(Error, ValueError):
    """The caller misused the API: unknown vendor or option, bad option value,
    a missing credential, a sandbox that is not running."""

    code = 1


class ValidationError(Error, ValueError):
    """Field problems, found locally (nothing was sent) or reported by the
    vendor (``http_status`` is set). ``errors`` lists every one."""

    code = 2


class AuthError(Error):
    """Credentials missing, wrong, expired or blocked (never retried)."""

    code = 3


class NotFoundError(Error):
    """The account does not exist."""

    code = 4


class RateLimitError(Error):
    """The vendor asked to slow down; ``retry_after`` says for how long (seconds), if it did."""

    code = 5


class VendorError(Error):
    """The vendor failed or refused for another reason; see ``vendor_code`` and ``http_status``."""

    code = 6


class DecodeError(VendorError):
    """The vendor's answer could not be understood (``raw_body`` keeps it)."""

    code = 9


class TransportError(Error):
    """No usable answer: connection, TLS, redirect or response-size failure."""

    code = 7


class TimeoutError(TransportError, builtins.TimeoutError):  # noqa: A001 - deliberately ak.TimeoutError
    """A connect or total timeout, or a ``wait`` that ran out of time. Also a
    builtin ``TimeoutError``. Not exported by ``from accountkit import *``, so
    that it never shadows the builtin."""

    code = 8


class UnknownOperationError(InvalidArgumentError):
    """The vendor has no such operation (or no asynchronous operations, for ``wait``)."""

    code = 10


class OutcomeUnknownError(Error):
    """A create (or delete) may or may not have happened; the message says how
    to check, and ``candidates`` lists the accounts a lookup found that may be
    this request's (none provably is)."""

    code = 11


class OutOfMemoryError(Error, MemoryError):
    """The core ran out of memory."""

    code = 12


class InternalError(Error):
    """A bug in accountkit: please report it."""

    code = 13


class OperationFailedError(Error):
    """An asynchronous operation settled in failure (Commvault ``update_failure``)."""

    code = 14


class CancelledError(Error):
    """The operation was cancelled by its caller before it finished (a create
    or delete that may have reached the vendor is an OutcomeUnknownError)."""

    code = 15


_CLASSES: tuple[type[Error], ...] = (
    InvalidArgumentError,
    ValidationError,
    AuthError,
    NotFoundError,
    RateLimitError,
    VendorError,
    TransportError,
    TimeoutError,
    DecodeError,
    UnknownOperationError,
    OutcomeUnknownError,
    OutOfMemoryError,
    InternalError,
    OperationFailedError,
    CancelledError,
)


def _name_of(code: int) -> str:
    name = _core.status_name(code)
    if name is None:
        raise ImportError(f"accountkit: the core has no status {code}; the package and its core do not match")
    return name


_NAMED: tuple[type[Error], ...] = (Error, *_CLASSES)
for _cls in _NAMED:
    _cls.category = _name_of(_cls.code)
del _cls

_BY_CATEGORY: dict[str, type[Error]] = {cls.category: cls for cls in _CLASSES}
_BY_CODE: dict[int, type[Error]] = {cls.code: cls for cls in _CLASSES}


def error_class(category: str) -> type[Error]:
    """The exception class for a core category name (``"not_found"`` -> NotFoundError)."""
    return _BY_CATEGORY.get(category, Error)


def _from_core(info: dict[str, Any]) -> Error:
    """Builds the exception for an error of the C++ core (called by ``_core``);
    the message is the core's, as every front end shows it."""
    message: str = info["message"] or info["category"]
    vendor: str = info["vendor"]
    operation: str = info["operation"]
    http_status = int(info["http_status"])
    retry_after = float(info["retry_after"])
    cls = _BY_CODE.get(int(info["code"]), InternalError)
    return cls(
        message,
        vendor=vendor,
        operation=operation,
        http_status=http_status or None,
        vendor_code=info["vendor_code"] or None,
        request_id=info["request_id"] or None,
        raw_body=info["raw_body"] or None,
        is_retriable=bool(info["retriable"]),
        attempts=int(info["attempts"]),
        retry_after=retry_after if retry_after >= 0 else None,
        errors=[FieldError(*f) for f in info["fields"]],
        candidates=list(info.get("candidates", ())),
    )
