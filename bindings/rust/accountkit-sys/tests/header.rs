//! Checks the hand-written declarations in src/lib.rs against accountkit.h:
//! every AK_API function is declared with the same number of parameters (and
//! nothing else is), every enumerator and version macro has the same value, and
//! every declared function links (its address is taken below).
use accountkit_sys::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn header_text() -> String {
    // The header of the library we link against (from pkg-config), falling
    // back to the one in the source tree.
    let mut candidates = Vec::new();
    if let Some(dir) = option_env!("ACCOUNTKIT_INCLUDE_DIR") {
        candidates.push(PathBuf::from(dir).join("accountkit/accountkit.h"));
    }
    candidates.push(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../capi/include/accountkit/accountkit.h"),
    );
    for c in &candidates {
        if let Ok(text) = std::fs::read_to_string(c) {
            return text;
        }
    }
    panic!("accountkit.h not found in {candidates:?}");
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (None, None) => {
                out.push_str(rest);
                return out;
            }
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                let end = rest[b + 2..].find("*/").expect("unterminated comment") + b + 4;
                rest = &rest[end..];
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = &rest[l..];
                rest = &rest[rest.find('\n').unwrap_or(rest.len())..];
            }
            _ => unreachable!(),
        }
    }
}

/// Number of parameters in the text between a '(' and its ')'.
fn param_count(params: &str) -> usize {
    let t = params.trim().trim_end_matches(',').trim();
    if t.is_empty() || t == "void" {
        0
    } else {
        t.split(',').count()
    }
}

fn balanced(s: &str) -> &str {
    let mut depth = 0;
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[1..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses in {s}");
}

fn ident_before(s: &str) -> String {
    let trimmed = s.trim_end();
    let start = trimmed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    trimmed[start..].to_string()
}

/// AK_API functions of the header: name -> parameter count.
fn header_functions() -> BTreeMap<String, usize> {
    let text = strip_comments(&header_text());
    let mut out = BTreeMap::new();
    for line_start in text.match_indices("AK_API").map(|(i, _)| i) {
        let before = &text[..line_start];
        let line_begin = before.rfind('\n').map_or(0, |i| i + 1);
        if text[line_begin..line_start].trim_start().starts_with('#') {
            continue; // the #define itself
        }
        let decl = &text[line_start..];
        let decl = &decl[..decl.find(';').expect("declaration without ';'")];
        let paren = decl.find('(').expect("declaration without '('");
        let name = ident_before(&decl[..paren]);
        out.insert(name, param_count(balanced(&decl[paren..])));
    }
    out
}

/// Functions declared in src/lib.rs: name -> parameter count.
fn rust_functions() -> BTreeMap<String, usize> {
    let src = include_str!("../src/lib.rs");
    let mut out = BTreeMap::new();
    for (i, _) in src.match_indices("pub fn ") {
        let rest = &src[i + 7..];
        let paren = rest.find('(').unwrap();
        out.insert(
            rest[..paren].trim().to_string(),
            param_count(balanced(&rest[paren..])),
        );
    }
    out
}

#[test]
fn every_header_function_is_declared_with_its_arity() {
    let header = header_functions();
    let rust = rust_functions();
    assert!(
        header.len() >= 70,
        "parsed only {} functions from the header",
        header.len()
    );
    let missing: Vec<_> = header.keys().filter(|k| !rust.contains_key(*k)).collect();
    let extra: Vec<_> = rust.keys().filter(|k| !header.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "declared in accountkit.h but not in accountkit-sys: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "declared in accountkit-sys but not in accountkit.h: {extra:?}"
    );
    for (name, n) in &header {
        assert_eq!(
            rust[name], *n,
            "{name}: {n} parameters in the header, {} in accountkit-sys",
            rust[name]
        );
    }
}

#[test]
fn enum_values_and_version_macros_match() {
    let ours: BTreeMap<&str, i64> = [
        ("AK_OK", AK_OK),
        ("AK_E_INVALID_ARGUMENT", AK_E_INVALID_ARGUMENT),
        ("AK_E_VALIDATION", AK_E_VALIDATION),
        ("AK_E_AUTH", AK_E_AUTH),
        ("AK_E_NOT_FOUND", AK_E_NOT_FOUND),
        ("AK_E_RATE_LIMITED", AK_E_RATE_LIMITED),
        ("AK_E_VENDOR", AK_E_VENDOR),
        ("AK_E_TRANSPORT", AK_E_TRANSPORT),
        ("AK_E_TIMEOUT", AK_E_TIMEOUT),
        ("AK_E_DECODE", AK_E_DECODE),
        ("AK_E_UNKNOWN_OPERATION", AK_E_UNKNOWN_OPERATION),
        ("AK_E_OUTCOME_UNKNOWN", AK_E_OUTCOME_UNKNOWN),
        ("AK_E_NOMEM", AK_E_NOMEM),
        ("AK_E_INTERNAL", AK_E_INTERNAL),
        ("AK_E_OPERATION_FAILED", AK_E_OPERATION_FAILED),
        ("AK_LOG_DEBUG", AK_LOG_DEBUG),
        ("AK_LOG_INFO", AK_LOG_INFO),
        ("AK_LOG_WARNING", AK_LOG_WARNING),
        ("AK_LOG_ERROR", AK_LOG_ERROR),
        ("AK_VERSION_MAJOR", AK_VERSION_MAJOR),
        ("AK_VERSION_MINOR", AK_VERSION_MINOR),
        ("AK_VERSION_PATCH", AK_VERSION_PATCH),
    ]
    .into_iter()
    .map(|(k, v)| (k, i64::from(v)))
    .collect();

    let text = strip_comments(&header_text());
    let mut theirs = BTreeMap::new();
    // enumerators: "AK_NAME = 12"
    for line in text.lines() {
        let line = line.trim().trim_end_matches(',');
        let words: Vec<&str> = line.split_whitespace().collect();
        let parsed = match words.as_slice() {
            [name, "=", value] if name.starts_with("AK_") => Some((*name, *value)),
            ["#define", name, value] if name.starts_with("AK_VERSION_") => Some((*name, *value)),
            _ => None,
        };
        if let Some((name, value)) = parsed {
            theirs.insert(
                name.to_string(),
                value
                    .parse::<i64>()
                    .unwrap_or_else(|_| panic!("{name} = {value}")),
            );
        }
    }
    assert_eq!(theirs.len(), ours.len(), "header values {theirs:?}");
    for (name, value) in &theirs {
        assert_eq!(ours.get(name.as_str()), Some(value), "{name}");
    }
}

#[test]
fn runtime_version_matches_header() {
    let n = unsafe { ak_version_number() };
    assert_eq!(
        n,
        AK_VERSION_MAJOR * 10000 + AK_VERSION_MINOR * 100 + AK_VERSION_PATCH
    );
    let s = unsafe { std::ffi::CStr::from_ptr(ak_version()) }
        .to_str()
        .unwrap();
    assert_eq!(
        s,
        format!("{AK_VERSION_MAJOR}.{AK_VERSION_MINOR}.{AK_VERSION_PATCH}")
    );
}

#[test]
fn every_declared_function_links() {
    // Taking each function's address makes the linker resolve every symbol.
    let addrs: [*const (); 8] = [
        ak_client_set_log_callback as *const (),
        ak_fields_set_double as *const (),
        ak_fields_set_bool as *const (),
        ak_fields_unset as *const (),
        ak_result_get_double as *const (),
        ak_result_get_bool as *const (),
        ak_sandbox_credentials_json as *const (),
        ak_sandbox_expire_tokens as *const (),
    ];
    assert!(addrs.iter().all(|a| !a.is_null()));
    let count = unsafe { ak_vendor_count() };
    assert!(count >= 3);
    assert!(unsafe { ak_vendor_name(count) }.is_null());
}
