//! What the two conformance runners share (tests/conformance/README.md):
//! where the case files are, reading them, and how values compare.
#![allow(dead_code)] // each runner uses some of it

use serde_json::Value;
use std::path::{Path, PathBuf};

/// tests/conformance of this repository, or the directory AK_CONFORMANCE_DIR names.
pub fn conformance_dir() -> PathBuf {
    std::env::var_os("AK_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/conformance"),
        PathBuf::from,
    )
}

/// Every case as (file name, case), files in name order, cases in file
/// order. A bad case file fails loudly.
pub fn all_cases() -> Vec<(String, Value)> {
    let dir = conformance_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the case files are not in {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let cases = doc["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{file}: no \"cases\" array"));
        out.extend(cases.iter().map(|c| (file.clone(), c.clone())));
    }
    out
}

/// Deep equality: objects compare as sets of members, numbers by value.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
