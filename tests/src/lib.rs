//! Helpers shared by the end-to-end tests in `tests/` and the examples: the
//! real `tgseal` binary (built on first use), sample files, folder listings,
//! JSON Lines records, the committed test vectors, and sealing in memory with
//! the core API.
// Test support: a panic here is a failed test, not a crash on user data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

pub use assert_cmd::Command;
use serde_json::Value;

pub mod browser;

/// Sealing and opening in memory with the core API (tgseal-core's own test
/// helpers, shared from one file).
#[path = "../../crates/tgseal-core/tests/common/mod.rs"]
pub mod sealing;

pub mod forge;

/// Cheap Argon2id parameters: tests exercise the format, not the KDF's cost.
pub const CHEAP_KDF: &str = "64,1,1";
/// The passphrase most tests use.
pub const PASS: &str = "correct horse battery staple";

/// The `tgseal` binary. `cargo test` builds another package's binary only when
/// that package is tested too, so build it once per test process (a no-op when
/// it is up to date).
pub fn tgseal_bin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut build = std::process::Command::new(env!("CARGO"));
        build.args(["build", "--quiet", "-p", "tgseal", "--bin", "tgseal"]);
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        assert!(build.status().unwrap().success(), "cannot build tgseal");
        assert_cmd::cargo::cargo_bin("tgseal")
    })
}

/// `tgseal` run in `dir`, with [`PASS`] in TGSEAL_PASSPHRASE.
pub fn tgseal(dir: &Path) -> Command {
    let mut cmd = Command::new(tgseal_bin());
    cmd.current_dir(dir).env("TGSEAL_PASSPHRASE", PASS);
    cmd
}

/// `tgseal encrypt --kdf-params CHEAP_KDF` plus `args`, in `dir`.
pub fn encrypt(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = tgseal(dir);
    cmd.args(["encrypt", "--kdf-params", CHEAP_KDF]).args(args);
    cmd
}

/// `tgseal decrypt` plus `args`, in `dir`.
pub fn decrypt(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = tgseal(dir);
    cmd.arg("decrypt").args(args);
    cmd
}

/// `tgseal` run in `dir` with [`PASS`], as a plain process: for tests that
/// choose its standard streams, spawn it or signal it.
pub fn tgseal_process(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(tgseal_bin());
    cmd.current_dir(dir).env("TGSEAL_PASSPHRASE", PASS);
    cmd
}

/// [`encrypt`] as a plain process with its standard error silenced, to be
/// spawned and interrupted.
pub fn encrypt_process(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = tgseal_process(dir);
    cmd.args(["encrypt", "--kdf-params", CHEAP_KDF])
        .args(args)
        .stderr(Stdio::null());
    cmd
}

/// Sends SIGINT to `child`, as Ctrl-C in a terminal would.
pub fn interrupt(child: &std::process::Child) {
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

/// Checks `ready` up to `tries` times, `pause` apart; whether it came true.
pub fn wait_until(tries: u32, pause: Duration, mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..tries {
        if ready() {
            return true;
        }
        std::thread::sleep(pause);
    }
    ready()
}

/// Runs `cmd`, which must succeed, and returns what it wrote to standard output.
pub fn success_stdout(cmd: &mut Command) -> Vec<u8> {
    cmd.assert().success().get_output().stdout.clone()
}

/// A temporary folder with one file `name` holding `len` pseudo-random bytes.
pub fn folder_with_file(name: &str, len: usize) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..len as u64)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let path = dir.path().join(name);
    std::fs::write(&path, &data).unwrap();
    (dir, path, data)
}

/// Every entry name in `dir`, sorted (hidden temporary files included).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The paths in `dir` that `keep` accepts, sorted.
pub fn paths_in(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| keep(p))
        .collect();
    paths.sort();
    paths
}

/// This crate's folder (`tests/`), where the vectors and the test kits live.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The description (`NAME.json`) of every vector in `tests/vectors/`, sorted.
pub fn vector_descriptions() -> Vec<PathBuf> {
    paths_in(&crate_dir().join("vectors"), |p| {
        p.extension().is_some_and(|e| e == "json")
    })
}

/// One JSON value per line of `stdout` (the `--json` output).
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect()
}

/// The record of `input` among `records`.
pub fn record<'a>(records: &'a [Value], input: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["input"] == input)
        .unwrap_or_else(|| panic!("no record for {input}: {records:?}"))
}

/// `tgseal decrypt ARGS` in `dir` succeeds, and `dir/output` then holds `expected`.
pub fn assert_decrypts(dir: &Path, args: &[&str], output: &str, expected: &[u8]) {
    decrypt(dir, args).assert().success();
    assert_eq!(
        std::fs::read(dir.join(output)).unwrap(),
        expected,
        "{output}"
    );
}

/// `tgseal ARGS` (in a fresh temporary folder) succeeds and prints every one
/// of `texts` on standard output.
pub fn assert_prints(args: &[&str], texts: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let stdout = String::from_utf8(success_stdout(tgseal(dir.path()).args(args))).unwrap();
    for text in texts {
        assert!(
            stdout.contains(text),
            "`tgseal {}` does not print {text:?}:\n{stdout}",
            args.join(" ")
        );
    }
}

/// Runs `cmd`, which must exit with `code` and say `text` on standard error.
pub fn assert_fails(cmd: &mut Command, code: i32, text: &str) -> assert_cmd::assert::Assert {
    cmd.assert()
        .code(code)
        .stderr(predicates::str::contains(text))
}

/// `dir` holds nothing (what it holds is listed when it does).
pub fn assert_empty(dir: &Path) {
    let left = entries(dir);
    assert!(left.is_empty(), "left in {}: {left:?}", dir.display());
}

/// A fake Telegram Desktop: `dir/bin/telegram-desktop`, a script that writes
/// the arguments it was started with, one per line, to `dir/telegram-args`
/// (whole or not at all). Returns the folder to put on `PATH` and the file.
#[cfg(unix)]
pub fn fake_telegram(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = dir.join("telegram-args");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{0}.tmp'\n/bin/mv '{0}.tmp' '{0}'\n",
        record.display()
    );
    let program = bin.join("telegram-desktop");
    std::fs::write(&program, script).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    (bin, record)
}

/// The arguments the [`fake_telegram`] received, once it has run (waits up
/// to ten seconds; it is started in the background).
pub fn telegram_args(record: &Path) -> Vec<String> {
    assert!(
        wait_until(1000, Duration::from_millis(10), || record.exists()),
        "Telegram Desktop was not started"
    );
    std::fs::read_to_string(record)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A folder as the `tree` of a folder vector (docs/FORMAT.md §7): `.` first,
/// then every entry depth first, siblings in byte order, each with its
/// `path`, `type` (`dir`, `file`, `link`), octal permission `mode` (not for
/// links), a file's `data` (UTF-8) and a link's `target`.
pub fn folder_tree(root: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    list_tree(root, Path::new(""), &mut out);
    out
}

fn list_tree(root: &Path, rel: &Path, out: &mut Vec<Value>) {
    let path = root.join(rel);
    let meta = std::fs::symlink_metadata(&path).unwrap();
    let shown = if rel.as_os_str().is_empty() {
        ".".to_string()
    } else {
        rel.to_string_lossy().into_owned()
    };
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        format!("{:o}", meta.permissions().mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let mode = String::new();
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(&path).unwrap();
        out.push(
            serde_json::json!({"path": shown, "type": "link", "target": target.to_string_lossy()}),
        );
    } else if meta.is_dir() {
        out.push(serde_json::json!({"path": shown, "type": "dir", "mode": mode}));
        let mut names: Vec<_> = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        for name in names {
            list_tree(root, &rel.join(name), out);
        }
    } else {
        let data = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        out.push(serde_json::json!({"path": shown, "type": "file", "mode": mode, "data": data}));
    }
}
