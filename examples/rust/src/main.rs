//! The account lifecycle against the embedded sandbox: create an account,
//! rename and disable it, list accounts, delete it. Exits non-zero on any
//! unexpected outcome, so it doubles as a test (the Rust twin of
//! examples/c/lifecycle.c).
use accountkit::{Client, Error, Response, Sandbox};
use serde_json::{json, Value};
use std::process::ExitCode;

/// Prints an error with every field problem.
fn report(what: &str, err: &Error) -> String {
    let mut s = format!("{what:<15} -> error [{}] {}", err.category, err.message);
    for f in &err.fields {
        s.push_str(&format!(
            "\n{:18} {} ({}): {}",
            "", f.path, f.rule, f.message
        ));
    }
    s
}

/// Runs one call (on account `id`, given positionally, when there is one) and
/// prints the outcome; an error is printed on stdout when expected, and returned.
fn run(
    client: &Client,
    op: &str,
    id: Option<&str>,
    fields: Value,
    expect_error: bool,
) -> Result<Response, String> {
    let outcome = match id {
        Some(id) => client.call_with_id(op, id, &fields),
        None => client.call(op, &fields),
    };
    match outcome {
        Ok(r) => {
            println!("{op:<15} -> {}", r.json_str());
            Ok(r)
        }
        Err(e) => {
            let text = report(op, &e);
            if expect_error {
                println!("{text}");
            }
            Err(text)
        }
    }
}

fn lifecycle() -> Result<(), String> {
    let sandbox = Sandbox::start().map_err(|e| report("starting the sandbox", &e))?;
    println!(
        "sandbox: {} (accountkit {})",
        sandbox.url("99digital").unwrap_or_default(),
        accountkit::version()
    );
    let client = sandbox
        .client("99digital")
        .map_err(|e| report("creating the client", &e))?;

    // Invalid input: every problem reported at once, nothing sent.
    let invalid = json!({"account_name": "Acme", "agents": 12345, "admin_email": "not-an-email",
                         "admin_password": "short"});
    if run(&client, "create_account", None, invalid, true).is_ok() {
        return Err("invalid fields were accepted".into());
    }

    let created = run(
        &client,
        "create_account",
        None,
        json!({"account_name": "Acme Inc", "agents": 10, "inboxes": 5,
               "admin_email": "owner@acme.example", "admin_name": "Ada Owner",
               "admin_displayName": "Ada", "admin_password": "Str0ng!pass",
               "admin_2fa": 1, "admin_2fa_value": "owner@acme.example", "reference": "crm4711"}),
        false,
    )?;
    let id = created
        .get_i64("account_id")
        .ok_or("the create returned no account_id")?;

    // The id positionally: the library puts it into update_account's account_id.
    let updated = run(
        &client,
        "update_account",
        Some(&id.to_string()),
        json!({"server": "online", "account_name": "Acme Ltd", "account_status": 0}),
        false,
    )?;
    println!("{:18} status is now \"{}\"", "", updated.status());

    let listed = run(&client, "list_accounts", None, json!({}), false)?;
    let name = listed
        .get("list[0].account_name")
        .map_err(|e| report("list[0].account_name", &e))?;
    println!(
        "{:18} {} account(s) listed, the first is {name}",
        "",
        listed.size("list")
    );

    // The same walk through the pager, with the typed helper.
    let names: Vec<String> = client
        .list_accounts(&json!({}))
        .map(|item| item.map(|r| r.json().to_string()))
        .collect::<Result<_, _>>()
        .map_err(|e| report("list_accounts", &e))?;
    println!("{:18} pager yielded {} item(s)", "", names.len());

    let delete = json!({"accountID": id, "server": "online"});
    run(&client, "delete_account", None, delete, false)?;

    // Deleting again: the vendor says the account does not exist.
    match client.delete_account(&id.to_string(), &json!({"server": "online"})) {
        Ok(_) => return Err("the second delete succeeded".into()),
        Err(e) if e.kind == accountkit::ErrorKind::NotFound => {
            println!("{}", report("delete_account", &e))
        }
        Err(e) => return Err(report("delete_account", &e)),
    }
    Ok(())
}

fn main() -> ExitCode {
    match lifecycle() {
        Ok(()) => {
            println!("lifecycle complete");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
