"""What every accountkit command shares: the exit statuses, the usage error,
the categories a record can fail with besides the core's, and opening FILE."""

from __future__ import annotations

from .._lines import Lines, UnreadableInput, open_lines

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
# `accountkit plan --detailed-exitcode`: the plan has steps to apply, or conflicts for a person to settle.
EXIT_PLAN_CHANGES = 3
EXIT_PLAN_CONFLICTS = 4
EXIT_INTERRUPTED = 130

# Categories a record can fail with besides the core's (errors.Error.category).
INVALID_RECORD = "invalid_record"
REFERENCE = "reference"


class UsageError(Exception):
    """A problem with the command line or its files: exit 2."""


def open_input(path: str) -> Lines:
    """The lines of validate's and apply's records (- is standard input),
    within the limits of _lines; a file that cannot be opened or is not text
    at all is a usage error."""
    try:
        return open_lines(path)
    except UnreadableInput as e:
        raise UsageError(str(e)) from None
