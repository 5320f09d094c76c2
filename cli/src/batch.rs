//! Running many inputs in one call: the job pool (tgseal_workflow::batch), one
//! report per input (human lines on stderr, JSON Lines on stdout with
//! `--json`), the closing summary and the batch exit code.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde_json::json;
use tgseal_core::Control;
use tgseal_core::untrusted::{escape_path, is_hidden};
use tgseal_workflow::Outcome;

use crate::cli::BatchArgs;
use crate::progress::BatchProgress;
use crate::{Failure, batch_exit_code};

impl BatchArgs {
    /// The call's core budget: `-j N`, or every core (docs/BATCH.md).
    pub fn cores(&self) -> usize {
        self.jobs
            .map_or_else(tgseal_core::default_threads, |n| n as usize)
    }
}

/// How a batch runs and reports.
pub struct Settings {
    /// "encrypt" or "decrypt", as in the JSON records.
    pub operation: &'static str,
    /// The verb of a success line ("sealed", "opened").
    pub verb: &'static str,
    pub jobs: usize,
    pub fail_fast: bool,
    pub json: bool,
    pub quiet: bool,
}

impl Settings {
    /// The settings of a call with these batch options (`-j`, `--fail-fast`, `--json`).
    pub fn of_call(
        operation: &'static str,
        verb: &'static str,
        batch: &BatchArgs,
        quiet: bool,
    ) -> Self {
        Settings {
            operation,
            verb,
            jobs: batch.cores(),
            fail_fast: batch.fail_fast,
            json: batch.json,
            quiet,
        }
    }
}

/// One input of a batch: what to show, and the data the worker needs.
pub trait Job: Sync {
    fn input(&self) -> &Path;
}

/// Runs every job (up to `settings.jobs` at once), reports each, prints the
/// summary and returns the exit code of the whole batch.
pub fn run<J: Job>(
    jobs: &[J],
    settings: &Settings,
    control: &Control,
    work: impl Fn(&J, &Control) -> Result<Outcome> + Sync,
) -> u8 {
    let progress = BatchProgress::new(jobs.len(), settings.quiet);
    let mut failures: Vec<(String, u8, String)> = Vec::new();
    let mut succeeded = 0usize;
    let mut skipped = 0usize;
    tgseal_workflow::batch::run_parallel(
        jobs,
        settings.jobs,
        |_, job| {
            let label = escape_path(job.input());
            let bar = progress.start(&label);
            let job_control = crate::progress::control_with(control, bar.as_ref());
            let result = if control.is_cancelled() {
                Err(tgseal_core::Error::Cancelled.into())
            } else {
                work(job, &job_control)
            };
            progress.finish(bar);
            result
        },
        |result| match result {
            Err(err) => settings.fail_fast || Failure::of(err).exit_code == crate::EXIT_INTERRUPTED,
            Ok(_) => false,
        },
        |index, result| {
            let job = &jobs[index];
            // Paths, names and notes may hold what a hostile file chose: shown escaped.
            let input = escape_path(job.input());
            match result {
                Some(Ok(done)) => {
                    succeeded += 1;
                    if !settings.quiet {
                        let to = done
                            .output()
                            .map_or_else(|| "standard output".into(), escape_path);
                        progress.say(&format!("{} {input} -> {to}", settings.verb));
                        for note in &done.notes {
                            progress.say(&format!("tgseal: {input}: {note}"));
                        }
                    }
                    if settings.json {
                        emit(&record_ok(settings.operation, job.input(), &done));
                    }
                }
                Some(Err(err)) => {
                    let failure = Failure::of(&err);
                    progress.say(&format!("tgseal: {input}: {}", failure.message));
                    if settings.json {
                        emit(&record_err(settings.operation, job.input(), &failure));
                    }
                    failures.push((input, failure.exit_code, failure.message));
                }
                None => {
                    skipped += 1;
                    if settings.json {
                        emit(&json!({
                            "operation": settings.operation,
                            "input": lossy(job.input()),
                            "output": null,
                            "status": "skipped",
                            "bytes_in": 0,
                            "bytes_out": 0,
                            "error_kind": null,
                            "message": "not attempted after an earlier failure",
                            "notes": [],
                        }));
                    }
                }
            }
        },
    );
    progress.done();
    if jobs.len() > 1 && (!settings.quiet || !failures.is_empty()) {
        summarise(settings, jobs.len(), succeeded, skipped, &failures);
    }
    let codes: Vec<u8> = failures.iter().map(|(_, code, _)| *code).collect();
    batch_exit_code(&codes)
}

fn summarise(
    settings: &Settings,
    total: usize,
    succeeded: usize,
    skipped: usize,
    failures: &[(String, u8, String)],
) {
    let mut text = format!("tgseal: {} {succeeded} of {total} inputs", settings.verb);
    if !failures.is_empty() {
        text.push_str(&format!("; {} failed", failures.len()));
    }
    if skipped > 0 {
        text.push_str(&format!(
            "; {skipped} not attempted (--fail-fast or interrupted)"
        ));
    }
    eprintln!("{text}");
    for (input, _, why) in failures {
        eprintln!("  failed: {input}: {why}");
    }
}

fn lossy(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn record_ok(operation: &str, input: &Path, done: &Outcome) -> serde_json::Value {
    json!({
        "operation": operation,
        "input": lossy(input),
        "output": done.output().map_or_else(|| "-".to_owned(), lossy),
        "status": "ok",
        "bytes_in": done.summary.bytes_in,
        "bytes_out": done.summary.bytes_out,
        "error_kind": null,
        "message": null,
        "notes": done.notes,
    })
}

fn record_err(operation: &str, input: &Path, failure: &Failure) -> serde_json::Value {
    json!({
        "operation": operation,
        "input": lossy(input),
        "output": null,
        "status": "error",
        "bytes_in": 0,
        "bytes_out": 0,
        "error_kind": failure.code,
        "message": failure.message,
        "notes": [],
    })
}

fn emit(record: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) must not abort the batch.
    let _ = writeln!(out, "{}", terminal_safe_json(record.to_string()));
    let _ = out.flush();
}

/// One JSON line that is safe on a terminal and means the same to a JSON
/// reader: the characters serde_json leaves as they are but a terminal would
/// obey (DEL, C1 controls such as the one-character CSI, bidirectional
/// controls) written as `\uXXXX`. They can only occur inside strings.
fn terminal_safe_json(line: String) -> String {
    if !line.chars().any(is_hidden) {
        return line;
    }
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        if is_hidden(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_escape_what_a_terminal_would_obey_and_keep_their_value() {
        let evil = "a\u{1b}]0;x\u{7}\u{9b}2J\u{202e}b\u{7f}\u{e0041}";
        let line = terminal_safe_json(json!({ "input": evil }).to_string());
        assert!(!line.chars().any(is_hidden), "{line}");
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["input"], evil);
    }
}
