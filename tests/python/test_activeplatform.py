"""ActivePlatform through the sandbox: every operation, paging, HTTP errors, token redaction."""

from __future__ import annotations

import pytest

import accountkit as ak

from conftest import ap_account


def test_lifecycle(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("activeplatform")
    created = client.create_account(**ap_account(custom_attributes=[{"key": "crm_id", "value": "4711"}]))
    assert created.status == "active"
    assert created.id == str(created["id"])
    assert created.http_status == 201

    read = client.get_account(created.id)  # "500" becomes the integer the field wants
    assert read["email"] == "ada@lovelace.example"
    assert read.data == created.data

    updated = client.update_account(
        created["id"],
        city="Cambridge",
        middle_name="",
        financial_blocking_threshold_use_system=False,
        financial_blocking_threshold=250.5,
        custom_attributes=[{"key": "vip", "value": True}],
    )
    assert updated["city"] == "Cambridge"
    assert updated["financial_blocking_threshold"] == 250.5
    assert {a["key"]: a["value"] for a in updated["custom_attributes"]} == {"crm_id": "4711", "vip": True}

    ids = [a["id"] for a in client.list_accounts(filters={"status": "active"})]
    assert created["id"] in ids
    put = [r for r in sandbox.requests("activeplatform") if r["method"] == "PUT"][-1]
    assert put["path"] == f"/api/vendor/v1/accounts/{created.id}.json"
    assert "account_id" not in put["json"]  # a path parameter, not a body field
    assert put["json"]["financial_blocking_threshold_use_system"] is False
    assert put["query"]["api_token"] == "***"


def test_list_walks_every_page_lazily(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("activeplatform")
    for i in range(7):
        client.create_account(**ap_account(email=f"user{i}@example.com"))
    fresh_sandbox.clear_requests()
    accounts = client.list_accounts(per_page=3)
    assert fresh_sandbox.requests() == []  # nothing is fetched before the first item
    first = next(accounts)
    assert len(fresh_sandbox.requests()) == 1
    rest = list(accounts)
    assert [first["email"]] + [a["email"] for a in rest] == [f"user{i}@example.com" for i in range(7)]
    pages = [r["query"]["page"] for r in fresh_sandbox.requests()]
    assert pages == ["1", "2", "3"]  # 3 + 3 + 1: the short page is the last
    sorted_desc = [a["id"] for a in client.list_accounts(sorting={"field": "id", "reversed": True})]
    assert sorted_desc == sorted(sorted_desc, reverse=True)


def test_not_found(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("activeplatform")
    with pytest.raises(ak.NotFoundError) as info:
        client.get_account(987654)
    e = info.value
    assert e.http_status == 404
    assert e.vendor == "activeplatform" and e.operation == "get_account"
    assert "activeplatform get_account" in str(e)
    assert e.raw_body and "Account not found" in e.raw_body


def test_vendor_validation_is_every_field(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("activeplatform", validate=False)
    with pytest.raises(ak.ValidationError) as info:
        client.create_account(**ap_account(country="XX", phone="12345"))
    e = info.value
    assert e.http_status == 422
    assert {(f.path, f.rule) for f in e.errors} == {("country", "vendor"), ("phone", "vendor")}


def test_api_token_is_redacted(sandbox: ak.Sandbox) -> None:
    client = ak.Client("activeplatform", base_url=sandbox.base_url("activeplatform"), api_token="tok/en+with spaces")
    with pytest.raises(ak.AuthError) as info:
        client.get_account(1)
    e = info.value
    assert e.http_status == 401
    for text in (str(e), repr(e), e.raw_body or ""):
        assert "tok/en+with spaces" not in text
        assert "tok%2Fen" not in text
    assert "tok/en" not in repr(client)


def test_base_url_is_required() -> None:
    client = ak.Client("activeplatform", api_token="x")
    with pytest.raises(ak.InvalidArgumentError, match="base_url"):
        client.get_account(1)


def test_no_delete_and_no_wait(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("activeplatform")
    with pytest.raises(ak.UnknownOperationError, match="delete_account"):
        client.delete_account(1)
    with pytest.raises(ak.UnknownOperationError) as info:
        client.wait(1, timeout=1)
    assert info.value.vendor == "activeplatform"
