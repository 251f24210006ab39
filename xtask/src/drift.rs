//! `cargo xtask drift --openapi FILE --api NAME`: what the hand-written specs of an API and
//! the vendor's OpenAPI document say differently (`generator::drift`), one line each, then a
//! one-line summary. Fails when a difference is not accepted by a spec's `drift:` entry, or an
//! acceptance matches nothing.

use std::fmt::Write;

const USAGE: &str = "usage: cargo xtask drift --openapi FILE --api NAME [--list-unspecced]";

pub fn run(args: &[&str]) -> Result<(), String> {
    let (mut openapi, mut api, mut list_unspecced) = (None, None, false);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--openapi" => openapi = Some(rest.next().ok_or("--openapi needs a file")?.to_string()),
            "--api" => api = Some(rest.next().ok_or("--api needs a name")?.to_string()),
            "--list-unspecced" => list_unspecced = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (Some(openapi), Some(api)) = (openapi, api) else {
        return Err(USAGE.into());
    };
    let (report, text) = check(&crate::project_root().join(&openapi), &api, list_unspecced)?;
    print!("{text}");
    if report.is_clean() { Ok(()) } else { Err(report.summary(&api)) }
}

/// The report of `api` against the document at `openapi`, and its text (every line but a
/// failing run's summary, which the caller prints as the error).
pub fn check(openapi: &std::path::Path, api: &str, list_unspecced: bool) -> Result<(generator::drift::Report, String), String> {
    let text = std::fs::read_to_string(openapi).map_err(|e| format!("{}: {e}", openapi.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", openapi.display()))?;
    let specs = generator::sources::read_specs(&crate::project_root().join("specs"))?;
    let apis = generator::lower_all(&specs.sources).map_err(|d| generator::render(&d, &specs.sources))?;
    let lowered = apis.iter().find(|a| a.name == api).ok_or(format!("no API `{api}` in specs/"))?;
    let report = generator::drift::drift(lowered, &document);
    let mut out = String::new();
    for difference in &report.differences {
        match &difference.accepted {
            None => writeln!(out, "{api}.{}: {}", difference.at, difference.what),
            Some(reason) => writeln!(out, "{api}.{}: {} (accepted: {reason})", difference.at, difference.what),
        }
        .expect("writing to a String");
    }
    for (at, source) in &report.stale {
        writeln!(out, "{api}.{at}: accepted in {source}, but no longer differs: remove the entry").expect("writing to a String");
    }
    if list_unspecced {
        for path in &report.unspecced {
            writeln!(out, "not specced: {path}").expect("writing to a String");
        }
    }
    if report.is_clean() {
        writeln!(out, "{}", report.summary(api)).expect("writing to a String");
    }
    Ok((report, out))
}
