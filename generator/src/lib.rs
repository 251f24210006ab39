//! The keyway generator: YAML endpoint specs in, the files of the `keyway` client crate out.
//!
//! A pure pipeline (no I/O; `xtask` reads and writes files):
//! [`load_specs`] (serde_yaml) → [`lower::lower_api`] (validate, resolve, Rust names) →
//! `emit` (token trees) → `output` (prettyplease, headers). Any problem in the specs is a
//! located [`Diagnostic`]; the generator never panics on input.

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

use std::time::{Duration, Instant};

pub use diagnostics::{Diagnostic, Diagnostics, render};
pub use file::{OutputFile, REGENERATE};
pub use load::{SourceFile, load_specs};

/// The generated crate's name, as users write it in `Cargo.toml` and `use` lines.
pub const CRATE_NAME: &str = "keyway";

/// Wall time of each stage of one [`generate_timed`] run; they add up to the whole run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// YAML → spec types (serde_yaml), one file per thread.
    pub load: Duration,
    /// Validation and lowering into the IR.
    pub lower: Duration,
    /// The fixed files and the plan, plus the share of the parallel stage spent building
    /// token trees and rendering the other files (docs, JSON fixtures, OpenAPI).
    pub emit: Duration,
    /// The rest of the parallel stage: syn parsing and prettyplease printing.
    pub format: Duration,
}

/// Loads, checks and lowers every API; all problems of all files are reported together.
pub fn lower_all(sources: &[SourceFile]) -> Result<Vec<ir::Api>, Diagnostics> {
    let loaded = load_specs(sources)?;
    lower_loaded(&loaded)
}

fn lower_loaded(loaded: &[load::LoadedApi]) -> Result<Vec<ir::Api>, Diagnostics> {
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
pub fn generate(sources: &[SourceFile]) -> Result<Vec<OutputFile>, Diagnostics> {
    generate_timed(sources).map(|(files, _)| files)
}

/// [`generate`], timing each stage (for `cargo xtask bench`).
pub fn generate_timed(sources: &[SourceFile]) -> Result<(Vec<OutputFile>, Timings), Diagnostics> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let loaded = load_specs(sources)?;
    timings.load = start.elapsed();
    let start = Instant::now();
    let apis = lower_loaded(&loaded)?;
    timings.lower = start.elapsed();
    let start = Instant::now();
    let cx = analysis::analyze(&apis);
    let emitted = output::emit_crate(&cx);
    let files_done = start.elapsed();
    let start = Instant::now();
    let (files, work) = output::format_crate(emitted)
        .map_err(|message| Diagnostics(vec![Diagnostic { file: "generator".into(), line: 0, column: 0, message, help: None }]))?;
    // The parallel stage runs on every core: its wall time is split by where the thread
    // time went.
    let parallel_stage = start.elapsed();
    let thread_time = (work.emit + work.print).as_secs_f64().max(1e-12);
    let emit_share = parallel_stage.mul_f64(work.emit.as_secs_f64() / thread_time);
    timings.emit = files_done + emit_share;
    timings.format = parallel_stage.saturating_sub(emit_share);
    Ok((files, timings))
}
