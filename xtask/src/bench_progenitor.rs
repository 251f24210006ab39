//! `cargo xtask bench --against progenitor`: keyway and progenitor side by side on the same
//! synthesized APIs (`synth(N)`, N = 30 and 300; 30 with `--quick`).
//!
//! - Input. Keyway reads the spec set; progenitor reads the OpenAPI documents keyway exports
//!   from it (`openapi/<api>.json`, one per API: Seam and Nexudus), converted to OpenAPI 3.0
//!   (`openapi30.rs`, which lists every conversion and drop). Progenitor takes one document,
//!   so it runs once per API and its side is the sum of both (both crates in one workspace,
//!   built by one `cargo build`, as keyway's crates are).
//! - Tool. `cargo-progenitor` `PROGENITOR_VERSION`, installed when missing with
//!   `cargo install --locked` into `target/bench/progenitor-tool/` (minutes, once; never in
//!   `cargo xtask test`). Its defaults: the positional interface, merged tags, the client
//!   code from the `progenitor-client` crate; it formats its output with rustfmt.
//! - Codegen: each tool as a process, under `/usr/bin/time -v` (wall time and the process's
//!   peak RSS), alternately (keyway, progenitor, keyway, …): keyway is this binary's
//!   `bench-generate SPECS OUT` (read the specs, generate, write every file, as `cargo xtask
//!   codegen` does, into an empty directory), progenitor `cargo-progenitor` per document.
//! - Build: each side's crates in their own workspace with their dependencies built first
//!   (keyway's in `target/bench/compile/target`, shared with the compile stage; progenitor's
//!   through a crate of the same dependencies in `target/bench/progenitor/target`), then,
//!   alternately, per round: keyway's cold build of its crates and the rebuild after touching
//!   `src/lib.rs`, then the same for progenitor (touching the Seam crate's `src/lib.rs`).
//!   Peak memory as the compile stage measures it (largest process, and all rustc at once).
//!   Keyway's cold build includes its runtime and codec derive, which are generated crates
//!   too; progenitor's `progenitor-client` is a registry dependency, built beforehand.
//! - Size: lines of Rust in the crates' `src/`, and `pub struct`/`pub enum` items there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::bench::{
    Build, Table, build_dependencies, cargo_build, count_rust_lines, forget_builds, forget_keyway_builds, is_crate_source, max_rss, median, mib, ms,
    seconds, time_tool, write_files,
};
use crate::{openapi30, synth};

/// The cargo-progenitor release measured against (progenitor 0.15; builds with rustc 1.95).
pub(crate) const PROGENITOR_VERSION: &str = "0.15.1";

/// The prefix of the progenitor crates' names (`pgbench-seam`): no `-` or `_` in it, so
/// `forget_builds` finds their files under either spelling.
const CRATE_PREFIX: &str = "pgbench";

/// `bench-generate SPECS OUT`: keyway's codegen as a process of its own, timed by the bench:
/// read the specs in `SPECS/<api>/`, generate, write everything into `OUT`.
pub fn generate_command(args: &[&str]) -> Result<(), String> {
    let [specs, out] = args else { return Err("usage: bench-generate SPECS OUT".into()) };
    let specs = generator::sources::read_specs(Path::new(specs))?;
    let files = generator::generate_specs(&specs).map_err(|d| generator::render(&d, &specs.sources))?;
    crate::codegen::apply(Path::new(out), &files, crate::codegen::Mode::Write)?;
    Ok(())
}

/// `cargo-progenitor`, installed into `target/bench/progenitor-tool/` when missing.
fn progenitor_tool(root: &Path) -> Result<PathBuf, String> {
    let tool_root = root.join("target/bench/progenitor-tool");
    let binary = tool_root.join("bin/cargo-progenitor");
    let installed = fs::read_to_string(tool_root.join(".crates.toml")).unwrap_or_default();
    if binary.exists() && installed.contains(&format!("\"cargo-progenitor {PROGENITOR_VERSION} ")) {
        return Ok(binary);
    }
    println!("    cargo install --root {} --version {PROGENITOR_VERSION} cargo-progenitor --locked (minutes, once)", tool_root.display());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["install", "--root"])
        .arg(&tool_root)
        .args(["--version", PROGENITOR_VERSION, "cargo-progenitor", "--locked"])
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() || !binary.exists() {
        return Err(format!("cargo install cargo-progenitor {PROGENITOR_VERSION} failed ({status})"));
    }
    Ok(binary)
}

/// One process's wall time and peak RSS (`/usr/bin/time -v`).
struct Run {
    time: Duration,
    rss: Option<usize>,
}

/// Runs `command` (wrapped in `/usr/bin/time -v` when there is one), failing with its output.
fn run_timed(program: &Path, args: &[&str]) -> Result<Run, String> {
    let mut command = match time_tool() {
        Some(time) => {
            let mut c = Command::new(time);
            c.arg("-v").arg(program);
            c
        }
        None => Command::new(program),
    };
    command.args(args).stdin(Stdio::null());
    let start = Instant::now();
    let output = command.output().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let time = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = stdout.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(format!("`{} {}` failed ({}):\n{}\n{stderr}", program.display(), args.join(" "), output.status, tail.join("\n")));
    }
    Ok(Run { time, rss: max_rss(&stderr) })
}

/// `pub struct` and `pub enum` items, counted the same way on both sides.
fn count_types(text: &str) -> usize {
    text.lines().map(str::trim_start).filter(|l| l.starts_with("pub struct ") || l.starts_with("pub enum ")).count()
}

/// A ratio keyway / progenitor, and how it reads as a fraction.
fn ratio(keyway: f64, progenitor: f64) -> (f64, String) {
    let r = keyway / progenitor.max(1e-12);
    (r, if r > 0.0 && r < 1.0 { format!("{r:.3} (1/{:.1})", 1.0 / r) } else { format!("{r:.2}") })
}

fn list(samples: &[Duration]) -> String {
    samples.iter().map(|d| format!("{:.1}", d.as_secs_f64())).collect::<Vec<_>>().join(", ")
}

/// Both sides at one size: what the table needs.
struct Side {
    codegen: Vec<Duration>,
    codegen_rss: Vec<usize>,
    builds: Vec<Build>,
    rebuilds: Vec<Build>,
    lines: usize,
    types: usize,
}

impl Side {
    fn new() -> Self {
        Side { codegen: Vec::new(), codegen_rss: Vec::new(), builds: Vec::new(), rebuilds: Vec::new(), lines: 0, types: 0 }
    }
}

pub(crate) fn measure(root: &Path, out: &Path, quick: bool, table: &mut Table) -> Result<(), String> {
    let sizes: &[usize] = if quick { &[30] } else { &[30, 300] };
    let (codegen_rounds, build_rounds) = if quick { (2, 1) } else { (5, 2) };
    println!("\n==> against progenitor {PROGENITOR_VERSION}: N = {sizes:?}, {codegen_rounds} codegen and {build_rounds} build rounds, alternating");
    let tool = progenitor_tool(root)?;
    let me = std::env::current_exe().map_err(|e| format!("cannot find xtask's own binary: {e}"))?;
    let dir = out.join("progenitor");
    let _ = fs::remove_dir_all(&dir);
    let keyway_dir = out.join("compile");
    let keyway_target = keyway_dir.join("target");
    let progenitor_target = out.join("progenitor-target");
    let deps = build_dependencies(root, &keyway_dir)?;
    println!("    keyway's dependencies ready in {}", seconds(deps.time));

    for &n in sizes {
        let here = dir.join(format!("n{n}"));
        let sources = synth::synth(&root.join("specs"), n)?;
        let specs = here.join("specs");
        synth::write(&sources, &specs)?;
        let files = generator::generate(&sources).map_err(|d| generator::render(&d, &sources))?;

        // Progenitor's input: keyway's OpenAPI documents as 3.0.
        let mut apis = Vec::new();
        let mut conversions = openapi30::Conversions::new();
        let mut operations = 0;
        for file in files.iter().filter(|f| f.path.starts_with("openapi/") && f.path.ends_with(".json")) {
            let api = file.path.trim_start_matches("openapi/").trim_end_matches(".json").to_owned();
            let document: Value = serde_json::from_str(&file.contents).map_err(|e| format!("{}: {e}", file.path))?;
            let (converted, tally) = openapi30::to_openapi_30(&document);
            for (what, count) in tally {
                *conversions.entry(what).or_default() += count;
            }
            operations += converted["paths"].as_object().map_or(0, |p| p.values().filter_map(Value::as_object).map(|o| o.len()).sum());
            let path = here.join("openapi30").join(format!("{api}.json"));
            fs::create_dir_all(path.parent().unwrap_or(&here)).map_err(|e| format!("cannot create {}: {e}", here.display()))?;
            fs::write(&path, serde_json::to_string_pretty(&converted).unwrap_or_default())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            apis.push((api, path));
        }
        let names: Vec<&str> = apis.iter().map(|(a, _)| a.as_str()).collect();
        table.row(
            "progenitor",
            &format!(
                "N={n}: input: keyway reads {} spec files; progenitor the {} OpenAPI documents keyway exports from them ({}; {operations} operations), converted 3.1 → 3.0.3: {}",
                sources.len(),
                apis.len(),
                names.join(", "),
                conversions.iter().map(|(what, count)| format!("{what} ×{count}")).collect::<Vec<_>>().join(", ")
            ),
            String::new(),
            String::new(),
            String::new(),
            "",
            None,
        );

        // Codegen, alternately. Each run writes into a directory of its own: nothing is
        // deleted between runs (on ext4, creating files right after many were deleted is
        // several times slower).
        let mut keyway = Side::new();
        let mut progenitor = Side::new();
        let mut refused: Vec<(String, String)> = Vec::new();
        for round in 0..codegen_rounds {
            let out_dir = here.join(format!("keyway-gen/{round}"));
            let specs_arg = specs.to_string_lossy().into_owned();
            let out_arg = out_dir.to_string_lossy().into_owned();
            println!("    [{round}] keyway bench-generate");
            let run = run_timed(&me, &["bench-generate", &specs_arg, &out_arg])?;
            keyway.codegen.push(run.time);
            keyway.codegen_rss.extend(run.rss);
            let mut time = Duration::ZERO;
            let mut rss = 0;
            // A document refused in the first round is not given again.
            let skip: Vec<String> = refused.iter().map(|(api, _)| api.clone()).collect();
            for (api, doc) in apis.iter().filter(|(api, _)| !skip.contains(api)) {
                let crate_dir = here.join(format!("progenitor-gen/{round}/{api}"));
                let (doc_arg, crate_arg, name) =
                    (doc.to_string_lossy().into_owned(), crate_dir.to_string_lossy().into_owned(), format!("{CRATE_PREFIX}-{api}"));
                println!("    [{round}] cargo-progenitor {api}");
                match run_timed(&tool, &["progenitor", "-i", &doc_arg, "-o", &crate_arg, "-n", &name, "-v", "0.1.0"]) {
                    Ok(run) => {
                        time += run.time;
                        rss = rss.max(run.rss.unwrap_or(0));
                    }
                    Err(e) if round == 0 => {
                        eprintln!("{e}");
                        refused.push((api.clone(), e));
                    }
                    Err(e) => return Err(e),
                }
            }
            progenitor.codegen.push(time);
            progenitor.codegen_rss.push(rss);
        }
        for (api, error) in &refused {
            let first = error.lines().find(|l| l.contains("gen fail")).unwrap_or_else(|| error.lines().next().unwrap_or_default());
            table.row(
                "progenitor",
                &format!("N={n}: progenitor refused the {api} document"),
                first.to_owned(),
                String::new(),
                String::new(),
                "",
                None,
            );
        }
        if refused.len() == apis.len() {
            return Err(format!("progenitor refused every document at N={n}: nothing to compare"));
        }
        let accepted: Vec<&str> = apis.iter().map(|(a, _)| a.as_str()).filter(|a| !refused.iter().any(|(r, _)| r == a)).collect();

        // The crates to build: keyway's as the compile stage writes them; progenitor's, of
        // the last round, as one workspace.
        let keyway_crate = write_files(root, &here.join("keyway"), &files)?;
        let rust: Vec<&generator::OutputFile> = files.iter().filter(|f| is_crate_source(&f.path)).collect();
        keyway.lines = rust.iter().map(|f| f.contents.lines().count()).sum();
        keyway.types = rust.iter().map(|f| count_types(&f.contents)).sum();
        let workspace = here.join("progenitor");
        let generated = here.join(format!("progenitor-gen/{}", codegen_rounds - 1));
        let mut dependencies = Vec::new();
        for api in &accepted {
            let from = generated.join(api);
            let to = workspace.join(api);
            fs::create_dir_all(to.join("src")).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
            let manifest = fs::read_to_string(from.join("Cargo.toml")).map_err(|e| format!("{}: {e}", from.join("Cargo.toml").display()))?;
            let lib = fs::read_to_string(from.join("src/lib.rs")).map_err(|e| format!("{}: {e}", from.join("src/lib.rs").display()))?;
            fs::write(to.join("Cargo.toml"), &manifest).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
            fs::write(to.join("src/lib.rs"), &lib).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
            let in_dependencies = manifest.lines().skip_while(|l| l.trim() != "[dependencies]").skip(1);
            for line in in_dependencies.take_while(|l| !l.trim_start().starts_with('[')).filter(|l| !l.trim().is_empty()) {
                if !dependencies.contains(&line.to_owned()) {
                    dependencies.push(line.to_owned());
                }
            }
            progenitor.lines += count_rust_lines(&to);
            progenitor.types += count_types(&lib);
        }
        dependencies.sort();
        let members: Vec<String> = accepted.iter().map(|a| format!("\"{a}\"")).collect();
        fs::write(workspace.join("Cargo.toml"), format!("[workspace]\nmembers = [{}]\nresolver = \"3\"\n", members.join(", ")))
            .map_err(|e| format!("cannot write the progenitor workspace: {e}"))?;
        // Progenitor's dependencies, built first through a crate that has all of them.
        let deps_crate = dir.join("deps");
        fs::create_dir_all(deps_crate.join("src")).map_err(|e| format!("cannot create {}: {e}", deps_crate.display()))?;
        let deps_manifest = format!(
            "[package]\nname = \"progenitor-deps\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n\n[workspace]\n",
            dependencies.join("\n")
        );
        fs::write(deps_crate.join("Cargo.toml"), deps_manifest).map_err(|e| format!("cannot write the deps crate: {e}"))?;
        fs::write(deps_crate.join("src/lib.rs"), "").map_err(|e| format!("cannot write the deps crate: {e}"))?;
        let deps = cargo_build(&deps_crate, &progenitor_target, None, true, None)?;
        println!("    progenitor's dependencies ready in {}", seconds(deps.time));
        fs::copy(deps_crate.join("Cargo.lock"), workspace.join("Cargo.lock")).map_err(|e| format!("cannot copy the deps crate's Cargo.lock: {e}"))?;

        // Builds, alternately: a cold build and a touch rebuild of each side per round.
        let time_v = time_tool();
        let touch = |file: &Path| -> Result<(), String> {
            let handle = fs::File::options().write(true).open(file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
            handle.set_modified(std::time::SystemTime::now()).map_err(|e| format!("cannot touch {}: {e}", file.display()))
        };
        let touched = workspace.join(if accepted.contains(&"seam") { "seam" } else { accepted[0] }).join("src/lib.rs");
        for round in 0..build_rounds {
            println!("    [{round}] keyway: cold build, touch rebuild");
            forget_keyway_builds(&keyway_target)?;
            let build = cargo_build(&keyway_crate, &keyway_target, time_v, true, None)?;
            touch(&keyway_crate.join("src/lib.rs"))?;
            keyway.rebuilds.push(cargo_build(&keyway_crate, &keyway_target, time_v, true, None)?);
            keyway.builds.push(build);
            println!("    [{round}] progenitor: cold build, touch rebuild");
            forget_builds(&progenitor_target, CRATE_PREFIX)?;
            let build = cargo_build(&workspace, &progenitor_target, time_v, true, None)?;
            if build.compiled.iter().any(|c| !c.starts_with(CRATE_PREFIX)) {
                eprintln!("warning: progenitor's build at N={n} also compiled {:?}: dependency builds are not shared", build.compiled);
            }
            touch(&touched)?;
            progenitor.rebuilds.push(cargo_build(&workspace, &progenitor_target, time_v, true, None)?);
            progenitor.builds.push(build);
        }
        forget_keyway_builds(&keyway_target)?;
        forget_builds(&progenitor_target, CRATE_PREFIX)?;
        rows(table, n, &keyway, &progenitor, &accepted, build_rounds);
    }
    table.row(
        "progenitor",
        "how it is measured",
        format!(
            "codegen: each tool as a process under /usr/bin/time -v, alternately (keyway: read specs, generate, write all files; progenitor {PROGENITOR_VERSION}: cargo-progenitor per API document, rustfmt included, times summed). Builds: `cargo build` (debug, incremental) of each side's crates with dependencies built first, alternately; peak RSS as in the compile stage. Types: `pub struct`/`pub enum` lines in the crates' src/"
        ),
        String::new(),
        String::new(),
        "",
        None,
    );
    Ok(())
}

fn rows(table: &mut Table, n: usize, keyway: &Side, progenitor: &Side, accepted: &[&str], rounds: usize) {
    let big = n == 300;
    let both = |label: &str| format!("N={n}: {label} (progenitor: {})", accepted.join(" + "));
    let mut row = |what: String, k: f64, p: f64, shown: (String, String), target: Option<f64>| {
        let (r, text) = ratio(k, p);
        let (target_text, met) = match target.filter(|_| big) {
            Some(t) => (format!("≤ {}", if t < 1.0 { format!("1/{:.0}", 1.0 / t) } else { format!("{t}") }), Some(r <= t)),
            None => (String::new(), None),
        };
        table.row("progenitor", &what, shown.0, shown.1, text, &target_text, met);
    };
    let secs = |d: Duration| d.as_secs_f64();
    let (kc, pc) = (median(keyway.codegen.clone()), median(progenitor.codegen.clone()));
    row(
        both(&format!("codegen wall time, median of {} alternated runs [each run, s]", keyway.codegen.len())),
        secs(kc),
        secs(pc),
        (format!("{} [{}]", ms(kc), list(&keyway.codegen)), format!("{} [{}]", ms(pc), list(&progenitor.codegen))),
        Some(0.5),
    );
    let peak = |v: &[usize]| v.iter().copied().max().unwrap_or(0);
    row(
        both("codegen peak RSS (largest of the runs)"),
        peak(&keyway.codegen_rss) as f64,
        peak(&progenitor.codegen_rss) as f64,
        (mib(peak(&keyway.codegen_rss)), mib(peak(&progenitor.codegen_rss))),
        None,
    );
    let times = |b: &[Build]| b.iter().map(|b| b.time).collect::<Vec<_>>();
    let (kb, pb) = (median(times(&keyway.builds)), median(times(&progenitor.builds)));
    row(
        both(&format!(
            "cold `cargo build` (debug) of the generated crates, dependencies built first; median of {rounds} alternated rounds [each, s]"
        )),
        secs(kb),
        secs(pb),
        (format!("{} [{}]", seconds(kb), list(&times(&keyway.builds))), format!("{} [{}]", seconds(pb), list(&times(&progenitor.builds)))),
        Some(0.2),
    );
    let rss = |b: &[Build], all: bool| b.iter().filter_map(|b| if all { b.all_rss } else { b.largest_rss }).max().unwrap_or(0);
    for (all, label) in [(false, "largest process (a rustc)"), (true, "all rustc at once")] {
        let (k, p) = (rss(&keyway.builds, all), rss(&progenitor.builds, all));
        row(both(&format!("peak RSS of that build, {label}, highest of the rounds")), k as f64, p as f64, (mib(k), mib(p)), Some(0.1));
    }
    let (kr, pr) = (median(times(&keyway.rebuilds)), median(times(&progenitor.rebuilds)));
    row(
        both("rebuild after touching one generated file (keyway: `keyway`'s src/lib.rs; progenitor: the Seam crate's src/lib.rs) [each, s]"),
        secs(kr),
        secs(pr),
        (format!("{} [{}]", seconds(kr), list(&times(&keyway.rebuilds))), format!("{} [{}]", seconds(pr), list(&times(&progenitor.rebuilds)))),
        Some(0.05),
    );
    let (k, p) = (rss(&keyway.rebuilds, false), rss(&progenitor.rebuilds, false));
    row(both("peak RSS of that rebuild, largest process"), k as f64, p as f64, (mib(k), mib(p)), None);
    row(
        both("lines of generated Rust in the crates' src/ (keyway: runtime and codec derive included)"),
        keyway.lines as f64,
        progenitor.lines as f64,
        (keyway.lines.to_string(), progenitor.lines.to_string()),
        None,
    );
    row(
        both("types generated (`pub struct` + `pub enum` items)"),
        keyway.types as f64,
        progenitor.types as f64,
        (keyway.types.to_string(), progenitor.types.to_string()),
        None,
    );
}
