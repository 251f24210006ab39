//! The keyway generator: YAML endpoint specs in, the files of the `keyway` client crate out.
//!
//! A pure pipeline (no I/O; [`sources::read_specs`] is the one reader of specs, `xtask`
//! writes the files): [`load_specs`] (serde_yaml) → [`lower::lower_api`] (validate, resolve,
//! Rust names) → [`analysis::analyze`] (facts the outputs share) → [`output::plan`] (which
//! files, with which headers) → [`output::render`] (`emit`'s token trees printed by
//! prettyplease, templates rendered, on every core). Any problem in the specs is a located
//! [`Diagnostic`]; the generator never panics on input.

mod aliases;
pub mod analysis;
pub mod diagnostics;
mod docs;
pub mod drift;
pub mod emit;
mod examples;
pub mod file;
mod fixtures;
pub mod import;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
mod openapi;
pub mod output;
pub mod parallel;
pub mod positions;
pub mod sources;
pub mod spec;
pub mod surface;
mod synth;
mod unique_keys;
mod vendor_doc;
mod yaml_errors;

pub use diagnostics::{Diagnostic, Diagnostics, render};
pub use file::{OutputFile, REGENERATE};
pub use load::{SourceFile, load_specs};

/// The generated crate's name, as users write it in `Cargo.toml` and `use` lines.
pub const CRATE_NAME: &str = "keyway";

/// Loads, checks and lowers every API; all problems of all files are reported together,
/// those of a file that cannot be read beside the others'.
pub fn lower_all(sources: &[SourceFile]) -> Result<Vec<ir::Api>, Diagnostics> {
    lower_read(sources, &[])
}

/// [`lower_all`], with the problems of the spec files that could not be read reported among
/// the others (and their APIs' unresolvable references not reported).
fn lower_read(sources: &[SourceFile], unreadable: &[sources::Unreadable]) -> Result<Vec<ir::Api>, Diagnostics> {
    let (loaded, problems) = load::load_all(sources, unreadable);
    lower::lower_all(&loaded, problems)
}

/// The whole pipeline: spec sources in, the generated crate's files out (sorted by path).
/// Its stages are public, for `cargo xtask bench` to time one by one: [`load_specs`],
/// [`lower::lower_all`], [`analysis::analyze`], [`output::plan`], [`output::render`].
pub fn generate(sources: &[SourceFile]) -> Result<Vec<OutputFile>, Diagnostics> {
    generate_from(sources, &[])
}

/// [`generate`] on the specs as [`sources::read_specs`] read them: the problems of files that
/// could not be read come with every other problem of the run.
pub fn generate_specs(specs: &sources::Specs) -> Result<Vec<OutputFile>, Diagnostics> {
    generate_from(&specs.sources, &specs.unreadable)
}

fn generate_from(sources: &[SourceFile], unreadable: &[sources::Unreadable]) -> Result<Vec<OutputFile>, Diagnostics> {
    let apis = lower_read(sources, unreadable)?;
    let cx = analysis::analyze(&apis);
    output::render(output::plan(&cx))
        .map_err(|message| Diagnostics(vec![Diagnostic { file: "generator".into(), line: 0, column: 0, message, help: None }]))
}
