//! Every vendor through the sandbox (feature `sandbox`).
mod common;

use accountkit::{validate, vendors, Batch, Client, Error, ErrorKind, Pager, Response, Sandbox};
use common::{ap_account, journal_of, nn_account, ACME};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn digital99_create_update_list_delete() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    assert_eq!(c.vendor(), "99digital");

    let created = c.create_account(&nn_account("crm4711")).unwrap();
    let id = created.id().to_string();
    assert!(!id.is_empty(), "{}", created.json_str());
    assert_eq!(
        created.get_i64("account_id").map(|n| n.to_string()),
        Some(id.clone())
    );

    let updated = c
        .update_account(
            &id,
            &json!({"server": "online", "account_name": "Acme Ltd", "account_status": 0}),
        )
        .unwrap();
    assert_eq!(updated.status(), "suspended");

    // The pager yields accounts (99digital has one page); call gives the page.
    let items: Vec<Response> = c
        .list_accounts(&json!({}))
        .collect::<Result<_, _>>()
        .unwrap();
    let listed: Vec<Value> = items.iter().map(Response::json).collect();
    let text = serde_json::to_string(&listed).unwrap();
    assert!(text.contains("Acme Ltd"), "{text}");
    let via_call = c.call("list_accounts", &json!({})).unwrap();
    assert_eq!(via_call.size("list"), 1);
    assert_eq!(via_call.get_str("list[0].account_name"), Some("Acme Ltd"));

    c.delete_account(&id, &json!({"server": "online"})).unwrap();
    let again = c
        .delete_account(&id, &json!({"server": "online"}))
        .unwrap_err();
    assert_eq!(again.kind, ErrorKind::NotFound, "{again}");
    assert_eq!(again.category, "not_found");
    assert_eq!(again.vendor, "99digital");
    assert_eq!(again.operation, "delete_account");
    assert_eq!(again.vendor_code.as_deref(), Some("33"));
    assert!(again.attempts >= 1);

    // The delete went out with the id as an integer in the vendor's field.
    let deletes = journal_of(&sb, "99digital", "DELETE");
    assert_eq!(deletes.len(), 2);
    assert_eq!(
        deletes[0]["body"]["accountID"],
        json!(id.parse::<i64>().unwrap())
    );
}

#[test]
fn validation_reports_every_field() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    let bad = json!({"account_name": "Acme", "agents": 12345, "admin_email": "not-an-email", "admin_password": "short"});
    let e = c.create_account(&bad).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.attempts, 0);
    for path in [
        "agents",
        "admin_email",
        "admin_password",
        "inboxes",
        "admin_name",
    ] {
        assert!(e.field(path).is_some(), "no field error for {path}: {e}");
    }
    assert_eq!(e.field("admin_email").unwrap().rule, "email");
    assert_eq!(e.field("inboxes").unwrap().rule, "required");
    assert!(!e.field("agents").unwrap().message.is_empty());
    assert!(journal_of(&sb, "99digital", "POST")
        .iter()
        .all(|j| j["path"] != "/api/online/createAccount"));

    // The same, offline.
    let offline = validate("99digital", "create_account", &bad).unwrap_err();
    assert_eq!(offline.fields, e.fields);
    validate("99digital", "create_account", &nn_account("x1")).unwrap();
    let unknown = validate(
        "99digital",
        "create_account",
        &json!({"admin_displayname": "typo"}),
    )
    .unwrap_err();
    assert_eq!(
        unknown.field("admin_displayname").unwrap().rule,
        "unknown_field"
    );
}

#[test]
fn misuse_kinds() {
    assert_eq!(
        Client::new("nope").unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    let c = Client::new("99digital").unwrap();
    assert_eq!(
        c.set_option("no_such_option", "1").unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        c.set_option("timeout_ms", "soon").unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        c.set_option("bad\0name", "1").unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        c.call("create_account", &json!([1])).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    // 99digital has no get_account; a pager over a non-list operation fails at once.
    assert_eq!(
        c.get_account("1000").unwrap_err().kind,
        ErrorKind::UnknownOperation
    );
    drop(c);
    // The pager outlives the (temporary) client that made it; that client has
    // no credentials, so the first item is an error and the iteration ends.
    let mut bad: Pager = Client::new("99digital").unwrap().list_accounts(&json!({}));
    let first = bad.next().unwrap().unwrap_err();
    assert!(
        matches!(
            first.kind,
            ErrorKind::InvalidArgument | ErrorKind::Auth | ErrorKind::Transport
        ),
        "{first}"
    );
    assert!(bad.next().is_none());
    let wrong_op = Client::new("99digital")
        .unwrap()
        .list("create_account", &json!({}))
        .unwrap_err();
    assert_eq!(wrong_op.kind, ErrorKind::UnknownOperation);
}

#[test]
fn activeplatform_create_and_list_several_pages() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("activeplatform").unwrap();
    let mut ids = Vec::new();
    for n in 0..7 {
        let r = c.create_account(&ap_account(n)).unwrap();
        assert_eq!(r.status(), "active");
        ids.push(r.id().to_string());
    }
    let got = c.get_account(&ids[3]).unwrap();
    assert_eq!(got.get_str("email"), Some("owner3@example.com"));
    let updated = c
        .update_account(&ids[3], &json!({"city": "Brest"}))
        .unwrap();
    assert_eq!(updated.get_str("city"), Some("Brest"));

    sb.clear_journal();
    let listed: Vec<String> = c
        .list_accounts(&json!({"per_page": 3}))
        .map(|r| r.map(|r| r.id().to_string()))
        .collect::<Result<_, Error>>()
        .unwrap();
    assert_eq!(listed, ids);
    let pages: Vec<Value> = journal_of(&sb, "activeplatform", "GET")
        .iter()
        .map(|e| e["query"]["page"].clone())
        .collect();
    assert_eq!(
        pages,
        vec![json!("1"), json!("2"), json!("3")],
        "{:?}",
        sb.journal().unwrap()
    );

    let missing = c.get_account("999999").unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(missing.http_status, Some(404));
}

#[test]
fn commvault_create_waits_through_the_fulfillment() {
    let sb = Sandbox::start().unwrap();
    sb.set_option("commvault.update_delay_ms", "100").unwrap();
    let c = sb.client("commvault").unwrap();
    let r = c
        .call(
            "create_account",
            &json!({
                "account": {"externalId": "RS-1", "name": "Rust Fulfilled Ltd", "contacts": [
                    {"email": "admin@rs1.example", "firstName": "Ada", "lastName": "Admin"}]},
                "service": {"skus": [{"sku": "MET-M365-BASIC"}]}
            }),
        )
        .unwrap();
    assert_eq!(r.status(), "submitted");
    let account = c
        .wait_for("create_account", r.id(), Duration::from_secs(20))
        .unwrap();
    assert_eq!(account.status(), "active");
    assert_eq!(account.get_str("name"), Some("Rust Fulfilled Ltd"));
    assert_eq!(
        c.wait_for("no_such_operation", r.id(), Duration::from_secs(1))
            .unwrap_err()
            .kind,
        ErrorKind::UnknownOperation
    );
}

/// Waits in a batch: two fulfillments followed to their accounts by one
/// next_outcome loop; a bad timeout is refused at submit.
#[test]
fn commvault_waits_in_a_batch() {
    let sb = Sandbox::start().unwrap();
    sb.set_option("commvault.update_delay_ms", "100").unwrap();
    let c = sb.client("commvault").unwrap();
    let mut b = c.batch(4).unwrap();
    for tag in 1..=2u64 {
        let r = c
            .call(
                "create_account",
                &json!({
                    "account": {"externalId": format!("RS-B{tag}"), "name": format!("Rust Batch {tag}"),
                        "contacts": [{"email": "admin@rsb.example", "firstName": "Ada", "lastName": "Admin"}]},
                    "service": {"skus": [{"sku": "MET-M365-BASIC"}]}
                }),
            )
            .unwrap();
        b.submit_wait("create_account", r.id(), Duration::from_secs(20), tag)
            .unwrap();
    }
    let e = b
        .submit_wait("create_account", "x", Duration::from_secs(90_000), 9)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    while b.pending() > 0 {
        let (tag, r) = b.next_outcome(None).unwrap().expect("an outcome");
        let account = r.unwrap();
        assert_eq!(account.status(), "active");
        assert_eq!(
            account.get_str("name"),
            Some(format!("Rust Batch {tag}").as_str())
        );
    }
}

#[test]
fn commvault_update_then_wait() {
    let sb = Sandbox::start().unwrap();
    sb.set_option("commvault.update_delay_ms", "300").unwrap();
    let c = sb.client("commvault").unwrap();
    let r = c
        .update_account(
            ACME,
            &json!({"externalId": "XSP1234", "name": "Acme Holdings", "contacts": []}),
        )
        .unwrap();
    assert_eq!(r.status(), "updating");
    assert_eq!(r.id(), ACME);
    let settled = c.wait(ACME, Duration::from_secs(20)).unwrap();
    assert_eq!(settled.status(), "active");
    assert_eq!(settled.get_str("name"), Some("Acme Holdings"));

    // A failing update settles in failure.
    c.update_account(
        ACME,
        &json!({"externalId": "XSP1234", "name": "FAIL me", "contacts": []}),
    )
    .unwrap();
    let failed = c.wait(ACME, Duration::from_secs(20)).unwrap_err();
    assert_eq!(failed.kind, ErrorKind::OperationFailed, "{failed}");

    let gone = c
        .get_account("00000000-0000-4000-8000-00000000ffff")
        .unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound);
    assert_eq!(gone.vendor_code.as_deref(), Some("1006"));

    // Synchronous vendors have nothing to wait for.
    let nn = sb.client("99digital").unwrap();
    assert_eq!(
        nn.wait("1000", Duration::from_secs(1)).unwrap_err().kind,
        ErrorKind::UnknownOperation
    );
}

#[test]
fn commvault_explicit_null_reaches_the_wire() {
    let sb = Sandbox::start().unwrap();
    sb.set_option("commvault.update_delay_ms", "0").unwrap();
    let c = sb.client("commvault").unwrap();
    c.update_account(ACME, &json!({"externalId": "XSP1234", "name": "Acme ltd", "contacts": [], "website": "www.one.example"}))
        .unwrap();
    c.update_account(
        ACME,
        &json!({"externalId": "XSP1234", "name": "Acme ltd", "contacts": []}),
    )
    .unwrap();
    let r = c
        .update_account(
            ACME,
            &json!({"externalId": "XSP1234", "name": "Acme ltd", "contacts": [], "website": null}),
        )
        .unwrap();
    assert!(r.is_null("website"), "{}", r.json_str());

    let puts = journal_of(&sb, "commvault", "PUT");
    assert_eq!(puts.len(), 3);
    assert_eq!(puts[0]["body"]["website"], "www.one.example");
    assert!(
        puts[1]["body"].get("website").is_none(),
        "left out = not sent: {}",
        puts[1]["body"]
    );
    assert_eq!(
        puts[2]["body"].get("website"),
        Some(&Value::Null),
        "null = sent as null: {}",
        puts[2]["body"]
    );
    assert!(c.get_account(ACME).unwrap().is_null("website"));
}

#[test]
fn one_client_shared_by_many_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Client>();
    send_sync::<Sandbox>();
    send::<Response>();
    send::<Pager>();
    send::<Batch>();
    send_sync::<Error>();

    let sb = Arc::new(Sandbox::start().unwrap());
    let client = Arc::new(sb.client("99digital").unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let client = Arc::clone(&client);
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for i in 0..10 {
                    let r = client
                        .create_account(&nn_account(&format!("t{t}n{i}")))
                        .unwrap();
                    ids.push(r.id().to_string());
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 80);
    let listed = client.call("list_accounts", &json!({})).unwrap();
    assert_eq!(listed.size("list"), 80);
    // Responses move between threads.
    let r = client.call("list_accounts", &json!({})).unwrap();
    let n = std::thread::spawn(move || r.size("list")).join().unwrap();
    assert_eq!(n, 80);
}

#[test]
fn secrets_stay_out_of_display_and_debug() {
    let sb = Sandbox::start().unwrap();
    let secret = "Sup3r-S3cret-Value-xyz";

    let nn = Client::new("99digital").unwrap();
    nn.set_option("base_url", &sb.url("99digital").unwrap())
        .unwrap();
    nn.set_option("client_id", "sandbox-client").unwrap();
    nn.set_option("client_secret", secret).unwrap();
    nn.set_option("max_attempts", "1").unwrap();
    let e = nn.create_account(&nn_account("s1")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");

    let ap = Client::with_options(
        "activeplatform",
        [
            ("base_url", sb.url("activeplatform").unwrap().as_str()),
            ("api_token", secret),
        ],
    )
    .unwrap();
    let e2 = ap.get_account("500").unwrap_err();
    assert_eq!(e2.kind, ErrorKind::Auth, "{e2}");

    for text in [
        format!("{e}"),
        format!("{e:?}"),
        format!("{e2}"),
        format!("{e2:?}"),
        format!("{nn:?}"),
        format!("{ap:?}"),
    ] {
        assert!(!text.contains(secret), "secret leaked: {text}");
        assert!(!text.contains("Sup3r"), "secret leaked: {text}");
    }
    let journal = sb.journal().unwrap().to_string();
    assert!(!journal.contains(secret), "secret in the journal");

    // A password in the fields is not echoed either.
    let c = sb.client("99digital").unwrap();
    let e3 = c
        .create_account(
            &json!({"account_name": "A", "agents": 1, "inboxes": 1, "admin_email": "a@b.example",
            "admin_name": "A", "admin_displayName": "A", "admin_password": "sup3r-s3cret-noupper"}),
        )
        .unwrap_err();
    assert_eq!(e3.kind, ErrorKind::Validation);
    assert!(!format!("{e3} {e3:?}").contains("sup3r-s3cret-noupper"));
}

#[test]
fn vendors_describe_operations() {
    let all = vendors().unwrap();
    let names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, accountkit::vendor_names());
    assert!(
        names.contains(&"99digital")
            && names.contains(&"activeplatform")
            && names.contains(&"activeplatform-v3")
            && names.contains(&"commvault")
    );
    let cv = all.iter().find(|v| v.name == "commvault").unwrap();
    assert!(cv.asynchronous);
    assert_eq!(
        cv.operation("update_account").unwrap().id_field.as_deref(),
        Some("id")
    );
    let nn = all.iter().find(|v| v.name == "99digital").unwrap();
    let del = nn.operation("delete_account").unwrap();
    assert_eq!(del.id_field.as_deref(), Some("accountID"));
    assert!(
        nn.secret_keys.iter().any(|k| k == "admin_password"),
        "{:?}",
        nn.secret_keys
    );
    assert!(nn.secret_keys.iter().any(|k| k == "client_secret"));
    assert!(!accountkit::version().is_empty());
}

#[test]
fn sandbox_helpers() {
    let sb = Sandbox::new().unwrap();
    assert_eq!(sb.port(), 0);
    assert!(sb.url("99digital").is_none());
    sb.start_on(0).unwrap();
    assert!(sb.port() > 0);
    assert_eq!(
        sb.url("99digital").unwrap(),
        format!("http://127.0.0.1:{}/99digital", sb.port())
    );
    assert_eq!(
        sb.credentials("commvault").unwrap()["username"],
        "sandbox-partner"
    );
    assert_eq!(
        sb.set_option("commvault.no_such_knob", "1")
            .unwrap_err()
            .kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        sb.add_faults(&json!({"kind": "bogus"})).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );

    // A fault: 99digital list answers 503 with Retry-After; no retries.
    sb.add_faults(
        &json!({"vendor": "99digital", "path": "/api/online/getAccounts", "kind": "status",
        "status": 429, "retry_after": 7}),
    )
    .unwrap();
    let c = sb
        .client("99digital")
        .unwrap()
        .option("max_attempts", "1")
        .unwrap();
    let e = c.call("list_accounts", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited, "{e}");
    assert!(e.retriable);
    assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(e.http_status, Some(429));
    sb.clear_faults();
    c.call("list_accounts", &json!({})).unwrap();

    // Expired tokens are fetched again.
    sb.expire_tokens();
    c.call("list_accounts", &json!({})).unwrap();
    sb.stop();
    assert_eq!(sb.port(), 0);
}

#[test]
fn digital99_batch_creates_in_completion_order_with_tags() {
    let sb = Sandbox::start().unwrap();
    let client = sb.client("99digital").unwrap();
    let mut batch = client.batch(8).unwrap();
    for i in 0..40u64 {
        batch
            .submit("create_account", &nn_account(&format!("batch{i}")), i)
            .unwrap();
    }
    batch
        .submit("create_account", &json!({"agents": 123456}), 99)
        .unwrap();
    assert_eq!(batch.pending(), 41);
    let mut seen = std::collections::BTreeSet::new();
    while let Some((tag, outcome)) = batch.next_outcome(Some(Duration::from_secs(10))).unwrap() {
        assert!(seen.insert(tag), "tag {tag} twice");
        match outcome {
            Ok(r) => assert_eq!(r.get_str("reference"), Some(format!("batch{tag}").as_str())),
            Err(e) => {
                assert_eq!(tag, 99);
                assert_eq!(e.kind, ErrorKind::Validation);
            }
        }
    }
    assert_eq!(seen.len(), 41);
    assert_eq!(batch.pending(), 0);
    assert!(batch.submit("create_acount", &json!({}), 1).is_err());
}

#[test]
fn a_lost_create_is_recovered_or_names_its_candidates() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    c.set_option("retry_base_ms", "1").unwrap();
    assert!(c.check_credentials().unwrap());
    let mut first = nn_account("dup1");
    first["account_name"] = json!("First Company");
    let older = c.create_account(&first).unwrap();
    assert!(!older.is_recovered() && older.unavailable().is_empty());

    let lost = json!({"vendor": "99digital", "path": "/api/online/createAccount",
        "kind": "drop_after_commit", "count": 1});
    sb.add_faults(&lost).unwrap();
    let mut second = nn_account("dup1");
    second["account_name"] = json!("Second Company");
    let ours = c.create_account(&second).unwrap();
    assert!(ours.is_recovered());
    assert_eq!(ours.unavailable(), vec!["agent_id"]);
    assert_ne!(ours.id(), older.id());

    sb.add_faults(&lost).unwrap();
    let e = c.create_account(&second).unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutcomeUnknown);
    assert_eq!(e.candidates.len(), 3, "{}", e.message); // every account with the reference
    assert!(e.candidates.iter().any(|id| id == ours.id()));
}

#[test]
fn a_refused_secret_is_asked_once() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    c.set_option("client_secret", "a-mistyped-secret-value")
        .unwrap();
    assert_eq!(c.check_credentials().unwrap_err().kind, ErrorKind::Auth);
    assert_eq!(
        c.create_account(&nn_account("x1")).unwrap_err().kind,
        ErrorKind::Auth
    );
    assert!(!sb
        .client("activeplatform")
        .unwrap()
        .check_credentials()
        .unwrap());
}
