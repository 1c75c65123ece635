"""What the accountkit command's end-to-end tests share: the sample, records
and results files, credentials for a sandbox, common records (the sandbox
that outlives each run, external_sandbox, is a fixture in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import accountkit as ak
from accountkit.cli import env_prefix

from conftest import EXAMPLES

SAMPLE = EXAMPLES / "accounts.jsonl"


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def read_results(path: Path) -> list[dict[str, Any]]:
    """RESULTS as written: in the order the records finished."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def by_line(path: Path) -> list[dict[str, Any]]:
    """RESULTS in input order."""
    return sorted(read_results(path), key=lambda l: l["line"])


def sandbox_env(sb: ak.Sandbox) -> dict[str, str]:
    """ACCOUNTKIT_<VENDOR>_<OPTION> for every vendor, pointing at sb."""
    env = {"ACCOUNTKIT_COMMVAULT_POLL_INITIAL_MS": "50"}
    for vendor in ak.VENDORS:
        for name, value in sb.credentials(vendor).items():
            env[env_prefix(vendor) + name.upper()] = value
    return env


def nn(key: str, op: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "vendor": "99digital", "operation": op, "fields": fields}


NN_CREATE = {"account_name": "Acme", "agents": 2, "inboxes": 1, "admin_email": "a@acme.example", "admin_name": "A",
             "admin_displayName": "A", "admin_password": "Sandbox!Pass1"}
AP_CREATE = {"account_type_id": 1, "account_class_id": 1, "first_name": "Ada", "last_name": "L", "country": "GB",
             "region": "R", "city": "C", "street": "S", "building": "1", "office": "2", "zip": "Z",
             "phone": "+442079460000", "email": "ada@example.com"}
