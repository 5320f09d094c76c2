//! age files on disk (docs/AGE.md): recognising one (whole or in raw parts),
//! and writing or reading it atomically. The age streams are `tgseal_age`'s.

pub mod files;
pub mod input;
pub mod parts;
