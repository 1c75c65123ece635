"""Planning ActivePlatform (docs/plan.md): its accounts have no field for your
own key, so the key is a custom attribute you name (key_attributes). Against
the sandbox: every outcome the vendor has (no change, an update of a field and
of the attributes, create, conflicts, only at the vendor), applied under an
injected fault, then planned again with no changes; the CLI's round with the
attribute configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import accountkit as ak

from conftest import ap_account, run_cli

KEY = {"activeplatform": "partner_id"}


def attrs(pid: str | None, **more: Any) -> list[dict[str, Any]]:
    out = [{"key": "partner_id", "value": pid}] if pid is not None else []
    return out + [{"key": k, "value": v} for k, v in more.items()]


def ap(pid: str | None, email: str, **more: Any) -> dict[str, Any]:
    return ap_account(email=email, custom_attributes=attrs(pid, **more))


DESIRED: list[dict[str, Any]] = [
    {"vendor": "activeplatform", "fields": ap("p-same", "same@x.example", tier="gold")},      # 1 no change
    {"vendor": "activeplatform", "fields": ap("p-drift", "new@x.example", tier="gold")},      # 2 update
    {"vendor": "activeplatform", "fields": ap("p-new", "created@x.example")},                 # 3 create
    {"vendor": "activeplatform", "fields": ap("p-twice", "twice@x.example")},                 # 4 conflict
    {"vendor": "activeplatform", "fields": ap("p-hold", "hold@x.example"), "status": "suspended"},  # 5 conflict
]


@pytest.fixture
def seeded() -> Iterator[tuple[ak.Sandbox, ak.Client]]:
    with ak.Sandbox() as sb:
        c = sb.client("activeplatform", retry_base_ms=1)
        for pid, email, more in [("p-same", "same@x.example", {"tier": "gold"}),
                                 ("p-drift", "old@x.example", {"tier": "silver", "region": "north"}),
                                 ("p-twice", "twice@x.example", {}), ("p-twice", "twice@x.example", {}),
                                 ("p-hold", "hold@x.example", {}), ("p-only", "only@x.example", {}),
                                 (None, "nokey@x.example", {})]:
            c.create_account(**ap(pid, email, **more))
        yield sb, c


def by_key(client: ak.Client) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for item in client.list_accounts():
        view = item.view(key_attribute="partner_id")
        out.setdefault(view["key"], []).append(view["id"])
    return out


def test_activeplatform_plan_apply_plan(seeded: tuple[ak.Sandbox, ak.Client]) -> None:
    sb, client = seeded
    ids = by_key(client)
    with pytest.raises(ak.InvalidArgumentError, match="without key_attribute"):
        ak.plan(client, DESIRED)
    plan = ak.plan(client, DESIRED, key_attributes=KEY, prune=True)
    assert [(s.action, s.key, s.id, s.line) for s in plan.steps] == [
        ("no_change", "p-same", ids["p-same"][0], 1),
        ("update", "p-drift", ids["p-drift"][0], 2),
        ("create", "p-new", None, 3),
        ("conflict", "p-twice", None, 4),
        ("conflict", "p-hold", ids["p-hold"][0], 5),
        ("only_at_vendor", "p-only", ids["p-only"][0], None),
        ("only_at_vendor", "", ids[None][0], None),
    ]
    _, update, create, twice, hold, only, nokey = plan.steps
    kept = attrs("p-drift", tier="gold", region="north")  # the account's other attribute is kept
    assert update.changes == [
        {"field": "email", "from": "old@x.example", "to": "new@x.example"},
        {"field": "custom_attributes", "from": attrs("p-drift", tier="silver", region="north"), "to": kept}]
    assert update.fields == {"account_id": int(ids["p-drift"][0]), "email": "new@x.example", "custom_attributes": kept}
    assert create.fields == DESIRED[2]["fields"]
    assert twice.reason == f"2 accounts carry this key: {', '.join(ids['p-twice'])}"
    assert hold.reason == "activeplatform has no operation that makes an account suspended (it is active)"
    assert only.reason == "activeplatform has no operation that removes an account"
    assert nokey.reason == 'no custom attribute "partner_id": not one of the partner\'s accounts, never removed'
    assert plan.key_attributes == KEY and json.loads(plan.to_json())["key_attributes"] == KEY

    # The update is refused once with a 503 before the vendor applies it: retried, applied once.
    sb.add_faults({"vendor": "activeplatform", "path": f"/api/vendor/v1/accounts/{ids['p-drift'][0]}.json",
                   "kind": "status", "status": 503, "count": 1})
    outcomes = ak.Plan.from_json(plan.to_json()).apply(client, desired=DESIRED)
    assert [(o.step.action, o.step.key, o.ok) for o in outcomes] == [("update", "p-drift", True),
                                                                     ("create", "p-new", True)]
    assert [r["fault"] for r in sb.requests("activeplatform") if "fault" in r] == ["status"]
    assert client.get_account(int(ids["p-drift"][0])).data["custom_attributes"] == kept

    again = ak.plan(client, DESIRED, key_attributes=KEY)
    assert [s.action for s in again.steps] == ["no_change", "no_change", "no_change", "conflict", "conflict",
                                               "only_at_vendor", "only_at_vendor"]
    assert not again.has_changes


def test_a_create_is_refused_once_an_account_carries_its_attribute(seeded: tuple[ak.Sandbox, ak.Client]) -> None:
    _, client = seeded
    plan = ak.plan(client, DESIRED[2:3], key_attributes=KEY)
    assert [s.action for s in plan.steps][0] == "create"
    client.create_account(**ap("p-new", "elsewhere@x.example"))
    (outcome,) = plan.apply(client)
    assert outcome.refused and "an account now carries the key" in str(outcome.error)
    assert len(by_key(client)["p-new"]) == 1


def test_cli_plan_and_list_take_the_configured_key_attribute(tmp_path: Path) -> None:
    desired = tmp_path / "desired.jsonl"
    desired.write_text("\n".join(json.dumps(d) for d in DESIRED[:3]) + "\n", encoding="utf-8")
    out = tmp_path / "plan.json"
    with ak.Sandbox() as sb:
        env = {f"ACCOUNTKIT_ACTIVEPLATFORM_{k.upper()}": v for k, v in sb.credentials("activeplatform").items()}
        sb.client("activeplatform").create_account(**ap("p-drift", "old@x.example"))
        refused = run_cli("plan", str(desired), env=env)
        assert refused.returncode != 0 and "without key_attribute" in refused.stderr
        env["ACCOUNTKIT_ACTIVEPLATFORM_KEY_ATTRIBUTE"] = "partner_id"
        made = run_cli("plan", str(desired), "--out", str(out), env=env)
        assert made.returncode == 0, made.stderr
        assert made.stdout.splitlines()[-1] == "plan: 2 to create, 1 to update"
        assert json.loads(out.read_text())["key_attributes"] == KEY
        del env["ACCOUNTKIT_ACTIVEPLATFORM_KEY_ATTRIBUTE"]  # apply takes it from the plan file
        ran = run_cli("apply", "--plan", str(out), "--desired", str(desired), env=env)
        assert ran.stdout.splitlines()[-1] == "apply: 3 steps: 3 done, 0 failed, 0 refused", ran.stdout + ran.stderr
        env["ACCOUNTKIT_ACTIVEPLATFORM_KEY_ATTRIBUTE"] = "partner_id"
        listed = run_cli("list", "--vendor", "activeplatform", "--format", "jsonl", env=env)
        assert sorted(json.loads(line)["key"] for line in listed.stdout.splitlines()) == ["p-drift", "p-new", "p-same"]
        again = run_cli("plan", str(desired), env=env)
        assert again.stdout.splitlines()[-1] == "plan: no changes, 3 without change"
