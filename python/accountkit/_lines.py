"""Record files as lines, within limits, whatever the file holds.

``accountkit validate`` and ``apply`` read files they did not write: a line
may be a gigabyte long, not UTF-8, nested 100,000 levels deep, or the file
may be binary. Every such problem is the problem of one line (the run goes
on), except a file that is not text at all, which is refused before any
record runs (exit 2). Memory stays bounded: a line is never held beyond
MAX_LINE_BYTES.

- A line (JSONL) or record (CSV, which may span lines) longer than
  MAX_LINE_BYTES is reported and skipped, read to its end in small pieces.
- A line that is not UTF-8, or holds a NUL byte, is reported.
- A JSONL line nesting deeper than the core allows fields to nest is
  reported before json parses it (json would recurse).
- A file is refused whole when it starts with a UTF-16 or UTF-32 byte order
  mark, or its first SNIFF_BYTES hold a NUL byte (binary); a UTF-8 byte order
  mark is skipped.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import BinaryIO

from . import _core

MAX_LINE_BYTES = 1 << 20  # 1 MiB: a JSONL line, or a CSV record with its line breaks
SNIFF_BYTES = 8192  # what is looked at for a byte order mark or binary content
_SKIP_CHUNK = 1 << 16

# A JSONL record nests its fields one level below itself ({"fields": {...}}).
MAX_JSON_NESTING = _core.MAX_DEPTH + 2
TOO_DEEP = f"the record nests deeper than {_core.MAX_DEPTH} levels (the limit for fields)"

_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")  # UTF-32 BE, UTF-16/32 LE, UTF-16 BE
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class UnreadableInput(Exception):
    """The file cannot be read as records at all (a usage error: exit 2)."""


class LineProblem(Exception):
    """One line (or CSV record) that cannot be read; the reading goes on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def sniff(stream: BinaryIO, name: str) -> None:
    """Refuses a file that is not UTF-8 text, from its first bytes (without
    consuming them, so standard input and pipes work too); skips a UTF-8 BOM."""
    peek = getattr(stream, "peek", None)
    try:
        head = peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek is not None else b""
    except OSError as e:
        raise UnreadableInput(f"cannot read {name}: {e.strerror}") from None
    if head.startswith(_WIDE_BOMS):
        raise UnreadableInput(
            f"{name} is UTF-16 or UTF-32 text (it starts with a byte order mark): records must be UTF-8"
        )
    nul = head.find(b"\x00")
    if nul >= 0:
        line = head.count(b"\n", 0, nul) + 1
        raise UnreadableInput(
            f"{name} is not a text file (a NUL byte on line {line}): records must be UTF-8 text (JSONL or CSV)"
        )
    if head.startswith(_UTF8_BOM):
        stream.read(len(_UTF8_BOM))


class Lines(Iterator[str]):
    """The decoded lines of a binary stream (line breaks kept, as csv wants
    them). A line that cannot be read raises LineProblem from __next__ (the
    next call goes on with the line after it); an I/O error ends the lines
    with LineProblem too, after which iteration stops. ``number`` is the
    number of lines read. ``record_start`` (CSV) is the line the current record
    started on: its lines together must stay within MAX_LINE_BYTES."""

    def __init__(self, stream: BinaryIO, name: str = "", max_bytes: int = MAX_LINE_BYTES) -> None:
        self._stream = stream
        self.name = name
        self._max = max_bytes
        self._failed = False
        self.number = 0
        self.record_start = 0
        self._record_bytes = 0

    def __iter__(self) -> Lines:
        return self

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the file (never standard input)."""
        if self._stream is not sys.stdin.buffer:
            self._stream.close()

    def start_record(self) -> None:
        """A CSV record starts with the next line."""
        self.record_start = self.number + 1
        self._record_bytes = 0

    def _read(self, limit: int) -> bytes:
        try:
            return self._stream.readline(limit)
        except OSError as e:
            self._failed = True
            raise LineProblem(self.number + 1, f"cannot read the file from here on: {e.strerror}") from None

    def __next__(self) -> str:
        if self._failed:
            raise StopIteration
        raw = self._read(self._max + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) > self._max and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # the rest of the line, never held whole
                raw = self._read(_SKIP_CHUNK)
            raise LineProblem(self.number, f"the line is longer than {self._max} bytes (the limit for a line)")
        self._record_bytes += len(raw)
        if self.record_start and self.record_start != self.number and self._record_bytes > self._max:
            raise LineProblem(
                self.number,
                f"the record that starts on line {self.record_start} is longer than {self._max} bytes "
                "(the limit for a record)",
            )
        nul = raw.find(b"\x00")
        if nul >= 0:
            column = len(raw[:nul].decode("utf-8", "replace")) + 1
            raise LineProblem(self.number, f"the line has a NUL byte (at column {column}): records must be text")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            # Never the byte itself: it may be part of a password.
            column = len(raw[: e.start].decode("utf-8", "replace")) + 1
            raise LineProblem(self.number, f"the line is not UTF-8 text (an invalid byte at column {column})") from None


def bounded_lines(stream: BinaryIO, max_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """Every line of stream as bytes, None for a line longer than max_bytes
    (read to its end in small pieces, never held whole)."""
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(_SKIP_CHUNK)
            yield None
        else:
            yield raw


class TextLines(Iterator[str]):
    """Lines from any iterable of text (a StringIO in tests), counted as
    Lines counts them, without limits."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = iter(lines)
        self.number = 0
        self.record_start = 0

    def __iter__(self) -> TextLines:
        return self

    def start_record(self) -> None:
        self.record_start = self.number + 1

    def __next__(self) -> str:
        text = next(self._lines)
        self.number += 1
        return text


def json_nesting_problem(text: str, limit: int = MAX_JSON_NESTING) -> str | None:
    """Why text (one JSONL line) nests too deep to parse, or None; without
    recursion, before json (which would recurse) sees it."""
    if text.count("[") + text.count("{") <= limit:
        return None  # cannot nest deeper than it has brackets
    depth = 0
    for c in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if c in "[{":
            depth += 1
            if depth > limit:
                return TOO_DEEP
        else:
            depth -= 1
    return None


def open_lines(path: str) -> Lines:
    """The lines of path (- is standard input), named "<stdin>" or path;
    raises UnreadableInput when it cannot be opened or is not text."""
    if path == "-":
        return Lines(_checked(sys.stdin.buffer, "<stdin>"), "<stdin>")
    try:
        stream = open(path, "rb")  # noqa: SIM115 - Lines closes it
    except OSError as e:
        raise UnreadableInput(f"cannot read {path}: {e.strerror}") from None
    try:
        return Lines(_checked(stream, path), path)
    except BaseException:
        stream.close()
        raise


def _checked(stream: BinaryIO, name: str) -> BinaryIO:
    sniff(stream, name)
    return stream
