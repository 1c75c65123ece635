"""The installed package: where it comes from, what it exports, its metadata."""

from __future__ import annotations

import ctypes
import importlib.metadata
import re
from pathlib import Path

import accountkit as ak
from accountkit import _core

from conftest import REPO


def test_runs_the_installed_package_not_the_source_tree() -> None:
    location = Path(ak.__file__).resolve()
    assert "site-packages" in location.parts, location
    assert REPO / "python" not in location.parents


def test_extension_is_private_and_self_contained() -> None:
    so = Path(_core.__file__)
    assert so.parent == Path(ak.__file__).parent
    assert so.name.startswith("_core.")
    # No libaccountkit.so is needed next to it: the core is linked in.
    assert not list(so.parent.glob("libaccountkit*"))


def test_extension_exports_only_its_init_function() -> None:
    lib = ctypes.CDLL(_core.__file__)
    assert hasattr(lib, "PyInit__core")
    for name in ("ak_version", "ak_client_new", "ak_call"):
        assert not hasattr(lib, name), name  # the C API compiled in stays internal


def test_version_is_the_headers() -> None:
    header = (REPO / "capi/include/accountkit/accountkit.h").read_text()
    parts = [re.search(rf"#define AK_VERSION_{p} (\d+)", header).group(1) for p in ("MAJOR", "MINOR", "PATCH")]  # type: ignore[union-attr]
    assert ak.__version__ == ".".join(parts)
    assert importlib.metadata.version("accountkit") == ak.__version__


def test_typed_package() -> None:
    root = Path(ak.__file__).parent
    assert (root / "py.typed").exists()
    assert (root / "_core.pyi").exists()


def test_vendors() -> None:
    # The core's list, in its order (a new vendor is a core change only).
    assert ak.VENDORS[:4] == ("99digital", "activeplatform", "activeplatform-v3", "commvault")
    described = ak.describe_vendors()
    assert [v["name"] for v in described] == list(ak.VENDORS)
    ops = {v["name"]: {op["name"]: op for op in v["operations"]} for v in described}
    assert set(ops["99digital"]) == {"create_account", "update_account", "list_accounts", "delete_account",
                                     "list_agents", "login_agent", "create_builder", "list_builders",
                                     "login_builder", "set_webhook", "get_webhook"}
    assert set(ops["activeplatform"]) == {
        "create_account", "get_account", "list_accounts", "update_account",
        "create_user", "get_user", "update_user", "list_users", "list_account_users",
    }
    assert set(ops["activeplatform-v3"]) == {"create_account", "get_account", "list_accounts", "update_account"}
    assert ops["activeplatform-v3"]["update_account"]["id_field"] == "account_id"
    assert set(ops["commvault"]) == {
            "create_account", "get_account", "list_accounts", "update_account", "activate_account",
            "deactivate_account", "get_fulfillment", "list_fulfillments",
        }
    assert ops["99digital"]["delete_account"]["id_field"] == "accountID"
    assert ops["99digital"]["login_agent"]["id_field"] == "accountID"
    assert ops["99digital"]["login_builder"]["id_field"] == "builderID"
    assert "login" in ak.describe_vendors()[0]["secret_keys"]  # the sign-in link
    assert ops["commvault"]["update_account"]["id_field"] == "id"
    assert [v["asynchronous"] for v in described] == [False, False, False, True]
    # A copy: changing it changes nothing inside the package.
    described[0]["name"] = "changed"
    assert ak.describe_vendors()[0]["name"] == "99digital"


def test_public_names() -> None:
    for name in ak.__all__:
        assert hasattr(ak, name), name
    for name in ("Client", "Result", "Sandbox", "validate", "parse_webhook", "VENDORS", "__version__", "Error", "ValidationError",
                 "AuthError", "NotFoundError", "RateLimitError", "VendorError", "TransportError", "FieldError"):
        assert name in ak.__all__
    # ak.TimeoutError exists but `import *` must not shadow the builtin.
    assert issubclass(ak.TimeoutError, TimeoutError)
    assert "TimeoutError" not in ak.__all__
    namespace: dict[str, object] = {}
    exec("from accountkit import *", namespace)
    assert "TimeoutError" not in namespace
