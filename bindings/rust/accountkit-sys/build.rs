//! Finds libaccountkit with pkg-config (set PKG_CONFIG_PATH to use an
//! uninstalled or staged build) and tells the tests where its headers are.
//! With the feature `sandbox` it also links libaccountkit-sandbox
//! (pkg-config `accountkit-sandbox`); without it nothing of the sandbox is linked.

/// The C library versions these declarations match: 0.2.x (while the major
/// version is 0, every minor version may change the ABI).
const VERSIONS: std::ops::Range<&str> = "0.2.0".."0.3.0";

fn probe(name: &str) -> pkg_config::Library {
    match pkg_config::Config::new()
        .range_version(VERSIONS)
        .probe(name)
    {
        Ok(lib) => lib,
        Err(e) => {
            eprintln!("accountkit-sys: pkg-config could not find {name} {VERSIONS:?}: {e}");
            eprintln!("point PKG_CONFIG_PATH at the directory holding {name}.pc");
            std::process::exit(1);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let lib = probe("accountkit");
    if let Some(dir) = lib.include_paths.first() {
        println!("cargo:rustc-env=ACCOUNTKIT_INCLUDE_DIR={}", dir.display());
        println!("cargo:include={}", dir.display());
    }
    if let Some(dir) = lib.link_paths.first() {
        println!("cargo:rustc-env=ACCOUNTKIT_LIB_DIR={}", dir.display());
    }
    if std::env::var_os("CARGO_FEATURE_SANDBOX").is_some() {
        let sandbox = probe("accountkit-sandbox");
        if let Some(dir) = sandbox.include_paths.first() {
            println!(
                "cargo:rustc-env=ACCOUNTKIT_SANDBOX_INCLUDE_DIR={}",
                dir.display()
            );
        }
    }
}
