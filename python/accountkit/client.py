"""The Pythonic client: one vendor, its credentials and options, and one method
per operation. Field names are the vendor's own; ``None`` is an explicit null
and a field left out is absent."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from . import _core, _describe
from .errors import Error, FieldError, InvalidArgumentError

__all__ = ["Client", "Result", "validate", "describe_vendors"]

_T = TypeVar("_T")

OptionValue = str | int | float | bool


class Result(Mapping[str, Any]):
    """One account (or one page) as the vendor returned it.

    Mapping access reads the vendor's response fields by their own names
    (``result["account_id"]``); ``data`` is that dict. ``id`` is the account id
    as text and ``status`` the normalised status ("active", "suspended",
    "updating", ...), each None when the response has none. ``repr`` never
    shows a secret."""

    __slots__ = ("_data", "_id", "_status", "vendor", "operation", "http_status", "request_id")

    def __init__(
        self,
        data: dict[str, Any],
        *,
        id: str | None = None,  # noqa: A002 - the vendor's word
        status: str | None = None,
        vendor: str = "",
        operation: str = "",
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self._data = data
        self._id = id
        self._status = status
        self.vendor = vendor
        self.operation = operation
        self.http_status = http_status
        self.request_id = request_id

    @classmethod
    def _from_core(cls, raw: dict[str, Any], vendor: str, operation: str) -> Result:
        data = raw["data"]
        return cls(
            data if isinstance(data, dict) else {"value": data},
            id=raw["id"] or None,
            status=raw["status"] or None,
            vendor=vendor,
            operation=operation,
            http_status=raw["http_status"] or None,
            request_id=raw["request_id"] or None,
        )

    @property
    def data(self) -> dict[str, Any]:
        """The vendor's response fields by their own names."""
        return self._data

    @property
    def id(self) -> str | None:  # noqa: A003
        """The account id as text, or None."""
        return self._id

    @property
    def status(self) -> str | None:
        """The account's normalised status, or None."""
        return self._status

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "status", "data"}``, ready for JSON."""
        return {"id": self._id, "status": self._status, "data": self._data}

    def __repr__(self) -> str:
        return (
            f"Result(vendor={self.vendor!r}, operation={self.operation!r}, id={self._id!r}, "
            f"status={self._status!r}, data={_masked(self._data)!r})"
        )


def _masked(value: Any) -> Any:
    """value with the values of secret keys replaced by '***' (for repr)."""
    if isinstance(value, dict):
        keys = _describe.secret_keys()
        return {k: ("***" if k in keys and v is not None else _masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _option_text(vendor: str, name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise InvalidArgumentError(
        f"{vendor}: option {name!r} must be a string, number or boolean (got {type(value).__name__})",
        vendor=vendor,
    )


def _milliseconds(vendor: str, name: str, seconds: float) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0 or math.isinf(seconds):
        raise InvalidArgumentError(f"{vendor}: {name} must be a positive number of seconds", vendor=vendor)
    return str(max(1, math.ceil(seconds * 1000)))


def _scrub_text(text: str | None, secrets: list[str]) -> str | None:
    if not text:
        return text
    for s in secrets:
        text = text.replace(s, "***")
    return text


class _AccountIterator(Iterator[Result]):
    """Every item of a list operation, fetching pages as needed."""

    def __init__(self, client: Client, pager: Any, operation: str) -> None:
        self._client = client
        self._pager = pager
        self._operation = operation

    def __iter__(self) -> _AccountIterator:
        return self

    def __next__(self) -> Result:
        raw = self._client._run(self._pager.next)
        if raw is None:
            raise StopIteration
        return Result._from_core(raw, self._client.vendor, self._operation)


class Client:
    """A client of one vendor ("99digital", "activeplatform", "commvault").

    Credentials are keyword arguments named as the vendor names them:
    99digital ``client_id`` + ``client_secret`` (or ``access_token``);
    activeplatform ``api_token`` (and ``base_url``, always required);
    commvault ``username`` + ``password`` (or ``access_token``).
    ``timeout`` and ``connect_timeout`` are seconds; ``validate=False`` sends
    fields without checking them locally; ``**options`` sets any other client
    option by its core name (``max_attempts``, ``retry_base_ms``,
    ``poll_initial_ms``, ``verify_tls``, ``user_agent``, ...). An unknown option
    or a credential the vendor does not take raises InvalidArgumentError.

    Log lines (every HTTP exchange at DEBUG, retries at WARNING, secrets
    masked) go to the ``logging`` logger ``logger`` (a Logger or a name;
    default "accountkit"; None turns them off), at whatever level that logger
    is enabled for when a call starts.

    One Client may be shared by many threads: calls release the GIL while they
    wait for the network."""

    def __init__(
        self,
        vendor: str,
        *,
        base_url: str | None = None,
        access_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        api_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        validate: bool = True,
        logger: logging.Logger | str | None = "accountkit",
        **options: OptionValue,
    ) -> None:
        if not isinstance(vendor, str):
            raise InvalidArgumentError(f"vendor must be a vendor name (got {type(vendor).__name__})")
        self._core = _core.Client(vendor)
        self._vendor: str = self._core.vendor
        self._secrets: list[str] = []
        self._base_url: str | None = None
        self._logger = logging.getLogger(logger) if isinstance(logger, str) else logger
        self._log_level = -1  # the level the core was last told; -1: not yet
        info = _describe.vendor(self._vendor)
        secret_options = set(info["secret_options"]) if info else set()
        given: dict[str, object] = {
            "base_url": base_url,
            "client_id": client_id,
            "client_secret": client_secret,
            "access_token": access_token,
            "api_token": api_token,
            "username": username,
            "password": password,
        }
        if timeout is not None:
            given["timeout_ms"] = _milliseconds(self._vendor, "timeout", timeout)
        if connect_timeout is not None:
            given["connect_timeout_ms"] = _milliseconds(self._vendor, "connect_timeout", connect_timeout)
        given["validate"] = validate
        for name, value in options.items():
            if name in given and given[name] is not None:
                raise InvalidArgumentError(f"{self._vendor}: option {name!r} is given twice", vendor=self._vendor)
            given[name] = value
        for name, given_value in given.items():
            if given_value is None:
                continue
            text = _option_text(self._vendor, name, given_value)
            if name in secret_options and text:
                self._secrets.append(text)
            self._run(self._core.set_option, name, text)
            if name == "base_url":
                self._base_url = text

    @property
    def vendor(self) -> str:
        """The vendor's name."""
        return self._vendor

    @property
    def operations(self) -> list[str]:
        """The names of the vendor's operations."""
        info = _describe.vendor(self._vendor)
        return [op["name"] for op in info["operations"]] if info else []

    def __repr__(self) -> str:
        base = f", base_url={_strip_userinfo(self._base_url)!r}" if self._base_url else ""
        return f"Client({self._vendor!r}{base})"

    # -- calls ----------------------------------------------------------------

    def _sync_log_level(self) -> None:
        if self._logger is None:
            return
        level = self._logger.getEffectiveLevel()
        if self._logger.disabled or not self._logger.hasHandlers():
            level = logging.CRITICAL + 1  # nobody would see the lines
        if level != self._log_level:
            self._core.set_log(self._logger.name, level)
            self._log_level = level

    def _run(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Runs a core call; scrubs this client's secrets from any error (a
        second line of defence: the core already does)."""
        self._sync_log_level()
        try:
            return fn(*args)
        except Error as e:
            if self._secrets:
                e.message = _scrub_text(e.message, self._secrets) or ""
                e.args = (e.message,)
                e.raw_body = _scrub_text(e.raw_body, self._secrets)
                e.errors = [FieldError(f.path, f.rule, _scrub_text(f.message, self._secrets) or "") for f in e.errors]
            raise

    def call(self, operation: str, fields: Mapping[str, Any] | None = None) -> Result:
        """Runs any operation with the given fields (for a list operation: one page)."""
        raw = self._run(self._core.call, operation, {} if fields is None else fields)
        return Result._from_core(raw, self._vendor, operation)

    def _with_id(self, operation: str, id: object, fields: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        if id is None:
            return fields
        info = _describe.operation(self._vendor, operation)
        if info is None:
            return fields  # the core names the unknown operation
        name = info["id_field"]
        if not name:
            raise InvalidArgumentError(
                f"{self._vendor} {operation}: takes no account id", vendor=self._vendor, operation=operation
            )
        if name in fields:
            raise InvalidArgumentError(
                f"{self._vendor} {operation}: the account id is given twice (positionally and as {name}=)",
                vendor=self._vendor,
                operation=operation,
            )
        return {name: _coerce_id(info, name, id), **fields}

    def create_account(self, **fields: Any) -> Result:
        """Creates an account from the vendor's fields."""
        return self.call("create_account", fields)

    def get_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Reads one account. ``id`` fills the vendor's id field (ActivePlatform
        ``account_id``, Commvault ``id``); it may also be given by that name."""
        return self.call("get_account", self._with_id("get_account", id, fields))

    def update_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Updates one account: only the fields given change (``None`` sends an
        explicit null). ``id`` fills the vendor's id field (99digital
        ``account_id``, ActivePlatform ``account_id``, Commvault ``id``)."""
        return self.call("update_account", self._with_id("update_account", id, fields))

    def delete_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Deletes one account (99digital: irreversible). ``id`` fills the
        vendor's id field (99digital ``accountID``)."""
        return self.call("delete_account", self._with_id("delete_account", id, fields))

    def list_accounts(self, **filters: Any) -> Iterator[Result]:
        """Every account, lazily: pages are fetched as the iterator advances.
        Filters are checked now; the first request is made by the first next().
        The vendor's paging fields (ActivePlatform page/per_page, Commvault
        pageNumber/pageSize) choose where to start and the page size."""
        return self.iterate("list_accounts", filters)

    def iterate(self, operation: str, filters: Mapping[str, Any] | None = None) -> Iterator[Result]:
        """Every item of any list operation, lazily (as list_accounts does)."""
        pager = self._run(self._core.list, operation, {} if filters is None else filters)
        return _AccountIterator(self, pager, operation)

    def wait(self, id: object, /, *, timeout: float = 300.0) -> Result:  # noqa: A002
        """For asynchronous vendors (Commvault updates): polls the account until
        its status settles and returns it. Raises OperationFailedError when it
        settles in failure, ak.TimeoutError when ``timeout`` seconds pass first,
        UnknownOperationError for a synchronous vendor."""
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise InvalidArgumentError(
                f"{self._vendor} wait: timeout must be a number of seconds", vendor=self._vendor, operation="wait"
            )
        if isinstance(id, bool) or not isinstance(id, (str, int)):
            raise InvalidArgumentError(
                f"{self._vendor} wait: the account id must be a string or an integer",
                vendor=self._vendor,
                operation="wait",
            )
        raw = self._run(self._core.wait, str(id), float(timeout))
        read = _describe.read_operation(self._vendor)
        return Result._from_core(raw, self._vendor, read["name"] if read else "wait")


def _coerce_id(info: dict[str, Any], name: str, id: object) -> object:  # noqa: A002
    """A positional id as the id field's type: "1000" for an integer field
    becomes 1000 (so Result.id can be passed back), 1000 for a text field "1000"."""
    rule = next((f for f in info["fields"] if f["name"] == name), None)
    kind = rule["type"] if rule else None
    if kind == "integer" and isinstance(id, str) and id.isascii() and id.isdigit():
        return int(id)
    if kind == "string" and isinstance(id, int) and not isinstance(id, bool):
        return str(id)
    return id


def _strip_userinfo(url: str | None) -> str | None:
    if not url or "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    host, sep, path = rest.partition("/")
    return f"{scheme}://***@{host.rsplit('@', 1)[1]}{sep}{path}" if "@" in host else url


def validate(vendor: str, operation: str, fields: Mapping[str, Any] | None = None) -> list[FieldError]:
    """Every problem of ``fields`` for ``vendor``/``operation`` as FieldErrors
    (empty when valid), without any network. Unknown vendors raise
    InvalidArgumentError, unknown operations UnknownOperationError."""
    return [FieldError(*t) for t in _core.check(vendor, operation, {} if fields is None else fields)]


def describe_vendors() -> list[dict[str, Any]]:
    """Every vendor as data: name, display_name, default_base_url, credentials,
    secret_options, asynchronous, and operations with kind, method, path,
    id_field and field rules (name, type, required, nullable, max_length, ...)."""
    return _describe.describe()
