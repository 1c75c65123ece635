//! Links the accountkit C library one of two ways and tells the tests where
//! its headers are.
//!
//! - **pkg-config** (`accountkit.pc`, and `accountkit-sandbox.pc` with the
//!   feature `sandbox`): links the shared libraries of an install or a staged
//!   build (set PKG_CONFIG_PATH for one that is not on the default path; the
//!   program then needs the loader to find libaccountkit.so).
//! - **bundled**: builds the static archives from this repository's sources
//!   with CMake (Release; only `accountkit_static`, and with the feature
//!   `sandbox` also `accountkit_sandbox_static`) and links them statically,
//!   plus the system's shared libcurl, libsimdjson, libstdc++ (and
//!   libcpp-httplib for the sandbox). The program needs no libaccountkit.so.
//!
//! Which one: ACCOUNTKIT_SYS_USE_PKG_CONFIG=1 forces pkg-config (an error if
//! it finds nothing), ACCOUNTKIT_SYS_USE_PKG_CONFIG=0 forces bundled; unset,
//! the feature `bundled` means bundled, and without it pkg-config is tried
//! first and bundled is the fallback when it finds no accountkit.
//! Without the feature `sandbox` nothing of the sandbox is linked either way.

use std::path::{Path, PathBuf};

/// The C library versions these declarations match: 0.2.x (while the major
/// version is 0, every minor version may change the ABI).
const VERSIONS: std::ops::Range<&str> = "0.2.0".."0.3.0";

/// The pkg-config modules this build needs.
fn modules(sandbox: bool) -> Vec<&'static str> {
    if sandbox {
        vec!["accountkit", "accountkit-sandbox"]
    } else {
        vec!["accountkit"]
    }
}

fn probe(name: &str, emit: bool) -> Result<pkg_config::Library, pkg_config::Error> {
    pkg_config::Config::new()
        .range_version(VERSIONS)
        .cargo_metadata(emit)
        .probe(name)
}

/// Links the libraries pkg-config finds; exits with a message when one is missing.
fn link_pkg_config(sandbox: bool) {
    for name in modules(sandbox) {
        let lib = match probe(name, true) {
            Ok(lib) => lib,
            Err(e) => {
                eprintln!("accountkit-sys: pkg-config could not find {name} {VERSIONS:?}: {e}");
                // Only ACCOUNTKIT_SYS_USE_PKG_CONFIG=1 gets here: otherwise a
                // missing module means the bundled build.
                eprintln!(
                    "point PKG_CONFIG_PATH at the directory holding {name}.pc, or unset \
                     ACCOUNTKIT_SYS_USE_PKG_CONFIG to build the library from the repository's \
                     sources"
                );
                std::process::exit(1);
            }
        };
        let include = lib.include_paths.first();
        if name == "accountkit" {
            if let Some(dir) = include {
                println!("cargo:rustc-env=ACCOUNTKIT_INCLUDE_DIR={}", dir.display());
                println!("cargo:include={}", dir.display());
            }
            if let Some(dir) = lib.link_paths.first() {
                println!("cargo:rustc-env=ACCOUNTKIT_LIB_DIR={}", dir.display());
            }
        } else if let Some(dir) = include {
            println!(
                "cargo:rustc-env=ACCOUNTKIT_SANDBOX_INCLUDE_DIR={}",
                dir.display()
            );
        }
    }
}

/// The repository holding this crate: three levels above its manifest
/// (bindings/rust/accountkit-sys), recognised by its CMakeLists.txt and header.
/// `why` says why the bundled build was chosen.
fn source_root(why: &str) -> PathBuf {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = manifest.join("../../..");
    let header = root.join("capi/include/accountkit/accountkit.h");
    if !root.join("CMakeLists.txt").is_file() || !header.is_file() {
        eprintln!(
            "accountkit-sys: {why}, so it builds the C library from the accountkit repository, \
             but {} has no CMakeLists.txt and capi/include/accountkit/accountkit.h (this copy \
             of the crate is not inside the repository).",
            root.display()
        );
        eprintln!(
            "Depend on the crate by path inside a checkout of the repository, or install the \
             library and let pkg-config find it (ACCOUNTKIT_SYS_USE_PKG_CONFIG=1, PKG_CONFIG_PATH)."
        );
        std::process::exit(1);
    }
    root.canonicalize().unwrap_or(root)
}

/// Builds the static archives with CMake and links them.
fn link_bundled(sandbox: bool, why: &str) {
    let root = source_root(why);
    for input in ["CMakeLists.txt", "cmake", "core", "capi", "sandbox"] {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }
    let mut targets = vec!["accountkit_static"];
    if sandbox {
        targets.push("accountkit_sandbox_static");
    }
    let mut dst = PathBuf::new();
    for target in targets {
        dst = cmake::Config::new(&root)
            .profile("Release")
            .define("AK_BUILD_TESTS", "OFF")
            .define("AK_BUILD_EXAMPLES", "OFF")
            .define("AK_BUILD_BENCH", "OFF")
            .build_target(target)
            .build();
    }
    let build: &Path = &dst.join("build");
    println!("cargo:rustc-link-search=native={}", build.display());
    // The emulator's archive uses the core in libaccountkit.a: it goes first.
    if sandbox {
        println!("cargo:rustc-link-lib=static=accountkit-sandbox");
    }
    println!("cargo:rustc-link-lib=static=accountkit");
    if sandbox {
        println!("cargo:rustc-link-lib=dylib=cpp-httplib");
    }
    for lib in ["curl", "simdjson", "stdc++"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
    let include = root.join("capi/include");
    println!(
        "cargo:rustc-env=ACCOUNTKIT_INCLUDE_DIR={}",
        include.display()
    );
    println!("cargo:include={}", include.display());
    println!("cargo:rustc-env=ACCOUNTKIT_LIB_DIR={}", build.display());
    if sandbox {
        let include = root.join("sandbox/include");
        println!(
            "cargo:rustc-env=ACCOUNTKIT_SANDBOX_INCLUDE_DIR={}",
            include.display()
        );
    }
    println!("cargo:bundled=1");
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=ACCOUNTKIT_SYS_USE_PKG_CONFIG");
    let sandbox = std::env::var_os("CARGO_FEATURE_SANDBOX").is_some();
    let feature = std::env::var_os("CARGO_FEATURE_BUNDLED").is_some();
    let forced = std::env::var("ACCOUNTKIT_SYS_USE_PKG_CONFIG").ok();
    // Both or neither: a shared core with a bundled sandbox would link two cores.
    let found = || {
        modules(sandbox)
            .into_iter()
            .all(|m| probe(m, false).is_ok())
    };
    let bundled = match forced.as_deref() {
        Some("1") => None,
        Some("0") => Some("ACCOUNTKIT_SYS_USE_PKG_CONFIG is 0"),
        Some(other) => {
            eprintln!(
                "accountkit-sys: ACCOUNTKIT_SYS_USE_PKG_CONFIG is {other:?}; \
                 use 1 (pkg-config) or 0 (bundled)"
            );
            std::process::exit(1);
        }
        None if feature => Some("the feature `bundled` is on"),
        None if found() => None,
        None => Some("pkg-config finds no accountkit (with `sandbox`: or no accountkit-sandbox)"),
    };
    match bundled {
        Some(why) => link_bundled(sandbox, why),
        None => link_pkg_config(sandbox),
    }
}
