"""Desired state against the sandbox (docs/plan.md): ak.plan over seeded
99digital and Commvault accounts (matching, drifted, a duplicated key, one
only at the vendor), every step checked exactly; Plan.apply under injected
faults (a create's answer lost: exactly one account); plan again: nothing to
change; a stale step refused, then run with refresh; the plan file without a
secret; the CLI's plan / apply --plan round."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import accountkit as ak

from conftest import COMMVAULT_ACME, COMMVAULT_GLOBEX, COMMVAULT_INITECH, nn_account, run_cli

PASSWORD = "Plan!Secret9"


def nn(ref: str, name: str) -> dict[str, Any]:
    return nn_account(account_name=name, reference=ref, admin_password=PASSWORD)


ACME_CONTACTS = [{"type": "admin", "email": "john.doe@acme.com", "firstName": "John", "lastName": "Doe",
                  "address": {"addressLine1": "1 Ave", "addressLine2": "Suite 204", "city": "Sunnyvale",
                              "state": "California", "country": "United States", "postalCode": "94086"}}]

GLOBEX_CONTACTS = [{"type": "admin", "email": "erika.mustermann@globex.example", "firstName": "Erika",
                    "lastName": "Mustermann", "address": {"addressLine1": "Friedrichstrasse 100", "addressLine2": None,
                                                          "city": "Berlin", "state": "Berlin", "country": "Germany",
                                                          "postalCode": "10117"}}]


def cv(ext: str, name: str, contacts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"account": {"externalId": ext, "name": name,
                        "contacts": contacts or [{"email": f"a@{ext.lower()}.example", "firstName": "Ada",
                                                  "lastName": "Admin"}]},
            "service": {"skus": [{"sku": "MET-M365-BASIC", "quantity": 5}]}}


DESIRED: list[dict[str, Any]] = [
    {"vendor": "99digital", "fields": nn("pnew", "New Ltd"), "status": None},            # 1 create
    {"vendor": "99digital", "fields": nn("psame", "Same Ltd"), "status": None},          # 2 no change
    {"vendor": "99digital", "fields": nn("pdrift", "New Name Ltd"), "status": None},     # 3 update
    {"vendor": "99digital", "fields": nn("ptwice", "Twice Ltd"), "status": None},        # 4 conflict
    {"vendor": "99digital", "fields": nn("psleep", "Sleep Ltd"), "status": "suspended"},  # 5 suspend
    {"vendor": "commvault", "fields": cv("XSP1234", "Acme ltd (EU)", ACME_CONTACTS), "status": None},  # 6 update
    {"vendor": "commvault", "fields": cv("XSP2001", "Globex Corporation", GLOBEX_CONTACTS), "status": "suspended"},     # 7
    {"vendor": "commvault", "fields": cv("CV-NEW", "Hooli"), "status": None},               # 8 create
]


@pytest.fixture
def seeded() -> Iterator[tuple[ak.Sandbox, dict[str, ak.Client]]]:
    with ak.Sandbox(update_delay=0.1) as sb:
        clients: dict[str, Any] = {
            "99digital": sb.client("99digital", retry_base_ms=1),
            "commvault": sb.client("commvault", retry_base_ms=1, poll_initial_ms=20, poll_max_ms=100),
        }
        c = clients["99digital"]
        for ref, name in [("psame", "Same Ltd"), ("pdrift", "Old Name Ltd"), ("ptwice", "Twice Ltd"),
                          ("ptwice", "Twice Ltd"), ("psleep", "Sleep Ltd"), ("ponly", "Only Ltd")]:
            c.create_account(**nn(ref, name))
        yield sb, clients


def ids(client: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in client.list_accounts():
        view = item.view()
        out.setdefault(view["key"], []).append(view["id"])
    return out


def test_plan_apply_plan(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    sb, clients = seeded
    nn_ids = ids(clients["99digital"])
    plan = ak.plan(clients, DESIRED)
    got = [(s.action, s.vendor, s.key, s.id, s.line) for s in plan.steps]
    assert got == [
        ("create", "99digital", "pnew", None, 1),
        ("no_change", "99digital", "psame", nn_ids["psame"][0], 2),
        ("update", "99digital", "pdrift", nn_ids["pdrift"][0], 3),
        ("conflict", "99digital", "ptwice", None, 4),
        ("suspend", "99digital", "psleep", nn_ids["psleep"][0], 5),
        ("only_at_vendor", "99digital", "ponly", nn_ids["ponly"][0], None),
        ("update", "commvault", "XSP1234", COMMVAULT_ACME, 6),
        ("suspend", "commvault", "XSP2001", COMMVAULT_GLOBEX, 7),
        ("create", "commvault", "CV-NEW", None, 8),
        ("only_at_vendor", "commvault", "XSP3003", COMMVAULT_INITECH, None),
    ]
    create, _, update, conflict, suspend, only, cv_update, cv_suspend, cv_create, _ = plan.steps
    assert create.operation == "create_account" and create.fields["admin_password"] == "***"
    assert PASSWORD not in repr(create) and PASSWORD not in repr(plan)
    assert update.changes == [{"field": "account_name", "from": "Old Name Ltd", "to": "New Name Ltd"}]
    assert update.fields == {"account_id": int(nn_ids["pdrift"][0]), "server": "online", "account_name": "New Name Ltd"}
    assert update.expect == {"account_name": "Old Name Ltd"}
    assert conflict.reason == f"2 accounts carry this key: {', '.join(nn_ids['ptwice'])}"
    assert suspend.operation == "update_account" and suspend.fields["account_status"] == 0
    assert suspend.changes == [{"field": "status", "from": "active", "to": "suspended"}]
    assert only.reason == "no desired record has this key (removed only when pruning)"
    assert cv_update.changes == [{"field": "account.name", "from": "Acme ltd", "to": "Acme ltd (EU)"}]
    assert (cv_suspend.operation, cv_suspend.fields) == ("deactivate_account", {"id": COMMVAULT_GLOBEX,
                                                                                "disableLogin": True})
    assert cv_create.fields == cv("CV-NEW", "Hooli")
    assert plan.counts() == {"create": 2, "update": 2, "suspend": 2, "resume": 0, "remove": 0, "conflict": 1,
                             "no_change": 1, "only_at_vendor": 2}
    summary = plan.summary().splitlines()
    assert summary[0] == '+ create 99digital "pnew"'
    assert summary[1] == f'~ update 99digital {nn_ids["pdrift"][0]} "pdrift": account_name: "Old Name Ltd" → "New Name Ltd"'
    assert summary[2].startswith('! conflict 99digital "ptwice": 2 accounts carry this key')
    assert summary[-2:] == ["= 1 without change", "plan: 2 to create, 2 to update, 2 to suspend, 1 conflicts, "
                            "1 without change, 2 only at the vendor"]

    # The create's answer is lost once after the vendor made the account: one account all the same.
    sb.add_faults({"vendor": "99digital", "path": "/api/online/createAccount", "kind": "drop_after_commit", "count": 1})
    outcomes = plan.apply(clients)
    assert [(o.step.action, o.step.key, o.ok) for o in outcomes] == [
        ("create", "pnew", True), ("update", "pdrift", True), ("suspend", "psleep", True),
        ("update", "XSP1234", True), ("suspend", "XSP2001", True), ("create", "CV-NEW", True)]
    assert outcomes[0].result.recovered
    assert [r["fault"] for r in sb.requests("99digital") if "fault" in r] == ["drop_after_commit"]
    assert len(ids(clients["99digital"])["pnew"]) == 1

    again = ak.plan(clients, DESIRED)
    assert {s.action for s in again.steps} == {"no_change", "only_at_vendor", "conflict"}
    assert [s.key for s in again.steps if s.action == "conflict"] == ["ptwice"]
    assert not again.has_changes
    assert again.summary().splitlines()[-1] == "plan: no changes, 1 conflicts, 7 without change, 2 only at the vendor"


def test_prune_and_a_vendor_that_cannot_be_planned(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    pruned = ak.plan(clients, DESIRED[:1], prune=True)
    removes = [(s.key, s.operation) for s in pruned.steps if s.action == "remove"]
    assert removes == [("psame", "delete_account"), ("pdrift", "delete_account"), ("ptwice", "delete_account"),
                       ("ptwice", "delete_account"), ("psleep", "delete_account"), ("ponly", "delete_account")]
    with pytest.raises(ak.InvalidArgumentError, match="activeplatform cannot be planned"):
        ak.plan({**clients, "activeplatform": ak.Client("activeplatform", base_url="http://127.0.0.1:9", api_token="t")},
                [{"vendor": "activeplatform", "fields": {}}])
    with pytest.raises(ak.InvalidArgumentError, match="no client"):
        ak.plan(clients["99digital"], DESIRED)
    with pytest.raises(ak.InvalidArgumentError, match="status"):
        ak.plan(clients, [{"vendor": "99digital", "fields": {}, "status": "asleep"}])


def test_a_stale_step_is_refused_then_run_with_refresh(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    c = clients["99digital"]
    plan = ak.plan(clients, [DESIRED[2], DESIRED[0]])
    (drift,) = [s for s in plan.steps if s.action == "update"]
    c.update_account(drift.id, server="online", account_name="Someone Else Ltd")  # changed behind the plan
    c.create_account(**nn("pnew", "Made Meanwhile Ltd"))  # the create's key is taken meanwhile
    update, create = plan.apply(clients)
    assert update.refused and isinstance(update.error, ak.StalePlanError)
    assert update.error.changed == 'account_name is now "Someone Else Ltd", the plan read "Old Name Ltd"'
    assert create.refused and "an account now carries the key" in str(create.error)
    (update,) = [o for o in plan.apply(clients, refresh=True) if o.step.action == "update"]
    assert update.ok
    names = {a["reference"]: a["account_name"] for a in c.list_accounts()}
    assert names["pdrift"] == "New Name Ltd"


def test_the_plan_file_holds_no_secret(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    plan = ak.plan(clients, DESIRED)
    text = plan.to_json()
    assert PASSWORD not in text and '"admin_password": "***"' in text
    loaded = ak.Plan.from_json(text)
    assert [s.to_dict() for s in loaded.steps] == [s.to_dict() for s in plan.steps]
    assert json.loads(text)["version"] == 1
    # Without the desired records its creates cannot run; with them, they do.
    outcomes = loaded.apply(clients)
    assert [o.step.key for o in outcomes if not o.ok] == ["pnew", "CV-NEW"], [str(o.error) for o in outcomes]
    assert "give the desired records" in str(outcomes[0].error)
    other = [dict(d) for d in DESIRED]
    other[0] = {**other[0], "fields": nn("pnew", "Another Name Ltd")}
    (create, *_) = ak.Plan.from_json(text).apply(clients, desired=other)
    assert not create.ok and "not the one the plan was made from" in str(create.error)
    (create, *_) = ak.Plan.from_json(text).apply(clients, desired=DESIRED)
    assert create.ok and ids(clients["99digital"])["pnew"] == [create.result.id]
    with pytest.raises(ak.InvalidArgumentError):
        ak.Plan.from_json('{"version": 2, "steps": []}')


def test_a_plan_file_read_to_apply_keeps_only_the_steps_that_run(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    plan = ak.plan(clients, DESIRED)
    # Any layout of the file reads the same: indented, "steps" before "version".
    data = json.loads(plan.to_json())
    text = json.dumps({"steps": data["steps"], "version": data["version"]}, indent=2)
    everything = ak.Plan.from_json(text)
    assert [s.to_dict() for s in everything.steps] == [s.to_dict() for s in plan.steps]
    to_run = ak.Plan.from_json(text, actions=ak.RUN_ACTIONS)
    assert [s.to_dict() for s in to_run.steps] == [s.to_dict() for s in plan.steps if s.action in ak.RUN_ACTIONS]
    assert {s.action for s in plan.steps} - ak.RUN_ACTIONS, "the plan has steps that do not run"
    outcomes = to_run.apply(clients, desired=DESIRED)
    assert all(o.ok for o in outcomes), [str(o.error) for o in outcomes]
    assert not ak.plan(clients, DESIRED).has_changes


@pytest.mark.parametrize("text, problem", [
    ("", "not a plan file: Expecting '{': line 1 column 1"),
    ("[]", "not a plan file: Expecting '{'"),
    ('{"version": 1, "steps": []} {}', "not a plan file: Extra data"),
    ('{"version": 1, "steps": [] "x": 1}', "not a plan file: Expecting ',' delimiter"),
    ('{1: 2}', "not a plan file: Expecting property name enclosed in double quotes"),
    ('{"version": 1, "steps": [' + "[" * 100_000, "not a plan file: values nested too deeply"),
    ('{"version": 1, "steps": [7]}', "plan step 1 is not an object"),
    ('{"version": 1, "steps": [{"action": "explode", "vendor": "99digital"}]}', "plan step: unknown action 'explode'"),
    ('{"version": 1, "steps": null}', 'not a plan file: expected {"version": 1, "steps": [...]}'),
    ('{"version": 2, "steps": []}', 'not a plan file: expected {"version": 1, "steps": [...]}'),
    ('{"version": 1, "steps": [], "key_attributes": ["x"]}', '"key_attributes" must map vendor names'),
])
def test_a_malformed_plan_file_is_refused_with_where_and_why(text: str, problem: str) -> None:
    for actions in (None, ak.RUN_ACTIONS):
        with pytest.raises(ak.InvalidArgumentError) as e:
            ak.Plan.from_json(text, actions=actions)
        assert problem in str(e.value)


def test_an_unknown_action_to_keep_is_refused_not_ignored() -> None:
    with pytest.raises(ak.InvalidArgumentError, match=r"actions: unknown action\(s\) 'craete' \(known: create, "):
        ak.Plan.from_json('{"version": 1, "steps": []}', actions=["craete", "update"])


def test_cli_plan_then_apply(tmp_path: Path) -> None:
    desired = tmp_path / "desired.jsonl"
    desired.write_text("\n".join(json.dumps(d) for d in DESIRED[5:]) + "\n", encoding="utf-8")
    out = tmp_path / "plan.json"
    with ak.Sandbox(update_delay=0.1) as sb:
        env = {f"ACCOUNTKIT_COMMVAULT_{k.upper()}": v for k, v in sb.credentials("commvault").items()}
        env["ACCOUNTKIT_COMMVAULT_POLL_INITIAL_MS"] = "20"
        assert run_cli("plan", str(desired), env=env).returncode == 0  # changes to apply: a plan, not a failure
        made = run_cli("plan", str(desired), "--out", str(out), "--detailed-exitcode", env=env)
        assert made.returncode == 3, made.stderr
        assert made.stdout.splitlines()[0] == f'~ update commvault {COMMVAULT_ACME} "XSP1234": account.name: ' \
                                              '"Acme ltd" → "Acme ltd (EU)"'
        assert made.stdout.splitlines()[-1] == "plan: 1 to create, 1 to update, 1 to suspend, 1 only at the vendor"
        assert json.loads(out.read_text())["steps"][0]["action"] == "update"
        ran = run_cli("apply", "--plan", str(out), "--desired", str(desired), env=env)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert ran.stdout.splitlines()[-1] == "apply: 3 steps: 3 done, 0 failed, 0 refused"
        again = run_cli("plan", str(desired), "--format", "json", "--detailed-exitcode", env=env)
        steps = json.loads(again.stdout)["steps"]
        assert [s["action"] for s in steps] == ["no_change", "no_change", "no_change", "only_at_vendor"]
        assert again.returncode == 0, again.stderr
        twice = tmp_path / "twice.jsonl"  # two records with one key: a conflict
        twice.write_text(json.dumps(DESIRED[5]) + "\n" + json.dumps(DESIRED[7]) + "\n" + json.dumps(DESIRED[5])
                         + "\n", encoding="utf-8")
        conflicted = run_cli("plan", str(twice), "--detailed-exitcode", env=env)
        assert conflicted.returncode == 4 and "! conflict" in conflicted.stdout, conflicted.stdout + conflicted.stderr
        stale = run_cli("apply", "--plan", str(out), "--desired", str(desired), env=env)
        assert stale.returncode == 1 and "refused" in stale.stdout
    assert run_cli("apply", "--plan", str(out), "extra.jsonl").returncode == 2


def test_desired_csv_is_read_by_apply_s_reader(tmp_path: Path) -> None:
    from accountkit.cli._plan_command import read_desired

    path = tmp_path / "desired.csv"
    path.write_text("vendor,status,account_name,agents,reference,account.externalId\n"
                    "99digital,suspended,Acme,5,crm1,\n"
                    "commvault,,,,,XSP1234\n", encoding="utf-8")
    records, vendors = read_desired(str(path), None)
    assert list(records) == [
        {"line": 2, "vendor": "99digital", "fields": {"account_name": "Acme", "agents": 5, "reference": "crm1"},
         "status": "suspended"},
        {"line": 3, "vendor": "commvault", "fields": {"account": {"externalId": "XSP1234"}}, "status": None},
    ]
    assert vendors == ["99digital", "commvault"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"vendor": "99digital", "fields": {}, "operation": "create_account"}\n', encoding="utf-8")
    made = run_cli("plan", str(bad))
    assert made.returncode == 2 and f"{bad}:1: unknown record member(s): operation" in made.stderr


def test_resume_conflict_and_prune_for_commvault(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    c = clients["commvault"]
    for _ in range(2):  # two accounts carry one key
        c.wait(c.create_account(**cv("CV-TWICE", "Twice")), timeout=10)
    c.wait(c.call("deactivate_account", {"id": COMMVAULT_GLOBEX, "disableLogin": True}), timeout=10)
    desired = [{"vendor": "commvault", "fields": cv("XSP2001", "Globex Corporation", GLOBEX_CONTACTS),
                "status": "active"},
               {"vendor": "commvault", "fields": cv("CV-TWICE", "Twice"), "status": None}]
    plan = ak.plan(c, desired, prune=True)
    got = [(s.action, s.key, s.operation) for s in plan.steps]
    assert got == [("resume", "XSP2001", "activate_account"), ("conflict", "CV-TWICE", None),
                   ("remove", "XSP3003", "deactivate_account"), ("remove", "XSP1234", "deactivate_account")]
    assert plan.steps[1].reason.startswith("2 accounts carry this key: ")
    assert plan.steps[2].fields == {"id": COMMVAULT_INITECH, "disableLogin": True, "disableBackup": True,
                                    "disableRestore": True}
    outcomes = plan.apply(c)
    assert [(o.step.action, o.ok) for o in outcomes] == [("resume", True), ("remove", True), ("remove", True)]
    statuses = {v["key"]: v["status"] for v in (r.view() for r in c.list_accounts())}
    assert (statuses["XSP2001"], statuses["XSP1234"], statuses["XSP3003"]) == ("active", "suspended", "suspended")


def test_99digital_resume_and_prune_applied(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    c = clients["99digital"]
    sleepy = ids(c)["psleep"][0]
    c.update_account(sleepy, server="online", account_status=0)
    plan = ak.plan(clients, [{"vendor": "99digital", "fields": nn("psleep", "Sleep Ltd"), "status": "active"}],
                   prune=True)
    assert [(s.action, s.key) for s in plan.steps][:2] == [("resume", "psleep"), ("remove", "psame")]
    assert plan.steps[0].fields == {"account_id": int(sleepy), "server": "online", "account_status": 1}
    outcomes = plan.apply(clients)
    assert [str(o.error) for o in outcomes if not o.ok] == []
    assert list(ids(c)) == ["psleep"]
    assert [s.action for s in ak.plan(clients, [{"vendor": "99digital", "fields": nn("psleep", "Sleep Ltd"),
                                                 "status": "active"}], prune=True).steps] == ["no_change"]


def test_iter_plan_gives_plan_s_steps_one_at_a_time(seeded: tuple[ak.Sandbox, dict[str, Any]]) -> None:
    _, clients = seeded
    whole = ak.plan(clients, DESIRED, prune=True)
    steps = ak.iter_plan(clients, DESIRED, prune=True)
    assert [s.to_dict() for s in steps] == [s.to_dict() for s in whole.steps]
    summary = ak.PlanSummary()
    written = io.StringIO()
    ak.write_plan(written, summary.counted(ak.iter_plan(clients, DESIRED, prune=True)))
    assert written.getvalue() == whole.to_json()
    assert summary.text() == whole.summary() and summary.counts == whole.counts()
    assert summary.has_changes and whole.has_changes


def test_cli_plan_writes_no_plan_file_when_a_listing_fails(tmp_path: Path) -> None:
    desired = tmp_path / "desired.jsonl"
    desired.write_text(json.dumps(DESIRED[0]) + "\n", encoding="utf-8")
    out = tmp_path / "plan.json"
    env = {"ACCOUNTKIT_99DIGITAL_BASE_URL": "http://127.0.0.1:9/nothing", "ACCOUNTKIT_99DIGITAL_ACCESS_TOKEN": "t",
           "ACCOUNTKIT_99DIGITAL_MAX_ATTEMPTS": "1"}
    made = run_cli("plan", str(desired), "--out", str(out), env=env)
    assert made.returncode == 1, made.stdout + made.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desired.jsonl"], "no plan file, whole or partial"


def test_a_commvault_create_in_flight_is_a_conflict_not_a_second_create() -> None:
    record = {"vendor": "commvault", "fields": cv("CV-FLY", "Flying Ltd"), "status": None}
    with ak.Sandbox(update_delay=30) as sb:
        client = sb.client("commvault")
        assert ak.plan(client, [record]).steps[0].action == "create"  # then the sandbox's own accounts
        client.create_account(**record["fields"])  # its fulfillment stays submitted for 30 s
        step = ak.plan(client, [record]).steps[0]
        assert step.action == "conflict"
        assert step.reason.startswith("its account is being created (get_fulfillment ") and \
            step.reason.endswith(" is submitted): plan again once it settles")
        assert not any(s.action == "create" for s in ak.plan(client, [record]).steps)


def test_apply_refuses_a_create_whose_account_another_create_has_on_its_way() -> None:
    record = {"vendor": "commvault", "fields": cv("CV-RACE", "Race Ltd"), "status": None}
    with ak.Sandbox(update_delay=30) as sb:
        client = sb.client("commvault")
        made = ak.plan(client, [record])
        assert made.steps[0].action == "create"
        client.create_account(**record["fields"])  # someone else's create, between plan and apply
        (outcome,) = made.apply(client)
        assert outcome.refused, outcome.error
        assert "its account is being created (get_fulfillment " in str(outcome.error)
        fulfillments = [f for f in client.iterate("list_fulfillments") if f["externalAccountId"] == "CV-RACE"]
        assert len(fulfillments) == 1, "no second create was submitted"
