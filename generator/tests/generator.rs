//! The generator's own tests: golden output of a small edge-case spec, the "a new
//! endpoint is YAML only" proof, and the diagnostics corpus. Snapshots are updated with
//! `EXPECTORATE=overwrite cargo test -p keyway-generator`, then reviewed in `git diff`.

use std::path::{Path, PathBuf};

use generator::SourceFile;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn project_specs() -> Vec<SourceFile> {
    generator::sources::read_specs(&root().join("../specs")).unwrap().sources
}

#[test]
fn acme_edge_cases_match_their_golden_files() {
    let sources = generator::sources::read_api(&root().join("tests/cases/acme"), "acme", "acme").unwrap().sources;
    let files = generator::generate(&sources).unwrap_or_else(|d| panic!("{d}"));
    let expected_dir = root().join("tests/cases/acme.expected");
    let mut compared = 0;
    let acme_files = |path: &str| {
        path.starts_with("src/acme/")
            || path.starts_with("crates/keyway-acme-types/")
            || path.starts_with("fixtures/")
            || path == "src/fixtures/acme.rs"
    };
    for file in files.iter().filter(|f| acme_files(&f.path)) {
        expectorate::assert_contents(expected_dir.join(&file.path), &file.contents);
        compared += 1;
    }
    assert!(compared >= 4, "expected the acme module files, compared {compared}");
}

#[test]
fn output_is_deterministic() {
    let sources = project_specs();
    let first = generator::generate(&sources).unwrap();
    let mut reversed = sources.clone();
    reversed.reverse();
    let second = generator::generate(&reversed).unwrap();
    assert_eq!(first, second, "file order of the sources changed the output");
}

/// A new endpoint is a new YAML file: the generator picks it up with no code change. The
/// endpoint (`tests/cases/new_endpoint`) is added to the project's Seam specs under an
/// operation name they do not have, whatever endpoints they hold.
#[test]
fn a_new_endpoint_is_a_yaml_change_only() {
    let before = generator::generate(&project_specs()).unwrap();
    let apis = generator::lower_all(&project_specs()).unwrap_or_else(|d| panic!("{d}"));
    let seam = apis.iter().find(|api| api.name == "seam").expect("the Seam API");
    let taken = |op: &str| seam.endpoints().any(|e| e.resource == "access_codes" && (e.operation == op || e.path == format!("/access_codes/{op}")));
    let op = std::iter::once("yaml_only".to_owned()).chain((2..).map(|n| format!("yaml_only_{n}"))).find(|op| !taken(op)).unwrap();

    let text = std::fs::read_to_string(root().join("tests/cases/new_endpoint/access_codes.yaml_only.yaml")).unwrap();
    let renamed = text
        .replace("operation: yaml_only\n", &format!("operation: {op}\n"))
        .replace("path: /access_codes/yaml_only\n", &format!("path: /access_codes/{op}\n"));
    assert_eq!(renamed.matches(op.as_str()).count(), 2, "the case names its operation and path once each");
    let mut sources = project_specs();
    sources.push(SourceFile { path: format!("specs/seam/access_codes.{op}.yaml"), api_dir: "seam".into(), text: renamed });
    let after = generator::generate(&sources).unwrap_or_else(|d| panic!("{d}"));
    let lowered = generator::lower_all(&sources).unwrap_or_else(|d| panic!("{d}"));
    let endpoint = lowered.iter().flat_map(|api| api.endpoints()).find(|e| e.id == format!("access_codes.{op}")).expect("the new endpoint");
    let request = endpoint.names.request.as_deref().expect("optional parameters get a builder");

    let module = after.iter().find(|f| f.path == "src/seam/access_codes.rs").unwrap();
    assert!(module.contents.contains(&format!("pub fn {op}(")), "the new operation is a method");
    assert!(module.contents.contains(&format!("pub struct {request}")), "optional parameters get a builder");
    assert!(module.contents.contains("pub fn limit("), "each optional parameter is a setter");
    assert!(after.iter().any(|f| f.path == format!("fixtures/seam/access_codes.{op}.200.json")));
    let changed: Vec<&str> = after.iter().filter(|f| !before.contains(f)).map(|f| f.path.as_str()).collect();
    // Everything that changes belongs to the Seam API's outputs (or lists every API).
    let seam_outputs = [
        "api-surface.json",
        "examples/quickstart.rs",
        "fixtures/seam/",
        "src/fixtures/seam.rs",
        "src/seam/",
        "docs/src/seam/",
        "docs/src/SUMMARY.md",
        "docs/src/README.md",
        "openapi/seam.json",
    ];
    for path in &changed {
        assert!(seam_outputs.iter().any(|p| path.starts_with(p)), "{path} changed for a Seam endpoint");
    }
    let page = format!("docs/src/seam/access_codes.{op}.md");
    for expected in ["src/seam/access_codes.rs", page.as_str(), "openapi/seam.json"] {
        assert!(changed.contains(&expected), "{expected} should change: {changed:?}");
    }
}

/// Each broken spec reports every problem with file, line and column; the expected text is
/// kept next to it as `<case>.stderr`.
#[test]
fn broken_specs_get_located_diagnostics() {
    let dir = root().join("tests/bad_specs");
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect();
    cases.sort();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let source = SourceFile { path: format!("bad_specs/{name}"), api_dir: "shop".into(), text: std::fs::read_to_string(&case).unwrap() };
        let diagnostics = match generator::generate(std::slice::from_ref(&source)) {
            Ok(_) => panic!("{name}: a broken spec generated output"),
            Err(diagnostics) => diagnostics,
        };
        for diagnostic in diagnostics.iter() {
            assert!(diagnostic.line > 0 && diagnostic.column > 0, "{name}: unlocated: {diagnostic}");
        }
        expectorate::assert_contents(case.with_extension("stderr"), &generator::render(&diagnostics, &[source]));
    }
}

/// A file that cannot be read hides nothing else: the meaning errors of the other files of
/// its API (all but references it might have defined) and of other APIs come in the same run.
#[test]
fn an_unreadable_file_does_not_hide_the_problems_of_the_others() {
    let dir = root().join("tests/bad_specs/multi_file");
    let mut sources = Vec::new();
    for api in ["shop", "zoo"] {
        sources.extend(generator::sources::read_api(&dir.join(api), api, &format!("bad_specs/multi_file/{api}")).unwrap().sources);
    }
    let diagnostics = generator::generate(&sources).expect_err("broken specs generated output");
    let files: std::collections::BTreeSet<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files.len(), 4, "a problem in each of four files: {diagnostics}");
    expectorate::assert_contents(dir.with_extension("stderr"), &generator::render(&diagnostics, &sources));
}

/// A file that is not UTF-8 is a located problem reported with the meaning errors of the
/// readable files, and the API's references it might have defined are not reported.
#[test]
fn an_unreadable_file_is_reported_with_the_others() {
    let dir = std::env::temp_dir().join(format!("keyway-unreadable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let shop = root().join("tests/bad_specs/multi_file/shop");
    std::fs::create_dir_all(dir.join("shop")).unwrap();
    for file in ["api.yaml", "enums.yaml"] {
        std::fs::copy(shop.join(file), dir.join("shop").join(file)).unwrap();
    }
    std::fs::write(dir.join("shop/colours.yaml"), b"enums:\n  Colour: { description: caf\xe9 }\n").unwrap();
    let specs = generator::sources::read_specs(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let diagnostics = generator::generate_specs(&specs).expect_err("broken specs generated output");
    let messages: Vec<String> = diagnostics.iter().map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.message)).collect();
    assert_eq!(
        messages,
        [
            "specs/shop/api.yaml:21:17 field `title` is listed twice",
            "specs/shop/colours.yaml:2:29 not UTF-8: the byte 0xE9 starts no character",
            "specs/shop/enums.yaml:7:9 enum value `small` is listed twice",
        ]
    );
}
