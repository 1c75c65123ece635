//! What the sandbox test suites share: valid accounts and the journal.
#![allow(dead_code)] // each suite uses some of it

use accountkit::Sandbox;
use serde_json::{json, Value};

pub const ACME: &str = "7194af6f-1285-4295-94aa-ceed7ea2d792";

pub fn nn_account(reference: &str) -> Value {
    json!({
        "account_name": "Acme Inc", "agents": 10, "inboxes": 5,
        "admin_email": "owner@acme.example", "admin_name": "Ada Owner",
        "admin_displayName": "Ada", "admin_password": "Str0ng!pass",
        "admin_2fa": 1, "admin_2fa_value": "owner@acme.example", "reference": reference,
    })
}

pub fn ap_account(n: usize) -> Value {
    json!({
        "account_type_id": 1, "account_class_id": 1,
        "first_name": "Marcelo", "last_name": format!("Ivanou{n}"), "country": "BY",
        "region": "Minsk", "city": "Minsk", "street": "Nezavisimosti", "building": "1",
        "office": "2", "zip": "220000", "phone": "+375291234567",
        "email": format!("owner{n}@example.com"),
    })
}

pub fn journal_of(sb: &Sandbox, vendor: &str, method: &str) -> Vec<Value> {
    sb.journal()
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["vendor"] == vendor && e["method"] == method)
        .cloned()
        .collect()
}
