//! Stage 4: the analysed IR → the files of the generated crates, in two steps. [`plan`]
//! decides which files exist, each with its header and how its body is made; [`render`]
//! emits and prints the Rust, renders the templates and other files on every core, and puts
//! each file together.

mod manifests;
mod plan;
mod render;

pub use manifests::RUNTIME_CRATE;
pub use plan::{Plan, plan};
pub use render::render;
