//! Having an integration test makes `cargo test --workspace` build the real
//! `tgseal` binary (target/debug/tgseal), which the end-to-end tests in
//! `tests/` (package tgseal-e2e) run; without it they would find no binary on
//! a clean checkout, or a stale one after a change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn the_binary_runs_and_reports_its_version() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tgseal"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("tgseal "));
}
