"""Commvault through the sandbox: get, list, update, wait; null vs absent; budgets."""

from __future__ import annotations

import time

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, COMMVAULT_GLOBEX, COMMVAULT_INITECH, cv_update


def test_get_seeded_accounts(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("commvault")
    acme = client.get_account(COMMVAULT_ACME)
    assert acme.id == COMMVAULT_ACME
    assert acme["name"] == "Acme ltd"
    assert acme.status == "active"
    # Ids compare case-insensitively.
    assert client.get_account(COMMVAULT_INITECH.lower())["name"] == "Initech"
    assert client.get_account(id=COMMVAULT_GLOBEX)["externalId"] == "XSP2001"


def test_list_pages_with_totals(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.set_option("commvault.seed_accounts", 12)
    client = fresh_sandbox.client("commvault")
    fresh_sandbox.clear_requests()
    names = [a["name"] for a in client.list_accounts(pageSize=5, sort="asc:name")]
    assert len(names) == 15 and names == sorted(names)
    reads = [r for r in fresh_sandbox.requests() if r["path"] == "/api/v1/partner/accounts"]
    assert [r["query"]["pageNumber"] for r in reads] == ["0", "1", "2"]  # totalRecords ends the walk
    assert [a["name"] for a in client.list_accounts(filter="initech")] == ["Initech"]


def test_update_then_wait_and_null_versus_absent(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("commvault", poll_initial_ms=50)
    fresh_sandbox.clear_requests()
    # website=None removes it; phone left out stays as it is.
    updating = client.update_account(
        COMMVAULT_ACME,
        **cv_update(name="Acme ltd (EU)", website=None, contacts=[{"address": {"addressLine2": None, "city": "San Jose"}}]),
    )
    assert updating.status == "updating"
    settled = client.wait(updating.id, timeout=10)
    assert settled.status == "active"
    assert settled["name"] == "Acme ltd (EU)"
    assert settled["website"] is None
    admin = settled["contacts"][0]
    assert admin["address"]["addressLine2"] is None and admin["address"]["city"] == "San Jose"
    assert admin["address"]["addressLine1"] == "1 Ave"  # absent: unchanged

    put = next(r for r in fresh_sandbox.requests() if r["method"] == "PUT")
    body = put["json"]
    assert "website" in body and body["website"] is None  # explicit null
    assert "id" not in body  # a path parameter
    assert body["contacts"] == [{"address": {"addressLine2": None, "city": "San Jose"}}]

    # Now leave website out: the journal has no such key, and the value stays.
    client.update_account(COMMVAULT_GLOBEX, **cv_update(externalId="XSP2001", name="Globex Corporation"))
    put = [r for r in fresh_sandbox.requests() if r["method"] == "PUT"][-1]
    assert "website" not in put["json"]
    assert client.wait(COMMVAULT_GLOBEX, timeout=10)["website"] == "www.globex.example"


def test_wait_reports_a_failed_update(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("commvault", poll_initial_ms=50)
    client.update_account(COMMVAULT_INITECH, externalId="XSP3003", name="FAIL this one", contacts=[])
    with pytest.raises(ak.OperationFailedError) as info:
        client.wait(COMMVAULT_INITECH, timeout=10)
    e = info.value
    assert e.vendor == "commvault" and e.operation == "wait"
    assert "update_failure" in str(e)
    assert client.get_account(COMMVAULT_INITECH)["name"] == "Initech"  # undone


def test_wait_times_out() -> None:
    with ak.Sandbox(update_delay=30) as sb:
        client = sb.client("commvault", poll_initial_ms=50, poll_max_ms=100)
        client.update_account(COMMVAULT_ACME, **cv_update())
        started = time.monotonic()
        with pytest.raises(ak.TimeoutError) as info:
            client.wait(COMMVAULT_ACME, timeout=0.5)
        assert time.monotonic() - started < 5
        e = info.value
        assert isinstance(e, ak.TransportError) and isinstance(e, TimeoutError)
        assert e.category == "timeout" and e.is_retriable
        assert "updating" in str(e)


def test_rate_limit() -> None:
    with ak.Sandbox(read_budget=2, budget_window=3600) as sb:
        client = sb.client("commvault", max_attempts=1)
        client.get_account(COMMVAULT_ACME)
        client.get_account(COMMVAULT_ACME)
        with pytest.raises(ak.RateLimitError) as info:
            client.get_account(COMMVAULT_ACME)
        e = info.value
        assert e.http_status == 429
        assert e.retry_after is not None and e.retry_after > 0
        assert e.is_retriable
        assert e.vendor_code == "1029"


def test_not_found_and_bad_ids(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("commvault")
    with pytest.raises(ak.NotFoundError) as info:
        client.get_account("00000000-0000-4000-8000-999999999999")
    assert info.value.vendor_code == "1006"
    # The seed types the id as a string: the vendor judges a non-UUID one.
    with pytest.raises(ak.NotFoundError):
        client.get_account("not-a-uuid")
    with pytest.raises(ak.ValidationError) as vinfo:
        client.get_account("..")
    assert [(f.path, f.rule) for f in vinfo.value.errors] == [("id", "path_segment")]


def test_wrong_password_is_never_shown(sandbox: ak.Sandbox) -> None:
    client = ak.Client("commvault", base_url=sandbox.base_url("commvault"), username="sandbox-partner",
                       password="pa55-Wrong-Secret")
    with pytest.raises(ak.AuthError) as info:
        client.get_account(COMMVAULT_ACME)
    assert "pa55-Wrong-Secret" not in str(info.value) + repr(info.value) + (info.value.raw_body or "")
    assert "pa55" not in repr(client)
    journal = [r for r in sandbox.requests("commvault") if r["path"] == "/api/v1/authenticate"]
    assert journal and all(r["json"]["password"] == "***" for r in journal)


def _new_customer(ext: str, name: str) -> dict[str, object]:
    return {
        "account": {
            "externalId": ext,
            "name": name,
            "contacts": [{"type": "admin", "email": f"admin@{ext.lower()}.example", "firstName": "Ada", "lastName": "Admin"}],
        },
        "service": {"skus": [{"sku": "MET-M365-BASIC", "quantity": 5}]},
    }


def test_create_is_a_fulfillment_that_wait_follows_to_the_account(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.set_option("commvault.update_delay_ms", 100)
    client = fresh_sandbox.client("commvault", poll_initial_ms=20, poll_max_ms=100)
    submitted = client.create_account(**_new_customer("PY-1", "Python Fulfilled Ltd"))
    assert submitted.operation == "create_account" and submitted.status == "submitted"
    assert str(submitted["externalId"]).startswith("ak")  # the natural key, generated
    account = client.wait(submitted, timeout=10)  # a Result: its id and operation
    assert account.status == "active" and account["name"] == "Python Fulfilled Ltd"
    assert account.operation == "get_account"
    same = client.wait(submitted.id, after="create_account", timeout=10)
    assert same.id == account.id
    fulfillment = client.call("get_fulfillment", id=submitted.id)
    assert fulfillment["status"] == "complete" and fulfillment["accountId"] == account.id
    with pytest.raises(ak.UnknownOperationError):
        client.wait(submitted.id, after="no_such_operation", timeout=1)
    with pytest.raises(ak.InvalidArgumentError):
        client.wait(submitted.id, after=7, timeout=1)  # type: ignore[arg-type]
