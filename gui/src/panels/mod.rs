//! The window's parts, one module per panel, each drawn from the app's state.
//! Widgets edit the field they show (a text field, a check box); every other
//! change goes through the controller's methods ([`crate::controller`]).

mod actions;
mod drop_zone;
mod file_list;
mod header;
mod list_item;
mod options;
mod passphrase;
mod path_entry;

use std::path::{Path, PathBuf};

use crate::app::TgsealApp;

pub(crate) use drop_zone::drop_highlight;
pub(crate) use header::header_ui;
pub(crate) use passphrase::{CONFIRM_ID, PASSPHRASE_ID};

pub(crate) use crate::theme::success_color;
pub(crate) use path_entry::PathEntry;

impl TgsealApp {
    /// A path as shown in the window: under the home folder as `~/…`.
    pub(crate) fn shown(&self, path: &Path) -> String {
        shown_path(path, self.hooks.path_alias.as_ref())
    }

    fn shown_path(&self, path: &Path) -> String {
        shown_path(path, self.hooks.path_alias.as_ref())
    }
}

/// `path` with the `alias` prefix (a test's stand-in folder), else the home
/// folder, written short: `~/Documents/a.pdf` rather than the full path;
/// escaped, since a restored name is the sender's choice.
fn shown_path(path: &Path, alias: Option<&(PathBuf, String)>) -> String {
    tgseal_core::untrusted::escape(&short_path(path, alias)).into_owned()
}

fn short_path(path: &Path, alias: Option<&(PathBuf, String)>) -> String {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
        .filter(|h| !h.is_empty())
        .map(|h| (PathBuf::from(h), "~".to_owned()));
    if let Some((real, alias)) = alias.or(home.as_ref())
        && let Ok(rest) = path.strip_prefix(real)
    {
        let rest = rest.to_string_lossy();
        return if rest.is_empty() {
            alias.clone()
        } else {
            format!("{alias}/{rest}")
        };
    }
    path.display().to_string()
}
