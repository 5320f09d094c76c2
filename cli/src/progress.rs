//! The progress bar: indicatif on stderr, only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tgseal_core::Control;

/// A bar for one job, or nothing when stderr is not a terminal or `--quiet`.
pub fn bar(label: &str, quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_owned());
    Some(bar)
}

/// Connects a bar to the core's progress callback.
pub fn control_with(base: &Control, bar: Option<&ProgressBar>) -> Control {
    match bar {
        Some(bar) => {
            let bar = bar.clone();
            base.clone().with_progress(move |p| {
                if let Some(total) = p.total {
                    bar.set_length(total);
                }
                bar.set_position(p.done);
            })
        }
        None => base.clone(),
    }
}
