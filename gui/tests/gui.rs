//! The desktop app, driven like a person would: drop files, type, click, wait;
//! then the files on disk are checked with the core.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;

use common::*;
use egui_kittest::kittest::Queryable;
use tgseal_gui::queue::{Action, Status};
use tgseal_gui::settings::{STORAGE_KEY, Settings};

const PASSPHRASE: &str = "correct horse battery staple";

#[test]
fn dropped_files_are_sealed_and_the_core_opens_them() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.pdf");
    let note = dir.path().join("note.txt");
    write_file(&report, 700_000);
    std::fs::write(&note, "meet at noon").unwrap();

    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, &[report.clone(), note.clone()]);
    assert_eq!(app.state().queue().len(), 2);
    assert!(app.state().queue().iter().all(|i| i.action == Action::Seal));

    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 2 files");
    wait_until_idle(&mut app);

    for item in app.state().queue() {
        assert!(matches!(item.status, Status::Done(_)), "{:?}", item.status);
    }
    assert_eq!(
        open_with_core(&dir.path().join("report.pdf.tgseal"), PASSPHRASE).unwrap(),
        std::fs::read(&report).unwrap()
    );
    assert_eq!(
        open_with_core(&dir.path().join("note.txt.tgseal"), PASSPHRASE).unwrap(),
        b"meet at noon"
    );
    assert!(
        app.state().passphrase_is_wiped(),
        "the passphrase is wiped when the queue is done"
    );
    assert_eq!(app.get_all_by_label("Show in folder").count(), 2);
}

#[test]
fn sealing_waits_for_matching_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "x").unwrap();
    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, std::slice::from_ref(&file));
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", "something else");
    app.get_by_label("Seal 1 file").click();
    app.run();
    assert!(!app.state().is_busy());
    assert!(app.get_all_by_label("The two passphrases differ.").count() > 0);
    assert_eq!(names_in(dir.path()), ["a.txt"]);
}

#[test]
fn sealed_files_open_with_the_right_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("photo.jpg");
    write_file(&original, 300_000);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let sealed = out.join("photo.jpg.tgseal");
    seal_with_core(&original, &sealed, PASSPHRASE);

    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, std::slice::from_ref(&sealed));
    assert_eq!(app.state().queue()[0].action, Action::Open);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);

    assert_eq!(
        app.state().queue()[0].status,
        Status::Done(out.join("photo.jpg"))
    );
    assert_eq!(
        std::fs::read(out.join("photo.jpg")).unwrap(),
        std::fs::read(&original).unwrap()
    );
}

#[test]
fn a_wrong_passphrase_shows_the_cli_wording_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("photo.jpg");
    write_file(&original, 10_000);
    let sealed = dir.path().join("photo.jpg.tgseal");
    seal_with_core(&original, &sealed, PASSPHRASE);
    std::fs::remove_file(&original).unwrap();

    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, std::slice::from_ref(&sealed));
    type_into(&mut app, "Passphrase", "not the passphrase");
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);

    let expected = tgseal_core::Error::WrongPassphrase.to_string();
    assert_eq!(
        app.state().queue()[0].status,
        Status::Failed(expected.clone())
    );
    app.get_by_label(&expected);
    assert_eq!(names_in(dir.path()), ["photo.jpg.tgseal"]);
}

#[test]
fn a_tampered_file_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("doc.txt");
    write_file(&original, 50_000);
    let sealed = dir.path().join("doc.txt.tgseal");
    seal_with_core(&original, &sealed, PASSPHRASE);
    std::fs::remove_file(&original).unwrap();
    let mut bytes = std::fs::read(&sealed).unwrap();
    let last = bytes.len() - 100;
    bytes[last] ^= 1;
    std::fs::write(&sealed, bytes).unwrap();

    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, std::slice::from_ref(&sealed));
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);

    let Status::Failed(message) = &app.state().queue()[0].status else {
        panic!("{:?}", app.state().queue()[0].status);
    };
    assert!(
        message.contains("damaged or was tampered with"),
        "{message}"
    );
    assert_eq!(names_in(dir.path()), ["doc.txt.tgseal"]);
}

#[test]
fn cancel_all_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    write_file(&big, 4 << 20);
    let hold = hold();
    let mut hooks = hooks(dir.path());
    hooks.hold = Some(hold.clone());

    let mut app = app(hooks);
    drop_files(&mut app, std::slice::from_ref(&big));
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 1 file");
    step_until(&mut app, "the job to start", |a| {
        a.queue()[0].status == Status::Running
    });
    app.get_by_label("Cancel all").click();
    app.step();
    hold.store(false, Ordering::Relaxed);
    wait_until_idle(&mut app);

    assert_eq!(app.state().queue()[0].status, Status::Cancelled);
    assert_eq!(
        names_in(dir.path()),
        ["big.bin"],
        "no sealed file, no temporary file"
    );
}

#[test]
fn closing_the_window_mid_job_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    write_file(&big, 4 << 20);
    let mut hooks = hooks(dir.path());
    hooks.hold = Some(hold());

    let mut app = app(hooks);
    drop_files(&mut app, std::slice::from_ref(&big));
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 1 file");
    step_until(&mut app, "the job to report progress", |a| {
        a.progress_of(0).is_some_and(|(done, _)| done > 0)
    });
    // The hold is never released: only closing the app can end the job.
    drop(app);
    assert_eq!(
        names_in(dir.path()),
        ["big.bin"],
        "no temporary file survives"
    );
}

#[test]
fn cancel_one_item_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.bin");
    let second = dir.path().join("second.txt");
    write_file(&first, 2 << 20);
    std::fs::write(&second, "second").unwrap();
    let hold = hold();
    let mut hooks = hooks(dir.path());
    hooks.hold = Some(hold.clone());

    let mut app = app(hooks);
    drop_files(&mut app, &[first, second]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 2 files");
    step_until(&mut app, "the first job to start", |a| {
        a.queue()[0].status == Status::Running
    });
    // Two Cancel buttons (running and waiting item): the first row's is first.
    app.get_all_by_label("Cancel").next().unwrap().click();
    app.step();
    hold.store(false, Ordering::Relaxed);
    wait_until_idle(&mut app);

    assert_eq!(app.state().queue()[0].status, Status::Cancelled);
    assert!(matches!(app.state().queue()[1].status, Status::Done(_)));
    assert_eq!(
        names_in(dir.path()),
        ["first.bin", "second.txt", "second.txt.tgseal"]
    );
}

#[test]
fn folders_are_listed_as_not_supported_yet() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("holiday");
    std::fs::create_dir(&folder).unwrap();
    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, &[folder]);
    assert!(matches!(
        app.state().queue()[0].action,
        Action::Unsupported(_)
    ));
    app.get_by_label("folders are not supported yet");
    assert_eq!(
        app.state()
            .queue()
            .iter()
            .filter(|i| i.is_pending())
            .count(),
        0
    );
}

#[test]
fn generate_fills_both_fields_with_a_strong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "x").unwrap();
    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, &[file]);
    click(&mut app, "Generate");
    app.get_by_label_contains("different channel");
    app.get_by_label_contains("Strength: ");
    // Both fields hold the same passphrase: sealing is allowed at once.
    assert_eq!(
        app.query_all_by_label("The two passphrases differ.")
            .count(),
        0
    );
    click(&mut app, "Seal 1 file");
    wait_until_idle(&mut app);
    assert!(matches!(app.state().queue()[0].status, Status::Done(_)));
}

/// In-memory stand-in for eframe's storage (a RON file on disk in the real app).
#[derive(Default)]
struct MemoryStorage(std::collections::BTreeMap<String, String>);

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

#[test]
fn settings_persist_but_the_passphrase_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(hooks(dir.path()));
    type_into(&mut app, "Passphrase", "unmistakable-secret-marker");
    click(&mut app, "Replace existing files");
    let mut settings = app.state().settings().clone();
    settings.output_dir = Some(dir.path().join("sealed"));
    settings.set_preset(tgseal_core::KdfPreset::Paranoid);
    app.state_mut().set_settings(settings.clone());
    app.run();
    assert!(settings.overwrite);

    let mut storage = MemoryStorage::default();
    eframe::App::save(app.state_mut(), &mut storage);
    for (key, value) in &storage.0 {
        assert!(
            !value.contains("unmistakable-secret-marker") && !key.contains("unmistakable"),
            "{key} = {value}"
        );
    }
    let stored: Settings = ron::from_str(&storage.0[STORAGE_KEY]).unwrap();
    assert_eq!(stored, settings);

    let restored = tgseal_gui::TgsealApp::with_storage(Some(&storage), Default::default());
    assert_eq!(restored.settings(), &settings);
    assert!(restored.passphrase_is_wiped());
}

#[test]
fn clearing_the_list_wipes_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "x").unwrap();
    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, &[file]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    assert!(!app.state().passphrase_is_wiped());
    click(&mut app, "Clear list");
    assert!(app.state().passphrase_is_wiped());
    assert!(app.state().queue().is_empty());
}

// ----- snapshots (rendered on the CPU through wgpu: lavapipe or llvmpipe) -----

mod snapshots {
    use super::*;

    #[test]
    fn main_states() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.pdf");
        let notes = dir.path().join("notes.txt");
        write_file(&report, 4 << 20);
        std::fs::write(&notes, "meet at noon").unwrap();
        let hold = hold();
        let mut hooks = hooks(dir.path());
        hooks.hold = Some(hold.clone());

        let mut app = rendered_app(hooks);
        app.run();
        snap(&mut app, "empty");

        app.input_mut()
            .hovered_files
            .push(eframe::egui::HoveredFile {
                path: Some(report.clone()),
                ..Default::default()
            });
        // While files hover, egui repaints every frame: step instead of run.
        snap(&mut app, "drop_hover");
        app.input_mut().hovered_files.clear();
        app.run_steps(2);

        drop_files(&mut app, &[report.clone(), notes.clone()]);
        type_into(&mut app, "Passphrase", PASSPHRASE);
        type_into(&mut app, "Confirm passphrase", PASSPHRASE);
        snap(&mut app, "queued");

        click(&mut app, "Seal 2 files");
        step_until(&mut app, "the first job to report progress", |a| {
            a.queue()[0].status == Status::Running
        });
        // The job holds after its first progress report: wait for that report.
        step_until(&mut app, "the first progress report", |a| {
            a.progress_of(0).is_some_and(|(done, _)| done > 0)
        });
        app.run_steps(2);
        snap(&mut app, "working");
        hold.store(false, Ordering::Relaxed);
        wait_until_idle(&mut app);
        snap(&mut app, "done");
    }

    #[test]
    fn error_state() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("photo.jpg");
        write_file(&original, 10_000);
        let sealed = dir.path().join("photo.jpg.tgseal");
        seal_with_core(&original, &sealed, PASSPHRASE);
        std::fs::remove_file(&original).unwrap();
        let folder = dir.path().join("holiday");
        std::fs::create_dir(&folder).unwrap();

        let mut app = rendered_app(hooks(dir.path()));
        drop_files(&mut app, &[sealed, folder]);
        type_into(&mut app, "Passphrase", "wrong");
        click(&mut app, "Open 1 file");
        wait_until_idle(&mut app);
        snap(&mut app, "error");
    }
}
