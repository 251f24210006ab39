//! The generator's promise, checked: if codegen succeeds, the crate compiles. Lowering claims
//! every Rust name a generated module defines (`generator/src/lower/names.rs`); this check
//! draws specs whose names are built to collide (separators, keywords, the generator's own
//! names), lets lowering refuse what it refuses, and `cargo check`s what it accepts.
//!
//! Each case is a seeded draw of types and endpoints, one per file. Lowering's diagnostics
//! name files: those files are dropped and the rest generated again, until lowering accepts.
//! What it accepts must then build without an error; what it refused is counted.

use std::path::Path;
use std::process::Command;

use generator::SourceFile;

/// Cases in `cargo xtask test`: each is one `cargo check` of a generated crate.
pub const CASES: u64 = 3;

/// Name pieces that collide in Rust once cased or escaped.
const RESOURCES: &[&str] = &["items", "item", "a_b", "a", "ab", "a2", "a_2", "res", "res2", "res_2", "type", "mock", "models", "prop"];
const OPERATIONS: &[&str] = &["get", "get_mock", "list", "b_c", "c", "into_call", "self", "new", "r#type", "get2", "get_2"];
const TYPES: &[&str] = &[
    "Item",
    "ItemId",
    "Items",
    "ItemsGetRequest",
    "ItemsListRequest",
    "ItemsGetParams",
    "Error",
    "Call",
    "PropClient",
    "PropAuth",
    "A",
    "AB",
    "Ab",
    "A2",
    "Pet",
    "PetDog",
    "Params",
    "Timestamp",
    "Lookup",
];
const PARAMS: &[&str] = &["id", "into_call", "self", "self_", "params", "q", "q_2", "type", "limit", "Limit"];
const GROUPS: &[&str] = &["Id", "Params", "Lookup", "Item", "Pet", "Q"];

/// A small deterministic generator (xorshift): the same seed draws the same case.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const HEADER: &str = "api:\n  name: prop\n  title: Prop\n  description: Drawn names.\n  base_url: https://prop.test\n  auth_modes:\n    - name: token\n      title: Token\n      description: A token.\n      credentials: [{ name: token, description: The token., secret: true }]\n      headers: [{ name: X-Token, value: \"{token}\" }]\n  errors:\n    message_field: detail\n";

fn draw_type(draw: &mut Draw, name: &str) -> String {
    match draw.below(4) {
        0 => format!("ids:\n  {name}: {{ description: An id., format: string }}\n"),
        1 => format!(
            "enums:\n  {name}:\n    description: An enum.\n    values: [{{ value: {} }}, {{ value: {} }}]\n",
            draw.pick(PARAMS),
            draw.pick(OPERATIONS)
        ),
        2 => format!(
            "models:\n  {name}:\n    description: A model.\n    fields:\n      - {{ name: {}, type: string, description: A field. }}\n",
            draw.pick(PARAMS)
        ),
        _ => format!(
            "unions:\n  {name}:\n    description: A union.\n    tag: kind\n    variants:\n      - {{ tag: dog, description: A dog., fields: [] }}\n      - {{ tag: {}, description: Another., fields: [] }}\n",
            draw.pick(OPERATIONS)
        ),
    }
}

fn draw_endpoint(draw: &mut Draw, index: usize) -> String {
    let (resource, operation) = (draw.pick(RESOURCES), draw.pick(OPERATIONS));
    let mut params = String::new();
    let mut names: Vec<&str> = Vec::new();
    for _ in 0..draw.below(4) {
        let name = draw.pick(PARAMS);
        let required = draw.below(2) == 0;
        names.push(name);
        params.push_str(&format!("      - {{ name: {name}, in: query, type: string, required: {required}, description: P. }}\n"));
    }
    let mut one_of = String::new();
    if draw.below(2) == 0 {
        let (x, y) = (format!("x{index}"), format!("y{index}"));
        for name in [&x, &y] {
            params.push_str(&format!("      - {{ name: {name}, in: query, type: string, description: P. }}\n"));
        }
        one_of = format!("    one_of:\n      - {{ name: {}, description: G., alternatives: [[{x}], [{y}]] }}\n", draw.pick(GROUPS));
    }
    let params = if params.is_empty() { String::new() } else { format!("    params:\n{params}") };
    format!(
        "endpoints:\n  - resource: {resource}\n    operation: {operation}\n    title: T\n    description: D.\n    method: GET\n    path: /p{index}\n    read_only: true\n    auth: [token]\n{params}{one_of}    response: {{ type: json }}\n"
    )
}

/// One case: a header, some types, some endpoints, one file each.
fn draw_case(seed: u64) -> Vec<SourceFile> {
    let mut draw = Draw(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let source = |name: String, text: String| SourceFile { path: format!("specs/prop/{name}.yaml"), api_dir: "prop".into(), text };
    let mut sources = vec![source("api".into(), HEADER.into())];
    for index in 0..8 {
        let name = draw.pick(TYPES);
        sources.push(source(format!("t{index}"), draw_type(&mut draw, name)));
    }
    for index in 0..14 {
        sources.push(source(format!("e{index:02}"), draw_endpoint(&mut draw, index)));
    }
    sources
}

/// Generates the case, dropping the files lowering refuses until it accepts: the accepted
/// files, and how many rounds refused something.
fn accepted(mut sources: Vec<SourceFile>) -> Result<(Vec<generator::OutputFile>, usize, usize), String> {
    let (mut rounds, mut dropped) = (0, 0);
    loop {
        match generator::generate(&sources) {
            Ok(files) => return Ok((files, rounds, dropped)),
            Err(diagnostics) => {
                let refused: std::collections::BTreeSet<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
                if refused.contains("specs/prop/api.yaml") || refused.contains("generator") || !diagnostics.iter().all(|d| d.line > 0) {
                    return Err(generator::render(&diagnostics, &sources));
                }
                let before = sources.len();
                let refused: Vec<String> = refused.into_iter().map(str::to_owned).collect();
                sources.retain(|s| !refused.contains(&s.path));
                dropped += before - sources.len();
                rounds += 1;
            }
        }
    }
}

/// `CASES` drawn cases, each generated as far as lowering accepts and `cargo check`ed.
pub fn run(root: &Path, target_dir: &Path, cargo: &str) -> Result<(), String> {
    for seed in 1..=CASES {
        let (files, rounds, dropped) = accepted(draw_case(seed))?;
        let dir = target_dir.join("names-check").join(seed.to_string());
        let crate_dir = crate::bench::write_files(root, &dir, &files)?;
        println!("==> names check, case {seed}: lowering refused {dropped} of 23 files in {rounds} rounds; cargo check on the rest");
        let status = Command::new(cargo)
            .args(["check", "-q", "--all-features", "--manifest-path"])
            .arg(crate_dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target_dir.join("names-check/target"))
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("case {seed}: codegen accepted specs whose crate does not compile (see {})", dir.display()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The draws are the names check's input: the same seed gives the same case, and a case
    /// is refused in part, not whole (or it would check nothing).
    #[test]
    fn a_case_is_deterministic_and_partly_accepted() {
        let texts = |seed| super::draw_case(seed).into_iter().map(|s| s.text).collect::<Vec<_>>();
        assert_eq!(texts(1), texts(1));
        assert_ne!(texts(1), texts(2));
        for seed in 1..=super::CASES {
            let (files, _, dropped) = super::accepted(super::draw_case(seed)).unwrap();
            assert!(dropped > 0 && files.iter().any(|f| f.path.starts_with("src/prop/")), "case {seed} dropped {dropped}");
        }
    }
}
