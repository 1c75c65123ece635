"""AsyncClient: the Client's operations as coroutines for asyncio.

Every operation of an AsyncClient runs on the C++ engine (the same state
machines as Client.call: validation, retries, exactly-once creates, rate
limits), driven by ONE engine thread per client, without the GIL: no thread is
started per call. The event loop learns of finished operations through a pipe
it watches (``loop.add_reader``); the engine thread never waits for the loop.
docs/python-asyncio.md describes the rules and what cancellation means."""

from __future__ import annotations

import asyncio
import atexit
import itertools
import logging
import weakref
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from . import _core, _describe
from .client import Client, Outcome, Result, _strip_userinfo, run_many_item, wait_arguments
from .errors import CancelledError, Error, InvalidArgumentError, OutcomeUnknownError

__all__ = ["AsyncClient"]

# The operations one AsyncClient runs at once by default (more wait their turn).
DEFAULT_MAX_IN_FLIGHT = 256

_WRITES = ("create", "update", "delete")


class _Cancelled:
    """What an operation cancelled in flight left behind: its outcome, when
    it comes, is logged (a create or delete that may have landed at WARNING)."""

    __slots__ = ("client", "operation")

    def __init__(self, client: AsyncClient, operation: str) -> None:
        self.client = client
        self.operation = operation

    def report(self, value: Any, error: BaseException | None) -> None:
        logger = self.client._client._logger
        if logger is None:
            return
        vendor = self.client._vendor
        op = _describe.operation(vendor, self.operation)
        writes = op is not None and op["kind"] in _WRITES
        if isinstance(error, OutcomeUnknownError):
            logger.warning("%s: %s was cancelled in flight and its outcome is unknown: %s", vendor,
                           self.operation, error.message)
        elif error is None and writes:
            ident = value[1] if isinstance(value, tuple) else None
            logger.warning("%s: %s was cancelled but had already been applied (id %s)", vendor, self.operation,
                           ident or "unknown")
        elif isinstance(error, CancelledError) or error is None:
            logger.debug("%s: %s was cancelled (%s)", vendor, self.operation,
                         "before it took effect" if error is not None else "it had completed")
        else:
            logger.debug("%s: %s was cancelled; it ended with %r", vendor, self.operation, error)


class _Stream:
    """The completions of one run_many, in the order they come."""

    __slots__ = ("ready", "waiter")

    def __init__(self) -> None:
        self.ready: deque[tuple[int, Any, BaseException | None]] = deque()
        self.waiter: asyncio.Future[None] | None = None

    def put(self, tag: int, value: Any, error: BaseException | None) -> None:
        self.ready.append((tag, value, error))
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


_live: weakref.WeakSet[AsyncClient] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    # Engine threads are joined before the interpreter goes (what is in flight is cancelled).
    for client in list(_live):
        client._shutdown(deliver=False)


class AsyncClient:
    """A client of one vendor whose operations are coroutines:
    ``await client.create_account(...)``, ``async for a in client.list_accounts()``.

    Takes the same arguments as :class:`Client` (credentials, ``timeout``,
    ``validate``, ``logger``, ``**options``), plus ``max_in_flight``: how many
    operations the client's engine runs at once (1 to 1024, default 256); the
    rest start in submission order as others end.

    One engine thread per client drives every operation (no thread per call);
    the client belongs to one event loop at a time (another may take it over
    once nothing is in flight). Use ``async with AsyncClient(...) as client``
    or ``await client.close()``; a client that is garbage-collected, or still
    open at interpreter exit, is closed then.

    Cancelling the task that awaits an operation cancels the operation: the
    task sees ``asyncio.CancelledError`` at once, the operation stops as soon as
    it can, and its outcome is logged when it comes (a create or delete that
    may have reached the vendor at WARNING, with the key to look for)."""

    def __init__(self, vendor: str, *, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT, **kwargs: Any) -> None:
        self._engine: Any = None  # first: __del__ may run after a failure below
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int):
            raise InvalidArgumentError(f"{vendor}: max_in_flight must be an integer", vendor=str(vendor))
        self._client = Client(vendor, **kwargs)
        self._vendor: str = self._client.vendor
        self._engine = self._client._run(self._client._core.async_engine, max_in_flight)
        self._fd: int = self._engine.fd
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: dict[int, Any] = {}  # tag -> Future, _Stream or _Cancelled
        self._tags = itertools.count(1)
        _live.add(self)

    @property
    def vendor(self) -> str:
        """The vendor's name."""
        return self._vendor

    @property
    def operations(self) -> list[str]:
        """The names of the vendor's operations."""
        return self._client.operations

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._engine is None

    def __repr__(self) -> str:
        url = self._client._base_url
        base = f", base_url={_strip_userinfo(url)!r}" if url else ""
        return f"AsyncClient({self._vendor!r}{base})"

    if not TYPE_CHECKING:  # type checkers see each vendor's methods in _vendors.pyi instead

        def __getattr__(self, name: str) -> Callable[..., Any]:
            """Every other operation of the vendor as a coroutine method, as
            Client has them; list operations return async iterators."""
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

    # -- the engine -----------------------------------------------------------

    def _attach(self) -> asyncio.AbstractEventLoop:
        """The running loop, watching the engine's pipe."""
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return loop
        if self._engine is None:
            raise InvalidArgumentError(f"{self._vendor}: the async client is closed", vendor=self._vendor)
        if self._loop is not None:
            if self._pending and not self._loop.is_closed():
                raise InvalidArgumentError(
                    f"{self._vendor}: this AsyncClient has operations in flight on another event loop",
                    vendor=self._vendor,
                )
            self._detach()
        loop.add_reader(self._fd, self._drain)
        self._loop = loop
        return loop

    def _detach(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None and not loop.is_closed():
            try:
                loop.remove_reader(self._fd)
            except Exception:  # noqa: BLE001 - a loop shutting down
                pass

    def _drain(self) -> None:
        """The loop's reader callback: hands every finished operation to its waiter."""
        engine = self._engine
        if engine is None:
            return
        self._deliver(engine.take())

    def _deliver(self, done: list[tuple[int, Any, Any]]) -> None:
        pending = self._pending
        for tag, value, error in done:
            target = pending.pop(tag, None)
            if target is None:
                continue
            kind = type(target)
            if kind is _Stream:
                target.put(tag, value, error)
            elif kind is _Cancelled:
                target.report(value, error)
            elif not target.done():
                if error is None:
                    target.set_result(value)
                else:
                    target.set_exception(error)

    async def _submit(self, operation: str, submit: Callable[..., None], *args: Any) -> Any:
        """Submits through submit(*args, tag) and waits for the outcome; a
        cancelled wait cancels the operation."""
        loop = self._attach()
        tag = next(self._tags)
        future = loop.create_future()
        submit(*args, tag)  # raises for invalid fields, an unknown operation, a closed client
        self._pending[tag] = future
        try:
            return await future
        except asyncio.CancelledError:
            if self._pending.get(tag) is future:
                self._pending[tag] = _Cancelled(self, operation)
                if self._engine is not None:
                    self._engine.cancel(tag)
            elif future.done() and not future.cancelled():
                # It ended before the task, cancelled meanwhile, could take its outcome: report that.
                error = future.exception()
                _Cancelled(self, operation).report(None if error is not None else future.result(), error)
            raise

    # -- calls ----------------------------------------------------------------

    async def call(self, operation: str, fields: Mapping[str, Any] | None = None, *, id: object = None) -> Result:  # noqa: A002
        """Runs any operation with the given fields (for a list operation: one
        page), as :meth:`Client.call`."""
        self._client._sync_log_level()
        engine = self._live_engine()
        raw = await self._submit(operation, engine.submit, operation, fields, id)
        return Result._from_core(raw, self._vendor, operation)

    def _live_engine(self) -> Any:
        if self._engine is None:
            raise InvalidArgumentError(f"{self._vendor}: the async client is closed", vendor=self._vendor)
        return self._engine

    async def create_account(self, **fields: Any) -> Result:
        """Creates an account from the vendor's fields."""
        return await self.call("create_account", fields)

    async def get_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Reads one account (``id`` fills the vendor's id field)."""
        return await self.call("get_account", fields, id=id)

    async def update_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Updates one account: only the fields given change."""
        return await self.call("update_account", fields, id=id)

    async def delete_account(self, id: object = None, /, **fields: Any) -> Result:  # noqa: A002
        """Deletes one account."""
        return await self.call("delete_account", fields, id=id)

    def list_accounts(self, **filters: Any) -> AsyncIterator[Result]:
        """Every account, lazily (``async for``): one page request at a time
        through the engine. Filters are checked now."""
        return self.iterate("list_accounts", filters)

    def iterate(self, operation: str, filters: Mapping[str, Any] | None = None) -> AsyncIterator[Result]:
        """Every item of any list operation, lazily (as list_accounts does)."""
        self._client._sync_log_level()
        walk = self._live_engine().walk(operation, {} if filters is None else filters)
        return self._items(walk, operation)

    async def _items(self, walk: Any, operation: str) -> AsyncIterator[Result]:
        while not walk.done():
            items = await self._submit(operation, self._live_engine().submit_page, walk)
            for raw in items:
                yield Result._from_core(raw, self._vendor, operation)

    async def check_credentials(self) -> bool:
        """As :meth:`Client.check_credentials` (the token fetch runs on the engine thread)."""
        self._client._sync_log_level()
        return bool(await self._submit("check_credentials", self._live_engine().check_credentials))

    async def wait(
        self, id: object, /, *, timeout: float = 300.0, after: str | None = None  # noqa: A002
    ) -> Result:
        """As :meth:`Client.wait`, on the engine: the wait is one engine
        operation that polls (one read per poll, a timer in between, backing
        off as the client's ``poll_initial_ms``/``poll_max_ms`` say) until the
        result settles; cancelling the task cancels the wait."""
        target, timeout, after = wait_arguments(self._vendor, id, timeout, after)
        engine = self._live_engine()
        raw = await self._submit("wait", engine.submit_wait, target, after, timeout)
        read = _describe.read_operation(self._vendor)
        return Result._from_core(raw, self._vendor, read["name"] if read else "wait")

    def run_many(
        self,
        operations: Iterable[tuple[str, Mapping[str, Any] | None]] | AsyncIterable[tuple[str, Mapping[str, Any] | None]],
        *,
        max_in_flight: int = 16,
    ) -> AsyncIterator[Outcome]:
        """As :meth:`Client.run_many`, with ``async for``: an :class:`Outcome`
        per ``(operation, fields)`` pair, in completion order. ``operations``
        may be an iterable or an async iterable, consumed lazily (at most
        ``max_in_flight`` pending). Closing the iterator early cancels what is
        still in flight (outcomes logged as for a cancelled call)."""
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int):
            raise InvalidArgumentError(f"{self._vendor} run_many: max_in_flight must be an integer", vendor=self._vendor)
        if not 1 <= max_in_flight <= _core.MAX_IN_FLIGHT:
            raise InvalidArgumentError(f"max_in_flight must be from 1 to {_core.MAX_IN_FLIGHT}", vendor=self._vendor)
        self._live_engine()
        return self._outcomes(operations, max_in_flight)

    async def _outcomes(self, operations: Any, limit: int) -> AsyncIterator[Outcome]:
        self._client._sync_log_level()
        loop = self._attach()
        engine = self._live_engine()
        asynchronous = hasattr(operations, "__aiter__")
        source = operations.__aiter__() if asynchronous else iter(operations)
        stream = _Stream()
        names: dict[int, tuple[int, str]] = {}  # tag -> (index, operation), submitted and not yet yielded
        index = 0
        more = True
        try:
            while True:
                while more and len(names) < limit:
                    try:
                        item = await source.__anext__() if asynchronous else next(source)
                    except (StopIteration, StopAsyncIteration):
                        more = False
                        break
                    operation, fields, refused = run_many_item(self._vendor, item, index)
                    position = index
                    index += 1
                    if refused is not None:
                        yield Outcome(position, operation, None, refused)
                        continue
                    tag = next(self._tags)
                    try:
                        engine.submit(operation, {} if fields is None else fields, None, tag)
                    except Error as e:  # invalid fields, unknown operation, a closed client
                        yield Outcome(position, operation, None, e)
                        continue
                    self._pending[tag] = stream
                    names[tag] = (position, operation)
                if not names:
                    if not more:
                        return
                    continue
                while not stream.ready:
                    stream.waiter = loop.create_future()
                    try:
                        await stream.waiter
                    finally:
                        stream.waiter = None
                tag, value, error = stream.ready.popleft()
                position, operation = names.pop(tag)
                if error is None:
                    yield Outcome(position, operation, Result._from_core(value, self._vendor, operation), None)
                else:
                    yield Outcome(position, operation, None, error if isinstance(error, Error) else None)
        finally:
            for tag, (_, operation) in names.items():
                if self._pending.get(tag) is stream:
                    self._pending[tag] = _Cancelled(self, operation)
                    if self._engine is not None:
                        self._engine.cancel(tag)

    # -- closing --------------------------------------------------------------

    async def close(self) -> None:
        """Cancels what is still in flight (its awaiting tasks get
        accountkit.CancelledError, or OutcomeUnknownError for a create or
        delete that may have landed), stops the engine thread and joins it.
        Idempotent; the client takes no more operations."""
        self._shutdown()

    def _shutdown(self, deliver: bool = True) -> None:
        engine = self._engine
        if engine is None:
            return
        self._engine = None
        _live.discard(self)
        loop = self._loop
        self._detach()
        engine.close()  # cancels what is in flight and joins the engine thread (without the GIL)
        done = engine.take()
        if deliver and loop is not None and not loop.is_closed():
            self._deliver(done)
        for target in self._pending.values() if deliver else ():
            if isinstance(target, asyncio.Future) and not target.done() and not target.get_loop().is_closed():
                target.set_exception(InvalidArgumentError(f"{self._vendor}: the async client is closed",
                                                          vendor=self._vendor))
        self._pending.clear()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __del__(self) -> None:
        if getattr(self, "_engine", None) is not None:
            try:
                self._shutdown(deliver=False)
            except Exception:  # noqa: BLE001 - nothing to report to at collection time
                pass
