"""Local validation: every problem at once, Python values that JSON cannot
express, and nothing sent when fields are invalid."""

from __future__ import annotations

import datetime
import decimal
from collections import OrderedDict
from types import MappingProxyType

import pytest

import accountkit as ak

from conftest import ap_account, cv_update, nn_account


def test_valid_fields_have_no_problems() -> None:
    assert ak.validate("99digital", "create_account", nn_account()) == []
    assert ak.validate("activeplatform", "create_account", ap_account()) == []
    assert ak.validate("commvault", "update_account", {"id": "7194af6f-1285-4295-94aa-ceed7ea2d792", **cv_update()}) == []
    assert ak.validate("99digital", "list_accounts") == []


def test_every_problem_at_once() -> None:
    errors = ak.validate(
        "99digital",
        "create_account",
        nn_account(agents=12345, admin_email="nope", admin_password="weak", reference="a b", admin_2fa=2,
                   admin_displayName=None) | {"admin_displayname": "typo"},
    )
    found = {(e.path, e.rule) for e in errors}
    assert ("agents", "max_digits") in found
    assert ("admin_email", "email") in found
    assert ("admin_password", "password") in found
    assert ("reference", "letters_digits") in found
    # admin_2fa_value is optional whatever admin_2fa says (seed 001).
    assert not any(path == "admin_2fa_value" for path, _ in found)
    assert ("admin_displayname", "unknown_field") in found
    assert all(isinstance(e, ak.FieldError) and e.message for e in errors)
    # Messages never repeat the values.
    assert not any("weak" in e.message or "nope" in e.message for e in errors)


def test_nested_paths() -> None:
    errors = ak.validate("commvault", "update_account", {
        "id": "7194af6f-1285-4295-94aa-ceed7ea2d792",
        **cv_update(contacts=[{"firstName": "Only", "address": {"city": 5}}]),
    })
    paths = {e.path: e.rule for e in errors}
    assert paths["contacts[0].lastName"] == "all_or_none"
    assert paths["contacts[0].email"] == "all_or_none"
    assert paths["contacts[0].address.city"] == "type"


def test_null_is_not_absent() -> None:
    # website may be null (remove it); externalId may not.
    base = {"id": "7194af6f-1285-4295-94aa-ceed7ea2d792", **cv_update()}
    assert ak.validate("commvault", "update_account", {**base, "website": None}) == []
    errors = ak.validate("commvault", "update_account", {**base, "externalId": None})
    assert [e.path for e in errors] == ["externalId"]
    # ActivePlatform gives null no meaning on any field.
    assert [e.rule for e in ak.validate("activeplatform", "update_account", {"account_id": 1, "city": None})] == ["not_null"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (datetime.date(2024, 1, 1), "got datetime.date"),
        ({1, 2}, "got set"),
        (b"bytes", "got bytes"),
        (decimal.Decimal("1.5"), "got decimal.Decimal"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (2**70, "64-bit"),
        ("\ud800", "Unicode"),
        (object(), "got object"),
    ],
)
def test_values_json_cannot_express_name_the_field(value: object, words: str) -> None:
    errors = ak.validate("99digital", "create_account", nn_account(account_name=value))
    assert len(errors) == 1, errors
    assert errors[0].path == "account_name" and errors[0].rule == "type"
    assert words in errors[0].message


def test_bad_values_deep_inside_and_bad_keys() -> None:
    errors = ak.validate("activeplatform", "update_account", {
        "account_id": 1,
        "custom_attributes": [{"key": "a", "value": 1}, {"key": "b", "value": datetime.time()}],
        5: "x",
    })
    paths = {(e.path, e.rule) for e in errors}
    assert ("custom_attributes[1].value", "type") in paths
    assert any("key that is not a string" in e.message for e in errors)


def test_bool_is_a_json_boolean_not_an_integer() -> None:
    errors = ak.validate("99digital", "create_account", nn_account(agents=True))
    assert [(e.path, e.rule) for e in errors] == [("agents", "type")]
    assert "boolean" in errors[0].message
    assert ak.validate("activeplatform", "update_account",
                       {"account_id": 1, "financial_blocking_threshold_use_system": True}) == []
    # And an integer is no boolean.
    errors = ak.validate("activeplatform", "update_account", {"account_id": 1, "financial_blocking_threshold_use_system": 1})
    assert [e.rule for e in errors] == ["type"]


def test_mappings_and_tuples_are_accepted() -> None:
    fields = OrderedDict(nn_account())
    assert ak.validate("99digital", "create_account", MappingProxyType(fields)) == []
    attrs = ({"key": "k", "value": "v"},)
    assert ak.validate("activeplatform", "update_account", {"account_id": 1, "custom_attributes": attrs}) == []


def test_unknown_vendor_and_operation() -> None:
    with pytest.raises(ak.InvalidArgumentError, match="unknown vendor"):
        ak.validate("nope", "create_account", {})
    with pytest.raises(ak.UnknownOperationError, match="delete_account") as info:
        ak.validate("activeplatform", "delete_account", {})
    assert info.value.vendor == "activeplatform"


def test_invalid_fields_are_never_sent(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital")
    with pytest.raises(ak.ValidationError) as info:
        client.create_account(**nn_account(agents="ten", when=datetime.datetime.now()))
    e = info.value
    assert {(f.path, f.rule) for f in e.errors} == {("agents", "type"), ("when", "type")}
    assert e.http_status is None and e.attempts == 0
    assert "99digital create_account" in str(e) and "2 invalid fields" in str(e)
    assert fresh_sandbox.requests() == []  # not even a token request


def test_values_python_cannot_send_fail_even_without_validation(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital", validate=False)
    with pytest.raises(ak.ValidationError) as info:
        client.create_account(**nn_account(agents={1, 2}))
    assert [(f.path, f.rule) for f in info.value.errors] == [("agents", "type")]
    assert fresh_sandbox.requests() == []


def test_list_filters_are_checked_before_the_first_request(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("activeplatform")
    with pytest.raises(ak.ValidationError) as info:
        client.list_accounts(filters={"status": "sleeping"}, per_page=0)
    assert {e.path for e in info.value.errors} == {"filters.status", "per_page"}
    assert fresh_sandbox.requests() == []
