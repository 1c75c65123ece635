//! The conformance cases of kind "view" and "plan" (tests/conformance/README.md)
//! through `account_view_with` and `plan_with`: pure functions, no
//! sandbox, so a test binary of their own beside tests/conformance.rs, which
//! runs the other kinds.
mod conformance_support;

use accountkit::{
    account_view, account_view_with, plan_with, DesiredAccount, Error, PlanOptions, PlanStep,
};
use conformance_support::{all_cases, same};
use serde_json::{json, Map, Value};

/// The cases of `kind` as (file: name, case), files in name order.
fn cases_of(kind: &str) -> Vec<(String, Value)> {
    all_cases()
        .into_iter()
        .filter(|(_, c)| c.get("kind").and_then(Value::as_str) == Some(kind))
        .map(|(file, c)| (format!("{file}: {}", c["name"].as_str().unwrap_or("")), c))
        .collect()
}

/// An expected failure (`{"status", "message_has"}`) against the result.
fn failure_differences<T>(got: &Result<T, Error>, want: &Value) -> String {
    let Err(e) = got else {
        return format!("succeeded, want {want}");
    };
    let mut diff = String::new();
    if e.kind.name() != want["status"].as_str().unwrap_or("") {
        diff += &format!("status {}, want {}; ", e.kind.name(), want["status"]);
    }
    for h in want["message_has"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        if !e.message.contains(h.as_str().unwrap()) {
            diff += &format!("message lacks {h}; ");
        }
    }
    if diff.is_empty() {
        diff
    } else {
        diff + &format!("got \"{}\"", e.message)
    }
}

/// The case's secrets found in any of texts.
fn secrets_shown(c: &Value, texts: &[String]) -> String {
    let mut diff = String::new();
    for secret in c["secrets"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let secret = secret.as_str().unwrap();
        if texts.iter().any(|t| t.contains(secret)) {
            diff += &format!("the secret \"{secret}\" shows; ");
        }
    }
    diff
}

fn error_text<T>(r: &Result<T, Error>) -> String {
    r.as_ref()
        .err()
        .map_or_else(String::new, |e| format!("{} {e} {e:?}", e.message))
}

/// The case's "key_attribute" (ActivePlatform's custom attribute that holds
/// the partner's key), if any.
fn key_attribute(c: &Value) -> Option<&str> {
    c.get("key_attribute")
        .map(|k| k.as_str().expect("a string key_attribute"))
}

fn run_view(c: &Value) -> String {
    let got = account_view_with(
        c["vendor"].as_str().unwrap(),
        &c["record"],
        key_attribute(c),
    );
    let shown = got
        .as_ref()
        .map_or_else(|_| String::new(), Value::to_string);
    let mut diff = secrets_shown(c, &[shown.clone(), error_text(&got)]);
    match (c["expect"].get("view"), &got) {
        (Some(want), Ok(view)) => {
            let mut view = view.clone();
            if let Some(members) = view.as_object_mut() {
                members.remove("record"); // checked for secrets above
            }
            if !same(&view, want) {
                diff += &format!("view {shown}, want {want}");
            }
        }
        (Some(_), Err(e)) => diff += &format!("failed: {e}"),
        (None, _) => diff += &failure_differences(&got, &c["expect"]),
    }
    diff
}

/// A step in the shape ak_plan writes it (core plan_step_json): members
/// without a value left out, "applied" only when false.
fn step_json(s: &PlanStep) -> Value {
    let mut out = Map::new();
    out.insert("action".into(), json!(s.action));
    out.insert("vendor".into(), json!(s.vendor));
    out.insert("key".into(), json!(s.key));
    if !s.id.is_empty() {
        out.insert("id".into(), json!(s.id));
    }
    if s.line != 0 {
        out.insert("line".into(), json!(s.line));
    }
    if !s.operation.is_empty() {
        out.insert("operation".into(), json!(s.operation));
        out.insert("fields".into(), s.fields.clone());
    }
    if !s.changes.is_empty() {
        let changes = s.changes.iter().map(|ch| {
            let mut one = json!({"field": ch.field, "from": ch.from, "to": ch.to});
            if !ch.applied {
                one["applied"] = json!(false);
            }
            one
        });
        out.insert("changes".into(), changes.collect());
    }
    if s.expect.as_object().is_some_and(|e| !e.is_empty()) {
        out.insert("expect".into(), s.expect.clone());
    }
    if !s.reason.is_empty() {
        out.insert("reason".into(), json!(s.reason));
    }
    Value::Object(out)
}

/// The case through account_view (without the key attribute: plan_with reads
/// such a key from each view's record) and plan_with: its steps as ak_plan's JSON.
fn plan_of(c: &Value) -> Result<Value, Error> {
    let vendor = c["vendor"].as_str().unwrap();
    let desired: Vec<DesiredAccount> = c["desired"]
        .as_array()
        .expect("a \"desired\" array")
        .iter()
        .map(|d| DesiredAccount {
            line: d["line"].as_u64().unwrap_or(0) as usize,
            fields: d["fields"].clone(),
            status: d["status"].as_str().map(str::to_owned),
        })
        .collect();
    let views = c["records"]
        .as_array()
        .expect("a \"records\" array")
        .iter()
        .map(|r| account_view(vendor, r))
        .collect::<Result<Vec<Value>, Error>>()?;
    let opts = PlanOptions {
        prune: c["prune"].as_bool().unwrap_or(false),
        in_flight: c["in_flight"].as_array().map(Vec::as_slice).unwrap_or(&[]),
        key_attribute: key_attribute(c),
    };
    let steps = plan_with(vendor, &desired, &views, &opts)?;
    Ok(Value::Array(steps.iter().map(step_json).collect()))
}

fn run_plan(c: &Value) -> String {
    let got = plan_of(c);
    let shown = got
        .as_ref()
        .map_or_else(|_| String::new(), Value::to_string);
    let mut diff = secrets_shown(c, &[shown.clone(), error_text(&got)]);
    match (c["expect"].get("steps"), &got) {
        (Some(want), Ok(steps)) => {
            if !same(steps, want) {
                diff += &format!("steps {shown}, want {want}");
            }
        }
        (Some(_), Err(e)) => diff += &format!("failed: {e}"),
        (None, _) => diff += &failure_differences(&got, &c["expect"]),
    }
    diff
}

fn run_all(kind: &str, at_least: usize, run: fn(&Value) -> String) {
    let cases = cases_of(kind);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, c)| {
            let d = run(c);
            (!d.is_empty()).then(|| format!("{name}\n    {d}"))
        })
        .collect();
    println!("conformance: {} {kind} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} {kind} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        cases.len() >= at_least,
        "only {} {kind} cases ran",
        cases.len()
    );
}

#[test]
fn every_view_case() {
    run_all("view", 5, run_view);
}

#[test]
fn every_plan_case() {
    run_all("plan", 10, run_plan);
}
