//! Drives the real app through egui_kittest: drop files, type, click, wait.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tgseal_core::files::encrypt_file;
use tgseal_core::{
    Control, Decryptor, EncryptOptions, KdfCap, KdfParams, Keyring, MasterKey, Passphrase,
};
use tgseal_gui::{Hooks, TgsealApp};

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
    }
}

/// The app, as eframe would start it, without a renderer.
pub fn app(hooks: Hooks) -> App {
    Harness::builder()
        .with_size(WINDOW)
        .with_max_steps(64)
        .build_eframe(move |cc| TgsealApp::new(cc, hooks))
}

/// The app rendering through wgpu, for snapshots.
pub fn rendered_app(hooks: Hooks) -> App {
    Harness::builder()
        .with_size(WINDOW)
        .with_max_steps(64)
        // A blinking text cursor would make snapshots depend on the frame count.
        .with_context_setup(|ctx| ctx.all_styles_mut(|s| s.visuals.text_cursor.blink = false))
        .wgpu()
        .build_eframe(move |cc| TgsealApp::new(cc, hooks))
}

/// A hold flag for [`Hooks::hold`], already set.
pub fn hold() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(true))
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

/// Writes `len` bytes of a repeating but non-trivial pattern.
pub fn write_file(path: &Path, len: usize) {
    let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(path, data).unwrap();
}

/// Seals `input` into `output` with the core directly.
pub fn seal_with_core(input: &Path, output: &Path, passphrase: &str) {
    let master = MasterKey::derive(&Passphrase::new(passphrase).unwrap(), FAST_KDF).unwrap();
    encrypt_file(
        input,
        output,
        false,
        &master,
        &EncryptOptions::default(),
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

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Decrypts a sealed input in any shape (a part, armored text, a sealed
/// folder) with the core into `into`; returns the path written.
pub fn open_any_with_core(sealed: &Path, into: &Path, passphrase: &str) -> PathBuf {
    let keyring = Keyring::new(Passphrase::new(passphrase).unwrap(), KdfCap::DEFAULT);
    tgseal_core::open::decrypt_any(
        sealed,
        &tgseal_core::files::DecryptTarget::Folder(into.to_path_buf()),
        false,
        &keyring,
        &tgseal_core::DecryptOptions::default(),
        &Control::new(),
    )
    .unwrap()
    .output
}

/// Seals `input` with the core in the given shape into `dir`; returns the
/// files written (one, or every part).
pub fn seal_shaped_with_core(
    input: &Path,
    dir: &Path,
    shape: &tgseal_core::shape::ShapeOptions,
    passphrase: &str,
) -> Vec<PathBuf> {
    let master = MasterKey::derive(&Passphrase::new(passphrase).unwrap(), FAST_KDF).unwrap();
    let name = tgseal_core::files::sealed_name(input.file_name().unwrap());
    tgseal_core::shape::seal_path(
        input,
        dir,
        &shape.output_name(&name.to_string_lossy()).unwrap(),
        false,
        &master,
        shape,
        &EncryptOptions::default(),
        &Control::new(),
    )
    .unwrap()
    .outputs
}
