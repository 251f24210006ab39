//! Project automation: `cargo xtask <command>`. Dependencies: the generator, plus serde_yaml
//! and serde_json for `synth` and `bench`.

mod bench;
mod bench_binary;
mod bench_device;
mod bench_progenitor;
mod bench_seam;
mod codegen;
mod drift;
mod import;
mod names_check;
mod openapi30;
mod synth;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen          regenerate generated/ from specs/
  codegen --check  fail if generated/ is not what specs/ give (writes nothing)
  test             run every check: freshness, tests, clippy, docs
  names-check      the check of `test` that codegen's success means a crate that compiles:
                   drawn specs with colliding names, cargo check on what lowering accepts
  import --openapi FILE --api NAME --path P [--path P …] [--force]
                   write spec YAML for these operations of a vendor's OpenAPI document
                   into specs/<api>/, then check it (generated/ is untouched)
  drift --openapi FILE --api NAME [--list-unspecced]
                   report what the specs of an API and the vendor's OpenAPI document say
                   differently; fails on a difference no spec accepts (`drift:`)
  synth --endpoints N --out DIR
                   write a valid spec set of N endpoints (copies of the documented ones)
  bench [--quick] [--only codegen,compile,seam,device,binary,runtime,progenitor]
                   measure codegen, the generated crate's build, binary size and runtime; prints a
                   Markdown table and writes target/bench/report.md (builds xtask in release)
  bench --against progenitor [--quick]
                   keyway against progenitor on the same synthesized APIs: codegen, build,
                   rebuild, memory (installs cargo-progenitor into target/bench/ when missing)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        ["test"] => test::run(),
        ["names-check"] => test::names_check(),
        ["synth", rest @ ..] => synth::run(rest),
        ["import", rest @ ..] => import::run(rest),
        ["drift", rest @ ..] => drift::run(rest),
        ["bench", rest @ ..] => bench::run(rest),
        ["bench-inner", rest @ ..] => bench::run_inner(rest),
        ["bench-generate", rest @ ..] => bench_progenitor::generate_command(rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown arguments {args:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root, from xtask's own manifest directory.
pub fn project_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
