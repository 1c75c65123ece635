"""Client options per vendor for apply (and the names the sandbox command
prints): a TOML file's [VENDOR] tables, then ACCOUNTKIT_<VENDOR>_<OPTION>.
A table may also hold ``key_attribute``, which is no client option: the
custom attribute that holds your own key (ActivePlatform, docs/plan.md), read
by plan and list."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from .. import _describe
from ._common import UsageError

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def env_prefix(vendor: str) -> str:
    """ACCOUNTKIT_99DIGITAL_ for "99digital"."""
    return "ACCOUNTKIT_" + re.sub(r"[^A-Za-z0-9]", "_", vendor).upper() + "_"


def load_options(config: str | None, environ: Any) -> dict[str, dict[str, Any]]:
    """Client options per vendor: the config file's [VENDOR] tables, then the
    ACCOUNTKIT_<VENDOR>_<OPTION> environment variables over them."""
    options: dict[str, dict[str, Any]] = {name: {} for name in (v["name"] for v in _describe.describe())}
    if config:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib
        try:
            with open(config, "rb") as f:
                data = tomllib.load(f)
        except OSError as e:
            raise UsageError(f"cannot read {config}: {e.strerror}") from None
        except tomllib.TOMLDecodeError as e:
            raise UsageError(f"{config} is not valid TOML: {e}") from None
        for vendor, table in data.items():
            if vendor not in options:
                raise UsageError(f'{config}: unknown vendor table [{vendor}] (known: {", ".join(options)})')
            if not isinstance(table, dict):
                raise UsageError(f"{config}: [{vendor}] must be a table of client options")
            for name, value in table.items():
                if not isinstance(value, (str, int, float, bool)):
                    raise UsageError(f"{config}: [{vendor}] {name} must be a string, number or boolean")
                options[vendor][name] = value
    # The environment wins over the file: secrets are often injected that way.
    # A variable belongs to the vendor with the longest matching prefix:
    # ACCOUNTKIT_ACTIVEPLATFORM_V3_API_TOKEN is activeplatform-v3's api_token,
    # not activeplatform's "v3_api_token".
    prefixes = sorted(((env_prefix(vendor), vendor) for vendor in options), key=lambda p: -len(p[0]))
    for key, value in environ.items():
        for prefix, vendor in prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                options[vendor][key[len(prefix) :].lower()] = value
                break
    return options


KEY_ATTRIBUTE = "key_attribute"


def key_attributes(options: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The configured key_attribute per vendor (those that have one)."""
    return {vendor: str(opts[KEY_ATTRIBUTE]) for vendor, opts in options.items() if opts.get(KEY_ATTRIBUTE)}


def client_options(vendor: str, options: dict[str, dict[str, Any]], sandbox: Sandbox | None) -> dict[str, Any]:
    """The options of vendor's client: the configured ones, or with a sandbox,
    its credentials in place of the configured ones (other options kept);
    key_attribute is the planner's, not the client's."""
    opts = dict(options.get(vendor, {}))
    opts.pop(KEY_ATTRIBUTE, None)
    if sandbox is not None:
        info = _describe.vendor(vendor)
        for name in ["base_url", *(info["credentials"] if info else [])]:
            opts.pop(name, None)
        opts.update(sandbox.credentials(vendor))
    return opts


def credential_sources(vendor: str, options: dict[str, Any], config: str | None, environ: Any) -> list[str]:
    """Where vendor's credentials were read from, by name only (never a value):
    "ACCOUNTKIT_99DIGITAL_CLIENT_SECRET (environment)", "[99digital] client_id
    in FILE". A credential read from nowhere is named as missing."""
    info = _describe.vendor(vendor)
    out = []
    for name in info["credentials"] if info else []:
        variable = env_prefix(vendor) + name.upper()
        if variable in environ:
            out.append(f"{variable} (environment)")
        elif name in options:
            out.append(f"[{vendor}] {name} in {config}")
        else:
            out.append(f"{name}: not set ({variable} or [{vendor}] {name} in a --config file)")
    return out
