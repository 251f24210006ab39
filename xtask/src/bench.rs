//! `cargo xtask bench`: how fast the generator is, what the generated crate costs to build,
//! and what the generated client costs at run time. Prints one Markdown table and writes it
//! to `target/bench/report.md`.
//!
//! `cargo xtask` is a debug build (the alias in `.cargo/config.toml`, kept so that
//! `cargo xtask codegen` and `cargo xtask test` stay quick to start); timing a debug
//! generator would say nothing about the real one. So `bench` only re-runs xtask as
//! `cargo run --release -p xtask -- bench-inner`, which does the work.
//!
//! 1. Codegen: for each N, the median of several runs of the generator on `synth(N)`, stage
//!    by stage through its public stages (`generate_timed` below), the write of its files over the previous run's output
//!    (as `cargo xtask codegen` regenerates), and the
//!    parse-only baseline (`serde_yaml::Value` of the same sources) run alternately in this
//!    process; peak heap of the generate call from a counting global allocator, which
//!    counts only on the untimed warm-up run.
//! 2. Compile: the generated crates of N endpoints (`keyway`, the runtime, the types
//!    crates) as their own workspace under `target/bench/compile/`, built with a shared
//!    `CARGO_TARGET_DIR` whose dependencies were built beforehand; wall time and peak memory
//!    (`/usr/bin/time -v`: the largest single process, a rustc; and the summed RSS of the
//!    rustc processes running at once) of `cargo build`, then of the rebuild after touching
//!    one file.
//! 3. Seam and its device model (`bench_seam.rs`, `bench_device.rs`): the real Seam surface
//!    built whole, and the committed specs built with one resource on, devices vs access
//!    grants, for the compile cost of `Device`.
//! 4. Binary weight (`bench_binary.rs`): a release program making one call through `keyway`
//!    with one resource on, against the same program with plain reqwest + serde: stripped
//!    size and release build time.
//! 5. Against progenitor (`bench_progenitor.rs`, only with `--against progenitor` or
//!    `--only progenitor`): both generators on the same synthesized APIs, alternately.
//! 6. Runtime: `cargo bench -p keyway-tests --bench runtime` (Criterion, short measurement
//!    times) and `--bench concurrency`; their figures are read back from Criterion's
//!    `estimates.json` and the concurrency bench's JSON.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use generator::SourceFile;

use crate::synth;

// ---------------------------------------------------------------------------------------
// A counting allocator: the peak heap of the generate call. It counts only while
// `COUNTING` is on (one untimed run per size): counting every allocation from two threads
// costs ~16 % of the generator's time, which the timed runs must not pay. The binary also
// runs `cargo xtask codegen`, which never turns it on.

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
// Signed: memory allocated before counting started may be freed while it runs.
static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(bytes: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        let now = CURRENT.fetch_add(bytes as isize, Ordering::Relaxed) + bytes as isize;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn shrank(bytes: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        CURRENT.fetch_sub(bytes as isize, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only
// observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes
        // through this type).
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` with the allocator counting: its result and the peak heap it reached above
/// what was in use when it started (less whatever older memory it freed on the way).
fn with_peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    CURRENT.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let result = f();
    COUNTING.store(false, Ordering::SeqCst);
    (result, PEAK.load(Ordering::SeqCst).max(0) as usize)
}

// ---------------------------------------------------------------------------------------
// Entry points.

/// `cargo xtask bench [args]`: re-runs itself in release as `bench-inner`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = crate::project_root();
    println!("==> cargo run --release -p xtask -- bench-inner {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(["run", "--release", "--quiet", "-p", "xtask", "--", "bench-inner"])
        .args(args)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the release bench failed ({status})")) }
}

/// The sizes measured; 3000 only for codegen.
const CODEGEN_SIZES: [usize; 4] = [3, 30, 300, 3000];
const COMPILE_SIZES: [usize; 3] = [3, 30, 300];
/// Codegen at 3000 endpoints runs (1 to 3 times) until this much time has been spent.
const LARGE_BUDGET: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Codegen,
    Compile,
    Seam,
    Device,
    Binary,
    Runtime,
    /// Keyway against progenitor (`bench_progenitor.rs`): only when asked for, since it
    /// installs cargo-progenitor and builds its crates (minutes).
    Progenitor,
}

/// `cargo run --release -p xtask -- bench-inner [--quick] [--only codegen,compile,seam,device,binary,runtime,progenitor] [--against progenitor]`.
pub fn run_inner(args: &[&str]) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("warning: xtask is a debug build; run `cargo xtask bench` for release figures");
    }
    let usage = "usage: cargo xtask bench [--quick] [--only codegen,compile,seam,device,binary,runtime,progenitor] [--against progenitor]";
    let mut stages = vec![Stage::Codegen, Stage::Compile, Stage::Seam, Stage::Device, Stage::Binary, Stage::Runtime];
    let mut quick = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--quick" => quick = true,
            // The comparison alone: `--only progenitor`.
            "--against" => match rest.next() {
                Some(&"progenitor") => stages = vec![Stage::Progenitor],
                other => return Err(format!("--against takes `progenitor`, not {other:?}\n{usage}")),
            },
            "--only" => {
                let list = rest.next().ok_or(usage)?;
                stages = list
                    .split(',')
                    .map(|s| match s {
                        "codegen" => Ok(Stage::Codegen),
                        "compile" => Ok(Stage::Compile),
                        "seam" => Ok(Stage::Seam),
                        "device" => Ok(Stage::Device),
                        "binary" => Ok(Stage::Binary),
                        "runtime" => Ok(Stage::Runtime),
                        "progenitor" => Ok(Stage::Progenitor),
                        other => Err(format!("unknown stage `{other}` (codegen, compile, seam, device, binary, runtime, progenitor)")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown argument `{other}`\n{usage}")),
        }
    }
    let root = crate::project_root();
    let out = root.join("target").join("bench");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let started = Instant::now();
    let load_before = load_average();
    let mut table = Table::default();
    let mut codegen = Vec::new();
    if stages.contains(&Stage::Codegen) {
        codegen = codegen_stage(&root, &out, quick, &mut table)?;
    }
    if stages.contains(&Stage::Compile) {
        compile_stage(&root, &out, quick, &codegen, &mut table)?;
    }
    // The real Seam surface is one large size: not in a quick run.
    if stages.contains(&Stage::Seam) && !quick {
        crate::bench_seam::measure(&root, &out.join("compile"), &mut table)?;
    }
    // The device model: two builds of the committed specs, one resource each.
    if stages.contains(&Stage::Device) && !quick {
        crate::bench_device::measure(&root, &out.join("compile"), &mut table)?;
    }
    // Binary weight: one call through keyway vs plain reqwest, release builds and sizes.
    if stages.contains(&Stage::Binary) {
        crate::bench_binary::measure(&root, &out.join("binary"), quick, &mut table)?;
    }
    if stages.contains(&Stage::Runtime) {
        runtime_stage(&root, &out, quick, &mut table)?;
    }
    if stages.contains(&Stage::Progenitor) {
        crate::bench_progenitor::measure(&root, &out, quick, &mut table)?;
    }
    let note = if quick { " `--quick`: smaller sizes and shorter measurements; not for the README." } else { "" };
    let report = format!(
        "{}\n{}\n_Whole run: {} (after building xtask in release). Load average (1 min) {load_before} at the start, {} at the end: \
         other work on the machine shows up in absolute times more than in the side-by-side ratios._{note}\n",
        machine(),
        table.markdown(),
        seconds(started.elapsed()),
        load_average(),
    );
    let path = out.join("report.md");
    fs::write(&path, &report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\n{report}\n(written to {})", path.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The table.

#[derive(Default)]
pub(crate) struct Table {
    rows: Vec<[String; 7]>,
}

impl Table {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn row(&mut self, area: &str, what: &str, value: String, baseline: String, ratio: String, target: &str, met: Option<bool>) {
        let met = match met {
            Some(true) => "✅ met",
            Some(false) => "❌ missed",
            None => "",
        };
        self.rows.push([area.into(), what.into(), value, baseline, ratio, target.into(), met.into()]);
        let last = self.rows.last().map(|r| r.join(" | ")).unwrap_or_default();
        println!("    {last}");
    }

    fn markdown(&self) -> String {
        let mut out = String::from("| area | measurement | value | baseline | ratio | target | |\n| --- | --- | --: | --: | --: | --- | --- |\n");
        for row in &self.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out
    }
}

/// Date, machine and toolchain, for the README.
fn machine() -> String {
    let date = Command::new("date").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| text.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_owned()))
        .unwrap_or_else(|| "unknown CPU".into());
    let rustc = Command::new("rustc").arg("-V").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    format!("Measured {date} on {cpus} cores ({cpu}), {rustc}.\n")
}

/// The 1-minute load average, as `/proc/loadavg` gives it.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg").ok().and_then(|t| t.split_whitespace().next().map(str::to_owned)).unwrap_or_else(|| "?".into())
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

pub(crate) fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

pub(crate) fn mib(bytes: usize) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub(crate) fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    match samples.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => samples[n / 2],
        n => (samples[n / 2 - 1] + samples[n / 2]) / 2,
    }
}

// ---------------------------------------------------------------------------------------
// 1. Codegen.

/// Wall time of each public stage of one generator run; they add up to the whole run.
#[derive(Debug, Clone, Copy, Default)]
struct Timings {
    /// YAML → spec types (serde_yaml), one file per thread.
    load: Duration,
    /// Validation and lowering into the IR.
    lower: Duration,
    /// The analyses of the IR and the plan of every file.
    plan: Duration,
    /// The parallel stage: token trees emitted and printed, templates and other files
    /// rendered.
    render: Duration,
}

/// `generator::generate`, stage by stage; the error is the rendered diagnostics.
fn generate_timed(sources: &[SourceFile]) -> Result<(Vec<generator::OutputFile>, Timings), String> {
    let located = |d: generator::Diagnostics| generator::render(&d, sources);
    let start = Instant::now();
    let loaded = generator::load_specs(sources).map_err(located)?;
    let load = start.elapsed();
    let start = Instant::now();
    let apis = generator::lower::lower_all(&loaded, generator::Diagnostics::default()).map_err(located)?;
    let lower = start.elapsed();
    let start = Instant::now();
    let cx = generator::analysis::analyze(&apis);
    let plan = generator::output::plan(&cx);
    let planned = start.elapsed();
    let start = Instant::now();
    let files = generator::output::render(plan)?;
    Ok((files, Timings { load, lower, plan: planned, render: start.elapsed() }))
}

/// One size's medians.
struct Codegen {
    n: usize,
    parse: Duration,
    total: Duration,
    /// Lines of generated Rust (`*.rs`).
    rust_lines: usize,
}

fn codegen_stage(root: &Path, out: &Path, quick: bool, table: &mut Table) -> Result<Vec<Codegen>, String> {
    let sizes: Vec<usize> = CODEGEN_SIZES.into_iter().filter(|&n| !quick || n <= 300).collect();
    println!("\n==> codegen: generate (stage by stage) vs parse-only, N = {sizes:?}");
    // One output directory per size, written by the first run and regenerated over by the
    // others. Creating files right after many were deleted is several times slower on ext4
    // (the inode allocator skips recently deleted inodes), so the first write swings from run
    // to run of the bench; it is reported, not counted.
    let write_dir = out.join("write");
    let _ = fs::remove_dir_all(&write_dir);
    let mut results = Vec::new();
    for n in sizes {
        let sources = synth::synth(&root.join("specs"), n)?;
        let yaml_bytes: usize = sources.iter().map(|s| s.text.len()).sum();
        // One warm-up run (it also writes the first output), then 5 measured ones. At 3000 a
        // run takes tens of seconds on 2 cores: the warm-up, then as many runs (1 or 2) as fit
        // in `LARGE_BUDGET`.
        let large = n >= 3000;
        let max_runs = if large { 3 } else { 6 };
        let mut samples: [Vec<Duration>; 7] = Default::default();
        let mut peak = 0;
        let mut rust_lines = 0;
        let mut files_count = 0;
        let write_root = write_dir.join(format!("n{n}"));
        let mut first_write = Duration::ZERO;
        let size_started = Instant::now();
        for run in 0..max_runs {
            if large && run > 1 && size_started.elapsed() > LARGE_BUDGET {
                break;
            }
            let parse = parse_only(&sources)?;
            let generate = || generate_timed(&sources).map_err(|e| format!("synth({n}) does not generate:\n{e}"));
            // The warm-up run measures the peak heap; the timed runs do not count.
            let (files, timings) = if run == 0 {
                let (generated, heap) = with_peak_heap(generate);
                peak = heap;
                generated?
            } else {
                generate()?
            };
            // Write as `cargo xtask codegen` does: compare with what is there, write what
            // differs. The first run writes every file into an empty directory (reported
            // apart: on ext4 its time swings several-fold with how recently many files were
            // deleted); later runs regenerate over it, the maintainer's case.
            let start = Instant::now();
            let (_, written, _) = crate::codegen::apply(&write_root, &files, crate::codegen::Mode::Write)?;
            let write = start.elapsed();
            // Run 0 warms up (or, at 3000, is the one whose write is not a regeneration): it
            // gives the sizes and the first write, and no sample, so every stage and the total
            // come from the same runs.
            if run == 0 {
                first_write = write;
                rust_lines = files.iter().filter(|f| is_crate_source(&f.path)).map(|f| f.contents.lines().count()).sum();
                files_count = files.len();
                continue;
            }
            if !written.is_empty() {
                return Err(format!("synth({n}) generated different files on run {run}: {:?}…", &written[..written.len().min(3)]));
            }
            let generate = timings.load + timings.lower + timings.plan + timings.render;
            for (i, d) in [parse, timings.load, timings.lower, timings.plan, timings.render, write, generate + write].into_iter().enumerate() {
                samples[i].push(d);
            }
        }
        if samples[5].is_empty() {
            return Err(format!("codegen at N={n}: only one run fitted in the time budget, so no regeneration was timed"));
        }
        let runs = samples[5].len();
        let [parse, load, lower, plan, render, write, total] = samples.map(median);
        let label = format!("N={n}");
        table.row(
            "codegen",
            &format!("{label}: load · lower · plan · render · write (plan = analyses and the list of files; render = emit, print and render every file on all cores; {} spec files, {} KiB YAML → {files_count} files, {rust_lines} lines of Rust in the crates' src/; write = regenerate over the previous output, as `cargo xtask codegen`)", sources.len(), yaml_bytes / 1024),
            format!("{} · {} · {} · {} · {}", ms(load), ms(lower), ms(plan), ms(render), ms(write)),
            String::new(),
            String::new(),
            "",
            None,
        );
        let ratio = total.as_secs_f64() / parse.as_secs_f64().max(1e-9);
        let (target, met) =
            if n == 300 { ("≤ 150 ms and ≤ 3× parse-only", Some(total <= Duration::from_millis(150) && ratio <= 3.0)) } else { ("", None) };
        table.row(
            "codegen",
            &format!("{label}: total = generate + write (median of {runs}) vs parse-only"),
            ms(total),
            ms(parse),
            format!("{ratio:.1}×"),
            target,
            met,
        );
        table.row("codegen", &format!("{label}: peak heap of generate"), mib(peak), String::new(), String::new(), "", None);
        table.row(
            "codegen",
            &format!("{label}: first write of all {files_count} files into an empty directory (once; not in the total)"),
            ms(first_write),
            String::new(),
            String::new(),
            "",
            None,
        );
        results.push(Codegen { n, parse, total, rust_lines });
    }
    let _ = fs::remove_dir_all(&write_dir);
    let at = |n: usize| results.iter().find(|r| r.n == n);
    if let (Some(small), Some(large)) = (at(300), at(3000)) {
        let growth = large.total.as_secs_f64() / small.total.as_secs_f64().max(1e-9);
        let parse_growth = large.parse.as_secs_f64() / small.parse.as_secs_f64().max(1e-9);
        table.row(
            "codegen",
            "growth 300 → 3000 endpoints: total(3000) / total(300), vs 10 for linear",
            format!("{growth:.1}×"),
            format!("{parse_growth:.1}× parse-only"),
            format!("{:.2} of linear", growth / 10.0),
            "close to 10× (linear)",
            Some(growth <= 12.0),
        );
    }
    Ok(results)
}

/// The baseline: parse every source into a `serde_yaml::Value`, nothing else.
fn parse_only(sources: &[SourceFile]) -> Result<Duration, String> {
    let start = Instant::now();
    for source in sources {
        let value: serde_yaml::Value = serde_yaml::from_str(&source.text).map_err(|e| format!("{}: {e}", source.path))?;
        std::hint::black_box(value);
    }
    Ok(start.elapsed())
}

// ---------------------------------------------------------------------------------------
// 2. Compile cost of the generated crate.

fn compile_stage(root: &Path, out: &Path, quick: bool, codegen: &[Codegen], table: &mut Table) -> Result<(), String> {
    let sizes: Vec<usize> = COMPILE_SIZES.into_iter().filter(|&n| !quick || n <= 30).collect();
    println!("\n==> compile: `cargo build` of the generated crate, N = {sizes:?}");
    let dir = out.join("compile");
    let target = dir.join("target");
    let rss_source = if time_tool().is_some() {
        "largest: peak RSS of the largest process (/usr/bin/time -v; a rustc). all at once: the most RSS the rustc processes of this build (those writing into its target directory) held together, sampled from /proc every 20 ms (cargo builds the generated crates side by side; a sample can miss a short peak, so a sub-second build may read below its largest process)"
    } else {
        "peak RSS not measured: /usr/bin/time is missing"
    };

    let deps = build_dependencies(root, &dir)?;
    table.row(
        "compile",
        "dependencies of the generated crates (once, not counted below; ~0 when already built)",
        seconds(deps.time),
        String::new(),
        String::new(),
        "",
        None,
    );

    let mut lines_at = Vec::new();
    let largest = sizes.last().copied();
    for n in sizes {
        let crate_dir = write_crate(root, &dir.join(format!("n{n}")), n)?;
        // A previous bench left `keyway`'s incremental cache for the same path: the first
        // build must start from nothing but the dependencies.
        forget_keyway_builds(&target)?;
        let time_tool = time_tool();
        let build = cargo_build(&crate_dir, &target, time_tool, true, None)?;
        if build.compiled.iter().any(|c| !c.starts_with("keyway")) {
            eprintln!("warning: the build at N={n} also compiled {:?}: dependency builds are not shared", build.compiled);
        }
        // The rebuild after one generated file changes (its mtime is enough for cargo).
        let touched = crate_dir.join("src/lib.rs");
        let file = fs::File::options().write(true).open(&touched).map_err(|e| format!("cannot open {}: {e}", touched.display()))?;
        file.set_modified(std::time::SystemTime::now()).map_err(|e| format!("cannot touch {}: {e}", touched.display()))?;
        drop(file);
        let rebuild = cargo_build(&crate_dir, &target, time_tool, true, None)?;
        // As a downstream crate's dependency, cargo builds it without incremental state.
        forget_keyway_builds(&target)?;
        let as_dependency = cargo_build(&crate_dir, &target, time_tool, false, None)?;

        let rust_lines = codegen.iter().find(|c| c.n == n).map(|c| c.rust_lines).unwrap_or_else(|| count_rust_lines(&crate_dir));
        lines_at.push((n, rust_lines));
        let (target_text, met) = if n == 300 {
            // Memory counts every rustc running at once, not just the largest.
            ("well under 60 s, < 1 GB peak", Some(build.time < Duration::from_secs(60) && build.all_rss.is_some_and(|r| r < 1_000_000_000)))
        } else {
            ("", None)
        };
        table.row(
            "compile",
            &format!("N={n}: `cargo build` (debug) · peak RSS: largest / all at once"),
            build.summary(),
            String::new(),
            String::new(),
            target_text,
            met,
        );
        table.row(
            "compile",
            &format!("N={n}: the same build without incremental state (how cargo builds it as a dependency of another crate) · peak RSS: largest / all at once"),
            as_dependency.summary(),
            String::new(),
            String::new(),
            "",
            None,
        );
        table.row(
            "compile",
            &format!("N={n}: rebuild after touching src/lib.rs (`keyway` only: the types crates are unchanged) · peak RSS: largest / all at once"),
            rebuild.summary(),
            String::new(),
            String::new(),
            "",
            None,
        );
        table.row(
            "compile",
            &format!("N={n}: lines of generated Rust (every generated crate's src/, runtime included) per endpoint"),
            format!("{} ({rust_lines} lines)", rust_lines / n),
            String::new(),
            String::new(),
            "",
            None,
        );
        if Some(n) == largest {
            one_resource_row(&crate_dir, &target, time_tool, n, table)?;
        }
    }
    if let (Some((a, la)), Some((b, lb))) = (lines_at.iter().find(|(n, _)| *n == 30), lines_at.iter().find(|(n, _)| *n == 300)) {
        table.row(
            "compile",
            &format!("lines of Rust per added endpoint (N={a} → N={b})"),
            format!("{}", (lb - la) / (b - a)),
            String::new(),
            String::new(),
            "",
            None,
        );
    }
    table.row("compile", "how peak RSS is measured", rss_source.into(), String::new(), String::new(), "", None);
    Ok(())
}

/// The resource with the most types in the documented specs: a downstream crate that uses
/// only it turns the others off.
const ONE_RESOURCE_FEATURE: &str = "seam-access_codes";

/// What the per-resource features buy: the `n`-endpoint crate built with one resource on,
/// as a downstream crate that uses only that resource gets it (its first, incremental build).
fn one_resource_row(crate_dir: &Path, target: &Path, time_tool: Option<&Path>, n: usize, table: &mut Table) -> Result<(), String> {
    let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).map_err(|e| format!("cannot read the generated Cargo.toml: {e}"))?;
    if !manifest.lines().any(|line| line.starts_with(&format!("{ONE_RESOURCE_FEATURE} = "))) {
        return Err(format!("the generated crate has no feature `{ONE_RESOURCE_FEATURE}`: update ONE_RESOURCE_FEATURE in xtask/src/bench.rs"));
    }
    forget_keyway_builds(target)?;
    let build = cargo_build(crate_dir, target, time_tool, true, Some(ONE_RESOURCE_FEATURE))?;
    forget_keyway_builds(target)?;
    table.row(
        "compile",
        &format!("N={n}: one resource only (`--no-default-features --features {ONE_RESOURCE_FEATURE}`, what a crate using just that resource builds) · peak RSS: largest / all at once"),
        build.summary(),
        String::new(),
        String::new(),
        "",
        None,
    );
    Ok(())
}

/// `/usr/bin/time`, which gives a build's largest process's peak RSS, where the machine has it.
pub(crate) fn time_tool() -> Option<&'static Path> {
    let time = Path::new("/usr/bin/time");
    time.exists().then_some(time)
}

/// The dependencies of the generated crates, built once into `dir/target` through a crate of
/// the same shape: the measured builds there then compile `keyway` alone.
pub(crate) fn build_dependencies(root: &Path, dir: &Path) -> Result<Build, String> {
    cargo_build(&write_crate(root, &dir.join("deps"), 3)?, &dir.join("target"), None, true, None)
}

/// Removes every build of the `keyway` crate itself (artifacts, fingerprints, incremental
/// caches) from the shared target directory, keeping its dependencies.
pub(crate) fn forget_keyway_builds(target: &Path) -> Result<(), String> {
    // `keyway` and the generated crates beside it (`keyway-runtime`, …).
    forget_builds(target, "keyway")
}

/// Removes every build (debug and release: artifacts, fingerprints, incremental caches) of
/// the crates whose names start with `prefix` (`-` or `_` alike) from a target directory,
/// keeping the rest.
pub(crate) fn forget_builds(target: &Path, prefix: &str) -> Result<(), String> {
    let names = [prefix.replace('_', "-"), prefix.replace('-', "_")];
    let names = [names.clone(), names.map(|n| format!("lib{n}"))];
    for profile in ["debug", "release"] {
        for sub in ["deps", ".fingerprint", "incremental", "build"] {
            let Ok(entries) = fs::read_dir(target.join(profile).join(sub)) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if names.iter().flatten().any(|n| name.starts_with(n.as_str())) {
                    let path = entry.path();
                    let removed = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
                    removed.map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                }
            }
        }
    }
    Ok(())
}

/// The generated crate of `n` endpoints in `dir`, as its own workspace with the workspace's
/// lock file (so it resolves to the versions already built). Returns its directory.
pub(crate) fn write_crate(root: &Path, dir: &Path, n: usize) -> Result<PathBuf, String> {
    let sources = synth::synth(&root.join("specs"), n)?;
    let files = generator::generate(&sources).map_err(|d| generator::render(&d, &sources))?;
    write_files(root, dir, &files)
}

/// Writes generated files into `dir` (emptied first) as a workspace of their own, with the
/// project's Cargo.lock so that no dependency version moves.
pub(crate) fn write_files(root: &Path, dir: &Path, files: &[generator::OutputFile]) -> Result<PathBuf, String> {
    let _ = fs::remove_dir_all(dir);
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            contents.push_str("\n# Added by `cargo xtask`: its own workspace.\n[workspace]\n");
        }
        fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(dir.to_path_buf())
}

/// Whether a generated file (path relative to `generated/`) is Rust source that `cargo build`
/// compiles: `src/` of the crate and of the crates under `crates/` (the runtime included).
pub(crate) fn is_crate_source(path: &str) -> bool {
    let in_src = path.starts_with("src/") || path.starts_with("crates/") && path.split('/').nth(2) == Some("src");
    in_src && path.ends_with(".rs")
}

pub(crate) fn count_rust_lines(crate_dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![crate_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.strip_prefix(crate_dir).ok().and_then(|p| p.to_str()).is_some_and(is_crate_source) {
                total += fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0);
            }
        }
    }
    total
}

/// One measured `cargo build`.
pub(crate) struct Build {
    pub(crate) time: Duration,
    /// Peak RSS of the largest process (`/usr/bin/time -v`).
    pub(crate) largest_rss: Option<usize>,
    /// The most RSS the rustc processes held at the same time.
    pub(crate) all_rss: Option<usize>,
    /// The crates cargo compiled.
    pub(crate) compiled: Vec<String>,
}

impl Build {
    pub(crate) fn summary(&self) -> String {
        let rss = |r: Option<usize>| r.map(mib).unwrap_or_else(|| "n/a".into());
        format!("{} · {} / {}", seconds(self.time), rss(self.largest_rss), rss(self.all_rss))
    }
}

/// Samples, until told to stop, the summed RSS of the running rustc processes that write into
/// one target directory (Linux `/proc`): other builds on the machine, which other work may
/// run at the same time, do not count. `None` without `/proc`.
struct RustcMemory {
    stop: std::sync::Arc<AtomicBool>,
    sampler: std::thread::JoinHandle<Option<usize>>,
}

impl RustcMemory {
    fn start(target: &Path) -> Self {
        let target = target.to_string_lossy().into_owned();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let sampler = std::thread::spawn(move || {
            let mut peak = None;
            while !flag.load(Ordering::Relaxed) {
                if let Some(now) = rustc_rss_now(&target) {
                    peak = Some(peak.unwrap_or(0).max(now));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        RustcMemory { stop, sampler }
    }

    fn finish(self) -> Option<usize> {
        self.stop.store(true, Ordering::Relaxed);
        self.sampler.join().ok().flatten()
    }
}

/// The summed VmRSS of the processes named `rustc` whose command line names `target` (cargo
/// passes the target directory in `--out-dir`).
fn rustc_rss_now(target: &str) -> Option<usize> {
    let mut total = 0;
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else { continue };
        if status.lines().next() != Some("Name:\trustc") {
            continue;
        }
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else { continue };
        if !String::from_utf8_lossy(&cmdline).contains(target) {
            continue;
        }
        let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok());
        total += kb.unwrap_or(0) * 1024;
    }
    Some(total)
}

/// `cargo build` of the crate in `dir`: wall time, peak RSS (with `/usr/bin/time -v`, and
/// summed over concurrent rustc processes), and the crates it compiled.
pub(crate) fn cargo_build(dir: &Path, target: &Path, time_v: Option<&Path>, incremental: bool, features: Option<&str>) -> Result<Build, String> {
    let args: Vec<&str> = features.map(|f| ["--no-default-features", "--features", f]).into_iter().flatten().collect();
    cargo_build_with(dir, target, time_v, incremental, &args)
}

/// `cargo build --manifest-path dir/Cargo.toml` with further arguments (`--release`, `-p`,
/// features), measured as `cargo_build` does.
pub(crate) fn cargo_build_with(dir: &Path, target: &Path, time_v: Option<&Path>, incremental: bool, args: &[&str]) -> Result<Build, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = match time_v {
        Some(time) => {
            let mut c = Command::new(time);
            c.arg("-v").arg(&cargo);
            c
        }
        None => Command::new(&cargo),
    };
    command
        .args(["build", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    println!("    cargo build --manifest-path {} {}", dir.join("Cargo.toml").display(), args.join(" "));
    let memory = RustcMemory::start(target);
    let start = Instant::now();
    let output = command.output();
    let time = start.elapsed();
    let all_rss = memory.finish();
    let output = output.map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("`cargo build` of {} failed:\n{stderr}", dir.display()));
    }
    let largest_rss = max_rss(&stderr);
    let compiled =
        stderr.lines().filter_map(|l| l.trim().strip_prefix("Compiling ")).filter_map(|l| l.split_whitespace().next()).map(str::to_owned).collect();
    Ok(Build { time, largest_rss, all_rss, compiled })
}

/// The peak RSS of the largest process, from the report of `/usr/bin/time -v` in `stderr`.
pub(crate) fn max_rss(stderr: &str) -> Option<usize> {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map(|kb| kb * 1024)
}

// ---------------------------------------------------------------------------------------
// 3. Runtime (Criterion and the concurrency bench in tests/benches/).

/// Criterion's flags for a short but stable run (its defaults: 3 s warm-up, 5 s measurement).
const CRITERION_ARGS: [&str; 5] = ["--warm-up-time", "1", "--measurement-time", "2", "--noplot"];
const CRITERION_QUICK_ARGS: [&str; 5] = ["--warm-up-time", "0.5", "--measurement-time", "0.5", "--noplot"];

fn runtime_stage(root: &Path, out: &Path, quick: bool, table: &mut Table) -> Result<(), String> {
    println!("\n==> runtime: cargo bench -p keyway-tests (Criterion) and the concurrency run");
    let criterion_home = out.join("criterion");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let bench = |name: &str, extra: &[&str], paired: Option<&Path>| -> Result<(), String> {
        println!("    cargo bench -p keyway-tests --bench {name} -- {}", extra.join(" "));
        let mut command = Command::new(&cargo);
        command.args(["bench", "-p", "keyway-tests", "--bench", name, "--"]).args(extra).current_dir(root).env("CRITERION_HOME", &criterion_home);
        if let Some(path) = paired {
            command.env("KEYWAY_BENCH_PAIRED", path);
        }
        let status = command.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if status.success() { Ok(()) } else { Err(format!("`cargo bench --bench {name}` failed ({status})")) }
    };
    let _ = fs::remove_dir_all(&criterion_home);
    let paired_json = out.join("paired.json");
    let _ = fs::remove_file(&paired_json);
    bench("runtime", if quick { &CRITERION_QUICK_ARGS } else { &CRITERION_ARGS }, Some(&paired_json))?;
    let concurrency_json = out.join("concurrency.json");
    let _ = fs::remove_file(&concurrency_json);
    let json_arg = concurrency_json.to_string_lossy().into_owned();
    bench("concurrency", &["--out", &json_arg], None)?;

    let read_json = |path: &Path| -> Result<serde_json::Value, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let estimate = |group: &str, id: &str| -> Result<f64, String> {
        let path = criterion_home.join(group).join(id).join("new").join("estimates.json");
        read_json(&path)?["median"]["point_estimate"].as_f64().ok_or_else(|| format!("{}: no median.point_estimate", path.display()))
    };
    let paired = read_json(&paired_json)?;
    let ratio_of = |name: &str| -> Result<f64, String> {
        paired[name]["median_ratio"].as_f64().ok_or_else(|| format!("{}: no ratio for {name}", paired_json.display()))
    };
    let nanos = |ns: f64| if ns >= 10_000.0 { format!("{:.1} µs", ns / 1e3) } else { format!("{ns:.0} ns") };

    for fixture in ["seam_access_codes", "seam_access_grants", "nexudus_access_tokens"] {
        let hand = estimate("decode", &format!("{fixture}_handwritten"))?;
        let generated = estimate("decode", &format!("{fixture}_generated"))?;
        let client = estimate("decode", &format!("{fixture}_client_path"))?;
        let hand_bytes = estimate("decode", &format!("{fixture}_handwritten_bytes"))?;
        let ratio = ratio_of(fixture)?;
        table.row(
            "runtime",
            &format!("decode {fixture} 200 example: generated type vs hand-written serde struct"),
            nanos(generated),
            nanos(hand),
            format!("{ratio:.3}"),
            "≤ 1.05",
            Some(ratio <= 1.05),
        );
        let ratio = ratio_of(&format!("{fixture}_client_path"))?;
        table.row(
            "runtime",
            &format!(
                "decode {fixture}: client path from bytes (`Fixture::value`: UTF-8 check, envelope seed, JSON path only on failure) vs hand-written from the same bytes (`from_utf8` + `from_str`)"
            ),
            nanos(client),
            nanos(hand_bytes),
            format!("{ratio:.3}"),
            "≤ 1.05",
            Some(ratio <= 1.05),
        );
    }
    let plain = estimate("round_trip", "plain_reqwest")?;
    let generated = estimate("round_trip", "generated_client")?;
    let ratio = ratio_of("round_trip")?;
    table.row(
        "runtime",
        "one request round trip (seam access_codes.get, local axum server): generated client vs plain reqwest",
        nanos(generated),
        nanos(plain),
        format!("{ratio:.3}"),
        "≤ 1.10",
        Some(ratio <= 1.10),
    );

    let c = read_json(&concurrency_json)?;
    let number = |key: &str| c[key].as_f64().unwrap_or(f64::NAN);
    let errors = number("errors");
    table.row(
        "runtime",
        &format!(
            "{} concurrent requests through one client against the mock server ({} bursts): throughput · p50 · p99 · errors (server saw {} requests)",
            number("concurrency"),
            number("rounds"),
            number("server_received"),
        ),
        format!("{:.0} req/s · {:.2} ms · {:.2} ms · {errors}", number("throughput_per_s"), number("p50_ms"), number("p99_ms")),
        String::new(),
        String::new(),
        "no errors",
        Some(errors == 0.0),
    );
    Ok(())
}
