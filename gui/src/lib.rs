//! tgseal-gui: the desktop front end of tgseal. Drop files in, get sealed files
//! out; drop sealed files in, get the originals back. Every byte of cryptography
//! happens in `tgseal-core`; this crate only presents it.

#![forbid(unsafe_code)]

pub mod app;
mod controller;
pub mod desktop;
pub mod instance;
mod panels;
pub mod queue;
pub mod settings;
pub mod strength;
pub mod theme;
pub mod units;
pub mod worker;

pub use app::{Hooks, TgsealApp};
