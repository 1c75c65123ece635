"""What every accountkit command shares: the exit statuses, the usage error,
the categories a record can fail with besides the core's, and opening FILE."""

from __future__ import annotations

import sys
from typing import IO

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# Categories a record can fail with besides the core's (errors.Error.category).
INVALID_RECORD = "invalid_record"
REFERENCE = "reference"


class UsageError(Exception):
    """A problem with the command line or its files: exit 2."""


def open_input(path: str) -> IO[str]:
    """The records of validate and apply; - is standard input. newline="" lets
    the CSV reader see line breaks inside quoted cells as they are."""
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
