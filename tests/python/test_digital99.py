"""99digital through the sandbox: every operation, ids, tokens, vendor errors."""

from __future__ import annotations

import time

import pytest

import accountkit as ak

from conftest import nn_account


def test_lifecycle(sandbox: ak.Sandbox) -> None:
    client = ak.Client("99digital", **sandbox.credentials("99digital"))
    created = client.create_account(**nn_account(reference="lifecycle1"))
    assert created.operation == "create_account"
    assert created.vendor == "99digital"
    account_id = created["account_id"]
    assert isinstance(account_id, int)
    assert created.id == str(account_id)
    assert created.data["reference"] == "lifecycle1"

    # The id positionally (as Result.id's text) or by the vendor's own name.
    renamed = client.update_account(created.id, server="online", account_name="Acme Holdings")
    assert renamed["account_name"] == "Acme Holdings"
    assert renamed.status == "active"
    suspended = client.update_account(account_id=account_id, server="online", account_status=0)
    assert suspended.status == "suspended"

    listed = {a["account_id"]: a for a in client.list_accounts()}
    assert listed[account_id]["account_name"] == "Acme Holdings"
    assert listed[account_id]["reference"] == "lifecycle1"
    item = next(a for a in client.list_accounts() if a["account_id"] == account_id)
    assert item.id == created.id and item.status == "suspended"

    deleted = client.delete_account(account_id, server="online")
    assert deleted.operation == "delete_account"
    assert account_id not in {a["account_id"] for a in client.list_accounts()}

    with pytest.raises(ak.NotFoundError) as info:
        client.delete_account(account_id, server="online")
    e = info.value
    assert e.vendor_code == "33" and e.http_status == 200
    assert e.vendor == "99digital" and e.operation == "delete_account"
    assert [f.path for f in e.errors] == ["accountID"]


def test_request_bodies_use_the_vendors_names(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital")
    created = client.create_account(**nn_account(reference="bodies1"))
    client.delete_account(created.id, server="online")
    sent = [r for r in fresh_sandbox.requests("99digital") if r["path"] != "/api/settings/accessToken"]
    assert [(r["method"], r["path"]) for r in sent] == [
        ("POST", "/api/online/createAccount"),
        ("DELETE", "/api/online/deleteAccount"),
    ]
    assert sent[1]["json"] == {"accountID": int(created.id or 0), "server": "online"}
    # The password travelled but the journal masks it.
    assert sent[0]["json"]["admin_password"] == "***"
    assert sent[0]["headers"]["authorization"] == "Bearer ***"


def test_id_given_twice_is_an_error(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("99digital")
    with pytest.raises(ak.InvalidArgumentError, match="given twice"):
        client.update_account(1000, account_id=1000, server="online")
    with pytest.raises(ak.UnknownOperationError, match="get_account"):
        client.get_account(1000)


def test_token_is_fetched_once_and_refreshed_when_expired(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital")
    for _ in range(3):
        list(client.list_accounts())
    fresh_sandbox.expire_tokens()
    list(client.list_accounts())  # reason 3: fetch a new token once, resend
    paths = [r["path"] for r in fresh_sandbox.requests("99digital")]
    assert paths.count("/api/settings/accessToken") == 2
    assert paths.count("/api/online/getAccounts") == 5  # 3 + the rejected one + its resend


def test_short_lived_tokens_are_refreshed_ahead_of_expiry() -> None:
    # expiration_time is whole UNIX seconds: a 2 s token lives 1 to 2 s for the
    # client, which uses it for 3/4 of that (0.75 to 1.5 s).
    with ak.Sandbox(token_lifetime=2) as sb:
        client = sb.client("99digital")
        list(client.list_accounts())
        list(client.list_accounts())  # still fresh
        time.sleep(1.6)
        list(client.list_accounts())  # stale for the client, still valid for the server: fetched before the call
        paths = [r["path"] for r in sb.requests()]
        assert paths.count("/api/settings/accessToken") == 2
        assert paths.count("/api/online/getAccounts") == 3  # none refused and resent


def test_wrong_credentials(sandbox: ak.Sandbox) -> None:
    client = ak.Client("99digital", base_url=sandbox.base_url("99digital"),
                       client_id="sandbox-client", client_secret="Hunter2-very-secret")
    with pytest.raises(ak.AuthError) as info:
        client.create_account(**nn_account())
    e = info.value
    assert e.vendor_code == "2"
    assert not e.is_retriable
    for text in (str(e), repr(e), e.raw_body or "", repr(client)):
        assert "Hunter2-very-secret" not in text


def test_missing_credentials_name_what_is_missing(sandbox: ak.Sandbox) -> None:
    client = ak.Client("99digital", base_url=sandbox.base_url("99digital"), client_id="sandbox-client")
    with pytest.raises(ak.InvalidArgumentError, match="client_secret") as info:
        list(client.list_accounts())
    assert info.value.vendor == "99digital"
    assert info.value.operation == "list_accounts"


def test_vendor_reason_codes_without_local_validation(sandbox: ak.Sandbox) -> None:
    client = sandbox.client("99digital", validate=False)
    with pytest.raises(ak.ValidationError) as info:
        client.create_account(**nn_account(admin_email="not-an-email"))
    e = info.value
    assert e.vendor_code == "38"
    assert [(f.path, f.rule) for f in e.errors] == [("admin_email", "vendor")]
    created = client.create_account(**nn_account())
    with pytest.raises(ak.ValidationError) as info:
        client.update_account(created.id, server="mars")
    assert info.value.vendor_code == "34"
    assert [f.path for f in info.value.errors] == ["server"]


def test_access_token_option(fresh_sandbox: ak.Sandbox) -> None:
    # A caller-given token that the vendor does not know: reason 3, never refreshed.
    client = ak.Client("99digital", base_url=fresh_sandbox.base_url("99digital"), access_token="tok-not-issued")
    with pytest.raises(ak.AuthError) as info:
        list(client.list_accounts())
    assert "tok-not-issued" not in str(info.value)
    assert [r["path"] for r in fresh_sandbox.requests()].count("/api/settings/accessToken") == 0


def test_agents_and_the_sign_in_link(fresh_sandbox: ak.Sandbox) -> None:
    client = fresh_sandbox.client("99digital")
    created = client.create_account(**nn_account(reference="agents1", admin_2fa=2, admin_2fa_value="972501234567"))
    agents = list(client.iterate("list_agents", {"accountID": created["account_id"]}))
    assert [a.id for a in agents] == [str(created["agent_id"])]
    assert agents[0]["role"] == "Admin" and agents[0]["two_factor_phone"] == "+972501234567"
    assert agents[0]["two_factor_email"] is None

    # The id positionally, like every operation with an id field.
    login = client.call("login_agent", {"agentID": created["agent_id"]}, id=created.id)
    link = login["login"]
    assert link.startswith("https://online.99digital.co.il/sso/")
    assert login.id == created.id and login["agent_id"] == created["agent_id"]
    # The caller gets the link; nothing the library shows does.
    assert login.to_dict()["data"]["login"] == link
    assert link not in repr(login) and "'login': '***'" in repr(login)
    assert link not in str(fresh_sandbox.requests("99digital"))

    with pytest.raises(ak.NotFoundError) as info:
        client.call("login_agent", {"agentID": 99999}, id=created.id)
    assert info.value.vendor_code == "35"
    assert [f.path for f in info.value.errors] == ["agentID"]


# ---- webhooks and builders ---------------------------------------------------------


def test_parse_webhook_account_event() -> None:
    body = b'{"type":"partners","event":"account_suspended","accountID":"1000","account_status":"suspended"}'
    event = ak.parse_webhook("99digital", body)
    assert isinstance(event, ak.Result)
    assert event.vendor == "99digital" and event.operation == "webhook"
    assert event.id == "1000"
    assert event.status == "account_suspended"
    assert event["account_id"] == 1000  # one spelling, an integer, as in results
    # str works as well as bytes.
    assert ak.parse_webhook("99digital", body.decode()).id == "1000"
    assert ak.parse_webhook("99digital", bytearray(body)).id == "1000"


def test_parse_webhook_builder_event_keeps_the_link_out_of_repr() -> None:
    link = "https://builder.99digital.co.il/sso/0123456789abcdef0123456789abcdef"
    event = ak.parse_webhook("99digital", f'{{"type":"builder","builderID":7,"login":"{link}"}}')
    assert event.id == "7"
    assert event["login"] == link  # the data holds it, as results do
    assert link not in repr(event)
    assert "0123456789abcdef" not in repr(event)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"{}", '"type"'),
        (b'{"type":"partners"}', "account_id"),
        (b'{"type":"builder","builderID":"x"}', "builderID"),
    ],
)
def test_parse_webhook_refuses_malformed_bodies(body: bytes, says: str) -> None:
    with pytest.raises(ak.DecodeError) as caught:
        ak.parse_webhook("99digital", body)
    assert says in str(caught.value)
    assert caught.value.operation == "webhook"


def test_parse_webhook_never_quotes_the_body() -> None:
    secret = "https://builder.99digital.co.il/sso/deadbeefdeadbeef"
    with pytest.raises(ak.DecodeError) as caught:
        ak.parse_webhook("99digital", f'{{"type":"builder","login":"{secret}"}}')
    assert "deadbeef" not in str(caught.value)
    with pytest.raises(ak.DecodeError) as cut:
        ak.parse_webhook("99digital", f'{{"type":"builder","login":"{secret}"')
    assert "deadbeef" not in str(cut.value)


def test_parse_webhook_other_vendors_and_arguments() -> None:
    with pytest.raises(ak.UnknownOperationError):
        ak.parse_webhook("commvault", b"{}")
    with pytest.raises(ak.InvalidArgumentError):
        ak.parse_webhook("nosuchvendor", b"{}")
    with pytest.raises(ak.InvalidArgumentError):
        ak.parse_webhook("99digital", {"type": "partners"})  # type: ignore[arg-type]


def test_builders_and_webhook_settings(sandbox: ak.Sandbox) -> None:
    client = ak.Client("99digital", **sandbox.credentials("99digital"))
    assert client.get_webhook()["url"] == ""
    made = client.create_builder(client_name="Acme", reference="py1")
    builder_id = made["builderID"]
    assert isinstance(builder_id, int) and made.id == str(builder_id)
    assert builder_id in {b["builderID"] for b in client.list_builders()}
    first = client.login_builder(builder_id)
    second = client.login_builder(builderID=builder_id)
    assert first["login"] != second["login"]
    assert first["login"] not in repr(first)
    with pytest.raises(ak.NotFoundError):
        client.login_builder(999999)
    with pytest.raises(ak.ValidationError) as caught:
        client.set_webhook(url="hooks.example/99")
    assert [(e.path, e.rule) for e in caught.value.errors] == [("url", "url")]
