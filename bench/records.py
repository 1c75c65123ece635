"""The benchmark's 99digital create_account records: record i is valid and
distinct from every other record. The same scheme as bench/records.h and
bench/validate_bench.cpp."""

from __future__ import annotations

import json
from typing import Any

TOKEN = "bench-token"


def record(i: int) -> dict[str, Any]:
    return {
        "account_name": f"Bench Account {i}",
        "agents": 1 + i % 9999,
        "inboxes": 1 + i % 999,
        "admin_email": f"admin{i}@bench.example",
        "admin_name": f"Admin User {i}",
        "admin_displayName": f"Admin {i}",
        "admin_password": f"Bench!Pass{i}",
        "reference": f"bench{i}",
    }


def pool(n: int) -> list[dict[str, Any]]:
    return [record(i) for i in range(n)]


def write_jsonl(path: str, n: int) -> None:
    """n create_account records in `accountkit apply` format (docs/cli.md)."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            line = {"key": f"bench-{i}", "vendor": "99digital", "operation": "create_account", "fields": record(i)}
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
