"""What apply keeps of finished records for references (``${KEY.PATH}``).

apply streams its input, so the memory it keeps per record decides its peak
RSS over 100k records. A regular file is therefore read once beforehand
(cheaply, line by line) to learn which keys references name and by which
paths; then only those values of those records' results are kept. Standard
input cannot be read twice: then every successful result's data is kept."""

from __future__ import annotations

import json
import os
import re
from typing import Any, TypeAlias, Union

from .._lines import bounded_lines, json_nesting_problem
from .._records import UnresolvedReference, pick, references

_REFERENCE = re.compile(rb"\$\{([^.{}]+)\.([^{}]+)\}")

# A referenced value the result did not have (kept instead of the value, so
# that the reference fails saying so, as it would against the whole data).
_MISSING = object()

# What a scan found: key -> the one result path its references name, or a tuple of them.
Referenced: TypeAlias = dict[str, Union[str, tuple[str, ...]]]


def scan_input(path: str, fmt: str) -> tuple[int | None, Referenced | None]:
    """One cheap streaming pass over a regular file before apply runs it: its
    line count (for the progress bar) and what its references name, as
    {key: result path, or a tuple of them} (only those values of those
    records' results are kept). (None, None) for standard input or a pipe,
    which cannot be read twice: then every result's data is kept whole."""
    if path == "-" or not os.path.isfile(path):
        return None, None
    count = 0
    keys: dict[str, set[str]] = {}
    with open(path, "rb") as f:
        # Within the reader's limits: a line too long to read is no record (the run reports it).
        for raw in bounded_lines(f):
            count += 1
            if raw is None or b"${" not in raw:  # most lines: no parsing at all
                continue
            if fmt == "jsonl":
                try:
                    text = raw.decode("utf-8")
                    obj = None if json_nesting_problem(text) else json.loads(text)
                except (ValueError, RecursionError):
                    obj = None
                if isinstance(obj, dict):
                    for _, key, ref_path in references(obj.get("fields")):
                        keys.setdefault(key, set()).add(ref_path)
                    continue
            # CSV (or a line that is not a JSON object): every ${KEY.PATH} in the text, a superset.
            for m in _REFERENCE.finditer(raw.replace(b'""', b'"')):
                key, ref_path = (g.decode("utf-8", "replace") for g in m.groups())
                keys.setdefault(key, set()).add(ref_path)
    # Compact: most keys are referred to by one path, and most paths repeat.
    texts: dict[str, str] = {}
    compact: Referenced = {}
    for key, paths in keys.items():
        shared = tuple(sorted(texts.setdefault(p, p) for p in paths))
        compact[key] = shared[0] if len(shared) == 1 else shared
    return count, compact


class ResultMemory:
    """The result data of finished records, as much as references need:
    results[key] is, for a key references name by one path, the value at that
    path (or _MISSING); by more, {path: value}; with no scan (referenced is
    None), the whole data. Keys no reference names are not kept at all."""

    def __init__(self, referenced: Referenced | None) -> None:
        self.referenced = referenced
        self.results: dict[str, Any] = {}

    def kept(self, key: str, data: Any) -> Any:
        """What is kept of a successful record's result data for references:
        the value its references name (one path: the value, or _MISSING; more:
        {result path: value}), or the whole data when the input could not be
        scanned first; None: nothing (no record refers to it)."""
        if self.referenced is None:
            return data
        paths = self.referenced.get(key)
        if paths is None:
            return None
        if isinstance(paths, str):
            found, value = pick(data, paths)
            return value if found else _MISSING
        picked: dict[str, Any] = {}
        for ref_path in paths:
            found, value = pick(data, ref_path)
            if found:
                picked[ref_path] = value
        return picked

    def remember(self, key: str, data: Any) -> bool:
        """Keeps what references need of key's successful result data; False
        when nothing is kept."""
        keep = self.kept(key, data)
        if keep is None:
            return False
        self.results[key] = keep
        return True

    def forget(self, key: str) -> None:
        """key's last outcome (in an earlier RESULTS) cannot serve references."""
        self.results.pop(key, None)

    def lookup(self, key: str, ref_path: str, path: str, text: str) -> Any:
        """The value at ref_path in key's result (the lookup of _records.resolve),
        or UnresolvedReference saying why there is none."""
        if key not in self.results:
            raise UnresolvedReference(f"{path}: {text}: record {key!r} did not succeed")
        entry = self.results[key]
        paths = None if self.referenced is None else self.referenced.get(key)
        if paths is None:
            found, value = pick(entry, ref_path)
        elif isinstance(paths, str):
            found, value = paths == ref_path and entry is not _MISSING, entry
        else:
            found, value = ref_path in entry, entry.get(ref_path)
        if not found:
            raise UnresolvedReference(f"{path}: {text}: the result of record {key!r} has no {ref_path}")
        return value
