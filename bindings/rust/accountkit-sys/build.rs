//! Finds libaccountkit with pkg-config (set PKG_CONFIG_PATH to use an
//! uninstalled or staged build) and tells the tests where its header is.
fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let lib = match pkg_config::Config::new()
        .atleast_version("0.1.0")
        .probe("accountkit")
    {
        Ok(lib) => lib,
        Err(e) => {
            eprintln!("accountkit-sys: pkg-config could not find accountkit: {e}");
            eprintln!("point PKG_CONFIG_PATH at the directory holding accountkit.pc");
            std::process::exit(1);
        }
    };
    if let Some(dir) = lib.include_paths.first() {
        println!("cargo:rustc-env=ACCOUNTKIT_INCLUDE_DIR={}", dir.display());
        println!("cargo:include={}", dir.display());
    }
    if let Some(dir) = lib.link_paths.first() {
        println!("cargo:rustc-env=ACCOUNTKIT_LIB_DIR={}", dir.display());
    }
}
