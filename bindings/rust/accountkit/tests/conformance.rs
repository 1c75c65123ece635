//! The conformance cases (tests/conformance/*.json; tests/conformance/README.md
//! says what each kind of case means) through the safe crate, against one
//! sandbox for the whole run: the Rust twin of the C runner
//! tests/conformance/conformance_test.cpp. Files in file-name order, cases in
//! file order (later cases see what earlier ones created); every failing case
//! is collected by name and reported at once.
mod conformance_support;

use accountkit::{validate, validate_with_id, Client, Error, ErrorKind, Response, Sandbox};
use conformance_support::{all_cases, conformance_dir, same};
use serde_json::Value;
use std::collections::HashMap;

struct Case {
    file: String,
    json: Value,
}

impl Case {
    fn name(&self) -> String {
        format!(
            "{}: {}",
            self.file,
            self.json["name"].as_str().unwrap_or("(no name)")
        )
    }
    fn kind(&self) -> &str {
        self.json
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("operation")
    }
    fn text(&self, key: &str) -> &str {
        self.json[key]
            .as_str()
            .unwrap_or_else(|| panic!("{}: \"{key}\" is not text", self.name()))
    }
    /// The fields as given; left out: no fields at all (`Value::Null`).
    fn fields(&self) -> Value {
        self.json.get("fields").cloned().unwrap_or(Value::Null)
    }
    /// The positional id as text (an integer as its decimal text).
    fn id(&self) -> Option<String> {
        self.json.get("id").map(|id| match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

fn load_cases() -> Vec<Case> {
    all_cases()
        .into_iter()
        .map(|(file, json)| Case { file, json })
        .collect()
}

// ---- outcomes -------------------------------------------------------------------

struct Outcome {
    status: String,
    message: String,
    result_id: String,
    fields: Vec<(String, String)>,
    /// Every text of the error: message, raw body, field messages, Display, Debug.
    texts: Vec<String>,
    /// What is wrong with the error object itself.
    defects: String,
}

impl Outcome {
    fn ok(result_id: &str) -> Outcome {
        Outcome::with_status("ok", result_id)
    }

    fn with_status(status: &str, result_id: &str) -> Outcome {
        Outcome {
            status: status.to_string(),
            message: String::new(),
            result_id: result_id.to_string(),
            fields: Vec::new(),
            texts: Vec::new(),
            defects: String::new(),
        }
    }

    fn of(e: &Error) -> Outcome {
        let name = e.kind.name();
        let mut defects = String::new();
        if e.category != name {
            defects += &format!(
                "category \"{}\" is not the kind's name \"{name}\"; ",
                e.category
            );
        }
        let mut texts = vec![
            e.message.clone(),
            e.raw_body.clone().unwrap_or_default(),
            format!("{e}"),
            format!("{e:?}"),
        ];
        texts.extend(e.fields.iter().map(|f| f.message.clone()));
        Outcome {
            status: if name.is_empty() {
                format!("status {}", e.kind.status())
            } else {
                name.to_string()
            },
            message: e.message.clone(),
            result_id: String::new(),
            fields: e
                .fields
                .iter()
                .map(|f| (f.path.clone(), f.rule.clone()))
                .collect(),
            texts,
            defects,
        }
    }

    fn of_unit(r: &Result<(), Error>) -> Outcome {
        r.as_ref().map_or_else(Outcome::of, |()| Outcome::ok(""))
    }

    fn of_response(r: &Result<Response, Error>) -> Outcome {
        r.as_ref()
            .map_or_else(Outcome::of, |resp| Outcome::ok(resp.id()))
    }

    fn describe(&self) -> String {
        let mut s = format!("{} \"{}\"", self.status, self.message);
        for (path, rule) in &self.fields {
            s += &format!(" [{path} {rule}]");
        }
        s
    }
}

/// The differences between `o` and an expectation object ("" when none).
fn differences(o: &Outcome, want: &Value) -> String {
    let mut diff = o.defects.clone();
    let status = want["status"].as_str().unwrap_or("(no status)");
    if o.status != status {
        diff += &format!("status {}, want {status}; ", o.status);
    }
    if let Some(fields) = want.get("fields") {
        let expected: Vec<(String, String)> = fields
            .as_array()
            .expect("\"fields\" is a list")
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap().to_string(),
                    pair[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        if expected != o.fields {
            diff += "fields differ, want";
            for (p, r) in &expected {
                diff += &format!(" [{p} {r}]");
            }
            diff += "; ";
        }
    }
    if let Some(has) = want.get("message_has") {
        for h in has.as_array().expect("\"message_has\" is a list") {
            let h = h.as_str().unwrap();
            if !o.message.contains(h) {
                diff += &format!("message lacks \"{h}\"; ");
            }
        }
    }
    if let Some(id) = want.get("result_id").and_then(Value::as_str) {
        if o.result_id != id {
            diff += &format!("result id \"{}\", want \"{id}\"; ", o.result_id);
        }
    }
    if diff.is_empty() {
        diff
    } else {
        diff + "got " + &o.describe()
    }
}

// ---- the front end under test: the safe crate ------------------------------------

struct Runner {
    sandbox: Sandbox,
    clients: HashMap<String, Client>,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            sandbox: Sandbox::start().expect("the sandbox starts"),
            clients: HashMap::new(),
        }
    }

    fn validate(&self, c: &Case) -> Outcome {
        let (vendor, op, fields) = (c.text("vendor"), c.text("operation"), c.fields());
        Outcome::of_unit(&match c.id() {
            Some(id) => validate_with_id(vendor, op, &id, &fields),
            None => validate(vendor, op, &fields),
        })
    }

    /// The client of `vendor` pointed at the sandbox, made on first use.
    fn client(&mut self, vendor: &str) -> Result<&Client, Error> {
        if !self.clients.contains_key(vendor) {
            let client = Client::new(vendor)?;
            self.sandbox.configure(&client)?;
            self.clients.insert(vendor.to_string(), client);
        }
        Ok(&self.clients[vendor])
    }

    fn call(&mut self, c: &Case) -> Outcome {
        let (op, fields, id) = (c.text("operation"), c.fields(), c.id());
        // A failure to make the client is the call's outcome.
        let client = match self.client(c.text("vendor")) {
            Ok(client) => client,
            Err(e) => return Outcome::of(&e),
        };
        Outcome::of_response(&match id {
            Some(id) => client.call_with_id(op, &id, &fields),
            None => client.call(op, &fields),
        })
    }

    fn journal(&self) -> Value {
        self.sandbox.journal().expect("the journal")
    }
}

/// The journal entry of the request sent (the last with sent's method and
/// path) against `sent`; "" when it matches.
fn check_sent(journal: &Value, sent: &Value) -> String {
    let (method, path) = (&sent["method"], &sent["path"]);
    let Some(found) = journal
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["method"] == *method && e["path"] == *path)
    else {
        return format!("no {method} {path} reached the sandbox; journal: {journal}");
    };
    let mut diff = String::new();
    if let Some(q) = sent.get("query") {
        if !same(q, &found["query"]) {
            diff += &format!("query {}, want {q}; ", found["query"]);
        }
    }
    if let Some(b) = sent.get("body") {
        if !same(b, &found["body"]) {
            diff += &format!("body {}, want {b}; ", found["body"]);
        }
    }
    if let Some(has) = sent.get("body_has") {
        for (k, v) in has.as_object().expect("\"body_has\" is an object") {
            match found["body"].get(k) {
                Some(got) if same(v, got) => {}
                Some(got) => diff += &format!("body member {k} is {got}, want {v}; "),
                None => diff += &format!("body member {k} is absent, want {v}; "),
            }
        }
    }
    diff
}

/// Whether any text in v (a key or a string) contains needle.
fn contains_text(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.contains(needle),
        Value::Array(a) => a.iter().any(|x| contains_text(x, needle)),
        Value::Object(o) => o
            .iter()
            .any(|(k, x)| k.contains(needle) || contains_text(x, needle)),
        _ => false,
    }
}

fn check_secrets(c: &Case, local: &Outcome, called: &Outcome, journal: &Value) -> String {
    let mut diff = String::new();
    let Some(secrets) = c.json.get("secrets") else {
        return diff;
    };
    for secret in secrets.as_array().expect("\"secrets\" is a list") {
        let secret = secret.as_str().unwrap();
        if [local, called]
            .iter()
            .any(|o| o.texts.iter().any(|t| t.contains(secret)))
        {
            diff += &format!("an error shows the secret \"{secret}\"; ");
        }
        if contains_text(journal, secret) || journal.to_string().contains(secret) {
            diff += &format!("the journal shows the secret \"{secret}\"; ");
        }
    }
    diff
}

fn run_operation(run: &mut Runner, c: &Case) -> Vec<String> {
    let mut failures = Vec::new();
    let expect = &c.json["expect"];
    let local = run.validate(c);
    let d = differences(&local, expect);
    if !d.is_empty() {
        failures.push(format!("validate: {d}"));
    }
    let call_expect = c.json.get("call");
    let want = call_expect.unwrap_or(expect);
    run.sandbox.clear_journal();
    let called = run.call(c);
    let journal = run.journal();
    let d = differences(&called, want);
    if !d.is_empty() {
        failures.push(format!("call: {d}"));
    }
    let local_error = call_expect.is_none() && expect["status"] != "ok";
    if local_error && !journal.as_array().unwrap().is_empty() {
        failures.push(format!("sent although invalid: {journal}"));
    }
    if let Some(sent) = c.json.get("sent") {
        let d = check_sent(&journal, sent);
        if !d.is_empty() {
            failures.push(format!("sent: {d}"));
        }
    }
    let d = check_secrets(c, &local, &called, &journal);
    if !d.is_empty() {
        failures.push(d);
    }
    failures
}

fn run_status(c: &Case) -> Vec<String> {
    let code = c.json["code"].as_i64().expect("\"code\" is an integer");
    let Ok(code) = i32::try_from(code) else {
        return vec![format!("code {code} does not fit a C int")];
    };
    let kind = ErrorKind::from_status(code);
    let mut failures = Vec::new();
    let want_name = c.json["status_name"].as_str().unwrap_or("");
    if kind.name() != want_name {
        failures.push(format!(
            "ErrorKind::from_status({code}) = {kind:?} is named \"{}\", want \"{want_name}\"",
            kind.name()
        ));
    }
    if want_name.is_empty() != matches!(kind, ErrorKind::Other(_)) {
        failures.push(format!(
            "ErrorKind::from_status({code}) = {kind:?}, want {}",
            if want_name.is_empty() {
                "Other"
            } else {
                "a named variant"
            }
        ));
    }
    let parent = kind.parent().map(ErrorKind::name);
    let want_parent = c.json["parent"].as_str();
    if parent != want_parent {
        failures.push(format!(
            "{kind:?}.parent() is {parent:?}, want {want_parent:?}"
        ));
    }
    if let Some(p) = kind.parent() {
        if !kind.is(p) {
            failures.push(format!("{kind:?}.is({p:?}) is false"));
        }
    }
    failures
}

/// Reads the case's path from `page` (an empty list): a well-formed path
/// holds nothing (NotFound, which counts as "ok"); a malformed one is an
/// InvalidArgument naming why.
fn run_path(page: &Response, c: &Case) -> Vec<String> {
    let read = match page.get(c.text("path")) {
        Err(e) if e.kind == ErrorKind::NotFound => {
            let mut o = Outcome::of(&e);
            o.status = "ok".to_string();
            o
        }
        Err(e) => Outcome::of(&e),
        Ok(v) => Outcome::with_status(&format!("a value ({v})"), ""),
    };
    let d = differences(&read, &c.json["expect"]);
    if d.is_empty() {
        Vec::new()
    } else {
        vec![format!("Response::get: {d}")]
    }
}

#[test]
fn every_case_of_every_file() {
    let cases = load_cases();
    let mut run = Runner::new();
    // A result to read paths from: a 99digital list taken before any case
    // created an account, so it is empty.
    let page = run
        .client("99digital")
        .and_then(|c| c.call("list_accounts", &Value::Null))
        .expect("a 99digital list_accounts on the sandbox");
    assert_eq!(page.size("list"), 0, "{}", page.json_str());

    let mut ran: HashMap<&str, usize> = HashMap::new();
    let mut failures = Vec::new();
    for c in &cases {
        let found = match c.kind() {
            "operation" => run_operation(&mut run, c),
            "status" => run_status(c),
            "path" => run_path(&page, c),
            // Pure functions, no sandbox: tests/conformance_plan.rs runs them.
            "view" | "plan" => Vec::new(),
            other => vec![format!("unknown kind of case \"{other}\"")],
        };
        *ran.entry(c.kind()).or_default() += 1;
        if !found.is_empty() {
            failures.push(format!("{}\n    {}", c.name(), found.join("\n    ")));
        }
    }
    let count = |kind| ran.get(kind).copied().unwrap_or(0);
    println!(
        "conformance: {} operation, {} status and {} path cases from {}",
        count("operation"),
        count("status"),
        count("path"),
        conformance_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {} conformance cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        count("operation") >= 100,
        "only {} operation cases ran (the case files are in {})",
        count("operation"),
        conformance_dir().display()
    );
    assert!(
        count("status") >= 15,
        "only {} status cases ran",
        count("status")
    );
    assert!(count("path") >= 10, "only {} path cases ran", count("path"));
}

#[test]
fn deep_equality_compares_numbers_by_value_and_objects_unordered() {
    use serde_json::json;
    assert!(same(
        &json!({"a": 1, "b": [1.0, null]}),
        &json!({"b": [1, null], "a": 1.0})
    ));
    assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    assert!(!same(&json!({"a": 1, "b": 2}), &json!({"a": 1})));
    assert!(!same(&json!([1, 2]), &json!([2, 1])));
    assert!(!same(&json!("1"), &json!(1)));
    assert!(!same(&json!(null), &json!({})));
    assert!(same(&json!({}), &json!({})));
}
