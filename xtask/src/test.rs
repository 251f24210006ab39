//! `cargo xtask test`: every check a change must pass, in the order that fails fastest.

use std::process::Command;

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("\n==> cargo {}", args.join(" "));
    let root = crate::project_root();
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(&root)
        // The downstream crate is its own workspace; sharing the target dir reuses builds.
        .env("CARGO_TARGET_DIR", std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| root.join("target").into()))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed ({status})", args.join(" "))) }
}

pub fn run() -> Result<(), String> {
    println!("==> cargo xtask codegen --check");
    crate::codegen::run(crate::codegen::Mode::Check)?;
    cargo(&["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"])?;
    cargo(&["test", "--workspace", "--all-features", "--no-fail-fast"])?;
    // A crate outside the workspace, depending on keyway as a user would (features = ["mock"]).
    cargo(&["test", "--manifest-path", "tests/downstream/Cargo.toml"])?;
    println!("\nall checks passed");
    Ok(())
}
