//! The desktop app around failure and around its controls, driven by the
//! accessible labels a person sees: trying again, files that exist, file
//! dialogs that are missing, the generated passphrase, the keyboard, what
//! opening shows, closing mid-job, and the hand-off to Telegram Desktop.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use eframe::egui;
use egui_kittest::kittest::Queryable;
use tgseal_gui::queue::Status;

// ----- 1. trying again -----

#[test]
fn after_a_wrong_passphrase_the_right_one_opens_with_try_again() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed_file(dir.path(), "photo.jpg", 10_000);
    let mut app = app_with_files(dir.path(), &[sealed]);
    open_all(&mut app, "not the passphrase", "Open 1 file");
    assert!(matches!(status(&app, 0), Status::Failed(_)));

    // The line can run again: Start counts it, and so does its own button.
    app.get_by_label("Open 1 file");
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Try again");
    wait_until_idle(&mut app);
    assert_done(&app, 0);
    assert_eq!(read(&dir.path().join("photo.jpg")).len(), 10_000);
}

#[test]
fn start_runs_failed_and_cancelled_lines_again() {
    let dir = tempfile::tempdir().unwrap();
    let big = data_file(dir.path(), "big.bin", 2 << 20);
    let (mut app, hold) = held_app_with_files(dir.path(), &[big]);
    start_sealing(&mut app, "Seal 1 file");
    cancel_all_while_running(&mut app, &hold);
    assert_eq!(status(&app, 0), &Status::Cancelled);
    app.get_by_label("Try again");

    seal_all(&mut app, "Seal 1 file");
    assert_done(&app, 0);
}

#[test]
fn dropping_a_failed_file_again_makes_it_ready() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed_file(dir.path(), "photo.jpg", 1_000);
    let mut app = app_with_files(dir.path(), std::slice::from_ref(&sealed));
    open_all(&mut app, "not the passphrase", "Open 1 file");
    assert!(matches!(status(&app, 0), Status::Failed(_)));
    drop_files(&mut app, &[sealed]);
    assert_eq!(app.state().queue().len(), 1);
    assert_eq!(status(&app, 0), &Status::Queued);
    open_all(&mut app, PASSPHRASE, "Open 1 file");
    assert_done(&app, 0);
}

#[test]
fn a_part_set_missing_a_part_is_checked_again_once_the_part_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let original = data_file(dir.path(), "notes.txt", 5_000);
    let parts = split_with_core(&original, dir.path(), 2_000);
    let expected = read(&original);
    std::fs::remove_file(&original).unwrap();
    let away = dir.path().join("still downloading");
    std::fs::rename(&parts[1], &away).unwrap();
    let mut app = app_with_files(dir.path(), std::slice::from_ref(&parts[0]));
    assert!(failure(&app, 0).contains("notes.txt.tgseal.002"));
    // Nothing ran, so there is nothing to "try": the line offers a new look.
    assert!(app.query_by_label("Try again").is_none());
    app.get_by_label("Nothing listed can be sealed or opened. Add other files.");

    click(&mut app, "Check again");
    app.get_by_label("notes.txt.tgseal.001 still cannot be sealed or opened.");
    assert!(failure(&app, 0).contains("notes.txt.tgseal.002"));

    std::fs::rename(&away, &parts[1]).unwrap();
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Check again");
    wait_until_idle(&mut app);
    assert_result(&app, 0, &original, &expected);
}

#[test]
fn the_bottom_bar_says_why_start_has_nothing_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = rendered_app(hooks(dir.path()));
    app.get_by_label("Add files to seal or open.");
    drop_files(&mut app, &[text_file(dir.path(), "a.txt", "a")]);
    seal_all(&mut app, "Seal 1 file");
    assert_done(&app, 0);
    assert!(app.query_by_label("Add files to seal or open.").is_none());
    app.get_by_label("All done. Add more files to seal or open.");
}

// ----- 4 and 6. results that exist, and what fails before the key -----

#[test]
fn an_existing_sealed_file_asks_replace_keep_both_or_skip_before_start() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["a.txt", "b.txt", "c.txt"];
    let inputs: Vec<_> = names
        .iter()
        .map(|n| text_file(dir.path(), n, &format!("new {n}")))
        .collect();
    for name in names {
        std::fs::write(dir.path().join(format!("{name}.tgseal")), b"precious").unwrap();
    }
    let mut app = app_with_files(dir.path(), &inputs);
    // Known before Start, before any key derivation.
    for index in 0..3 {
        assert!(matches!(status(&app, index), Status::Exists(_)), "{index}");
    }
    assert_eq!(app.get_all_by_label("Keep both").count(), 3);
    app.get_by_label("Choose Replace, Keep both or Skip for the files that exist.");

    app.get_all_by_label("Replace").next().unwrap().click();
    app.run();
    app.get_all_by_label("Keep both").next().unwrap().click();
    app.run();
    click(&mut app, "Skip");
    assert_eq!(status(&app, 2), &Status::Skipped);
    seal_all(&mut app, "Seal 2 files");

    assert_eq!(
        open_with_core(&dir.path().join("a.txt.tgseal"), PASSPHRASE).unwrap(),
        b"new a.txt"
    );
    assert_eq!(read(&dir.path().join("b.txt.tgseal")), b"precious");
    assert_eq!(
        open_with_core(&dir.path().join("b (2).txt.tgseal"), PASSPHRASE).unwrap(),
        b"new b.txt"
    );
    assert_eq!(read(&dir.path().join("c.txt.tgseal")), b"precious");
}

#[test]
fn opening_over_an_existing_file_asks_and_keep_both_numbers_it() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed_file(dir.path(), "photo.jpg", 5_000);
    std::fs::write(dir.path().join("photo.jpg"), b"edited since").unwrap();
    let mut app = app_with_files(dir.path(), &[sealed]);
    open_all(&mut app, PASSPHRASE, "Open 1 file");
    assert_eq!(
        status(&app, 0),
        &Status::Exists(dir.path().join("photo.jpg"))
    );
    app.get_by_label_contains("already exists");

    click(&mut app, "Keep both");
    open_all(&mut app, PASSPHRASE, "Open 1 file");
    assert_eq!(read(&dir.path().join("photo.jpg")), b"edited since");
    assert_result(&app, 0, &dir.path().join("photo (2).jpg"), &{
        let original = tempfile::tempdir().unwrap();
        let copy = data_file(original.path(), "x", 5_000);
        read(&copy)
    });
}

#[test]
fn replace_existing_files_is_off_at_every_start_and_not_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let input = text_file(dir.path(), "a.txt", "new");
    std::fs::write(dir.path().join("a.txt.tgseal"), b"old").unwrap();
    let mut app = app_with_files(dir.path(), std::slice::from_ref(&input));
    assert!(matches!(status(&app, 0), Status::Exists(_)));
    click(&mut app, "Replace existing files");
    assert_eq!(status(&app, 0), &Status::Queued);
    seal_all(&mut app, "Seal 1 file");
    assert_done(&app, 0);

    // A later start of the app asks again.
    let mut storage = MemoryStorage::default();
    eframe::App::save(app.state_mut(), &mut storage);
    assert!(!storage.0.values().any(|v| v.contains("overwrite")));
    let mut later = common::app(hooks(dir.path()));
    drop_files(&mut later, &[input]);
    assert!(matches!(status(&later, 0), Status::Exists(_)));
}

#[test]
fn padding_a_folder_is_refused_on_the_line_before_start() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("docs");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), "a").unwrap();
    let mut app = app(hooks(dir.path()));
    change_settings(&mut app, |s| s.pad = true);
    drop_files(&mut app, &[folder]);
    let Status::Blocked(reason) = status(&app, 0).clone() else {
        panic!("{:?}", status(&app, 0));
    };
    assert!(reason.contains("folder"), "{reason}");
    app.get_by_label(&reason);
    app.get_by_label("Change what the lines above name, or remove those lines.");
    // Turning padding off lets it run.
    change_settings(&mut app, |s| s.pad = false);
    assert_eq!(status(&app, 0), &Status::Queued);
}

// ----- 2. dialogs and the file manager -----

#[test]
fn without_a_portal_zenity_or_kdialog_a_path_field_asks_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app(hooks(dir.path()));
    click(&mut app, "Add files\u{2026}");
    app.get_by_label(tgseal_gui::desktop::NO_DIALOG);
    type_into(&mut app, "Paths, one per line", &file.display().to_string());
    click(&mut app, "Use this path");
    assert_eq!(app.state().queue().len(), 1);
    assert!(app.query_by_label("Use this path").is_none());

    // The output folder can be set the same way (a new one is created at Start).
    let out = dir.path().join("sealed");
    click(&mut app, "Choose output folder\u{2026}");
    type_into(&mut app, "Path", &out.display().to_string());
    click(&mut app, "Use this path");
    assert_eq!(
        app.state().settings().output_dir.as_deref(),
        Some(out.as_path())
    );
    seal_all(&mut app, "Seal 1 file");
    assert!(out.join("a.txt.tgseal").exists());
}

#[test]
fn a_mistyped_path_is_named_and_nothing_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(hooks(dir.path()));
    click(&mut app, "Add folder\u{2026}");
    type_into(&mut app, "Path", "/no/such/folder");
    click(&mut app, "Use this path");
    app.get_by_label("Nothing is at /no/such/folder.");
    click(&mut app, "Cancel");
    assert!(app.state().queue().is_empty());
}

#[test]
fn zenity_then_kdialog_stand_in_for_the_portal() {
    let dir = tempfile::tempdir().unwrap();
    let a = text_file(dir.path(), "a.txt", "a");
    let b = text_file(dir.path(), "b.txt", "b");
    let bin = dir.path().join("bin");
    script(
        &bin,
        "kdialog",
        &format!("printf '%s\\n' '{}'", b.display()),
    );
    let mut app = app(hooks_with_programs(dir.path(), &bin));
    click(&mut app, "Add files\u{2026}");
    assert_eq!(app.state().queue()[0].path, b);

    script(&bin, "zenity", &format!("printf '%s\\n' '{}'", a.display()));
    click(&mut app, "Add files\u{2026}");
    assert_eq!(app.state().queue()[1].path, a);

    // Cancelled (exit 1): nothing added, no path field.
    script(&bin, "zenity", "exit 1");
    click(&mut app, "Add files\u{2026}");
    assert_eq!(app.state().queue().len(), 2);
    assert!(app.query_by_label("Use this path").is_none());
}

#[test]
fn show_in_folder_says_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let bin = dir.path().join("bin");
    let mut app = app(hooks_with_programs(dir.path(), &bin));
    drop_files(&mut app, &[file]);
    seal_all(&mut app, "Seal 1 file");

    click(&mut app, "Show in folder");
    step_until_label(&mut app, "Cannot show the folder");

    let opened = dir.path().join("opened");
    script(
        &bin,
        "xdg-open",
        &format!("printf '%s' \"$1\" > '{}'", opened.display()),
    );
    click(&mut app, "Show in folder");
    step_until_label(&mut app, "in the file manager");
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        dir.path().display().to_string()
    );
}

// ----- 3. the generated passphrase -----

#[test]
fn a_generated_passphrase_is_shown_whole_until_saved() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    click(&mut app, "Generate");
    app.get_by_label("Your new passphrase");
    let phrase = app.state().generated_passphrase().unwrap().to_owned();
    assert_eq!(phrase.split(' ').count(), 6);
    app.get_by_label(&phrase);

    app.get_all_by_label("Copy passphrase")
        .last()
        .unwrap()
        .click();
    app.step();
    assert_eq!(copied(&app), Some(phrase.clone()));

    run_batch(&mut app, "Seal 1 file");
    assert_done(&app, 0);
    assert!(app.state().passphrase_is_wiped());
    // Still shown after sealing: the user has not said it is saved.
    app.get_by_label(&phrase);
    assert_eq!(
        open_with_core(&dir.path().join("a.txt.tgseal"), &phrase).unwrap(),
        b"x"
    );
    click(&mut app, "I have saved it");
    assert!(app.query_by_label(&phrase).is_none());
    assert!(app.state().generated_passphrase().is_none());
}

#[test]
fn generate_asks_before_replacing_a_typed_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    click(&mut app, "Generate");
    assert!(app.state().generated_passphrase().is_none());
    click(&mut app, "Keep mine");
    type_into(&mut app, "Confirm passphrase", PASSPHRASE);
    run_batch(&mut app, "Seal 1 file");
    assert_eq!(
        open_with_core(&dir.path().join("a.txt.tgseal"), PASSPHRASE).unwrap(),
        b"x"
    );
}

// ----- 5. the keyboard -----

#[test]
fn tab_goes_passphrase_confirm_start_and_enter_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    app.key_press(egui::Key::Tab);
    app.run();
    assert!(app.get_by_label("Confirm passphrase").is_focused());
    app.get_by_label("Confirm passphrase").type_text(PASSPHRASE);
    app.run();
    app.key_press(egui::Key::Tab);
    app.run();
    assert!(app.get_by_label("Seal 1 file").is_focused());

    // Enter in a field starts the batch.
    app.get_by_label("Confirm passphrase").focus();
    app.run();
    app.key_press(egui::Key::Enter);
    app.run();
    wait_until_idle(&mut app);
    assert_done(&app, 0);
}

#[test]
fn a_space_on_show_passphrase_does_not_follow_the_passphrase() {
    // Tab from the passphrase lands on Confirm, not on the check box; a space
    // typed there is part of the confirmation.
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    type_into(&mut app, "Passphrase", "two words");
    app.key_press(egui::Key::Tab);
    app.run();
    app.get_by_label("Confirm passphrase")
        .type_text("two words");
    app.run();
    assert!(!app.get_by_label("Show passphrase").is_focused());
    app.get_by_label("Seal 1 file");
}

// ----- 8. modes -----

#[test]
fn a_list_that_only_opens_shows_what_opening_needs() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed_file(dir.path(), "photo.jpg", 1_000);
    let mut app = app_with_files(dir.path(), &[sealed]);
    app.get_by_label("Unlock with the passphrase");
    app.get_by_label("Allow expensive key derivation");
    for sealing_only in [
        "Protect with a passphrase",
        "Generate",
        "Confirm passphrase",
        "Split into parts",
        "Hide file names",
        "Key derivation",
    ] {
        assert!(app.query_by_label(sealing_only).is_none(), "{sealing_only}");
    }
    // A mixed list says which settings apply to which lines.
    let plain = text_file(dir.path(), "a.txt", "x");
    drop_files(&mut app, &[plain]);
    app.get_by_label("For sealing");
    app.get_by_label("For opening");
    app.get_by_label("Generate");
}

#[test]
fn a_list_whose_lines_are_all_done_keeps_showing_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    seal_all(&mut app, "Seal 1 file");
    assert!(matches!(app.state().queue()[0].status, Status::Done(_)));
    app.get_by_label("Sealing");
    app.get_by_label("Key derivation");
    for other in [
        "For sealing",
        "For opening",
        "Opening",
        "Allow expensive key derivation",
    ] {
        assert!(app.query_by_label(other).is_none(), "{other}");
    }
}

#[test]
fn an_empty_confirmation_is_not_called_different() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let mut app = app_with_files(dir.path(), &[file]);
    type_into(&mut app, "Passphrase", PASSPHRASE);
    assert!(app.query_by_label("The two passphrases differ.").is_none());
    app.get_by_label("Type the passphrase again under Confirm passphrase.");
}

// ----- 10. closing during a job -----

#[test]
fn closing_during_a_job_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let big = data_file(dir.path(), "big.bin", 4 << 20);
    let (mut app, _hold) = held_app_with_files(dir.path(), &[big]);
    start_sealing(&mut app, "Seal 1 file");
    wait_for_progress(&mut app);

    request_close(&mut app);
    app.get_by_label("Quit while working?");
    assert!(!closes(&app), "the first close request is cancelled");
    app.get_by_label("Keep working").click();
    app.run_steps(2);
    assert!(app.state().is_busy());
    assert!(app.query_by_label("Quit while working?").is_none());

    request_close(&mut app);
    app.get_by_label("Stop and quit").click();
    app.step();
    assert!(closes(&app), "the window closes after Stop and quit");
    drop(app);
    assert_eq!(names_in(dir.path()), ["big.bin"], "nothing partial is left");
}

// ----- Send with Telegram, Copy text -----

#[test]
fn send_with_telegram_hands_over_exactly_the_sealed_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    let a = data_file(&files, "a.bin", 150_000);
    let b = text_file(&files, "b.txt", "b");
    let (bin, record) = tgseal_e2e::fake_telegram(dir.path());
    let mut app = app(hooks_with_programs(&files, &bin));
    change_settings(&mut app, |s| s.split = tgseal_gui::settings::Split::Bot);
    drop_files(&mut app, &[a, b]);
    seal_all(&mut app, "Seal 2 files");

    let part = |name: &str| files.join(name).display().to_string();
    app.get_all_by_label("Send with Telegram")
        .next()
        .unwrap()
        .click();
    app.run();
    assert_eq!(
        tgseal_e2e::telegram_args(&record),
        ["-sendpath".to_owned(), part("a.bin.tgseal.001")]
    );
    app.get_by_label_contains("pick the chat in its window");

    std::fs::remove_file(&record).unwrap();
    click(&mut app, "Send all with Telegram");
    assert_eq!(
        tgseal_e2e::telegram_args(&record),
        [
            "-sendpath".to_owned(),
            part("a.bin.tgseal.001"),
            part("b.txt.tgseal.001")
        ]
    );
}

#[test]
fn without_telegram_desktop_send_shows_the_folder_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "a.txt", "x");
    let bin = dir.path().join("bin");
    let opened = dir.path().join("opened");
    script(
        &bin,
        "xdg-open",
        &format!("printf '%s' \"$1\" > '{}'", opened.display()),
    );
    let mut app = app(hooks_with_programs(dir.path(), &bin));
    drop_files(&mut app, &[file]);
    seal_all(&mut app, "Seal 1 file");
    click(&mut app, "Send with Telegram");
    app.get_by_label_contains("Telegram Desktop was not found");
    app.get_by_label_contains("Showing the file in its folder instead");
    assert!(tgseal_e2e::wait_until(
        500,
        std::time::Duration::from_millis(10),
        || { opened.exists() }
    ));
}

#[test]
fn copy_text_copies_the_armored_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = text_file(dir.path(), "note.txt", "meet at noon");
    let mut app = app(hooks(dir.path()));
    change_settings(&mut app, |s| s.armor = true);
    drop_files(&mut app, &[file]);
    seal_all(&mut app, "Seal 1 file");
    app.get_by_label("Copy text").click();
    app.step();
    let text = copied(&app).unwrap();
    assert_eq!(
        text,
        String::from_utf8(read(&dir.path().join("note.txt.tgseal.txt"))).unwrap()
    );
    app.run();
    app.get_by_label_contains("fits in one Telegram message");
}

// ----- helpers -----

/// What the last frame put on the clipboard.
fn copied(app: &App) -> Option<String> {
    app.output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
}

/// The window manager asks the window to close (its close button).
fn request_close(app: &mut App) {
    app.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    // Steps, not run(): a held batch keeps asking for repaints.
    app.run_steps(3);
}

/// Whether the last frame asked the window to close (and did not cancel it).
fn closes(app: &App) -> bool {
    app.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_some_and(|v| {
            v.commands.contains(&egui::ViewportCommand::Close)
                && !v.commands.contains(&egui::ViewportCommand::CancelClose)
        })
}

/// Steps until a label containing `text` shows (a helper thread reports).
/// Waits up to 30 s: CI runs the tests on a loaded machine.
fn step_until_label(app: &mut App, text: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        app.step();
        if app.query_by_label_contains(text).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let shown = app
        .query_by_label_contains("folder")
        .map(|node| format!("{node:?}"));
    panic!("no label containing {text:?}; a label about the folder says {shown:?}");
}
