//! The desktop app, driven like a person would: drop files, type, click, wait;
//! then the files on disk are checked with the core.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;

use common::*;
use egui_kittest::kittest::Queryable;
use tgseal_gui::queue::{Action, Status};
use tgseal_gui::settings::{STORAGE_KEY, Settings, Split};

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
fn a_dropped_folder_is_sealed_as_one_file_and_opens_whole() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("holiday");
    std::fs::create_dir_all(folder.join("photos")).unwrap();
    write_file(&folder.join("photos/beach.jpg"), 300_000);
    std::fs::write(folder.join("plan.txt"), "day one: sea").unwrap();

    let hold = hold();
    let mut hooks = hooks(dir.path());
    hooks.hold = Some(hold.clone());
    let mut app = app(hooks);
    drop_files(&mut app, std::slice::from_ref(&folder));
    assert_eq!(app.state().queue()[0].action, Action::Seal);
    assert_eq!(app.state().queue()[0].kind.as_deref(), Some("folder"));
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 1 file");
    step_until(&mut app, "the first progress report", |a| {
        a.progress_of(0).is_some_and(|(done, _)| done > 0)
    });
    // The progress bar has a total: the size of the folder's files, walked
    // by the worker before sealing.
    assert_eq!(app.state().progress_of(0).unwrap().1, 300_012);
    hold.store(false, Ordering::Relaxed);
    wait_until_idle(&mut app);

    let sealed = dir.path().join("holiday.tgseal");
    assert_eq!(app.state().queue()[0].status, Status::Done(sealed.clone()));
    let out = tempfile::tempdir().unwrap();
    let opened = open_any_with_core(&sealed, out.path(), PASSPHRASE);
    assert_eq!(opened, out.path().join("holiday"));
    assert_eq!(
        std::fs::read(opened.join("photos/beach.jpg")).unwrap(),
        std::fs::read(folder.join("photos/beach.jpg")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(opened.join("plan.txt")).unwrap(),
        "day one: sea"
    );

    // And the app opens it again, beside a fresh copy of the sealed file.
    let again = tempfile::tempdir().unwrap();
    let copy = again.path().join("holiday.tgseal");
    std::fs::copy(&sealed, &copy).unwrap();
    let mut app = self::app(common::hooks(again.path()));
    drop_files(&mut app, std::slice::from_ref(&copy));
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);
    assert_eq!(
        std::fs::read_to_string(again.path().join("holiday/plan.txt")).unwrap(),
        "day one: sea"
    );
}

#[test]
fn hidden_names_split_parts_and_padding_come_out_as_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("video.mp4");
    // Just over one bot-sized part (50 MB): two parts.
    write_file(&video, 50_300_000);
    let out = dir.path().join("sealed");

    let mut app = app(hooks(dir.path()));
    let mut settings = app.state().settings().clone();
    settings.hide_name = true;
    settings.split = Split::Bot;
    settings.pad = true;
    settings.output_dir = Some(out.clone());
    app.state_mut().set_settings(settings);
    drop_files(&mut app, std::slice::from_ref(&video));
    app.get_by_label_contains("under a random name");
    app.get_by_label_contains("50 mb parts");
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 1 file");
    wait_until_idle(&mut app);
    assert!(
        matches!(app.state().queue()[0].status, Status::Done(_)),
        "{:?}",
        app.state().queue()[0].status
    );

    let parts = names_in(&out);
    assert_eq!(parts.len(), 2, "{parts:?}");
    for (number, name) in parts.iter().enumerate() {
        assert!(!name.contains("video"), "the name is hidden: {name}");
        assert!(
            name.ends_with(&format!(".tgseal.00{}", number + 1)),
            "{name}"
        );
        assert!(std::fs::metadata(out.join(name)).unwrap().len() <= 50_000_000);
    }
    let total: u64 = parts
        .iter()
        .map(|n| std::fs::metadata(out.join(n)).unwrap().len())
        .sum();
    // The sealed content is the Padmé size; an unpadded file would be about
    // 30 KB smaller here (chunk tags and headers add only a few KB).
    let padded = tgseal_core::padding::padme(50_300_000);
    assert!(padded > 50_300_000 + 30_000);
    assert!(total >= padded, "padded: {total} < {padded}");

    // Any one part, dropped on a fresh app, brings back the file under its name;
    // the other part dropped too is the same file, listed once.
    let mut app = self::app(hooks(dir.path()));
    drop_files(&mut app, &[out.join(&parts[1])]);
    drop_files(&mut app, &[out.join(&parts[0])]);
    assert_eq!(app.state().queue().len(), 1);
    assert_eq!(app.state().queue()[0].action, Action::Open);
    app.get_by_label_contains("2 parts");
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);
    assert_eq!(
        app.state().queue()[0].status,
        Status::Done(out.join("video.mp4"))
    );
    assert_eq!(
        std::fs::read(out.join("video.mp4")).unwrap(),
        std::fs::read(&video).unwrap()
    );
}

#[test]
fn a_missing_part_is_reported_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("notes.txt");
    write_file(&original, 5_000);
    let shape = tgseal_core::shape::ShapeOptions {
        split: Some(2_000),
        ..Default::default()
    };
    let parts = seal_shaped_with_core(&original, dir.path(), &shape, PASSPHRASE);
    assert_eq!(parts.len(), 3);
    std::fs::remove_file(&parts[1]).unwrap();

    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, std::slice::from_ref(&parts[0]));
    let Status::Failed(reason) = &app.state().queue()[0].status else {
        panic!("{:?}", app.state().queue()[0].status);
    };
    assert!(reason.contains("notes.txt.tgseal.002"), "{reason}");
    app.get_by_label(reason);
    assert!(!app.state().queue()[0].is_pending());
}

#[test]
fn armored_text_and_a_folder_of_parts_open() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("letter.txt");
    write_file(&original, 20_000);
    let armored = tgseal_core::shape::ShapeOptions {
        armor: true,
        ..Default::default()
    };
    let text = seal_shaped_with_core(&original, dir.path(), &armored, PASSPHRASE);
    let parts_dir = dir.path().join("parts");
    std::fs::create_dir(&parts_dir).unwrap();
    let split = tgseal_core::shape::ShapeOptions {
        split: Some(8_000),
        ..Default::default()
    };
    seal_shaped_with_core(&original, &parts_dir, &split, PASSPHRASE);
    let expected = std::fs::read(&original).unwrap();
    std::fs::remove_file(&original).unwrap();

    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, &[text[0].clone(), parts_dir.clone()]);
    assert!(app.state().queue().iter().all(|i| i.action == Action::Open));
    app.get_by_label_contains("armored text");
    app.get_by_label_contains("3 parts");
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Open 2 files");
    wait_until_idle(&mut app);
    assert_eq!(
        std::fs::read(dir.path().join("letter.txt")).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read(parts_dir.join("letter.txt")).unwrap(),
        expected
    );
}

#[test]
fn padding_a_folder_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("docs");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), "a").unwrap();
    let mut app = app(hooks(dir.path()));
    let mut settings = app.state().settings().clone();
    settings.pad = true;
    app.state_mut().set_settings(settings);
    drop_files(&mut app, &[folder]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    click(&mut app, "Seal 1 file");
    wait_until_idle(&mut app);
    let Status::Failed(reason) = &app.state().queue()[0].status else {
        panic!("{:?}", app.state().queue()[0].status);
    };
    assert!(reason.contains("folder"), "{reason}");
    assert_eq!(names_in(dir.path()), ["docs"], "nothing written");
}

/// Writes an age file of `plain` to `path`, for `to`.
fn age_file(path: &std::path::Path, plain: &[u8], to: &tgseal_age::EncryptTo) {
    let input = path.with_extension("plain");
    std::fs::write(&input, plain).unwrap();
    tgseal_age::encrypt_age_file(
        &input,
        path,
        false,
        to,
        tgseal_age::Armor::Binary,
        &tgseal_core::Control::new(),
    )
    .unwrap();
    std::fs::remove_file(input).unwrap();
}

#[test]
fn age_files_open_with_the_passphrase_or_the_identity_file() {
    let dir = tempfile::tempdir().unwrap();
    let with_passphrase = dir.path().join("minutes.txt.age");
    age_file(
        &with_passphrase,
        b"minutes of the meeting",
        &tgseal_age::EncryptTo::Passphrase {
            passphrase: tgseal_core::Passphrase::new(PASSPHRASE).unwrap(),
            // Cheap scrypt for the test; age writes 18.
            work_factor: 10,
        },
    );
    let key = tgseal_age::generate_identity();
    let identity = dir.path().join("key.txt");
    std::fs::write(&identity, key.file_text.as_bytes()).unwrap();
    let to_key = dir.path().join("budget.csv.age");
    age_file(
        &to_key,
        b"rent,1200",
        &tgseal_age::EncryptTo::Recipients(vec![
            tgseal_age::parse_recipient(&key.public_key).unwrap(),
        ]),
    );
    let out = dir.path().join("out");

    // Without an identity file the key-sealed file says what to do.
    let mut app = app(hooks(dir.path()));
    let mut settings = app.state().settings().clone();
    settings.output_dir = Some(out.clone());
    app.state_mut().set_settings(settings.clone());
    drop_files(&mut app, &[with_passphrase.clone(), to_key.clone()]);
    assert_eq!(
        app.state().queue()[0].action,
        Action::OpenAge { passphrase: true }
    );
    assert_eq!(
        app.state().queue()[1].action,
        Action::OpenAge { passphrase: false }
    );
    // age files store no name: the result is named after the file.
    app.get_by_label("Result: ~/Documents/out/minutes.txt");
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Open 2 files");
    wait_until_idle(&mut app);
    assert_eq!(
        std::fs::read(out.join("minutes.txt")).unwrap(),
        b"minutes of the meeting"
    );
    assert_eq!(
        app.state().queue()[1].status,
        Status::Failed(tgseal_gui::worker::NO_IDENTITY.into())
    );
    assert!(!out.join("budget.csv").exists());

    // With the identity file chosen, no passphrase is needed for it.
    let mut app = self::app(hooks(dir.path()));
    settings.age_identity = Some(identity);
    app.state_mut().set_settings(settings);
    drop_files(&mut app, std::slice::from_ref(&to_key));
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);
    assert_eq!(
        app.state().queue()[0].status,
        Status::Done(out.join("budget.csv"))
    );
    assert_eq!(std::fs::read(out.join("budget.csv")).unwrap(), b"rent,1200");
}

#[test]
fn a_split_age_file_opens_from_any_part() {
    let dir = tempfile::tempdir().unwrap();
    let key = tgseal_age::generate_identity();
    let identity = dir.path().join("key.txt");
    std::fs::write(&identity, key.file_text.as_bytes()).unwrap();
    let plain: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8).collect();
    let parts_dir = dir.path().join("parts");
    std::fs::create_dir(&parts_dir).unwrap();
    let (parts, _) = tgseal_age::encrypt_to_parts(
        &mut &plain[..],
        Some(plain.len() as u64),
        &parts_dir,
        "scan.pdf.age",
        8192,
        false,
        &tgseal_age::EncryptTo::Recipients(vec![
            tgseal_age::parse_recipient(&key.public_key).unwrap(),
        ]),
        &tgseal_core::Control::new(),
    )
    .unwrap();
    assert_eq!(parts.len(), 3);

    let mut app = app(hooks(dir.path()));
    let mut settings = app.state().settings().clone();
    settings.age_identity = Some(identity);
    app.state_mut().set_settings(settings);
    // Two parts of one set: one line.
    drop_files(&mut app, &[parts[2].clone(), parts[0].clone()]);
    assert_eq!(app.state().queue().len(), 1);
    assert_eq!(
        app.state().queue()[0].action,
        Action::OpenAge { passphrase: false }
    );
    app.get_by_label_contains("age file in 3 parts");
    app.get_by_label("Result: ~/Documents/parts/scan.pdf");
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);
    assert_eq!(std::fs::read(parts_dir.join("scan.pdf")).unwrap(), plain);
}

#[test]
fn a_wrong_age_passphrase_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = dir.path().join("minutes.txt.age");
    age_file(
        &sealed,
        b"minutes",
        &tgseal_age::EncryptTo::Passphrase {
            passphrase: tgseal_core::Passphrase::new(PASSPHRASE).unwrap(),
            work_factor: 10,
        },
    );
    let mut app = app(hooks(dir.path()));
    drop_files(&mut app, std::slice::from_ref(&sealed));
    type_into(&mut app, "Passphrase", "not the passphrase");
    click(&mut app, "Open 1 file");
    wait_until_idle(&mut app);
    let Status::Failed(reason) = &app.state().queue()[0].status else {
        panic!("{:?}", app.state().queue()[0].status);
    };
    assert!(reason.to_lowercase().contains("passphrase"), "{reason}");
    assert_eq!(names_in(dir.path()), ["minutes.txt.age"]);
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
    settings.hide_name = true;
    settings.split = Split::Premium;
    settings.pad = true;
    settings.age_identity = Some(dir.path().join("key.txt"));
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
        // A lone part whose siblings are missing: listed with the reason.
        let part = dir.path().join("video.mp4.tgseal.002");
        std::fs::write(&part, b"tgsealp and then nothing useful").unwrap();

        let mut app = rendered_app(hooks(dir.path()));
        drop_files(&mut app, &[sealed, part]);
        type_into(&mut app, "Passphrase", "wrong");
        click(&mut app, "Open 1 file");
        wait_until_idle(&mut app);
        snap(&mut app, "error");
    }
}
