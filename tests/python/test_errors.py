"""The exception taxonomy: classes, attributes, messages, and secrets."""

from __future__ import annotations

import socket
import threading
import time

import pytest

import accountkit as ak
from accountkit import errors

from conftest import COMMVAULT_ACME, nn_account


def _classes() -> list[type[ak.Error]]:
    return [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, ak.Error) and c is not ak.Error]


@pytest.mark.parametrize("code", range(1, ak._core.status_count()))
def test_every_core_status_has_one_class_named_by_the_core(code: int) -> None:
    """The classes follow the core's table (ak_status_name, ak_status_parent), never a copy of it."""
    name = ak._core.status_name(code)
    (cls,) = [c for c in _classes() if c.code == code]
    assert cls.category == name
    assert errors.error_class(name) is cls
    parent = ak._core.status_parent(code)
    refined = [b for b in cls.__mro__[1:] if issubclass(b, ak.Error) and b is not ak.Error]
    assert (refined[0].code if refined else 0) == parent
    e = errors._from_core({
        "code": code, "category": name, "message": "commvault get_account: it failed", "vendor": "commvault",
        "operation": "get_account", "http_status": 0, "vendor_code": "", "request_id": "", "raw_body": "",
        "retriable": False, "attempts": 0, "retry_after": -1.0, "fields": [],
    })
    assert type(e) is cls
    assert str(e) == "commvault get_account: it failed"  # the core's message, as every front end shows it
    assert e.http_status is None and e.vendor_code is None and e.request_id is None and e.retry_after is None


def test_no_class_claims_a_number_the_core_does_not_name() -> None:
    assert ak._core.status_name(ak._core.status_count()) is None
    assert all(ak._core.status_name(c.code) is not None for c in _classes())


def test_class_relationships() -> None:
    assert issubclass(ak.DecodeError, ak.VendorError)
    assert issubclass(ak.TimeoutError, ak.TransportError) and issubclass(ak.TimeoutError, TimeoutError)
    assert issubclass(ak.ValidationError, ValueError)
    assert issubclass(ak.InvalidArgumentError, ValueError)
    assert issubclass(ak.UnknownOperationError, ak.InvalidArgumentError)


def test_attributes_of_a_vendor_error(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("commvault")
    with pytest.raises(ak.NotFoundError) as info:
        client.get_account("00000000-0000-4000-8000-999999999999")
    e = info.value
    assert (e.vendor, e.operation, e.http_status, e.vendor_code) == ("commvault", "get_account", 404, "1006")
    assert e.is_retriable is False and e.attempts == 1 and e.errors == []
    assert e.message == str(e) and str(e).startswith("commvault get_account: ")
    assert e.to_dict()["category"] == "not_found"
    assert e.to_dict()["http_status"] == 404


def test_validation_error_lists_field_errors(sandbox: ak.Sandbox) -> None:
    with pytest.raises(ak.ValidationError) as info:
        sandbox.client("99digital").create_account(**nn_account(inboxes=5000))
    e = info.value
    assert e.errors == [ak.FieldError("inboxes", "max_digits", e.errors[0].message)]
    path, rule, message = e.errors[0]
    assert "3 digits" in message
    assert str(e.errors[0]) == f"inboxes: {message} (max_digits)"
    assert e.to_dict()["fields"] == [{"path": "inboxes", "rule": "max_digits", "message": message}]


def test_transport_error_when_nothing_listens() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The port is closed again: connections are refused.
    client = ak.Client("activeplatform", base_url=f"http://127.0.0.1:{port}", api_token="tok-123456", max_attempts=1)
    with pytest.raises(ak.TransportError) as info:
        client.get_account(1)
    e = info.value
    assert e.http_status is None
    assert e.attempts == 1
    assert "activeplatform get_account" in str(e)


def test_timeout_is_a_transport_error_and_a_builtin_timeout() -> None:
    # A server that accepts and never answers.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        client = ak.Client("activeplatform", base_url=f"http://127.0.0.1:{port}", api_token="tok-123456", timeout=0.3,
                           max_attempts=1)
        started = time.monotonic()
        with pytest.raises(ak.TimeoutError) as info:
            client.get_account(1)
        assert time.monotonic() - started < 5
        assert isinstance(info.value, ak.TransportError)
        assert isinstance(info.value, TimeoutError)
        assert info.value.category == "timeout"
    finally:
        stop.set()
        thread.join()
        for c in accepted:
            c.close()
        server.close()


def test_create_outcome_unknown_when_the_answer_is_lost(fresh_sandbox: ak.Sandbox) -> None:
    # ActivePlatform has no natural key: a lost create answer cannot be checked.
    fresh_sandbox.add_faults({"vendor": "activeplatform", "method": "POST", "kind": "drop_after_commit", "count": 1})
    from conftest import ap_account

    with pytest.raises(ak.OutcomeUnknownError) as info:
        fresh_sandbox.client("activeplatform").create_account(**ap_account())
    assert "activeplatform create_account" in str(info.value)
    assert [r.get("fault") for r in fresh_sandbox.requests()] == ["drop_after_commit"]


def test_decode_error_on_a_garbled_answer(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.add_faults({"vendor": "commvault", "method": "GET", "path": "/api/v1/partner/accounts/*",
                              "kind": "malformed"})
    client = fresh_sandbox.client("commvault", max_attempts=1)
    with pytest.raises(ak.DecodeError) as info:
        client.get_account(COMMVAULT_ACME)
    assert isinstance(info.value, ak.VendorError)
    assert info.value.http_status == 200
    fresh_sandbox.clear_faults()
    assert fresh_sandbox.faults() == []
    assert client.get_account(COMMVAULT_ACME).id == COMMVAULT_ACME


def test_retries_are_counted(fresh_sandbox: ak.Sandbox) -> None:
    fresh_sandbox.add_faults({"vendor": "commvault", "method": "GET", "kind": "status", "status": 503, "count": 5})
    client = fresh_sandbox.client("commvault", max_attempts=3, retry_base_ms=1, retry_max_ms=5)
    with pytest.raises(ak.VendorError) as info:
        client.get_account(COMMVAULT_ACME)
    assert info.value.http_status == 503
    assert info.value.attempts == 3
    assert info.value.is_retriable


def test_bad_options() -> None:
    with pytest.raises(ak.InvalidArgumentError, match="unknown option"):
        ak.Client("99digital", api_token="x")
    with pytest.raises(ak.InvalidArgumentError, match="timeout_ms"):
        ak.Client("99digital", timeout_ms="soon")
    with pytest.raises(ak.InvalidArgumentError, match="timeout"):
        ak.Client("99digital", timeout=-1)
    with pytest.raises(ak.InvalidArgumentError, match="base_url"):
        ak.Client("99digital", base_url="ftp://x")
    with pytest.raises(ak.InvalidArgumentError, match="unknown vendor"):
        ak.Client("nope")


def test_secrets_never_in_repr(sandbox: ak.Sandbox) -> None:
    client = ak.Client("99digital", base_url=sandbox.base_url("99digital"), client_id="sandbox-client",
                       client_secret="sandbox-secret")
    assert "sandbox-secret" not in repr(client)
    result = ak.Result({"client_secret": "s3", "admin_password": "pw", "nested": [{"password": "p"}], "name": "n"})
    text = repr(result)
    assert "s3" not in text and "'pw'" not in text and "'p'" not in text and "'n'" in text
    assert result["admin_password"] == "pw"  # the data itself is untouched


def test_sandbox_misuse() -> None:
    sb = ak.Sandbox()
    with pytest.raises(ak.InvalidArgumentError, match="not running"):
        _ = sb.url
    with pytest.raises(ak.InvalidArgumentError, match="unknown sandbox option"):
        sb.set_option("no_such_knob", 1)
    with pytest.raises(ak.InvalidArgumentError):
        sb.credentials("nope")
    assert repr(sb) == "Sandbox(stopped)"
    with sb:
        assert sb.url == f"http://127.0.0.1:{sb.port}"
        assert sb.base_url("commvault") == sb.url + "/commvault"
        assert sb.credentials("commvault") == {"base_url": sb.url + "/commvault", "username": "sandbox-partner",
                                               "password": "sandbox-password"}
    assert not sb.running and sb.port == 0


# ---- issue 13: secrets in output, Retry-After, dot segments ---------------------------------


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
def test_a_garbled_token_answer_is_withheld_from_the_error(fresh_sandbox: ak.Sandbox, kind: str) -> None:
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/settings/accessToken", "kind": kind})
    client = fresh_sandbox.client("99digital", max_attempts=1)
    with pytest.raises(ak.Error) as info:
        list(client.list_accounts())
    e = info.value
    shown = f"{e} {e!r} {e.raw_body} {e.to_dict()}"
    assert "sbx_" not in shown, "a piece of the token shows in the error"
    if kind == "malformed":
        assert isinstance(e, ak.DecodeError)
        assert e.raw_body is not None and "withheld" in e.raw_body


def test_a_base_url_with_a_password_is_refused_without_repeating_it(sandbox: ak.Sandbox) -> None:
    password = "PW-userinfo-7Qz"
    url = sandbox.base_url("99digital").replace("http://", f"http://ada:{password}@")
    with pytest.raises(ak.InvalidArgumentError) as info:
        ak.Client("99digital", base_url=url, client_id="sandbox-client", client_secret="sandbox-secret")
    assert "user information" in str(info.value)
    assert password not in f"{info.value} {info.value!r}"


def test_a_short_secret_does_not_mangle_the_message(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("99digital", client_secret="secret", max_attempts=1)
    with pytest.raises(ak.AuthError) as info:
        list(client.list_accounts())
    assert "client_id or client_secret" in str(info.value)
    assert "client_***" not in str(info.value)


@pytest.mark.parametrize(("value", "want"), [("1e300", 86400.0), ("99999999999999999999", 86400.0), ("inf", 86400.0), ("120", 120.0)])
def test_a_huge_retry_after_ends_the_call_with_a_clamped_retry_after(
    fresh_sandbox: ak.Sandbox, value: str, want: float
) -> None:
    client = fresh_sandbox.client("99digital", max_attempts=3, retry_base_ms=1, retry_max_ms=5)
    list(client.list_accounts())  # the token first
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/getAccounts", "kind": "status",
                              "status": 429, "retry_after": value})
    with pytest.raises(ak.RateLimitError) as info:
        list(client.list_accounts())
    assert info.value.retry_after == want
    assert info.value.attempts == 1


@pytest.mark.parametrize("value", ["-5", "nan", "-inf"])
def test_a_retry_after_that_is_no_delay_is_ignored(fresh_sandbox: ak.Sandbox, value: str) -> None:
    client = fresh_sandbox.client("99digital", max_attempts=2, retry_base_ms=1, retry_max_ms=5)
    list(client.list_accounts())
    fresh_sandbox.add_faults({"vendor": "99digital", "path": "/api/online/getAccounts", "kind": "status",
                              "status": 429, "retry_after": value})
    with pytest.raises(ak.RateLimitError) as info:
        list(client.list_accounts())
    assert info.value.retry_after is None
    assert info.value.attempts == 2


@pytest.mark.parametrize("account_id", ["..", ".", "", "%2e%2e"])
def test_dot_segment_ids_are_refused_even_with_validation_off(fresh_sandbox: ak.Sandbox, account_id: str) -> None:
    client = fresh_sandbox.client("commvault", validate=False, max_attempts=1)
    with pytest.raises(ak.ValidationError) as info:
        client.get_account(account_id)
    assert [(f.path, f.rule) for f in info.value.errors] == [("id", "path_segment")]
    assert fresh_sandbox.requests() == []
