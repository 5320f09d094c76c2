//! The desktop app, driven like a person would: drop files, type, click, wait;
//! then the files on disk are checked with the core.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use tgseal_gui::queue::{Action, Status};
use tgseal_gui::settings::{STORAGE_KEY, Settings, Split};

#[test]
fn dropped_files_are_sealed_and_the_core_opens_them() {
    let dir = tempfile::tempdir().unwrap();
    let report = data_file(dir.path(), "report.pdf", 700_000);
    let note = text_file(dir.path(), "note.txt", "meet at noon");

    let mut app = app_with_files(dir.path(), &[report.clone(), note]);
    assert_eq!(app.state().queue().len(), 2);
    assert!(app.state().queue().iter().all(|i| i.action == Action::Seal));
    seal_all(&mut app, "Seal 2 files");

    for index in 0..2 {
        assert_done(&app, index);
    }
    assert_eq!(
        open_with_core(&dir.path().join("report.pdf.tgseal"), PASSPHRASE).unwrap(),
        read(&report)
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
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    type_into(&mut app, "Confirm passphrase", "something else");
    click(&mut app, "Seal 1 file");
    assert!(!app.state().is_busy());
    assert!(app.get_all_by_label("The two passphrases differ.").count() > 0);
    assert_eq!(names_in(dir.path()), ["a.txt"]);
}

#[test]
fn sealed_files_open_with_the_right_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let original = data_file(dir.path(), "photo.jpg", 300_000);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let sealed = out.join("photo.jpg.tgseal");
    seal_with_core(&original, &sealed, PASSPHRASE);

    let mut app = app_with_files(dir.path(), &[sealed]);
    assert_eq!(app.state().queue()[0].action, Action::Open);
    open_all(&mut app, PASSPHRASE, "Open 1 file");

    assert_result(&app, 0, &out.join("photo.jpg"), &read(&original));
}

#[test]
fn a_wrong_passphrase_shows_the_cli_wording_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed_file(dir.path(), "photo.jpg", 10_000);

    let mut app = app_with_files(dir.path(), &[sealed]);
    open_all(&mut app, "not the passphrase", "Open 1 file");

    let expected = tgseal_core::Error::WrongPassphrase.to_string();
    assert_eq!(status(&app, 0), &Status::Failed(expected.clone()));
    app.get_by_label(&expected);
    assert_eq!(names_in(dir.path()), ["photo.jpg.tgseal"]);
}

#[test]
fn a_tampered_file_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed_file(dir.path(), "doc.txt", 50_000);
    let mut bytes = read(&sealed);
    let last = bytes.len() - 100;
    bytes[last] ^= 1;
    std::fs::write(&sealed, bytes).unwrap();

    let mut app = app_with_files(dir.path(), &[sealed]);
    open_all(&mut app, PASSPHRASE, "Open 1 file");

    let message = failure(&app, 0);
    assert!(
        message.contains("damaged or was tampered with"),
        "{message}"
    );
    assert_eq!(names_in(dir.path()), ["doc.txt.tgseal"]);
}

#[test]
fn cancel_all_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let big = data_file(dir.path(), "big.bin", 4 << 20);

    let (mut app, hold) = held_app_with_files(dir.path(), &[big]);
    start_sealing(&mut app, "Seal 1 file");
    cancel_all_while_running(&mut app, &hold);

    assert_eq!(status(&app, 0), &Status::Cancelled);
    assert_eq!(
        names_in(dir.path()),
        ["big.bin"],
        "no sealed file, no temporary file"
    );
}

#[test]
fn closing_the_window_mid_job_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let big = data_file(dir.path(), "big.bin", 4 << 20);

    // The hold is never released: only closing the app can end the job.
    let (mut app, _hold) = held_app_with_files(dir.path(), &[big]);
    start_sealing(&mut app, "Seal 1 file");
    wait_for_progress(&mut app);
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
    let first = data_file(dir.path(), "first.bin", 2 << 20);
    let second = text_file(dir.path(), "second.txt", "second");

    let (mut app, hold) = held_app_with_files(dir.path(), &[first, second]);
    start_sealing(&mut app, "Seal 2 files");
    wait_until_running(&mut app);
    // Two Cancel buttons (running and waiting item): the first row's is first.
    app.get_all_by_label("Cancel").next().unwrap().click();
    app.step();
    hold.release();
    wait_until_idle(&mut app);

    assert_eq!(status(&app, 0), &Status::Cancelled);
    assert_done(&app, 1);
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

    let (mut app, hold) = held_app_with_files(dir.path(), std::slice::from_ref(&folder));
    assert_eq!(app.state().queue()[0].action, Action::Seal);
    assert_eq!(app.state().queue()[0].kind.as_deref(), Some("folder"));
    start_sealing(&mut app, "Seal 1 file");
    wait_for_progress(&mut app);
    // The progress bar has a total: the size of the folder's files, walked
    // by the worker before sealing.
    assert_eq!(app.state().progress_of(0).unwrap().1, 300_012);
    hold.release();
    wait_until_idle(&mut app);

    let sealed = dir.path().join("holiday.tgseal");
    assert_eq!(status(&app, 0), &Status::Done(sealed.clone()));
    let out = tempfile::tempdir().unwrap();
    let opened = open_any_with_core(&sealed, out.path(), PASSPHRASE);
    assert_eq!(opened, out.path().join("holiday"));
    assert_eq!(
        read(&opened.join("photos/beach.jpg")),
        read(&folder.join("photos/beach.jpg"))
    );
    assert_eq!(read(&opened.join("plan.txt")), b"day one: sea");

    // And the app opens it again, beside a fresh copy of the sealed file.
    let again = tempfile::tempdir().unwrap();
    let copy = again.path().join("holiday.tgseal");
    std::fs::copy(&sealed, &copy).unwrap();
    let mut app = app_with_files(again.path(), &[copy]);
    open_all(&mut app, PASSPHRASE, "Open 1 file");
    assert_eq!(
        read(&again.path().join("holiday/plan.txt")),
        b"day one: sea"
    );
}

#[test]
fn hidden_names_split_parts_and_padding_come_out_as_chosen() {
    let dir = tempfile::tempdir().unwrap();
    // Just over one bot-sized part (50 MB): two parts.
    let video = data_file(dir.path(), "video.mp4", 50_300_000);
    let out = dir.path().join("sealed");

    let mut app = app(hooks(dir.path()));
    change_settings(&mut app, |s| {
        s.hide_name = true;
        s.split = Split::Bot;
        s.pad = true;
        s.output_dir = Some(out.clone());
    });
    drop_files(&mut app, std::slice::from_ref(&video));
    app.get_by_label_contains("under a random name");
    app.get_by_label_contains("(Parts of 50 MB (Telegram bots))");
    seal_all(&mut app, "Seal 1 file");
    assert_done(&app, 0);

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
    let mut app = app_with_files(dir.path(), &[out.join(&parts[1])]);
    drop_files(&mut app, &[out.join(&parts[0])]);
    assert_eq!(app.state().queue().len(), 1);
    assert_eq!(app.state().queue()[0].action, Action::Open);
    app.get_by_label_contains("2 parts");
    open_all(&mut app, PASSPHRASE, "Open 1 file");
    assert_result(&app, 0, &out.join("video.mp4"), &read(&video));
}

#[test]
fn a_missing_part_is_reported_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let original = data_file(dir.path(), "notes.txt", 5_000);
    let parts = split_with_core(&original, dir.path(), 2_000);
    assert_eq!(parts.len(), 3);
    std::fs::remove_file(&parts[1]).unwrap();

    let app = app_with_files(dir.path(), std::slice::from_ref(&parts[0]));
    let reason = failure(&app, 0);
    assert!(reason.contains("notes.txt.tgseal.002"), "{reason}");
    app.get_by_label(&reason);
    assert!(!app.state().queue()[0].is_pending());
}

#[test]
fn armored_text_and_a_folder_of_parts_open() {
    let dir = tempfile::tempdir().unwrap();
    let original = data_file(dir.path(), "letter.txt", 20_000);
    let armored = tgseal_workflow::ShapeOptions {
        armor: true,
        ..Default::default()
    };
    let text = seal_shaped_with_core(&original, dir.path(), &armored, PASSPHRASE);
    let parts_dir = dir.path().join("parts");
    std::fs::create_dir(&parts_dir).unwrap();
    split_with_core(&original, &parts_dir, 8_000);
    let expected = read(&original);
    std::fs::remove_file(&original).unwrap();

    let mut app = app_with_files(dir.path(), &[text[0].clone(), parts_dir.clone()]);
    assert!(app.state().queue().iter().all(|i| i.action == Action::Open));
    app.get_by_label_contains("armored text");
    app.get_by_label_contains("3 parts");
    open_all(&mut app, PASSPHRASE, "Open 2 files");
    assert_eq!(read(&dir.path().join("letter.txt")), expected);
    assert_eq!(read(&parts_dir.join("letter.txt")), expected);
}

#[test]
fn age_files_open_with_the_passphrase_or_the_identity_file() {
    let dir = tempfile::tempdir().unwrap();
    let with_passphrase = dir.path().join("minutes.txt.age");
    age_file(
        &with_passphrase,
        b"minutes of the meeting",
        &age_passphrase(),
    );
    let (identity, to_key) = age_key(dir.path());
    let key_sealed = dir.path().join("budget.csv.age");
    age_file(&key_sealed, b"rent,1200", &to_key);
    let out = dir.path().join("out");

    // Without an identity file the key-sealed file says what to do.
    let mut app = app(hooks(dir.path()));
    change_settings(&mut app, |s| s.output_dir = Some(out.clone()));
    drop_files(&mut app, &[with_passphrase, key_sealed.clone()]);
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
    open_all(&mut app, PASSPHRASE, "Open 2 files");
    assert_eq!(read(&out.join("minutes.txt")), b"minutes of the meeting");
    assert_eq!(
        status(&app, 1),
        &Status::Failed(tgseal_gui::worker::NO_IDENTITY.into())
    );
    assert!(!out.join("budget.csv").exists());

    // With the identity file chosen, no passphrase is needed for it.
    let mut app = self::app(hooks(dir.path()));
    change_settings(&mut app, |s| {
        s.output_dir = Some(out.clone());
        s.age_identity = Some(identity);
    });
    drop_files(&mut app, &[key_sealed]);
    run_batch(&mut app, "Open 1 file");
    assert_result(&app, 0, &out.join("budget.csv"), b"rent,1200");
}

#[test]
fn a_split_age_file_opens_from_any_part() {
    let dir = tempfile::tempdir().unwrap();
    let (identity, to_key) = age_key(dir.path());
    let plain: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8).collect();
    let parts_dir = dir.path().join("parts");
    std::fs::create_dir(&parts_dir).unwrap();
    let parts = seal_age_with_workflow(&plain, &parts_dir, "scan.pdf.age", &to_key, Some(8192));
    assert_eq!(parts.len(), 3);

    let mut app = app(hooks(dir.path()));
    change_settings(&mut app, |s| s.age_identity = Some(identity));
    // Two parts of one set: one line.
    drop_files(&mut app, &[parts[2].clone(), parts[0].clone()]);
    assert_eq!(app.state().queue().len(), 1);
    assert_eq!(
        app.state().queue()[0].action,
        Action::OpenAge { passphrase: false }
    );
    app.get_by_label_contains("age file in 3 parts");
    app.get_by_label("Result: ~/Documents/parts/scan.pdf");
    run_batch(&mut app, "Open 1 file");
    assert_eq!(read(&parts_dir.join("scan.pdf")), plain);
}

#[test]
fn a_wrong_age_passphrase_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = dir.path().join("minutes.txt.age");
    age_file(&sealed, b"minutes", &age_passphrase());
    let mut app = app_with_files(dir.path(), std::slice::from_ref(&sealed));
    open_all(&mut app, "not the passphrase", "Open 1 file");
    let reason = failure(&app, 0);
    assert!(reason.to_lowercase().contains("passphrase"), "{reason}");
    assert_eq!(names_in(dir.path()), ["minutes.txt.age"]);
}

#[test]
fn generate_fills_both_fields_with_a_strong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    click(&mut app, "Generate");
    app.get_by_label_contains("different channel");
    app.get_by_label_contains("Strength: ");
    app.get_by_label("I have saved it");
    // Both fields hold the same passphrase: sealing is allowed at once.
    assert_eq!(
        app.query_all_by_label("The two passphrases differ.")
            .count(),
        0
    );
    run_batch(&mut app, "Seal 1 file");
    assert_done(&app, 0);
}

#[test]
fn settings_persist_but_the_passphrase_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(hooks(dir.path()));
    type_into(&mut app, "Passphrase", "unmistakable-secret-marker");
    let settings = change_settings(&mut app, |s| {
        s.output_dir = Some(dir.path().join("sealed"));
        s.set_preset(tgseal_core::KdfPreset::Paranoid);
        s.hide_name = true;
        s.split = Split::Premium;
        s.pad = true;
        s.age_identity = Some(dir.path().join("key.txt"));
    });
    app.run();

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
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
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
        let report = data_file(dir.path(), "report.pdf", 4 << 20);
        let notes = text_file(dir.path(), "notes.txt", "meet at noon");
        let (hooks, hold) = held_hooks(dir.path());

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

        drop_files(&mut app, &[report, notes]);
        type_into(&mut app, "Passphrase", PASSPHRASE);
        type_into(&mut app, "Confirm passphrase", PASSPHRASE);
        snap(&mut app, "queued");

        click(&mut app, "Seal 2 files");
        wait_until_running(&mut app);
        // The job holds after its first progress report: wait for that report.
        wait_for_progress(&mut app);
        app.run_steps(2);
        snap(&mut app, "working");
        hold.release();
        wait_until_idle(&mut app);
        snap(&mut app, "done");
    }

    /// At 800 by 600 the drop zone's hint wraps instead of being cut off.
    #[test]
    fn small_window() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = rendered_app_at(hooks(dir.path()), eframe::egui::vec2(800.0, 600.0));
        app.run();
        snap(&mut app, "small_window");
    }

    #[test]
    fn light_theme() {
        let dir = tempfile::tempdir().unwrap();
        let report = data_file(dir.path(), "report.pdf", 300_000);
        let sealed = sealed_file(dir.path(), "photo.jpg", 10_000);
        let mut app = rendered_app(hooks(dir.path()));
        change_settings(&mut app, |s| {
            s.theme = tgseal_gui::theme::ThemeChoice::Light
        });
        drop_files(&mut app, &[report, sealed]);
        type_into(&mut app, "Passphrase", PASSPHRASE);
        snap(&mut app, "light");
    }

    #[test]
    fn error_state() {
        let dir = tempfile::tempdir().unwrap();
        let sealed = sealed_file(dir.path(), "photo.jpg", 10_000);
        // A lone part whose siblings are missing: listed with the reason.
        let part = dir.path().join("video.mp4.tgseal.002");
        std::fs::write(&part, b"tgsealp and then nothing useful").unwrap();

        let mut app = rendered_app(hooks(dir.path()));
        drop_files(&mut app, &[sealed, part]);
        open_all(&mut app, "wrong", "Open 1 file");
        snap(&mut app, "error");
    }
}
