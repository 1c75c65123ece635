"""ak.account_view and Result.view(): every vendor's accounts, as its
get_account and list_accounts return them from the sandbox, read as the
common view (docs/vendors/*.md, "Account view")."""

from __future__ import annotations

import re
from typing import Any

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, ap_account, nn_account

KEYS = ["vendor", "id", "name", "status", "vendor_status", "email", "country", "key", "created", "updated", "record"]
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def client(sb: ak.Sandbox, vendor: str) -> Any:
    return ak.Client(vendor, **sb.credentials(vendor))


def test_99digital_lists_its_view(fresh_sandbox: ak.Sandbox) -> None:
    c = client(fresh_sandbox, "99digital")
    made = c.create_account(**nn_account(account_name="Acme view", reference="crm77"))
    (item,) = [r for r in c.list_accounts() if r.id == made.id]
    view = item.view()
    assert list(view) == KEYS
    assert view["vendor"] == "99digital" and view["id"] == made.id
    assert (view["name"], view["status"], view["vendor_status"], view["key"]) == ("Acme view", "active", "active", "crm77")
    assert view["email"] is None and view["country"] is None and view["updated"] is None
    assert ISO_UTC.match(view["created"])
    assert view["record"] == item.data
    # suspended through update_account: its answer (account_status 0) reads the same
    updated = c.update_account(made.id, server="online", account_status=0)
    assert updated.view()["status"] == "suspended"
    (item,) = [r for r in c.list_accounts() if r.id == made.id]
    assert ak.account_view("99digital", item.data)["status"] == "suspended"


@pytest.mark.parametrize("vendor", ["activeplatform", "activeplatform-v3"])
def test_activeplatform_gets_and_lists_its_view(fresh_sandbox: ak.Sandbox, vendor: str) -> None:
    c = client(fresh_sandbox, vendor)
    if vendor == "activeplatform":
        made = c.create_account(**ap_account(primary_name="Analytical Engines"))
    else:
        made = c.create_account(account_type_id=1, first_name="Ada", last_name="Lovelace", email="ada@ae.example",
                                country="GB", primary_name="Analytical Engines")
    got = c.get_account(made.id).view()
    (listed,) = [r.view() for r in c.list_accounts() if r.id == made.id]
    for view in (got, listed):
        assert view["vendor"] == vendor and view["id"] == made.id
        assert view["name"] == "Analytical Engines"
        assert view["status"] == "active" and view["country"] == "GB"
        assert view["email"] in ("ada@lovelace.example", "ada@ae.example")
        assert view["key"] is None  # no documented field for the partner's own key
        assert ISO_UTC.match(view["created"]) and ISO_UTC.match(view["updated"])


def test_commvault_gets_and_lists_its_view(sandbox: ak.Sandbox) -> None:
    c = client(sandbox, "commvault")
    got = c.get_account(COMMVAULT_ACME).view()
    assert {k: got[k] for k in KEYS[:-1]} == {
        "vendor": "commvault",
        "id": COMMVAULT_ACME,
        "name": "Acme ltd",
        "status": "active",
        "vendor_status": "active",
        "email": "john.doe@acme.com",
        "country": "United States",
        "key": "XSP1234",
        "created": "2021-06-07T21:16:48Z",
        "updated": "2021-06-07T21:16:48Z",
    }
    views = {r.id: r.view() for r in c.list_accounts()}
    assert views[COMMVAULT_ACME]["key"] == "XSP1234"
    assert all(v["status"] == "active" and ISO_UTC.match(v["created"]) for v in views.values())


def test_statuses_times_and_masking() -> None:
    view = ak.account_view("activeplatform", {"id": 5, "status": "administrative hold",
                                              "created_at": "2019-10-15T13:08:36.440+03:00"})
    assert (view["status"], view["created"], view["name"]) == ("suspended", "2019-10-15T10:08:36Z", None)
    assert ak.account_view("commvault", {"status": "provisioning"})["status"] == "pending"
    assert ak.account_view("commvault", {"status": "pending_delete"})["status"] == "unknown"
    assert ak.account_view("commvault", {"insertTs": "not a time"})["created"] is None
    masked = ak.account_view("99digital", {"account_id": 1000, "login": "https://x.example/once"})
    assert masked["record"]["login"] == "***" and masked["id"] == "1000"


def test_errors() -> None:
    with pytest.raises(ak.InvalidArgumentError):
        ak.account_view("nosuch", {})
    with pytest.raises(ak.InvalidArgumentError):
        ak.account_view("commvault", [1, 2])  # type: ignore[arg-type]
    with pytest.raises(ak.InvalidArgumentError):
        ak.account_view("commvault", {"when": object()})
