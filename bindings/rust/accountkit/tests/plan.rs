//! Account views and plans against the sandbox (feature `sandbox`): two
//! 99digital accounts read as views, planned against desired records (one
//! unchanged, one renamed, one new), the update and create run, and a second
//! plan that finds nothing to do; ActivePlatform the same by the custom
//! attribute that holds the key (`PlanOptions::key_attribute`); and a
//! Commvault create still in flight, planned with `plan_with` (no sandbox
//! needed).
mod common;

use accountkit::{
    account_view, account_view_with, changed_since, plan, plan_with, Client, DesiredAccount,
    ErrorKind, FieldChange, PlanOptions, Sandbox,
};
use common::{ap_account, nn_account};
use serde_json::{json, Value};

fn named(reference: &str, name: &str) -> Value {
    let mut f = nn_account(reference);
    f["account_name"] = json!(name);
    f
}

/// Every account the client's vendor lists, as account views.
fn views(c: &Client) -> Vec<Value> {
    c.list_accounts(&json!({}))
        .map(|item| item.unwrap().view().unwrap())
        .collect()
}

#[test]
fn digital99_plan_apply_plan_again() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    for f in [named("keep", "Keep Ltd"), named("rename", "Old Name")] {
        c.create_account(&f).unwrap();
    }
    let current = views(&c);
    assert_eq!(current.len(), 2, "{current:?}");
    assert_eq!(current[0]["key"], "keep");
    assert_eq!(current[0]["status"], "active");
    let rename_id = current[1]["id"].as_str().unwrap().to_owned();
    let first = c.list_accounts(&json!({})).next().unwrap().unwrap();
    let view = account_view("99digital", &first.json()).unwrap();
    assert_eq!(view["name"], "Keep Ltd");
    assert_eq!(view["vendor"], "99digital");
    assert_eq!(view, current[0]);

    let desired = vec![
        DesiredAccount {
            line: 0,
            fields: named("keep", "Keep Ltd"),
            status: None,
        },
        DesiredAccount {
            line: 0,
            fields: named("rename", "New Name"),
            status: None,
        },
        DesiredAccount {
            line: 7,
            fields: named("new", "New Ltd"),
            status: Some("active".into()),
        },
    ];
    let steps = plan("99digital", &desired, &current, false).unwrap();
    assert_eq!(steps.len(), 3, "{steps:?}");
    let (keep, update, create) = (&steps[0], &steps[1], &steps[2]);
    assert_eq!(
        (keep.action.as_str(), keep.key.as_str(), keep.line),
        ("no_change", "keep", 1)
    );
    assert_eq!(keep.operation, "");
    assert_eq!(update.action, "update");
    assert_eq!(update.operation, "update_account");
    assert_eq!((update.id.as_str(), update.line), (rename_id.as_str(), 2));
    assert_eq!(update.fields["account_name"], "New Name");
    assert_eq!(update.fields["server"], "online");
    assert_eq!(update.fields["account_id"].to_string(), rename_id);
    assert_eq!(
        update.changes,
        vec![FieldChange {
            field: "account_name".into(),
            from: json!("Old Name"),
            to: json!("New Name"),
            applied: true,
        }]
    );
    assert_eq!(update.expect["account_name"], "Old Name");
    assert_eq!(create.action, "create");
    assert_eq!(create.operation, "create_account");
    assert_eq!((create.id.as_str(), create.line), ("", 7));
    assert_eq!(create.fields["admin_password"], "***");
    assert_eq!(create.fields["account_name"], "New Ltd");

    // Nothing moved since the plan read the account.
    assert_eq!(changed_since(&update.expect, &current[1]).unwrap(), "");
    // Applying: the update's fields as planned, the create's the desired
    // record (the plan masks secrets).
    c.call(&update.operation, &update.fields).unwrap();
    c.call(&create.operation, &desired[2].fields).unwrap();
    let after = views(&c);
    assert_eq!(
        changed_since(&update.expect, &after[1]).unwrap(),
        r#"account_name is now "New Name", the plan read "Old Name""#
    );
    let again = plan("99digital", &desired, &after, false).unwrap();
    assert_eq!(again.len(), 3, "{again:?}");
    assert!(again.iter().all(|s| s.action == "no_change"), "{again:?}");
    assert_eq!(again[2].key, "new");
    assert!(!again[2].id.is_empty());

    let e = plan("activeplatform", &[], &[], false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    let e = account_view("nobody", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
}

/// A Commvault record whose New customer fulfillment is still pending is a
/// conflict, not a second create; a complete or failed one changes nothing.
#[test]
fn commvault_create_in_flight_is_not_planned_again() {
    let desired = [DesiredAccount {
        line: 0,
        fields: json!({
            "account": {"externalId": "F1", "name": "Flying",
                        "contacts": [{"email": "a@f1.example", "firstName": "A", "lastName": "B"}]},
            "service": {"skus": [{"sku": "MET-M365-BASIC", "quantity": 1}]}
        }),
        status: None,
    }];
    let fulfillment =
        |status: &str| [json!({"id": "ful-1", "status": status, "externalAccountId": "F1"})];
    let submitted = fulfillment("submitted");
    let opts = PlanOptions {
        in_flight: &submitted,
        ..PlanOptions::default()
    };
    let steps = plan_with("commvault", &desired, &[], &opts).unwrap();
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(
        (steps[0].action.as_str(), steps[0].key.as_str()),
        ("conflict", "F1")
    );
    assert_eq!(
        steps[0].reason,
        "its account is being created (get_fulfillment ful-1 is submitted): plan again once it settles"
    );
    assert_eq!(steps[0].operation, "");
    for status in ["complete", "failed"] {
        let in_flight = fulfillment(status);
        let opts = PlanOptions {
            in_flight: &in_flight,
            ..PlanOptions::default()
        };
        let steps = plan_with("commvault", &desired, &[], &opts).unwrap();
        assert_eq!(steps.len(), 1, "{status}: {steps:?}");
        assert_eq!(steps[0].action, "create", "{status}: {steps:?}");
    }
    // A vendor that lists no creates in flight takes none.
    let e = plan_with("99digital", &[], &[], &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    // plan is plan_with without creates in flight.
    let steps = plan("commvault", &desired, &[], false).unwrap();
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(steps[0].action, "create");
}

/// ActivePlatform create fields with the custom attributes partner_id (the
/// key) and tier.
fn ap_keyed(n: usize, key: &str, tier: &str) -> Value {
    let mut f = ap_account(n);
    f["custom_attributes"] =
        json!([{"key": "partner_id", "value": key}, {"key": "tier", "value": tier}]);
    f
}

/// ActivePlatform is planned by the custom attribute that holds the
/// partner's key: an update of the attributes and a create, run, then
/// nothing to do; without the attribute it cannot be planned.
#[test]
fn activeplatform_plan_by_key_attribute() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("activeplatform").unwrap();
    let made = c.create_account(&ap_keyed(1, "crm-1", "silver")).unwrap();
    let got = c.get_account(made.id()).unwrap();
    let view = got.view_with(Some("partner_id")).unwrap();
    assert_eq!(view["key"], "crm-1", "{view}");
    assert_eq!(got.view().unwrap()["key"], Value::Null);
    assert_eq!(
        account_view_with("activeplatform", &got.json(), Some("partner_id")).unwrap(),
        view
    );
    let keyed = || -> Vec<Value> {
        c.list_accounts(&json!({}))
            .map(|item| item.unwrap().view_with(Some("partner_id")).unwrap())
            .collect()
    };

    let desired = [
        DesiredAccount {
            line: 0,
            fields: ap_keyed(1, "crm-1", "gold"),
            status: None,
        },
        DesiredAccount {
            line: 0,
            fields: ap_keyed(2, "crm-2", "bronze"),
            status: None,
        },
    ];
    let opts = PlanOptions {
        key_attribute: Some("partner_id"),
        ..PlanOptions::default()
    };
    let steps = plan_with("activeplatform", &desired, &keyed(), &opts).unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    let (update, create) = (&steps[0], &steps[1]);
    assert_eq!(
        (
            update.action.as_str(),
            update.key.as_str(),
            update.id.as_str()
        ),
        ("update", "crm-1", made.id())
    );
    assert_eq!(update.operation, "update_account");
    assert_eq!(update.changes.len(), 1, "{update:?}");
    assert_eq!(update.changes[0].field, "custom_attributes");
    assert!(update.changes[0].applied);
    assert_eq!(
        update.fields["custom_attributes"],
        json!([{"key": "partner_id", "value": "crm-1"}, {"key": "tier", "value": "gold"}])
    );
    assert_eq!(
        (create.action.as_str(), create.key.as_str()),
        ("create", "crm-2")
    );
    assert_eq!(create.operation, "create_account");
    assert_eq!(
        create.fields["custom_attributes"],
        desired[1].fields["custom_attributes"]
    );
    // Views made without the attribute plan the same: the key is read from each record.
    assert_eq!(
        plan_with("activeplatform", &desired, &views(&c), &opts).unwrap(),
        steps
    );

    c.call(&update.operation, &update.fields).unwrap();
    c.call(&create.operation, &desired[1].fields).unwrap();
    let again = plan_with("activeplatform", &desired, &keyed(), &opts).unwrap();
    assert_eq!(again.len(), 2, "{again:?}");
    assert!(again.iter().all(|s| s.action == "no_change"), "{again:?}");
    assert_eq!(again[1].key, "crm-2");
    assert!(!again[1].id.is_empty());

    // Without the attribute ActivePlatform cannot be planned; a vendor with a
    // key field of its own takes none.
    let e = plan("activeplatform", &desired, &keyed(), false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    assert!(
        e.message
            .contains("cannot be planned without key_attribute"),
        "{e}"
    );
    let e = plan_with("99digital", &[], &[], &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    let e = account_view_with("99digital", &json!({}), Some("partner_id")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
}
