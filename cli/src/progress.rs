//! The progress bar: indicatif on stderr, only when stderr is a terminal.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tgseal_core::Control;

/// A bar for one job, not drawn anywhere until it is added to a multi-bar
/// (a bar that draws on its own would show "0 B/0 B" as soon as its label is
/// set).
fn job_bar(label: &str) -> ProgressBar {
    let bar = ProgressBar::hidden();
    let style = ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_owned());
    bar
}

/// How long a job runs before its bar appears: a small file is done before
/// that, and leaves no empty bar ("0 B/0 B") on the terminal.
const SHOW_AFTER: Duration = Duration::from_millis(250);

/// A job's bar, drawn only once the job has run for [`SHOW_AFTER`] and its
/// total is known.
pub struct JobBar {
    bar: ProgressBar,
    multi: MultiProgress,
    shown: Arc<AtomicBool>,
    started: Instant,
}

/// Connects a job's bar to the core's progress callback.
pub fn control_with(base: &Control, bar: Option<&JobBar>) -> Control {
    match bar {
        Some(job) => {
            let (bar, multi, shown, started) = (
                job.bar.clone(),
                job.multi.clone(),
                job.shown.clone(),
                job.started,
            );
            base.clone().with_progress(move |p| {
                if let Some(total) = p.total {
                    bar.set_length(total);
                }
                bar.set_position(p.done);
                if p.total.is_some()
                    && started.elapsed() >= SHOW_AFTER
                    && !shown.swap(true, Ordering::Relaxed)
                {
                    multi.add(bar.clone());
                }
            })
        }
        None => base.clone(),
    }
}

/// Progress of a batch: an overall bar (inputs done) and a bar per active
/// input, only when stderr is a terminal and not `--quiet`. Messages go
/// through it so they do not tear the bars.
pub struct BatchProgress {
    bars: Option<(MultiProgress, Option<ProgressBar>)>,
}

impl BatchProgress {
    pub fn new(inputs: usize, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return BatchProgress { bars: None };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        // One input needs no overall bar: its own bar says everything.
        let overall = (inputs > 1).then(|| {
            let bar = multi.add(ProgressBar::new(inputs as u64));
            let style =
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} inputs, {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message("total");
            bar
        });
        BatchProgress {
            bars: Some((multi, overall)),
        }
    }

    /// A bar for an input that starts now (drawn once it has run a while).
    pub fn start(&self, label: &str) -> Option<JobBar> {
        let (multi, _) = self.bars.as_ref()?;
        Some(JobBar {
            bar: job_bar(label),
            multi: multi.clone(),
            shown: Arc::new(AtomicBool::new(false)),
            started: Instant::now(),
        })
    }

    /// Removes an input's bar and counts it as done.
    pub fn finish(&self, bar: Option<JobBar>) {
        if let Some((multi, overall)) = &self.bars {
            if let Some(job) = bar
                && job.shown.load(Ordering::Relaxed)
            {
                job.bar.finish_and_clear();
                multi.remove(&job.bar);
            }
            if let Some(overall) = overall {
                overall.inc(1);
            }
        }
    }

    /// Prints a line on stderr above the bars.
    pub fn say(&self, line: &str) {
        match &self.bars {
            Some((multi, _)) if multi.println(line).is_ok() => {}
            _ => eprintln!("{line}"),
        }
    }

    /// Clears the bars for good.
    pub fn done(&self) {
        if let Some((multi, overall)) = &self.bars {
            if let Some(overall) = overall {
                overall.finish_and_clear();
            }
            let _ = multi.clear();
        }
    }
}
