//! Drives the real app through egui_kittest: drop files, type, click, wait.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tgseal_age::Identities;
use tgseal_core::{
    Control, DecryptOptions, Decryptor, EncryptOptions, KdfCap, KdfParams, Keyring, Passphrase,
};
use tgseal_gui::desktop::DesktopEnv;
use tgseal_gui::queue::Status;
use tgseal_gui::settings::Settings;
use tgseal_gui::{Hooks, TgsealApp};
use tgseal_workflow::{
    BatchKeys, DecryptTarget, Destination, Format, Input, ShapeOptions, Source, Unlock, seal,
};

/// The passphrase the tests seal and open with.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// Cheap Argon2id for tests; the presets users see are untouched.
pub const FAST_KDF: KdfParams = KdfParams {
    memory_kib: 64,
    passes: 1,
    lanes: 1,
};

/// The window size of every test (and snapshot).
pub const WINDOW: egui::Vec2 = egui::vec2(960.0, 640.0);

/// What snapshots show instead of the random temporary folder.
pub const SHOWN_FOLDER: &str = "~/Documents";

pub type App = Harness<'static, TgsealApp>;

/// Test hooks: fast KDF, stable display, paths under `dir` shown as ~/Documents.
pub fn hooks(dir: &Path) -> Hooks {
    Hooks {
        kdf_override: Some(FAST_KDF),
        path_alias: Some((dir.to_path_buf(), SHOWN_FOLDER.into())),
        stable_display: true,
        hold: None,
        // No portal, and nothing on PATH: no real dialog, file manager or
        // Telegram Desktop is ever started by a test.
        desktop: Some(DesktopEnv::path_only(dir.join(".no-programs"))),
    }
}

/// Test hooks, as [`hooks`], with programs found only in `bin`.
pub fn hooks_with_programs(dir: &Path, bin: &Path) -> Hooks {
    Hooks {
        desktop: Some(DesktopEnv::path_only(bin)),
        ..hooks(dir)
    }
}

/// Writes an executable shell script `bin/name`.
#[cfg(unix)]
pub fn script(bin: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).unwrap();
    let path = bin.join(name);
    std::fs::write(
        &path,
        format!("#!/bin/sh\n[ \"$1\" = {PROBE} ] && exit 0\n{body}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    wait_until_executable(&path);
    path
}

/// The argument on which a [`script`] exits at once.
#[cfg(unix)]
const PROBE: &str = "--tgseal-test-probe";

/// Runs the new script once with [`PROBE`] until it starts. Another test
/// thread that forks while the script is open for writing holds the write
/// descriptor until its child execs, and an exec in that window fails with
/// "Text file busy" (ETXTBSY). Once one exec succeeds no writer is left, so
/// the app's own start of the script cannot hit it.
#[cfg(unix)]
fn wait_until_executable(path: &Path) {
    for _ in 0..500 {
        match std::process::Command::new(path).arg(PROBE).status() {
            Ok(status) => {
                assert!(status.success(), "{} {PROBE}: {status}", path.display());
                return;
            }
            Err(err) if err.raw_os_error() == Some(ETXTBSY) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(err) => panic!("cannot run {}: {err}", path.display()),
        }
    }
    panic!("{} stayed busy (ETXTBSY) for 5 s", path.display());
}

/// "Text file busy", the same number on Linux, macOS and the BSDs.
#[cfg(unix)]
const ETXTBSY: i32 = 26;

/// The app, as eframe would start it, without a renderer.
pub fn app(hooks: Hooks) -> App {
    Harness::builder()
        .with_size(WINDOW)
        .with_max_steps(64)
        .build_eframe(move |cc| TgsealApp::new(cc, hooks))
}

/// The app rendering through wgpu, for snapshots.
pub fn rendered_app(hooks: Hooks) -> App {
    rendered_app_at(hooks, WINDOW)
}

/// The app rendering through wgpu in a window of `size`.
pub fn rendered_app_at(hooks: Hooks, size: egui::Vec2) -> App {
    Harness::builder()
        .with_size(size)
        .with_max_steps(64)
        // A blinking text cursor would make snapshots depend on the frame count.
        .with_context_setup(|ctx| ctx.all_styles_mut(|s| s.visuals.text_cursor.blink = false))
        .wgpu()
        .build_eframe(move |cc| TgsealApp::new(cc, hooks))
}

/// The app without a renderer, with `paths` dropped on it.
pub fn app_with_files(dir: &Path, paths: &[PathBuf]) -> App {
    let mut app = app(hooks(dir));
    drop_files(&mut app, paths);
    app
}

/// Holds every job of a batch after its first progress report, until released
/// (see [`Hooks::hold`]), so a test can look at or cancel a running job.
pub struct Hold(Arc<AtomicBool>);

impl Hold {
    /// Lets the held jobs go on.
    pub fn release(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Test hooks, as [`hooks`], with a [`Hold`] already set.
pub fn held_hooks(dir: &Path) -> (Hooks, Hold) {
    let flag = Arc::new(AtomicBool::new(true));
    let mut hooks = hooks(dir);
    hooks.hold = Some(flag.clone());
    (hooks, Hold(flag))
}

/// The app without a renderer, its jobs held (see [`Hold`]), with `paths`
/// dropped on it.
pub fn held_app_with_files(dir: &Path, paths: &[PathBuf]) -> (App, Hold) {
    let (hooks, hold) = held_hooks(dir);
    let mut app = app(hooks);
    drop_files(&mut app, paths);
    (app, hold)
}

/// Changes the settings as the Options panel would; returns what it set.
pub fn change_settings(app: &mut App, change: impl FnOnce(&mut Settings)) -> Settings {
    let mut settings = app.state().settings().clone();
    change(&mut settings);
    app.state_mut().set_settings(settings.clone());
    settings
}

/// A file dropped on the window (what egui-winit hands egui on the desktop).
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops files on the window, as a file manager would.
pub fn drop_files(app: &mut App, paths: &[PathBuf]) {
    for path in paths {
        app.input_mut()
            .dropped_files
            .push(Arc::new(DroppedPath(path.clone())));
    }
    app.run();
}

/// Focuses the text field with this label and types `text` into it.
pub fn type_into(app: &mut App, label: &str, text: &str) {
    app.get_by_label(label).focus();
    app.run();
    app.get_by_label(label).type_text(text);
    app.run();
}

/// Takes a snapshot without the mouse pointer (no hover effects, no tooltips).
pub fn snap(app: &mut App, name: &str) {
    app.remove_cursor();
    app.run_steps(2);
    app.snapshot(name);
}

/// Clicks the widget with this exact label.
pub fn click(app: &mut App, label: &str) {
    app.get_by_label(label).click();
    app.run();
}

/// Types [`PASSPHRASE`] into both fields and presses the Start button, which
/// says `start` (`Seal 2 files`); does not wait.
pub fn start_sealing(app: &mut App, start: &str) {
    type_into(app, "Passphrase", PASSPHRASE);
    type_into(app, "Confirm passphrase", PASSPHRASE);
    click(app, start);
}

/// Seals what is listed with [`PASSPHRASE`] and waits for the batch to end.
pub fn seal_all(app: &mut App, start: &str) {
    start_sealing(app, start);
    wait_until_idle(app);
}

/// Opens what is listed with `passphrase` and waits for the batch to end.
pub fn open_all(app: &mut App, passphrase: &str, start: &str) {
    type_into(app, "Passphrase", passphrase);
    run_batch(app, start);
}

/// Presses the Start button, which says `start`, and waits for the batch to end.
pub fn run_batch(app: &mut App, start: &str) {
    click(app, start);
    wait_until_idle(app);
}

/// Steps the app until the batch is over (bounded by iterations, not by time).
pub fn wait_until_idle(app: &mut App) {
    for _ in 0..6000 {
        app.step();
        if !app.state().is_busy() {
            app.run();
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the batch did not finish");
}

/// Steps the app until `done` holds (bounded by iterations).
pub fn step_until(app: &mut App, what: &str, done: impl Fn(&TgsealApp) -> bool) {
    for _ in 0..6000 {
        app.step();
        if done(app.state()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("timed out waiting for {what}");
}

/// Steps until the first queue item is running.
pub fn wait_until_running(app: &mut App) {
    step_until(app, "the first job to start", |a| {
        a.queue()[0].status == Status::Running
    });
}

/// Steps until the first queue item has reported progress (with a [`Hold`],
/// it then stays there).
pub fn wait_for_progress(app: &mut App) {
    step_until(app, "the first progress report", |a| {
        a.progress_of(0).is_some_and(|(done, _)| done > 0)
    });
}

/// Waits until the batch's first job runs, presses Cancel all, lets the held
/// jobs go and waits for the batch to end.
pub fn cancel_all_while_running(app: &mut App, hold: &Hold) {
    wait_until_running(app);
    app.get_by_label("Cancel all").click();
    app.step();
    hold.release();
    wait_until_idle(app);
}

/// The status of queue item `index`.
pub fn status(app: &App, index: usize) -> &Status {
    &app.state().queue()[index].status
}

/// The message of queue item `index`, which must have failed.
pub fn failure(app: &App, index: usize) -> String {
    match status(app, index) {
        Status::Failed(message) => message.clone(),
        other => panic!("item {index} did not fail: {other:?}"),
    }
}

/// Asserts that queue item `index` finished, wherever its result went.
pub fn assert_done(app: &App, index: usize) {
    let status = status(app, index);
    assert!(matches!(status, Status::Done(_)), "{status:?}");
}

/// Asserts that queue item `index` finished with its result at `result`, and
/// that the result holds `expected`.
pub fn assert_result(app: &App, index: usize, result: &Path, expected: &[u8]) {
    assert_eq!(status(app, index), &Status::Done(result.to_path_buf()));
    assert_eq!(read(result), expected);
}

/// Writes `len` bytes of a repeating but non-trivial pattern.
pub fn write_file(path: &Path, len: usize) {
    let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(path, data).unwrap();
}

/// Writes `len` bytes (as [`write_file`]) to `dir/name`; returns the path.
pub fn data_file(dir: &Path, name: &str, len: usize) -> PathBuf {
    let path = dir.join(name);
    write_file(&path, len);
    path
}

/// Writes `text` to `dir/name`; returns the path.
pub fn text_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The bytes of a file.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// A file of `len` bytes sealed with the core into `dir/NAME.tgseal`, the
/// original removed (so that opening it can only come from the sealed file).
pub fn sealed_file(dir: &Path, name: &str, len: usize) -> PathBuf {
    let original = data_file(dir, name, len);
    let sealed = dir.join(format!("{name}.tgseal"));
    seal_with_core(&original, &sealed, PASSPHRASE);
    std::fs::remove_file(&original).unwrap();
    sealed
}

/// Seals `input` into `output` with the workflow layer directly (not the app).
pub fn seal_with_core(input: &Path, output: &Path, passphrase: &str) {
    let keys = BatchKeys::new(Passphrase::new(passphrase).unwrap(), FAST_KDF, false).unwrap();
    let format = Format::Sealed {
        keys: &keys,
        shape: ShapeOptions::default(),
        options: EncryptOptions::default(),
    };
    seal(
        Source::Path(input),
        Destination::Path(output),
        false,
        &format,
        &Control::new(),
    )
    .unwrap();
}

/// Opens a sealed file with the core, into memory.
pub fn open_with_core(sealed: &Path, passphrase: &str) -> Result<Vec<u8>, tgseal_core::Error> {
    let keyring = Keyring::new(Passphrase::new(passphrase)?, KdfCap::DEFAULT);
    let decryptor = Decryptor::new(std::fs::File::open(sealed)?, &keyring)?;
    let mut out = Vec::new();
    decryptor.decrypt_to(&mut out, &Control::new())?;
    Ok(out)
}

/// The names in a folder, sorted (hidden temporary files included).
pub use tgseal_e2e::entries as names_in;

/// Decrypts a sealed input in any shape (a part, armored text, a sealed
/// folder) with the core into `into`; returns the path written.
pub fn open_any_with_core(sealed: &Path, into: &Path, passphrase: &str) -> PathBuf {
    let keyring = Keyring::new(Passphrase::new(passphrase).unwrap(), KdfCap::DEFAULT);
    let unlock = Unlock {
        keyring: Some(&keyring),
        identities: &Identities::new(),
    };
    Input::to_open(sealed)
        .unwrap()
        .open(
            &DecryptTarget::Folder(into.to_path_buf()),
            false,
            &tgseal_workflow::Claims::default(),
            &unlock,
            &DecryptOptions::default(),
            &Control::new(),
        )
        .unwrap()
        .outputs
        .remove(0)
}

/// Seals `input` with the core in the given shape into `dir`; returns the
/// files written (one, or every part).
pub fn seal_shaped_with_core(
    input: &Path,
    dir: &Path,
    shape: &ShapeOptions,
    passphrase: &str,
) -> Vec<PathBuf> {
    let keys = BatchKeys::new(Passphrase::new(passphrase).unwrap(), FAST_KDF, false).unwrap();
    let format = Format::Sealed {
        keys: &keys,
        shape: *shape,
        options: EncryptOptions::default(),
    };
    let name = tgseal_workflow::files::sealed_name(input.file_name().unwrap());
    let destination = Destination::Named {
        dir,
        name: name.to_string_lossy().into_owned(),
    };
    let sealed = seal(
        Source::Path(input),
        destination,
        false,
        &format,
        &Control::new(),
    );
    sealed.unwrap().outputs
}

/// Seals `input` with the core into `dir`, split into parts of `part_size`
/// bytes; returns the parts in order.
pub fn split_with_core(input: &Path, dir: &Path, part_size: u64) -> Vec<PathBuf> {
    let shape = ShapeOptions {
        split: Some(part_size),
        ..Default::default()
    };
    seal_shaped_with_core(input, dir, &shape, PASSPHRASE)
}

/// Writes an age file of `plain` to `path`, for `to`.
pub fn age_file(path: &Path, plain: &[u8], to: &tgseal_age::EncryptTo) {
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let written = seal_age_with_workflow(plain, dir, &name, to, None);
    assert_eq!(written, [path.to_path_buf()]);
}

/// Encrypts `plain` to an age file `dir/name` (or its raw parts of at most
/// `split` bytes) with the workflow layer; returns the files written.
pub fn seal_age_with_workflow(
    plain: &[u8],
    dir: &Path,
    name: &str,
    to: &tgseal_age::EncryptTo,
    split: Option<u64>,
) -> Vec<PathBuf> {
    let format = Format::Age {
        to,
        armor: tgseal_age::Armor::Binary,
        split,
        hide_name: false,
    };
    let destination = Destination::Named {
        dir,
        name: name.to_owned(),
    };
    let source = Source::Stream(&mut &plain[..]);
    let sealed = seal(source, destination, false, &format, &Control::new());
    sealed.unwrap().outputs
}

/// age encryption with [`PASSPHRASE`], with cheap scrypt (age writes 18).
pub fn age_passphrase() -> tgseal_age::EncryptTo {
    tgseal_age::EncryptTo::Passphrase {
        passphrase: Passphrase::new(PASSPHRASE).unwrap(),
        work_factor: 10,
    }
}

/// A new age key: its identity file, written to `dir/key.txt`, and age
/// encryption to its public key.
pub fn age_key(dir: &Path) -> (PathBuf, tgseal_age::EncryptTo) {
    let key = tgseal_age::generate_identity();
    let identity = dir.join("key.txt");
    std::fs::write(&identity, key.file_text.as_bytes()).unwrap();
    let recipient = tgseal_age::parse_recipient(&key.public_key).unwrap();
    (identity, tgseal_age::EncryptTo::Recipients(vec![recipient]))
}

/// In-memory stand-in for eframe's storage (a RON file on disk in the real app).
#[derive(Default)]
pub struct MemoryStorage(pub std::collections::BTreeMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}
