//! Binary weight: a release program that makes one call, Seam's `access_codes.get`, through
//! `keyway` with one resource on (`seam-access_codes`, the smallest feature set that has the
//! endpoint), against the same program written with plain reqwest and serde. The plain one is
//! the round-trip bench's baseline (`tests/benches/runtime.rs`): its request function and
//! hand-written structs are read from that file, not written a second time. Both are crates of
//! one scratch workspace under `target/bench/binary/`, with the project's Cargo.lock and one
//! target directory, so every shared dependency has the same version and features; reqwest
//! and rustls are declared as the runtime declares them (rustls with `ring` only).
//!
//! Measured: the size of each binary, as built and stripped (`strip` of a copy: the same tool
//! for both), and its release build time, cold from an empty target directory and with every
//! dependency from crates.io already built; two rounds, the programs alternating. Each binary
//! is run once against a one-request HTTP server on 127.0.0.1 and must print the code's id.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::Command;

use super::bench::{Build, Table, cargo_build_with, forget_builds, seconds, time_tool};

/// The feature of `generated/` that the keyway program turns on.
const FEATURE: &str = "seam-access_codes";
/// The issue's target for the keyway binary's stripped size against the plain one's.
const SIZE_TARGET: f64 = 1.3;

/// The id both programs ask for (and the one-request server answers with).
const ACCESS_CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";

/// The items of `tests/benches/runtime.rs` the plain program is made of: the request, the
/// response envelope and the hand-written access code with everything it holds.
const PLAIN_ITEMS: [&str; 8] = [
    "ACCESS_CODE_ID",
    "AccessCodeBody",
    "AccessCode",
    "DormakabaOracodeMetadata",
    "AccessCodeStatus",
    "AccessCodeType",
    "GetAccessCode",
    "plain_get",
];

/// The two programs: package name, the crates a build of it compiles besides dependencies
/// from crates.io (prefixes, as `forget_builds` takes them), its dependencies and its
/// `main.rs`.
struct Program {
    name: &'static str,
    own_crates: &'static [&'static str],
    dependencies: String,
    main: String,
}

/// The shared dependencies' lines: the same in both programs, and the same as the runtime's.
const TOKIO: &str = "tokio = { version = \"1\", features = [\"rt\"] }";

fn programs(root: &Path) -> Result<[Program; 2], String> {
    let generated = root.join("generated");
    let keyway_main = format!(
        r#"//! One call through keyway: Seam's `access_codes.get`.

use keyway::seam::{{AccessCodeId, SeamAuth, SeamClient}};

const ACCESS_CODE_ID: &str = "{ACCESS_CODE_ID}";

fn main() -> std::process::ExitCode {{
    let base = std::env::args().nth(1).unwrap_or_else(|| "https://connect.getseam.com".into());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
    let result = runtime.block_on(async {{
        let client = SeamClient::builder(SeamAuth::api_key("seam_test_key")).base_url(base).build()?;
        client.access_codes().get(AccessCodeId::new(ACCESS_CODE_ID)).await
    }});
    match result {{
        Ok(code) => {{
            println!("{{}}", code.access_code_id);
            std::process::ExitCode::SUCCESS
        }}
        Err(e) => {{
            eprintln!("error: {{e}}");
            std::process::ExitCode::FAILURE
        }}
    }}
}}
"#
    );
    let bench = root.join("tests/benches/runtime.rs");
    let bench_text = fs::read_to_string(&bench).map_err(|e| format!("cannot read {}: {e}", bench.display()))?;
    let mut plain_main = String::from(
        "//! One call with plain reqwest and serde: Seam's `access_codes.get`, as the round-trip bench's\n\
         //! baseline (tests/benches/runtime.rs) makes it; the items below are copied from there.\n\n\
         use serde::{Deserialize, Serialize};\nuse serde_json::Value;\nuse time::OffsetDateTime;\n\n",
    );
    for name in PLAIN_ITEMS {
        plain_main.push_str(
            &item(&bench_text, name)
                .ok_or_else(|| format!("{} has no item `{name}`: update PLAIN_ITEMS in xtask/src/bench_binary.rs", bench.display()))?,
        );
        plain_main.push('\n');
    }
    plain_main.push_str(
        r#"fn main() -> std::process::ExitCode {
    let base = std::env::args().nth(1).unwrap_or_else(|| "https://connect.getseam.com".into());
    // reqwest is built without a TLS provider of its own, as in the bench and the runtime.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
    let result = runtime.block_on(async {
        let client = reqwest::Client::new();
        plain_get(&client, &base).await
    });
    match result {
        Ok(code) => {
            println!("{}", code.access_code_id);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
"#,
    );
    Ok([
        Program {
            name: "one-keyway",
            own_crates: &["one-keyway", "keyway"],
            dependencies: format!(
                "keyway = {{ path = {:?}, default-features = false, features = [\"{FEATURE}\"] }}\n{TOKIO}\n",
                generated.to_string_lossy()
            ),
            main: keyway_main,
        },
        Program {
            name: "one-plain",
            own_crates: &["one-plain"],
            // As tests/Cargo.toml declares them for the bench's baseline.
            dependencies: [
                "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls-no-provider\"] }",
                "rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }",
                "serde = { version = \"1\", features = [\"derive\"] }",
                "serde_json = \"1\"",
                "time = { version = \"0.3\", features = [\"serde\", \"parsing\", \"formatting\"] }",
                TOKIO,
                "",
            ]
            .join("\n"),
            main: plain_main,
        },
    ])
}

/// The text of a top-level item of a Rust file (`struct`, `enum`, `const` or `async fn`
/// `name`) with its doc comments and attributes: from its first line to the next line `}` at
/// the first column (or its own line, if that ends in `;`), as rustfmt lays items out.
fn item(text: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let starts = |line: &str| {
        ["struct ", "enum ", "const ", "async fn ", "fn "]
            .iter()
            .any(|kw| line.strip_prefix(kw).and_then(|rest| rest.strip_prefix(name)).is_some_and(|rest| rest.starts_with(['<', ' ', '{', '(', ':'])))
    };
    let at = lines.iter().position(|line| starts(line))?;
    let mut first = at;
    while first > 0 && (lines[first - 1].starts_with("#[") || lines[first - 1].starts_with("///")) {
        first -= 1;
    }
    let last = if lines[at].ends_with(';') { at } else { at + lines[at..].iter().position(|line| *line == "}")? };
    Some(lines[first..=last].join("\n") + "\n")
}

/// Writes the scratch workspace (emptied first, apart from its target directory).
fn write_workspace(root: &Path, dir: &Path, programs: &[Program]) -> Result<(), String> {
    let write = |path: &Path, text: &str| {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let members: Vec<String> = programs.iter().map(|p| format!("{:?}", p.name)).collect();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask bench --only binary`.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
             # Cargo's default release profile, written out: no LTO, 16 codegen units, unstripped\n\
             # (the bench strips a copy).\n[profile.release]\nopt-level = 3\nlto = false\ncodegen-units = 16\nstrip = false\n",
            members.join(", ")
        ),
    )?;
    for program in programs {
        let _ = fs::remove_dir_all(dir.join(program.name));
        write(
            &dir.join(program.name).join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}",
                program.name, program.dependencies
            ),
        )?;
        write(&dir.join(program.name).join("src/main.rs"), &program.main)?;
    }
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

/// What was measured of one program.
#[derive(Default)]
struct Measured {
    cold: Vec<Build>,
    prebuilt: Vec<Build>,
    size: u64,
    stripped: u64,
}

/// Two rounds (one with `quick`) of both programs' builds, their sizes, and one run of each.
pub(crate) fn measure(root: &Path, dir: &Path, quick: bool, table: &mut Table) -> Result<(), String> {
    let rounds = if quick { 1 } else { 2 };
    println!("\n==> binary weight: one call (seam access_codes.get) through keyway with `{FEATURE}` vs plain reqwest + serde, release");
    let programs = programs(root)?;
    write_workspace(root, dir, &programs)?;
    let target = dir.join("target");
    let bins = dir.join("bin");
    fs::create_dir_all(&bins).map_err(|e| format!("cannot create {}: {e}", bins.display()))?;
    let time_v = time_tool();
    let mut measured: [Measured; 2] = Default::default();
    for round in 0..rounds {
        // Alternate which program goes first.
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let program = &programs[i];
            let args = ["--release", "-p", program.name];
            let _ = fs::remove_dir_all(&target);
            let cold = cargo_build_with(dir, &target, time_v, false, &args)?;
            for own in program.own_crates {
                forget_builds(&target, own)?;
            }
            let prebuilt = cargo_build_with(dir, &target, time_v, false, &args)?;
            let foreign: Vec<&String> = prebuilt.compiled.iter().filter(|c| !program.own_crates.iter().any(|own| c.starts_with(own))).collect();
            if !foreign.is_empty() {
                eprintln!("warning: the build of {} with its dependencies built also compiled {foreign:?}", program.name);
            }
            let (size, stripped) = sizes(&target.join("release").join(program.name), &bins.join(program.name))?;
            let m = &mut measured[i];
            (m.size, m.stripped) = (size, stripped);
            m.cold.push(cold);
            m.prebuilt.push(prebuilt);
        }
    }
    for program in &programs {
        check_runs(&bins.join(program.name))?;
    }

    let [keyway, plain] = &measured;
    let ratio = |a: f64, b: f64| a / b.max(f64::EPSILON);
    let size_ratio = ratio(keyway.stripped as f64, plain.stripped as f64);
    table.row(
        "binary",
        &format!(
            "one-call release binary, stripped (`strip` of a copy): keyway `--no-default-features --features {FEATURE}` vs plain reqwest + serde (the round-trip bench's baseline)"
        ),
        kib(keyway.stripped),
        kib(plain.stripped),
        format!("{size_ratio:.2}×"),
        "≤ 1.3×",
        Some(size_ratio <= SIZE_TARGET),
    );
    table.row(
        "binary",
        "the same binaries as built (cargo's default release profile: symbols, no debug info of our own)",
        kib(keyway.size),
        kib(plain.size),
        format!("{:.2}×", ratio(keyway.size as f64, plain.size as f64)),
        "",
        None,
    );
    let times = |builds: &[Build]| builds.iter().map(|b| seconds(b.time)).collect::<Vec<_>>().join(" / ");
    let total = |builds: &[Build]| builds.iter().map(|b| b.time.as_secs_f64()).sum::<f64>();
    let crates = |builds: &[Build]| builds.last().map(|b| b.compiled.len()).unwrap_or_default();
    table.row(
        "binary",
        &format!(
            "release build from an empty target directory, {rounds} rounds (programs alternating) · crates compiled: keyway {} vs plain {}",
            crates(&keyway.cold),
            crates(&plain.cold)
        ),
        times(&keyway.cold),
        times(&plain.cold),
        format!("{:.2}×", ratio(total(&keyway.cold), total(&plain.cold))),
        "",
        None,
    );
    table.row(
        "binary",
        "release build with every crates.io dependency already built (keyway's side compiles keyway, its runtime, derive and Seam types, and the program; the plain side the program)",
        times(&keyway.prebuilt),
        times(&plain.prebuilt),
        format!("{:.2}×", ratio(total(&keyway.prebuilt), total(&plain.prebuilt))),
        "",
        None,
    );
    Ok(())
}

fn kib(bytes: u64) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

/// Copies the binary to `copy` and strips the copy: the sizes before and after.
fn sizes(binary: &Path, copy: &Path) -> Result<(u64, u64), String> {
    let size = |path: &Path| fs::metadata(path).map(|m| m.len()).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let unstripped = copy.with_extension("unstripped");
    fs::copy(binary, &unstripped).map_err(|e| format!("cannot copy {}: {e}", binary.display()))?;
    fs::copy(binary, copy).map_err(|e| format!("cannot copy {}: {e}", binary.display()))?;
    let status = Command::new("strip").arg(copy).status().map_err(|e| format!("cannot run strip (binutils): {e}"))?;
    if !status.success() {
        return Err(format!("`strip {}` failed ({status})", copy.display()));
    }
    Ok((size(binary)?, size(copy)?))
}

/// Runs the binary against a server on 127.0.0.1 that answers one request with an access
/// code: it must print the code's id.
fn check_runs(binary: &Path) -> Result<(), String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind 127.0.0.1: {e}"))?;
    let url = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let server = std::thread::spawn(move || -> std::io::Result<String> {
        let (mut stream, _) = listener.accept()?;
        let mut request = Vec::new();
        let mut buffer = [0; 4096];
        // The request's head and its small JSON body: read until the body's length is in.
        loop {
            let read = stream.read(&mut buffer)?;
            request.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&request).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                if body.len() >= length || read == 0 {
                    break;
                }
            } else if read == 0 {
                break;
            }
        }
        let body = format!(
            "{{\"access_code\":{{\"access_code_id\":\"{ACCESS_CODE_ID}\",\"code\":\"1988\",\"created_at\":\"2022-08-26T12:50:17.858Z\",\"status\":\"setting\",\"type\":\"ongoing\"}},\"ok\":true}}"
        );
        write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())?;
        Ok(String::from_utf8_lossy(&request).lines().next().unwrap_or_default().to_owned())
    });
    let output = Command::new(binary).arg(&url).output().map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let request_line =
        server.join().map_err(|_| "the one-request server panicked".to_owned())?.map_err(|e| format!("the one-request server: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || stdout.trim() != ACCESS_CODE_ID || request_line != "POST /access_codes/get HTTP/1.1" {
        return Err(format!(
            "{} did not get the access code: request `{request_line}`, {}, stdout `{}`, stderr `{}`",
            binary.display(),
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    println!("    {} → {request_line} → {}", binary.display(), stdout.trim());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{PLAIN_ITEMS, item};

    #[test]
    fn takes_an_item_with_its_attributes() {
        let text = "use x;\n/// A.\n#[derive(D)]\nstruct A<T> {\n    a: T,\n}\nconst B: &str = \"b\";\nstruct AB;\n";
        assert_eq!(item(text, "A").as_deref(), Some("/// A.\n#[derive(D)]\nstruct A<T> {\n    a: T,\n}\n"));
        assert_eq!(item(text, "B").as_deref(), Some("const B: &str = \"b\";\n"));
        assert_eq!(item(text, "C"), None);
    }

    #[test]
    fn the_bench_baseline_has_every_item_of_the_plain_program() {
        let text = std::fs::read_to_string(crate::project_root().join("tests/benches/runtime.rs")).expect("tests/benches/runtime.rs");
        for name in PLAIN_ITEMS {
            assert!(item(&text, name).is_some(), "no `{name}` in tests/benches/runtime.rs");
        }
    }
}
