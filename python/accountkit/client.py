"""The Pythonic client: one vendor, its credentials and options, and one method
per operation. Field names are the vendor's own; ``None`` is an explicit null
and a field left out is absent."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from . import _core, _describe
from .errors import Error, FieldError, InvalidArgumentError

__all__ = [
    "Client",
    "Result",
    "Outcome",
    "validate",
    "validate_many",
    "describe_vendors",
    "parse_webhook",
    "account_view",
]

_T = TypeVar("_T")

OptionValue = str | int | float | bool

# How long one wait of Client.run_many lasts at most (ms): between waits Python
# runs signal handlers (Ctrl-C).
_POLL_MS = 100


class Result(Mapping[str, Any]):
    """One account (or one page) as the vendor returned it.

    Mapping access reads the vendor's response fields by their own names
    (``result["account_id"]``); ``data`` is that dict. ``id`` is the account id
    as text and ``status`` the normalised status ("active", "suspended",
    "updating", ...), each None when the response has none. ``recovered`` is
    True for a create whose answer was lost and whose account was found again
    by its natural key (provably this request's): ``data`` is then what the
    vendor's list shows, and ``unavailable`` names the fields a normal answer
    carries that the lookup could not (99digital: ``("agent_id",)``).
    ``repr`` never shows a secret."""

    __slots__ = ("_data", "_id", "_status", "vendor", "operation", "http_status", "request_id", "unavailable")

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
        self.unavailable: tuple[str, ...] | None = None

    @classmethod
    def _from_core(cls, raw: _core._RawResult, vendor: str, operation: str) -> Result:
        # raw is (data, id, status, http_status, request_id, unavailable), empty ones None.
        # Filled in directly: this runs once per call.
        self = cls.__new__(cls)
        data = raw[0]
        self._data = data if type(data) is dict else {"value": data}
        self._id = raw[1]
        self._status = raw[2]
        self.vendor = vendor
        self.operation = operation
        self.http_status = raw[3]
        self.request_id = raw[4]
        self.unavailable = raw[5]
        return self

    @property
    def recovered(self) -> bool:
        """True when a lost create's account was found again by its natural key."""
        return self.unavailable is not None

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
        """``{"id", "status", "data"}`` (plus ``recovered`` and ``unavailable``
        for a recovered create), ready for JSON."""
        out: dict[str, Any] = {"id": self._id, "status": self._status, "data": self._data}
        if self.unavailable is not None:
            out["recovered"] = True
            out["unavailable"] = list(self.unavailable)
        return out

    def view(self, *, key_attribute: str | None = None) -> dict[str, Any]:
        """This account as the common account view (:func:`account_view` of
        ``data``): for a result of get_account, an item of list_accounts, or
        another answer holding one account."""
        return account_view(self.vendor, self._data, key_attribute=key_attribute)

    def __repr__(self) -> str:
        return (
            f"Result(vendor={self.vendor!r}, operation={self.operation!r}, id={self._id!r}, "
            f"status={self._status!r}, data={masked(self._data)!r})"
        )


def masked(value: Any) -> Any:
    """value with the values of secret keys (the core's list: tokens, a
    99digital sign-in link) replaced by '***', for reprs and result files."""
    if isinstance(value, dict):
        keys = _describe.secret_keys()
        return {k: ("***" if k in keys and v is not None else masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


class Outcome:
    """The outcome of one operation of :meth:`Client.run_many`.

    ``index`` is the operation's 0-based position in the input, ``operation``
    its name; ``ok`` says whether it succeeded, with ``result`` (a
    :class:`Result`) set when it did and ``error`` (an :class:`Error`, exactly
    what :meth:`Client.call` would have raised) when it did not."""

    __slots__ = ("index", "operation", "result", "error")

    def __init__(self, index: int, operation: str, result: Result | None, error: Error | None) -> None:
        self.index = index
        self.operation = operation
        self.result = result
        self.error = error

    @property
    def ok(self) -> bool:
        """True when the operation succeeded (``result`` is set)."""
        return self.error is None

    def __repr__(self) -> str:
        what = f"result={self.result!r}" if self.error is None else f"error={self.error!r}"
        return f"Outcome(index={self.index}, operation={self.operation!r}, ok={self.ok}, {what})"


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
    """A client of one vendor ("99digital", "activeplatform", "activeplatform-v3", "commvault").

    Credentials are keyword arguments named as the vendor names them:
    99digital ``client_id`` + ``client_secret`` (or ``access_token``);
    activeplatform ``api_token`` (and ``base_url``, always required);
    activeplatform-v3 ``api_token`` + ``reseller_id`` (and ``base_url``);
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
        self._base_url: str | None = None
        self._logger = logging.getLogger(logger) if isinstance(logger, str) else logger
        self._log_level = -1  # the level the core was last told; -1: not yet
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

    if not TYPE_CHECKING:  # type checkers see each vendor's methods in _vendors.pyi instead

        def __getattr__(self, name: str) -> Callable[..., Any]:
            """Every other operation of the vendor as a method, shaped like the
            ones above: ``client.activate_account(id)``, ``client.list_agents(accountID=7)``
            (list operations iterate). Generated from the vendor table, as the types are."""
            op = None if name.startswith("_") else _describe.operation(self.__dict__.get("_vendor", ""), name)
            if op is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            if op["kind"] == "list":
                return lambda **filters: self.iterate(name, filters)
            if op["id_field"]:
                return lambda id=None, /, **fields: self.call(name, fields, id=id)  # noqa: A002
            return lambda **fields: self.call(name, fields)

        def __dir__(self) -> list[str]:
            return sorted(set(super().__dir__()) | set(self.operations))

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
        """Runs a core call with the log level in step (the core scrubs its errors)."""
        self._sync_log_level()
        return fn(*args)

    def call(self, operation: str, fields: Mapping[str, Any] | None = None, *, id: object = None) -> Result:  # noqa: A002
        """Runs any operation with the given fields (for a list operation: one
        page). ``id`` is a positional account id (text or an integer), put into
        the operation's id field as :meth:`get_account` does."""
        self._sync_log_level()
        raw = self._core.call(operation, fields, id)
        return Result._from_core(raw, self._vendor, operation)

    def run_many(
        self, operations: Iterable[tuple[str, Mapping[str, Any] | None]], *, max_in_flight: int = 16
    ) -> Iterator[Outcome]:
        """Runs many single-account operations concurrently on this thread and
        yields an :class:`Outcome` for each, in completion order.

        ``operations`` is any iterable of ``(operation, fields)`` pairs (fields
        a mapping, or None for none); it is consumed lazily, a new operation
        being taken only while fewer than ``max_in_flight`` (1 to the core's
        limit, 1024) are pending, so a generator over a huge file is never
        held in memory.
        ``Outcome.index`` is the pair's position in ``operations``. Each
        operation is what :meth:`call` would do (validation, retries, the
        create lookup after a lost answer, rate limits); its failure, invalid
        fields and values Python cannot express included, is its outcome's
        ``error``, never raised.

        Closing the iterator early (``break``, ``close()``, an exception, Ctrl-C)
        abandons the operations still in flight: a create or delete among them
        may or may not have been applied. Nothing is sent before the first
        ``next()``."""
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int):
            raise InvalidArgumentError(f"{self._vendor} run_many: max_in_flight must be an integer", vendor=self._vendor)
        # Made now, so the core refuses a max_in_flight out of its range at once.
        batch = self._run(self._core.batch, max_in_flight)
        return self._outcomes(batch, iter(operations), max_in_flight)

    def _outcomes(
        self, batch: Any, operations: Iterator[tuple[str, Mapping[str, Any] | None]], limit: int
    ) -> Iterator[Outcome]:
        self._sync_log_level()
        names: dict[int, str] = {}  # index -> operation, for those submitted and not yet yielded
        index = 0
        more = True
        try:
            while True:
                while more and len(names) < limit:  # names: what the batch holds
                    try:
                        item = next(operations)
                    except StopIteration:
                        more = False
                        break
                    operation, fields, refused = run_many_item(self._vendor, item, index)
                    position = index
                    index += 1
                    if refused is not None:
                        yield Outcome(position, operation, None, refused)
                        continue
                    try:
                        batch.submit(operation, {} if fields is None else fields, position)
                    except Error as e:  # unknown operation, unusable options
                        yield Outcome(position, operation, None, e)
                        continue
                    names[position] = operation
                if not names:
                    if not more:
                        return
                    continue
                got = batch.next(_POLL_MS)  # None every _POLL_MS: signals are seen in between
                if got is None:
                    continue
                tag, raw, error = got
                operation = names.pop(tag)
                if raw is not None:
                    yield Outcome(tag, operation, Result._from_core(raw, self._vendor, operation), None)
                else:
                    yield Outcome(tag, operation, None, error)
        finally:
            batch.close()

    def create_account(self, **fields: Any) -> Result:
        """Creates an account from the vendor's fields."""
        return self.call("create_account", fields)

    def get_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Reads one account. ``id`` fills the vendor's id field (ActivePlatform
        ``account_id``, Commvault ``id``); it may also be given by that name."""
        return self.call("get_account", fields, id=id)

    def update_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Updates one account: only the fields given change (``None`` sends an
        explicit null). ``id`` fills the vendor's id field (99digital
        ``account_id``, ActivePlatform ``account_id``, Commvault ``id``)."""
        return self.call("update_account", fields, id=id)

    def delete_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Deletes one account (99digital: irreversible). ``id`` fills the
        vendor's id field (99digital ``accountID``)."""
        return self.call("delete_account", fields, id=id)

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

    def check_credentials(self) -> bool:
        """Checks the credentials without touching an account: fetches a token
        if the vendor uses one. Returns False when the vendor's credential (a
        static token) is checked only by a real call. Raises AuthError for a
        refusal, which the client remembers: later calls fail at once, sending
        nothing, until a credential option is set again."""
        return bool(self._run(self._core.check_credentials))

    def wait(
        self, id: object, /, *, timeout: float = 300.0, after: str | None = None  # noqa: A002
    ) -> Result:
        """For asynchronous vendors (Commvault): polls until the account
        settles and returns it. ``id`` is an account id, or the id of a result
        of operation ``after``, or a Result itself (its id and operation):
        ``client.wait(client.create_account(...))`` follows Commvault's
        fulfillment to the new account. Raises OperationFailedError when it
        settles in failure, ak.TimeoutError when ``timeout`` seconds pass
        first, UnknownOperationError for a synchronous vendor or an ``after``
        whose results do not settle."""
        target, timeout, after = wait_arguments(self._vendor, id, timeout, after)
        raw = self._run(self._core.wait, target, timeout, after)
        read = _describe.read_operation(self._vendor)
        return Result._from_core(raw, self._vendor, read["name"] if read else "wait")


def run_many_item(vendor: str, item: Any, index: int) -> tuple[str, Any, Error | None]:
    """One (operation, fields) pair of run_many's input, for Client and
    AsyncClient alike: (operation, fields, None), or with the error that is
    that item's outcome (an operation that is no name). Raises
    InvalidArgumentError for an item that is no pair."""
    try:
        operation, fields = item
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"{vendor} run_many: operation {index} is not an (operation, fields) pair", vendor=vendor
        ) from None
    if not isinstance(operation, str):
        refused = InvalidArgumentError(
            f"{vendor}: the operation must be a name (got {type(operation).__name__})", vendor=vendor
        )
        return str(operation), fields, refused
    return operation, fields, None


def wait_arguments(vendor: str, id: object, timeout: object, after: object) -> tuple[str, float, str]:  # noqa: A002
    """What Client.wait and AsyncClient.wait were given, checked: (the id as
    text, the timeout in seconds, the operation after or ""); a Result gives
    its id and operation. Raises InvalidArgumentError naming the problem."""
    if isinstance(id, Result):
        after = id.operation if after is None else after
        id = id.id  # noqa: A001

    def refuse(problem: str) -> InvalidArgumentError:
        return InvalidArgumentError(f"{vendor} wait: {problem}", vendor=vendor, operation="wait")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise refuse("timeout must be a number of seconds")
    if isinstance(id, bool) or not isinstance(id, (str, int)):
        raise refuse("the id must be a string, an integer or a Result with an id")
    if after is not None and not isinstance(after, str):
        raise refuse("after must be an operation name")
    return str(id), float(timeout), after or ""


def _strip_userinfo(url: str | None) -> str | None:
    if not url or "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    host, sep, path = rest.partition("/")
    return f"{scheme}://***@{host.rsplit('@', 1)[1]}{sep}{path}" if "@" in host else url


def validate(
    vendor: str, operation: str, fields: Mapping[str, Any] | None = None, *, id: object = None  # noqa: A002
) -> list[FieldError]:
    """Every problem of ``fields`` for ``vendor``/``operation`` as FieldErrors
    (empty when valid), without any network: exactly what :meth:`Client.call`
    checks before it sends. ``id`` is a positional account id, bound as
    :meth:`Client.call` binds it. Unknown vendors raise InvalidArgumentError,
    unknown operations UnknownOperationError; fields that are not a mapping or
    nest deeper than the core allows, and an id given twice or to an operation
    that takes none, raise InvalidArgumentError."""
    return [FieldError(*t) for t in _core.check(vendor, operation, fields, id)]


def validate_many(
    vendor: str, operation: str, records: Iterable[Mapping[str, Any] | None]
) -> list[list[FieldError]]:
    """:func:`validate` over many records at once, in one pass of the C++
    core: one list of FieldErrors per record, in order, empty when the record
    is valid. Unknown vendors raise InvalidArgumentError, unknown operations
    UnknownOperationError."""
    return _core.check_many(vendor, operation, records, FieldError)


def parse_webhook(vendor: str, body: bytes | str) -> Result:
    """The event in ``body``, a webhook call ``vendor`` made to your server
    (the raw request body, bytes or str), as a :class:`Result`: ``operation``
    "webhook", ``id`` the account (or builder) the event concerns, ``status``
    the event's kind, and the event's fields by the vendor's names. Sends
    nothing and needs no client. Raises DecodeError for a body that is not a
    JSON object or lacks a field the event needs (the message names the
    problem and never quotes the body), UnknownOperationError for a vendor
    that sends no webhooks, InvalidArgumentError for an unknown vendor or a
    body that is neither bytes nor str.

    The body cannot prove who sent it: 99digital's webhook calls come from
    34.165.99.212, and only your server, which sees the connection, can
    accept them from that address alone."""
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(vendor, str) or not isinstance(body, (bytes, str)):
        raise InvalidArgumentError(
            f"parse_webhook takes a vendor name and a bytes or str body (got {type(body).__name__})", vendor=str(vendor)
        )
    return Result._from_core(_core.parse_webhook(vendor, body), vendor, "webhook")


def account_view(vendor: str, record: Mapping[str, Any], *, key_attribute: str | None = None) -> dict[str, Any]:
    """``record``, one account of ``vendor`` as get_account returns it or
    list_accounts lists it (a mapping of the vendor's fields), as the same
    fields for every vendor: ``{"vendor", "id", "name", "status",
    "vendor_status", "email", "country", "key", "created", "updated",
    "record"}``. ``status`` is "active", "suspended", "pending", "deleted" or
    "unknown" (``vendor_status`` the vendor's own word); ``key`` your own key
    for the account (99digital ``reference``, Commvault ``externalId``;
    for ActivePlatform the value of the custom attribute ``key_attribute``
    names, else None: docs/plan.md); ``created`` and ``updated`` ISO 8601 UTC
    ("2026-12-02T13:04:05Z"); a field the vendor or the record lacks is None;
    ``record`` is the record, secret values masked. Sends nothing. Raises
    InvalidArgumentError for an unknown vendor or a record that is not a
    mapping of JSON values."""
    if isinstance(record, Result):
        record = record.data
    if not isinstance(vendor, str) or not isinstance(record, Mapping):
        raise InvalidArgumentError(
            f"account_view takes a vendor name and a record mapping (got {type(record).__name__})", vendor=str(vendor)
        )
    return _core.account_view(vendor, dict(record), key_attribute or "")


def describe_vendors() -> list[dict[str, Any]]:
    """Every vendor as data: name, display_name, default_base_url, credentials,
    secret_options, asynchronous, and operations with kind, method, path,
    id_field and field rules (name, type, required, nullable, max_length, ...)."""
    return _describe.describe()
