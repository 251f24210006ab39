//! `cargo xtask test`: every check a change must pass, in the order that fails fastest.
//! It installs the tools its checks need when they are missing (mdbook from crates.io,
//! openapi-spec-validator from PyPI into `target/venv`, whose `jsonschema` also checks every
//! example against its OpenAPI schema), so a new machine and CI run the same command.

use std::path::{Path, PathBuf};
use std::process::Command;

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// Runs a command in the project root, echoing it first.
fn run_in_root(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    println!("\n==> {program} {}", args.join(" "));
    let root = crate::project_root();
    let status = Command::new(program)
        .args(args)
        .current_dir(&root)
        // The downstream crate is its own workspace; sharing the target dir reuses builds.
        .env("CARGO_TARGET_DIR", target_dir(&root))
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed ({status})", args.join(" "))) }
}

fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn cargo(args: &[&str]) -> Result<(), String> {
    run_in_root(&cargo_program(), args, &[])
}

/// Whether `program --version` runs.
fn works(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// `mdbook`, installed with `cargo install` the first time.
fn mdbook() -> Result<String, String> {
    if works("mdbook") {
        return Ok("mdbook".into());
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("cannot find the cargo home to install mdbook")?;
    let installed = home.join("bin/mdbook").to_string_lossy().into_owned();
    if !works(&installed) {
        println!("\n==> installing mdbook (once)");
        let status = Command::new(cargo_program())
            .args(["install", "mdbook", "--version", "^0.5", "--locked", "--quiet"])
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err("`cargo install mdbook` failed".into());
        }
    }
    Ok(installed)
}

/// A Python with openapi-spec-validator, in a venv under the target dir.
fn openapi_validator_python() -> Result<String, String> {
    let root = crate::project_root();
    let venv = target_dir(&root).join("venv");
    let python = venv.join("bin/python").to_string_lossy().into_owned();
    let ready = Command::new(&python).args(["-c", "import openapi_spec_validator"]).output().is_ok_and(|o| o.status.success());
    if !ready {
        println!("\n==> installing openapi-spec-validator into {} (once)", venv.display());
        let venv_arg = venv.to_string_lossy().into_owned();
        run_in_root("python3", &["-m", "venv", &venv_arg], &[])?;
        run_in_root(&python, &["-m", "pip", "install", "--quiet", "openapi-spec-validator>=0.7"], &[])?;
    }
    Ok(python)
}

/// The generated crate is clean with each resource feature alone (with and without the
/// mock) and with none: gating mistakes show up here, not in a user's build.
fn feature_matrix() -> Result<(), String> {
    let manifest =
        std::fs::read_to_string(crate::project_root().join("generated/Cargo.toml")).map_err(|e| format!("cannot read generated/Cargo.toml: {e}"))?;
    // Resource features are the `<api>-<resource> = [...]` lines of `[features]` (API names
    // are snake_case: only a resource's feature has a `-`).
    let resources: Vec<String> = manifest
        .lines()
        .skip_while(|line| *line != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = [").map(|(name, _)| name))
        .filter(|name| name.contains('-'))
        .map(str::to_owned)
        .collect();
    if resources.is_empty() {
        return Err("generated/Cargo.toml lists no resource features".into());
    }
    let lint = ["--all-targets", "--", "-D", "warnings"];
    let mut runs: Vec<Vec<String>> = vec![vec!["--no-default-features".into()]];
    for resource in &resources {
        runs.push(vec!["--no-default-features".into(), "--features".into(), format!("{resource},mock")]);
    }
    for run in runs {
        let mut args: Vec<&str> = vec!["clippy", "-q", "-p", "keyway"];
        args.extend(run.iter().map(String::as_str));
        args.extend(lint);
        cargo(&args)?;
    }
    Ok(())
}

/// The synthesized spec sets [`split_types_check`] tries, smallest first: growing by this many
/// endpoints, up to the largest.
const SPLIT_CHECK_STEP: usize = 30;
const SPLIT_CHECK_LARGEST: usize = 600;

/// A big API's types are split into several crates (`generator/src/analysis/type_crates.rs`): the
/// smallest synthesized set whose Seam types make at least three crates and a chain (a crate
/// using one that uses another; found by generating in memory, which is quick) is written,
/// and linted with every feature and with single resources in different crates. Its size
/// follows the specs: more or heavier templates need fewer copies.
fn split_types_check() -> Result<(), String> {
    let root = crate::project_root();
    let dir = target_dir(&root).join("split-check");
    // How many Seam types crates, and whether one uses a crate that uses another.
    let seam_crates = |files: &[generator::OutputFile]| {
        let manifests: Vec<(&str, Vec<&str>)> = files
            .iter()
            .filter_map(|f| Some((f.path.strip_prefix("crates/")?.strip_suffix("/Cargo.toml")?, f)))
            .filter(|(package, _)| package.starts_with("keyway-seam-types"))
            .map(|(package, f)| {
                let uses = f
                    .contents
                    .lines()
                    .filter_map(|l| l.split_once(" = {"))
                    .map(|(dep, _)| dep)
                    .filter(|dep| dep.starts_with("keyway-seam-types"))
                    .collect();
                (package, uses)
            })
            .collect();
        let uses_any = |package: &str| manifests.iter().any(|(p, uses)| *p == package && !uses.is_empty());
        let chain = manifests.iter().any(|(_, uses)| uses.iter().any(|dep| uses_any(dep)));
        (chain, manifests.len())
    };
    let mut chosen = None;
    for n in (SPLIT_CHECK_STEP..=SPLIT_CHECK_LARGEST).step_by(SPLIT_CHECK_STEP) {
        let sources = crate::synth::synth(&root.join("specs"), n)?;
        let files = generator::generate(&sources).map_err(|d| generator::render(&d, &sources))?;
        if let (true, crates @ 3..) = seam_crates(&files) {
            chosen = Some((n, crates, files));
            break;
        }
    }
    let Some((n, crates, files)) = chosen else {
        return Err(format!(
            "no synthesized set up to {SPLIT_CHECK_LARGEST} endpoints splits the Seam types into three crates with a chain: raise SPLIT_CHECK_LARGEST in xtask/src/test.rs"
        ));
    };
    println!("\n==> a {n}-endpoint synthesized crate, its Seam types split into {crates} crates, in {}", dir.display());
    let crate_dir = crate::bench::write_files(&root, &dir, &files)?;
    let manifest = crate_dir.join("Cargo.toml").to_string_lossy().into_owned();
    let lint = ["--", "-D", "warnings"];
    // Every feature; the first Seam resource and the last, which the packing in resource
    // order puts in different crates. Read from the crate, so the set of specs can change.
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {manifest}: {e}"))?;
    let mut resources: Vec<&str> =
        text.lines().filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim())).filter(|key| key.starts_with("seam-")).collect();
    resources.sort_unstable();
    resources.dedup();
    let (Some(first), Some(last)) = (resources.first().copied(), resources.last().copied()) else {
        return Err(format!("no Seam resource feature in {manifest}"));
    };
    let one_resource = |f| ["--no-default-features", "--features", f];
    for features in [&["--all-features"][..], &one_resource(first), &one_resource(last)] {
        let mut args = vec!["clippy", "-q", "--manifest-path", &manifest];
        args.extend(features);
        args.extend(lint);
        cargo(&args)?;
    }
    Ok(())
}

/// Hand-written code is rustfmt-clean: the workspace, the runtime's and the derive's sources (copied into
/// `generated/`, whose own `rustfmt.toml` turns formatting off, so they are checked where they
/// are written) and the downstream crate. The cheapest check, so it runs first.
fn format_check() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"])?;
    run_in_root("rustfmt", &["--check", "--edition", "2024", "--config-path", "rustfmt.toml", "generator/runtime/lib.rs"], &[])?;
    run_in_root("rustfmt", &["--check", "--edition", "2024", "--config-path", "rustfmt.toml", "generator/codec-derive/lib.rs"], &[])?;
    cargo(&["fmt", "--check", "--manifest-path", "tests/downstream/Cargo.toml"])
}

/// If codegen succeeds, the crate compiles: drawn names built to collide.
pub fn names_check() -> Result<(), String> {
    let root = crate::project_root();
    crate::names_check::run(&root, &target_dir(&root), &cargo_program())
}

pub fn run() -> Result<(), String> {
    format_check()?;
    println!("\n==> cargo xtask codegen --check");
    crate::codegen::run(crate::codegen::Mode::Check)?;
    cargo(&["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"])?;
    cargo(&["test", "--workspace", "--all-features", "--no-fail-fast"])?;
    feature_matrix()?;
    split_types_check()?;
    names_check()?;
    // A crate outside the workspace, depending on keyway as a user would (features = ["mock"]).
    cargo(&["test", "--manifest-path", "tests/downstream/Cargo.toml"])?;
    // rustdoc with every warning an error: a broken intra-doc link fails here.
    run_in_root(
        &cargo_program(),
        &["doc", "--no-deps", "--workspace", "--exclude", "keyway-generator", "--exclude", "xtask", "--exclude", "keyway-tests", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;

    let root = crate::project_root();
    // book.toml sends the pages to target/book; a custom target dir gets them there too.
    let book = target_dir(&root).join("book").to_string_lossy().into_owned();
    run_in_root(&mdbook()?, &["build", "generated/docs", "--dest-dir", &book], &[])?;

    let python = openapi_validator_python()?;
    let mut documents: Vec<String> = std::fs::read_dir(root.join("generated/openapi"))
        .map_err(|e| format!("cannot read generated/openapi: {e}"))?
        .filter_map(|e| e.ok())
        .map(|e| format!("generated/openapi/{}", e.file_name().to_string_lossy()))
        .collect();
    documents.sort();
    for document in &documents {
        run_in_root(&python, &["-m", "openapi_spec_validator", document], &[])?;
    }
    // A valid document can still describe the API wrongly: its examples must fit its schemas.
    run_in_root(&python, &["xtask/check_openapi_examples.py", "generated"], &[])?;
    println!("\nall checks passed");
    Ok(())
}
