//! The keyway generator: YAML endpoint specs in, the files of the `keyway` client crate out.
//!
//! A pure pipeline (no I/O; [`sources::read_specs`] is the one reader of specs, `xtask`
//! writes the files): [`load_specs`] (serde_yaml) → [`lower::lower_api`] (validate, resolve,
//! Rust names) → [`analysis::analyze`] (facts the outputs share) → [`output::plan`] (which
//! files, with which headers) → [`output::render`] (`emit`'s token trees printed by
//! prettyplease, templates rendered, on every core). Any problem in the specs is a located
//! [`Diagnostic`]; the generator never panics on input.

pub mod analysis;
pub mod diagnostics;
mod docs;
pub mod emit;
mod examples;
pub mod file;
mod fixtures;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
mod openapi;
pub mod output;
pub mod parallel;
pub mod sources;
pub mod spec;
pub mod surface;
mod synth;

pub use diagnostics::{Diagnostic, Diagnostics, render};
pub use file::{OutputFile, REGENERATE};
pub use load::{SourceFile, load_specs};

/// The generated crate's name, as users write it in `Cargo.toml` and `use` lines.
pub const CRATE_NAME: &str = "keyway";

/// Loads, checks and lowers every API; all problems of all files are reported together.
pub fn lower_all(sources: &[SourceFile]) -> Result<Vec<ir::Api>, Diagnostics> {
    let loaded = load_specs(sources)?;
    lower_loaded(&loaded)
}

/// Checks and lowers every loaded API; all problems of all files are reported together.
pub fn lower_loaded(loaded: &[load::LoadedApi]) -> Result<Vec<ir::Api>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut apis: Vec<ir::Api> = Vec::new();
    for api in loaded {
        match lower::lower_api(api) {
            Ok(lowered) => {
                if let Some(other) = apis.iter().find(|a| a.name == lowered.name) {
                    diagnostics.push(Diagnostic {
                        file: lowered.source.clone(),
                        line: 0,
                        column: 0,
                        message: format!("API name `{}` is also used by {}", lowered.name, other.source),
                        help: Some("give each API folder its own `api.name`".into()),
                    });
                }
                apis.push(lowered);
            }
            Err(problems) => diagnostics.0.extend(problems.0),
        }
    }
    if loaded.is_empty() {
        diagnostics.push(Diagnostic {
            file: "specs/".into(),
            line: 0,
            column: 0,
            message: "no spec files found".into(),
            help: Some("add `specs/<api>/api.yaml` (see specs/README.md)".into()),
        });
    }
    if diagnostics.is_empty() {
        apis.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(apis)
    } else {
        diagnostics.sort();
        Err(diagnostics)
    }
}

/// The whole pipeline: spec sources in, the generated crate's files out (sorted by path).
/// Its stages are public, for `cargo xtask bench` to time one by one: [`load_specs`],
/// [`lower_loaded`], [`analysis::analyze`], [`output::plan`], [`output::render`].
pub fn generate(sources: &[SourceFile]) -> Result<Vec<OutputFile>, Diagnostics> {
    let loaded = load_specs(sources)?;
    let apis = lower_loaded(&loaded)?;
    let cx = analysis::analyze(&apis);
    output::render(output::plan(&cx))
        .map_err(|message| Diagnostics(vec![Diagnostic { file: "generator".into(), line: 0, column: 0, message, help: None }]))
}
