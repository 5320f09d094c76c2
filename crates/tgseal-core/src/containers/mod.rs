//! The shapes a sealed stream travels in, over `Read`/`Write` only: armored
//! text and the pieces of a text message (FORMAT.md §11), the part framing of
//! a split file (§10), and the rules every folder archive entry must pass (§4.3).

pub mod archive;
pub mod armor;
pub mod split;
