//! Checks the hand-written declarations against the headers: every AK_API
//! function of accountkit.h (and plan.h, which it includes) is declared in src/lib.rs, and every one of
//! sandbox.h in src/sandbox.rs, with the same parameter types in the same
//! order and the same return type (and nothing else is declared); every
//! enumerator and version macro has the same value; every declared function
//! links (its address is taken below).
use accountkit_sys::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The header `name` ("accountkit.h") of the library we link against (from
/// pkg-config), falling back to the one in the source tree.
fn header_text(name: &str) -> String {
    let mut candidates = Vec::new();
    for dir in [
        option_env!("ACCOUNTKIT_INCLUDE_DIR"),
        option_env!("ACCOUNTKIT_SANDBOX_INCLUDE_DIR"),
    ]
    .into_iter()
    .flatten()
    {
        candidates.push(PathBuf::from(dir).join("accountkit").join(name));
    }
    let source = if name == "sandbox.h" {
        "sandbox"
    } else {
        "capi"
    };
    candidates.push(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../..")
            .join(source)
            .join("include/accountkit")
            .join(name),
    );
    for c in &candidates {
        if let Ok(text) = std::fs::read_to_string(c) {
            return text;
        }
    }
    panic!("{name} not found in {candidates:?}");
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

/// The text between a '(' at the start of s and its ')', and what follows.
fn balanced(s: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return (&s[1..i], &s[i + 1..]);
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses in {s}");
}

/// A function's signature: parameter types in order, and the return type,
/// spelled as Rust spells them ("*mut *const c_char"; "" for void).
#[derive(Debug, PartialEq, Eq)]
struct Signature {
    params: Vec<String>,
    ret: String,
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A C type ("const char **", "size_t", "ak_result *") as Rust spells it.
fn c_type_to_rust(c: &str) -> String {
    let spaced = c.replace('*', " * ");
    // consts[0]: the base type is const; consts[k]: the k-th pointer is const.
    let mut consts = vec![false];
    let mut base = None;
    for token in spaced.split_whitespace() {
        match token {
            "const" => *consts.last_mut().unwrap() = true,
            "*" => consts.push(false),
            t => {
                assert!(base.is_none(), "two base types in C type {c:?}");
                base = Some(t);
            }
        }
    }
    let base = base.unwrap_or_else(|| panic!("no base type in C type {c:?}"));
    let pointers = consts.len() - 1;
    let mut ty = match base {
        "void" if pointers == 0 => return String::new(),
        "void" => "c_void",
        "char" => "c_char",
        "int" => "c_int",
        "long" => "c_long",
        "double" => "c_double",
        "size_t" => "usize",
        "int64_t" => "i64",
        "uint64_t" => "u64",
        t if t.starts_with("ak_") => t,
        t => panic!("C type {t:?} has no Rust spelling in this test"),
    }
    .to_string();
    // Pointer k points to a const object when what precedes it is const.
    for is_const in &consts[..pointers] {
        ty = format!("*{} {ty}", if *is_const { "const" } else { "mut" });
    }
    ty
}

/// AK_API functions of a header: name -> signature. accountkit.h's include
/// plan.h's.
fn header_functions(name: &str) -> BTreeMap<String, Signature> {
    let mut text = strip_comments(&header_text(name));
    if name == "accountkit.h" {
        text += &strip_comments(&header_text("plan.h"));
    }
    let mut out = BTreeMap::new();
    for line_start in text.match_indices("AK_API").map(|(i, _)| i) {
        let before = &text[..line_start];
        let line_begin = before.rfind('\n').map_or(0, |i| i + 1);
        if text[line_begin..line_start].trim_start().starts_with('#') {
            continue; // the #define itself
        }
        let decl = &text[line_start + "AK_API".len()..];
        let decl = &decl[..decl.find(';').expect("declaration without ';'")];
        let paren = decl.find('(').expect("declaration without '('");
        let head = decl[..paren].trim_end();
        let name_start = head.rfind(|c| !is_ident(c)).map_or(0, |i| i + 1);
        let (params, _) = balanced(&decl[paren..]);
        let params = params.trim();
        let params = if params == "void" || params.is_empty() {
            Vec::new()
        } else {
            params
                .split(',')
                .map(|p| {
                    // Drop the parameter's name: the last identifier.
                    let p = p.trim();
                    let type_end = p.rfind(|c| !is_ident(c)).map_or(0, |i| i + 1);
                    assert!(type_end > 0, "parameter without a name: {p:?} in {decl}");
                    c_type_to_rust(&p[..type_end])
                })
                .collect()
        };
        out.insert(
            head[name_start..].to_string(),
            Signature {
                params,
                ret: c_type_to_rust(&head[..name_start]),
            },
        );
    }
    out
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Functions declared in a Rust source: name -> signature.
fn rust_functions(src: &str) -> BTreeMap<String, Signature> {
    let mut out = BTreeMap::new();
    for (i, _) in src.match_indices("pub fn ") {
        let rest = &src[i + 7..];
        let paren = rest.find('(').unwrap();
        let (params, after) = balanced(&rest[paren..]);
        let params = params
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (_, ty) = p.split_once(':').expect("parameter without ':'");
                squeeze(ty)
            })
            .collect();
        let tail = &after[..after.find(';').expect("declaration without ';'")];
        let ret = tail
            .trim()
            .strip_prefix("->")
            .map_or(String::new(), squeeze);
        out.insert(rest[..paren].trim().to_string(), Signature { params, ret });
    }
    out
}

fn compare(header: &str, source: &str, min: usize) {
    let theirs = header_functions(header);
    let ours = rust_functions(source);
    assert!(
        theirs.len() >= min,
        "parsed only {} functions from {header}",
        theirs.len()
    );
    let missing: Vec<_> = theirs.keys().filter(|k| !ours.contains_key(*k)).collect();
    let extra: Vec<_> = ours.keys().filter(|k| !theirs.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "declared in {header} but not in accountkit-sys: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "declared in accountkit-sys but not in {header}: {extra:?}"
    );
    let differ: Vec<String> = theirs
        .iter()
        .filter(|(name, sig)| ours[*name] != **sig)
        .map(|(name, sig)| format!("{name}: {header} {sig:?}, accountkit-sys {:?}", ours[name]))
        .collect();
    assert!(
        differ.is_empty(),
        "signatures differ:\n{}",
        differ.join("\n")
    );
}

#[test]
fn every_header_function_is_declared_with_its_signature() {
    compare("accountkit.h", include_str!("../src/lib.rs"), 60);
}

#[test]
fn every_sandbox_function_is_declared_with_its_signature() {
    // Checked as text with or without the feature: the declarations must
    // match whenever someone turns it on.
    compare("sandbox.h", include_str!("../src/sandbox.rs"), 13);
}

#[test]
fn the_type_translation_can_tell_signatures_apart() {
    assert_eq!(c_type_to_rust("const char **"), "*mut *const c_char");
    assert_eq!(c_type_to_rust("char *const *"), "*const *mut c_char");
    assert_eq!(c_type_to_rust("const ak_fields *"), "*const ak_fields");
    assert_eq!(c_type_to_rust("ak_result **"), "*mut *mut ak_result");
    assert_eq!(c_type_to_rust("void *"), "*mut c_void");
    assert_eq!(c_type_to_rust("void"), "");
    let swapped = rust_functions(
        "pub fn ak_call(c: *mut ak_client, operation: *const c_char, fields: *const ak_fields, out: *mut *mut ak_result, err: *mut *mut ak_error) -> ak_status;",
    );
    assert_ne!(
        swapped["ak_call"],
        header_functions("accountkit.h").remove("ak_call").unwrap(),
        "0.1's ak_call must not pass for 0.2's"
    );
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
        ("AK_E_CANCELLED", AK_E_CANCELLED),
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

    let text = strip_comments(&header_text("accountkit.h"));
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
    // Taking each function's address makes the linker resolve every symbol
    // (the safe crate calls the others).
    let addrs: [*const (); 9] = [
        ak_client_set_log_callback as *const (),
        ak_fields_set_double as *const (),
        ak_fields_set_bool as *const (),
        ak_fields_unset as *const (),
        ak_fields_to_json as *const (),
        ak_result_get_double as *const (),
        ak_result_get_bool as *const (),
        ak_batch_wakeup as *const (),
        ak_error_new as *const (),
    ];
    assert!(addrs.iter().all(|a| !a.is_null()));
    let count = unsafe { ak_vendor_count() };
    assert!(count >= 3);
    assert!(unsafe { ak_vendor_name(count) }.is_null());
}

#[test]
fn new_in_0_2_behave_as_declared() {
    use std::ffi::CStr;
    let name = |s| unsafe {
        let p = ak_status_name(s);
        (!p.is_null()).then(|| CStr::from_ptr(p).to_str().unwrap())
    };
    assert_eq!(name(AK_E_NOT_FOUND), Some("not_found"));
    assert_eq!(name(-1), None);
    assert_eq!(unsafe { ak_status_parent(AK_E_TIMEOUT) }, AK_E_TRANSPORT);
    assert_eq!(unsafe { ak_status_parent(AK_E_AUTH) }, AK_OK);

    // Out-parameters first: a field set with a positional id, as JSON.
    let mut f = std::ptr::null_mut();
    let mut json = std::ptr::null_mut();
    unsafe {
        assert_eq!(ak_fields_new(&mut f, std::ptr::null_mut()), AK_OK);
        assert_eq!(
            ak_fields_set_id(
                f,
                c"99digital".as_ptr(),
                c"update_account".as_ptr(),
                c"1000".as_ptr(),
                std::ptr::null_mut()
            ),
            AK_OK
        );
        assert_eq!(ak_fields_to_json(&mut json, f, std::ptr::null_mut()), AK_OK);
        assert_eq!(
            CStr::from_ptr(json).to_str().unwrap(),
            r#"{"account_id":1000}"#
        );
        ak_string_free(json);
        ak_fields_free(f);

        let e = ak_error_new(AK_E_TIMEOUT, c"slow".as_ptr());
        assert!(!e.is_null());
        assert_eq!(ak_error_code(e), AK_E_TIMEOUT);
        assert_eq!(CStr::from_ptr(ak_error_category(e)).to_str(), Ok("timeout"));
        ak_error_free(e);
        assert!(ak_error_new(AK_OK, c"fine".as_ptr()).is_null());
    }
}

/// Whether a shared library whose file name contains `name` is mapped into
/// this process.
#[cfg(target_os = "linux")]
fn mapped(name: &str) -> bool {
    std::fs::read_to_string("/proc/self/maps")
        .expect("/proc/self/maps")
        .lines()
        .any(|l| l.rsplit('/').next().is_some_and(|file| file.contains(name)))
}

#[cfg(all(target_os = "linux", not(feature = "sandbox")))]
#[test]
fn without_the_feature_the_sandbox_is_not_linked() {
    assert!(mapped("libaccountkit.so"), "libaccountkit is not mapped");
    assert!(
        !mapped("libaccountkit-sandbox"),
        "libaccountkit-sandbox is linked although the feature `sandbox` is off"
    );
}

#[cfg(feature = "sandbox")]
#[test]
fn with_the_feature_every_sandbox_function_links() {
    let addrs: [*const (); 4] = [
        ak_sandbox_credentials_json as *const (),
        ak_sandbox_journal_json as *const (),
        ak_sandbox_expire_tokens as *const (),
        ak_sandbox_add_faults as *const (),
    ];
    assert!(addrs.iter().all(|a| !a.is_null()));
    let mut sb = std::ptr::null_mut();
    let mut out = std::ptr::null_mut();
    unsafe {
        assert_eq!(ak_sandbox_new(&mut sb, std::ptr::null_mut()), AK_OK);
        assert_eq!(
            ak_sandbox_credentials_json(&mut out, sb, c"commvault".as_ptr(), std::ptr::null_mut()),
            AK_OK
        );
        let creds = std::ffi::CStr::from_ptr(out).to_str().unwrap().to_string();
        ak_string_free(out);
        ak_sandbox_free(sb);
        assert!(creds.contains("sandbox-partner"), "{creds}");
    }
    #[cfg(target_os = "linux")]
    assert!(mapped("libaccountkit-sandbox"));
}
