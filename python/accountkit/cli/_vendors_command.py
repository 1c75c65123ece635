"""accountkit vendors: the vendors, their operations and field rules, as text
or (--json) as the core describes them."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any

from .. import _describe
from ._common import EXIT_OK
from ._config import env_prefix


def _field_lines(fields: list[dict[str, Any]], indent: str) -> Iterator[str]:
    for f in fields:
        notes = [f["type"]]
        if f.get("required"):
            notes.append("required")
        if f.get("nullable"):
            notes.append("nullable")
        if f.get("secret"):
            notes.append("secret")
        for k in ("max_length", "max_digits", "format"):
            if k in f:
                notes.append(f"{k}={f[k]}")
        if "one_of" in f:
            notes.append("one of " + "/".join(json.dumps(v) for v in f["one_of"]))
        yield f"{indent}{f['name'] or '(element)'}: {', '.join(notes)}"
        yield from _field_lines(f.get("fields", []), indent + "  ")
        if "element" in f:
            yield from _field_lines(f["element"].get("fields", []), indent + "  ")


def cmd_vendors(args: argparse.Namespace) -> int:
    vendors = _describe.describe()
    if args.json:
        print(json.dumps(vendors, indent=2))
        return EXIT_OK
    for v in vendors:
        print(f"{v['name']} ({v['display_name']}); credentials: {', '.join(v['credentials'])}")
        print(f"  environment: {env_prefix(v['name'])}<OPTION>, e.g. {env_prefix(v['name'])}BASE_URL")
        for op in v["operations"]:
            id_note = f", id field {op['id_field']}" if op["id_field"] else ""
            print(f"  {op['name']} ({op['kind']}: {op['method']} {op['path']}{id_note})")
            for line in _field_lines(op["fields"], "    "):
                print(line)
        if v["asynchronous"]:
            print("  wait (polls until an asynchronous change settles)")
    return EXIT_OK
