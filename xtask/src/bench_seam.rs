//! The bench's real size: Seam's core surface, the committed specs plus every other route of
//! the resources in `vendor/seam/core.txt`, imported from `vendor/seam/openapi.json` in memory
//! (nothing is written to `specs/`). Unlike the synthesized sets, its types are shared between
//! resources as the vendor's are: the case the types-crate split has not met.

use std::path::Path;
use std::time::Instant;

use generator::SourceFile;

use super::bench::{Table, build_dependencies, cargo_build, forget_keyway_builds, median, ms, seconds, time_tool, write_files};

/// The committed specs of Seam, with the core routes they lack imported.
pub(crate) fn sources(root: &Path) -> Result<Vec<SourceFile>, String> {
    let specs = generator::sources::read_specs(&root.join("specs"))?;
    let mut sources = specs.sources;
    let seam: Vec<(String, String)> =
        sources.iter().filter(|s| s.api_dir == "seam").map(|s| (s.path.rsplit('/').next().unwrap_or(&s.path).to_owned(), s.text.clone())).collect();
    let apis = generator::lower_all(&sources).map_err(|d| generator::render(&d, &sources))?;
    let specced: Vec<&str> = apis.iter().filter(|a| a.name == "seam").flat_map(|a| a.endpoints()).map(|e| e.path.as_str()).collect();
    let core_list = std::fs::read_to_string(root.join("vendor/seam/core.txt")).map_err(|e| format!("vendor/seam/core.txt: {e}"))?;
    let core: Vec<&str> = core_list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let text = std::fs::read_to_string(root.join("vendor/seam/openapi.json")).map_err(|e| format!("vendor/seam/openapi.json: {e}"))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("vendor/seam/openapi.json: {e}"))?;
    let paths: Vec<String> = document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(path, _)| path)
        .filter(|path| core.contains(&path.split('/').nth(1).unwrap_or_default()) && !specced.contains(&path.as_str()))
        .cloned()
        .collect();
    let imported =
        generator::import::import(&generator::import::Import { openapi: &document, openapi_name: "openapi.json", existing: &seam, paths: &paths })?;
    sources.extend(imported.files.into_iter().map(|(name, text)| SourceFile { path: format!("specs/seam/{name}"), api_dir: "seam".into(), text }));
    Ok(sources)
}

/// Codegen (median of 5 after a warm-up) and the cold build of the generated crates with
/// their dependencies built first (in `dir/target`, shared with the compile stage), with
/// peak memory and lines.
pub(crate) fn measure(root: &Path, dir: &Path, table: &mut Table) -> Result<(), String> {
    let target = &dir.join("target");
    let deps = build_dependencies(root, dir)?;
    println!("    dependencies ready in {}", seconds(deps.time));
    let sources = sources(root)?;
    let endpoints = generator::lower_all(&sources).map_err(|d| generator::render(&d, &sources))?.iter().map(|a| a.endpoints().count()).sum::<usize>();
    println!("\n==> the real Seam surface: {endpoints} endpoints (committed specs + core routes imported)");
    let mut samples = Vec::new();
    let mut files = Vec::new();
    for run in 0..6 {
        let started = Instant::now();
        files = generator::generate(&sources).map_err(|d| generator::render(&d, &sources))?;
        if run > 0 {
            samples.push(started.elapsed());
        }
    }
    let rust_lines: usize = files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.lines().count()).sum();
    let types_crates = files.iter().filter(|f| f.path.starts_with("crates/keyway-seam-types") && f.path.ends_with("Cargo.toml")).count();
    table.row(
        "seam",
        &format!("codegen of the real Seam surface ({endpoints} endpoints, all APIs)"),
        ms(median(samples)),
        String::new(),
        String::new(),
        "",
        None,
    );
    let crate_dir = write_files(root, &dir.join("seam"), &files)?;
    forget_keyway_builds(target)?;
    let build = cargo_build(&crate_dir, target, time_tool(), true, None)?;
    table.row(
        "seam",
        &format!("`cargo build` (debug) of its generated crates ({types_crates} Seam types crates) · peak RSS: largest / all at once"),
        build.summary(),
        String::new(),
        String::new(),
        "",
        None,
    );
    table.row(
        "seam",
        "lines of generated Rust",
        format!("{rust_lines} ({} per endpoint)", rust_lines / endpoints.max(1)),
        String::new(),
        String::new(),
        "",
        None,
    );
    forget_keyway_builds(target)
}
