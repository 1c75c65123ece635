//! Cancellation and deadlines through the sandbox (feature `sandbox`): a
//! token triggered from another thread, a per-call timeout, a batch
//! operation cancelled by tag (on its thread and from another), a wait
//! stopped between polls.
mod common;

use accountkit::{CallOptions, CancelToken, Client, ErrorKind, Sandbox};
use common::{journal_of, nn_account, ACME};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// A 99digital client whose token is already fetched (so the slow exchange
/// is the one under test), with quick retries.
fn warm_digital(sb: &Sandbox) -> Client {
    let c = sb
        .client("99digital")
        .unwrap()
        .option("retry_base_ms", "1")
        .unwrap()
        .option("retry_max_ms", "5")
        .unwrap();
    c.call("list_accounts", &json!({})).unwrap();
    c
}

fn slow(sb: &Sandbox, path: &str) {
    sb.add_faults(
        &json!({"vendor": "99digital", "path": path, "kind": "delay",
        "delay_ms": 3000, "count": 1}),
    )
    .unwrap();
}

#[test]
fn a_slow_read_is_cancelled_from_another_thread() {
    let sb = Sandbox::start().unwrap();
    let c = warm_digital(&sb);
    slow(&sb, "/api/online/getAccounts");
    let token = CancelToken::new().unwrap();
    assert!(!token.is_triggered());
    let start = std::time::Instant::now();
    let e = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            token.trigger();
        });
        let opts = CallOptions::new().cancel(&token);
        c.call_with("list_accounts", &json!({}), &opts).unwrap_err()
    });
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
    assert!(token.is_triggered());
    c.call("list_accounts", &json!({})).unwrap(); // the client is usable

    // A triggered token sends nothing: a create is cancelled, not unknown.
    sb.clear_journal();
    let opts = CallOptions {
        cancel: Some(&token),
        ..Default::default()
    };
    let e = c
        .call_with("create_account", &nn_account("cancelled0"), &opts)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
    assert!(journal_of(&sb, "99digital", "POST").is_empty());
    // So does a pager's page, and a call on an id.
    let mut pager = c.list_with("list_accounts", &json!({}), &opts).unwrap();
    assert_eq!(
        pager.next().unwrap().unwrap_err().kind,
        ErrorKind::Cancelled
    );
    let e = c
        .call_id_with("delete_account", "1", &json!({"server": "online"}), &opts)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
    assert!(journal_of(&sb, "99digital", "DELETE").is_empty());
}

#[test]
fn a_create_cancelled_in_flight_is_outcome_unknown() {
    let sb = Sandbox::start().unwrap();
    let c = warm_digital(&sb);
    slow(&sb, "/api/online/createAccount");
    let token = Arc::new(CancelToken::new().unwrap());
    let t = Arc::clone(&token);
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        t.trigger();
    });
    let opts = CallOptions::new().cancel(&token);
    let e = c
        .call_with("create_account", &nn_account("cancelled1"), &opts)
        .unwrap_err();
    canceller.join().unwrap();
    assert_eq!(e.kind, ErrorKind::OutcomeUnknown, "{e}");
}

/// A create that landed but whose answer was lost, cancelled while the
/// client looks it up: outcome-unknown, and never sent again.
#[test]
fn a_lost_create_cancelled_during_its_lookup_is_outcome_unknown() {
    let sb = Sandbox::start().unwrap();
    let c = warm_digital(&sb);
    sb.add_faults(
        &json!({"vendor": "99digital", "path": "/api/online/createAccount",
        "kind": "drop_after_commit", "count": 1}),
    )
    .unwrap();
    slow(&sb, "/api/online/getAccounts");
    let token = CancelToken::new().unwrap();
    let start = std::time::Instant::now();
    let e = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            token.trigger();
        });
        let opts = CallOptions::new().cancel(&token);
        c.call_with("create_account", &nn_account("rsdropped1"), &opts)
            .unwrap_err()
    });
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(e.kind, ErrorKind::OutcomeUnknown, "{e}");
    let listed = c.call("list_accounts", &json!({})).unwrap();
    let text = listed.json_str();
    assert_eq!(text.matches("\"rsdropped1\"").count(), 1, "{text}");
}

#[test]
fn a_timeout_ends_a_slow_read() {
    let sb = Sandbox::start().unwrap();
    let c = warm_digital(&sb);
    slow(&sb, "/api/online/getAccounts");
    let start = std::time::Instant::now();
    let opts = CallOptions::new().timeout(Duration::from_millis(300));
    let e = c.call_with("list_accounts", &json!({}), &opts).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    let too_long = CallOptions::new().timeout(Duration::from_secs(86_401));
    assert_eq!(
        c.call_with("list_accounts", &json!({}), &too_long)
            .unwrap_err()
            .kind,
        ErrorKind::InvalidArgument
    );
    c.call_with("list_accounts", &json!({}), &CallOptions::default())
        .unwrap();
}

#[test]
fn a_batch_operation_is_cancelled_by_tag() {
    let sb = Sandbox::start().unwrap();
    let c = warm_digital(&sb);
    slow(&sb, "/api/online/getAccounts");
    let mut b = c.batch(1).unwrap();
    for tag in [1, 2, 3] {
        b.submit("list_accounts", &json!({}), tag).unwrap();
    }
    b.cancel(2); // queued behind the slow one
    let start = std::time::Instant::now();
    let mut outcomes = std::collections::BTreeMap::new();
    while b.pending() > 0 {
        if start.elapsed() > Duration::from_millis(100) {
            b.cancel(1); // running
        }
        if let Some((tag, r)) = b.next_outcome(Some(Duration::from_millis(20))).unwrap() {
            outcomes.insert(tag, r.map_err(|e| e.kind).map(|_| ()));
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(outcomes[&1], Err(ErrorKind::Cancelled));
    assert_eq!(outcomes[&2], Err(ErrorKind::Cancelled));
    assert_eq!(outcomes[&3], Ok(()));
}

#[test]
fn a_batch_is_cancelled_from_another_thread_while_it_waits() {
    let sb = Sandbox::start().unwrap();
    let c = warm_digital(&sb);
    slow(&sb, "/api/online/createAccount");
    let mut b = c.batch(4).unwrap();
    b.submit("create_account", &nn_account("batchcancel1"), 1)
        .unwrap();
    b.submit("list_accounts", &json!({}), 2).unwrap();
    let canceller = b.canceller();
    let start = std::time::Instant::now();
    let outcomes = std::thread::scope(|s| {
        s.spawn(move || {
            std::thread::sleep(Duration::from_millis(300)); // the create is in flight
            canceller.cancel(1);
        });
        let mut outcomes = std::collections::BTreeMap::new();
        while b.pending() > 0 {
            // No timeout: only the other thread's cancel brings the create back soon.
            let (tag, r) = b.next_outcome(None).unwrap().expect("an outcome");
            outcomes.insert(tag, r.map_err(|e| e.kind).map(|_| ()));
        }
        outcomes
    });
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(outcomes[&1], Err(ErrorKind::OutcomeUnknown));
    assert_eq!(outcomes[&2], Ok(()));
    // The batch goes on working after the cancel.
    b.submit("list_accounts", &json!({}), 3).unwrap();
    let (tag, r) = b.next_outcome(None).unwrap().unwrap();
    assert_eq!(tag, 3);
    r.unwrap();
}

#[test]
fn a_wait_is_cancelled_between_polls_and_ended_by_a_timeout() {
    let sb = Sandbox::start().unwrap();
    sb.set_option("commvault.update_delay_ms", "10000").unwrap();
    let c = sb
        .client("commvault")
        .unwrap()
        .option("poll_initial_ms", "20")
        .unwrap();
    c.update_account(
        ACME,
        &json!({"externalId": "XSP1234", "name": "Acme Waiting", "contacts": []}),
    )
    .unwrap();
    let token = CancelToken::new().unwrap();
    let start = std::time::Instant::now();
    let e = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(150));
            token.trigger();
        });
        c.wait_with(
            "",
            ACME,
            Duration::from_secs(60),
            &CallOptions::new().cancel(&token),
        )
        .unwrap_err()
    });
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
    // The smaller of the wait's timeout and the options' applies.
    let start = std::time::Instant::now();
    let opts = CallOptions::new().timeout(Duration::from_millis(200));
    let e = c
        .wait_with("", ACME, Duration::from_secs(60), &opts)
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
}
