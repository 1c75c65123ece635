//! Plans: desired records against the accounts a vendor holds
//! (`ak_plan_with`, `ak_plan_changed_since`). The rules live in the C library
//! (docs/plan.md).
use crate::error::check;
use crate::view::{key_attribute_cstring, plan_options};
use crate::{cstring, parse_json, sys, take_string, Error, ErrorKind};
use serde_json::{json, Value};
use std::ptr;

/// One account as you want it at the vendor.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredAccount {
    /// Where the record came from, for messages (0: its position, from 1).
    pub line: usize,
    /// `create_account`'s fields, your key among them (99digital
    /// "reference", Commvault "account.externalId").
    pub fields: Value,
    /// "active" or "suspended"; `None` leaves the status as it is.
    pub status: Option<String>,
}

/// One step of a plan (docs/plan.md).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    /// "create", "update", "suspend", "resume", "no_change", "conflict",
    /// "only_at_vendor" or "remove".
    pub action: String,
    /// The vendor planned.
    pub vendor: String,
    /// The account's key (your own).
    pub key: String,
    /// The account's id at the vendor ("" for a create).
    pub id: String,
    /// The desired record's line (0 for an account only at the vendor).
    pub line: usize,
    /// The operation the step runs ("" when it runs nothing).
    pub operation: String,
    /// The operation's fields, secrets "***" (a create sends the desired
    /// record itself); `Value::Null` when the step runs nothing.
    pub fields: Value,
    /// The differences found.
    pub changes: Vec<FieldChange>,
    /// What the step relied on (check it with [`changed_since`] before
    /// running the step); `Value::Null` when nothing.
    pub expect: Value,
    /// Why the step runs nothing, or what it cannot apply ("" when nothing).
    pub reason: String,
}

/// One difference a plan found.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value at the vendor.
    pub from: Value,
    /// Its value in the desired record.
    pub to: Value,
    /// False for a difference the step cannot apply (its reason says why).
    pub applied: bool,
}

/// What a plan may take beyond its inputs ([`plan_with`]); the default is
/// none of it:
///
/// ```
/// # use accountkit::PlanOptions;
/// let opts = PlanOptions { key_attribute: Some("partner_id"), ..PlanOptions::default() };
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions<'a> {
    /// Remove the accounts only at the vendor that carry your key, where the
    /// vendor can.
    pub prune: bool,
    /// The items of the vendor's listing of its creates still in flight as
    /// [`Client::call`](crate::Client::call) gives them (Commvault's
    /// "list_fulfillments", whose "externalAccountId" is the account's key;
    /// docs/plan.md "Creates in flight"). A desired record with no account
    /// whose fulfillment is still pending is then a "conflict" ("its account
    /// is being created (get_fulfillment F is submitted): plan again once it
    /// settles"), not a second create; complete and failed fulfillments
    /// change nothing. A vendor that lists no creates in flight (99digital)
    /// takes none: an item is then an [`ErrorKind::InvalidArgument`] error.
    pub in_flight: &'a [Value],
    /// For a vendor whose accounts have no field for your own key but custom
    /// attributes (ActivePlatform's "custom_attributes", `{"key", "value"}`):
    /// the key of the attribute that holds it, as your installation defines
    /// it (`Some("partner_id")`). Its value is the account's key, in desired
    /// records (their fields' custom_attributes) and in accounts alike, read
    /// from each account's "record" (views made without it plan the same).
    /// ActivePlatform cannot be planned without it; a vendor that keeps your
    /// key in a field of its own (99digital, Commvault) takes none: either is
    /// an [`ErrorKind::InvalidArgument`] error. `None` or `Some("")`: none.
    pub key_attribute: Option<&'a str>,
}

/// The plan that brings `vendor`'s accounts in line with `desired`
/// (docs/plan.md has the rules, which live in the C library): `current` are
/// the accounts the vendor holds, as [`account_view`](crate::account_view)
/// (or [`Response::view`](crate::Response::view)) gives them; `prune`
/// removes the accounts only at the vendor that carry your key, where the
/// vendor can. Steps come in the order of `desired`, then the accounts only
/// at the vendor. Sends nothing: run a step's operation with its fields
/// ([`Client::call`](crate::Client::call)) after checking [`changed_since`].
/// An unknown vendor, malformed input or a vendor that cannot be planned
/// (ActivePlatform, whose key is a custom attribute you name: [`plan_with`];
/// activeplatform-v3, whose create_account sets no custom attributes) is an
/// [`ErrorKind::InvalidArgument`] error. `plan` is [`plan_with`] with only
/// [`PlanOptions::prune`].
pub fn plan(
    vendor: &str,
    desired: &[DesiredAccount],
    current: &[Value],
    prune: bool,
) -> Result<Vec<PlanStep>, Error> {
    let opts = PlanOptions {
        prune,
        ..PlanOptions::default()
    };
    plan_with(vendor, desired, current, &opts)
}

/// [`plan`] with options ([`PlanOptions`]): the vendor's creates still in
/// flight, and the custom attribute that holds your key (ActivePlatform is
/// planned only with one, [`PlanOptions::key_attribute`]).
pub fn plan_with(
    vendor: &str,
    desired: &[DesiredAccount],
    current: &[Value],
    opts: &PlanOptions,
) -> Result<Vec<PlanStep>, Error> {
    let desired: Vec<Value> = desired
        .iter()
        .map(|d| {
            let mut one = json!({"fields": d.fields, "status": d.status});
            if d.line != 0 {
                one["line"] = json!(d.line);
            }
            one
        })
        .collect();
    let v = cstring("vendor", vendor)?;
    let d = cstring("desired accounts", &Value::from(desired).to_string())?;
    // Always the {accounts, in_flight} form of current_json: one way to call ak_plan_with.
    let current = json!({"accounts": current, "in_flight": opts.in_flight}).to_string();
    let c = cstring("current accounts and creates in flight", &current)?;
    let key = key_attribute_cstring(opts.key_attribute)?;
    let copts = plan_options(opts.prune, key.as_ref());
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: the strings (key among them, which copts points into) outlive
    // the call; out is "caller frees", taken once.
    let text = unsafe {
        check(
            sys::ak_plan_with(
                &mut out,
                v.as_ptr(),
                d.as_ptr(),
                c.as_ptr(),
                &copts,
                &mut err,
            ),
            err,
        )?;
        take_string(out)
    };
    let plan = parse_json("ak_plan_with", &text)?;
    let steps = plan["steps"]
        .as_array()
        .ok_or_else(|| Error::local(ErrorKind::Decode, "ak_plan_with: no steps"))?;
    Ok(steps.iter().map(step).collect())
}

/// A step of the plan's JSON.
fn step(s: &Value) -> PlanStep {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let changes = s["changes"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    PlanStep {
        action: text(&s["action"]),
        vendor: text(&s["vendor"]),
        key: text(&s["key"]),
        id: text(&s["id"]),
        line: s["line"].as_u64().unwrap_or(0) as usize,
        operation: text(&s["operation"]),
        fields: s["fields"].clone(),
        changes: changes
            .iter()
            .map(|c| FieldChange {
                field: text(&c["field"]),
                from: c["from"].clone(),
                to: c["to"].clone(),
                applied: c["applied"].as_bool().unwrap_or(true),
            })
            .collect(),
        expect: s["expect"].clone(),
        reason: text(&s["reason"]),
    }
}

/// What changed in an account since a plan read it: `expect` is the step's
/// [`expect`](PlanStep::expect), `view` the account's view now
/// ([`account_view`](crate::account_view)). "" when nothing did, else for
/// example `account_name is now "B", the plan read "A"`.
pub fn changed_since(expect: &Value, view: &Value) -> Result<String, Error> {
    let e = cstring("expect", &expect.to_string())?;
    let v = cstring("view", &view.to_string())?;
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: the strings outlive the call; out is "caller frees", taken once.
    unsafe {
        check(
            sys::ak_plan_changed_since(&mut out, e.as_ptr(), v.as_ptr(), &mut err),
            err,
        )?;
        Ok(take_string(out))
    }
}
