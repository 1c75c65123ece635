"""Vendors, operations and field rules as the core describes them (cached)."""

from __future__ import annotations

import copy
from typing import Any

from . import _core

_cache: dict[str, Any] = {}


def _vendors() -> tuple[dict[str, Any], ...]:
    if "vendors" not in _cache:
        _cache["vendors"] = tuple(_core.vendors())
    vendors: tuple[dict[str, Any], ...] = _cache["vendors"]
    return vendors


def describe() -> list[dict[str, Any]]:
    """A deep copy of the core's description of every vendor."""
    return copy.deepcopy(list(_vendors()))


def vendor(name: str) -> dict[str, Any] | None:
    if "by_name" not in _cache:
        _cache["by_name"] = {v["name"]: v for v in _vendors()}
    info: dict[str, Any] | None = _cache["by_name"].get(name)
    return info


def _operations(vendor_name: str) -> dict[str, dict[str, Any]]:
    key = "ops:" + vendor_name
    if key not in _cache:
        info = vendor(vendor_name)
        _cache[key] = {op["name"]: op for op in info["operations"]} if info else {}
    ops: dict[str, dict[str, Any]] = _cache[key]
    return ops


def operation(vendor_name: str, op: str) -> dict[str, Any] | None:
    return _operations(vendor_name).get(op)


def read_operation(vendor_name: str) -> dict[str, Any] | None:
    """The operation that reads one account (what ``wait`` polls)."""
    for op in _operations(vendor_name).values():
        if op["kind"] == "read":
            return op
    return None


def secret_keys() -> frozenset[str]:
    """Names whose values are never shown: the core's list (secret options,
    secret fields, the secret keys of the vendors' answers)."""
    if "secret_keys" not in _cache:
        _cache["secret_keys"] = frozenset(_core.secret_keys())
    found: frozenset[str] = _cache["secret_keys"]
    return found


def field_at(fields: list[dict[str, Any]], segments: list[str | int]) -> dict[str, Any] | None:
    """The rule of the field at a parsed path (keys and indexes), or None."""
    current: dict[str, Any] | None = {"type": "object", "fields": fields}
    for seg in segments:
        if current is None:
            return None
        if isinstance(seg, int):
            current = current.get("element") if current.get("type") == "array" else None
        else:
            current = next((f for f in current.get("fields", []) if f["name"] == seg), None)
    return current
