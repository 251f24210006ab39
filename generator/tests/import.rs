//! `generator::import`: a small OpenAPI document of edge cases imported into a folder that
//! already defines some types (golden files, reviewed in `git diff`), and the published Seam
//! document's core routes imported beside `specs/seam/`, which must lower cleanly. Goldens are
//! updated with `EXPECTORATE=overwrite cargo test -p keyway-generator --test import`.

use std::path::{Path, PathBuf};

use generator::SourceFile;
use generator::import::{Import, import};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The folder's files as (file name, text), and as sources of API `api`.
fn folder(sources: &[SourceFile]) -> Vec<(String, String)> {
    sources.iter().map(|s| (s.path.rsplit('/').next().unwrap().to_owned(), s.text.clone())).collect()
}

fn with_imported(existing: &[SourceFile], files: &[(String, String)]) -> Vec<SourceFile> {
    let template = &existing[0];
    let mut all = existing.to_vec();
    for (name, text) in files {
        all.push(SourceFile { path: format!("specs/{}/{name}", template.api_dir), api_dir: template.api_dir.clone(), text: text.clone() });
    }
    all
}

#[test]
fn edge_cases_import_as_their_golden_files_and_what_is_left_to_decide_is_located() {
    let case = root().join("tests/cases/import");
    let existing = generator::sources::read_api(&case.join("existing"), "shop", "specs/shop").unwrap().sources;
    let paths: Vec<String> =
        ["/orders/list", "/orders/{order_id}", "/orders/cancel", "/orders/redeem", "/orders/holds/get", "/orders/holds/list", "/orders/holds/create"]
            .map(String::from)
            .to_vec();
    let document = json(&case.join("openapi.json"));
    let imported = import(&Import { openapi: &document, openapi_name: "openapi.json", existing: &folder(&existing), paths: &paths }).unwrap();

    let names: Vec<&str> = imported.files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["orders.list.yaml", "orders.get.yaml", "orders.cancel.yaml", "orders.redeem.yaml", "holds.get.yaml", "holds.list.yaml", "holds.create.yaml"]
    );
    for (name, text) in &imported.files {
        expectorate::assert_contents(case.join("expected").join(name), text);
    }
    let decided: Vec<String> = imported.decisions.iter().map(|d| format!("{}: {}", d.place, d.what)).collect();
    expectorate::assert_contents(case.join("expected/decisions.txt"), &(decided.join("\n") + "\n"));

    // What the import wrote is a spec the generator takes, but for what only a person can
    // decide, which lowering locates in the imported file: here, the operation whose security
    // scheme is no auth mode of the folder.
    let diagnostics = generator::generate(&with_imported(&existing, &imported.files)).unwrap_err();
    let found: Vec<String> = diagnostics.iter().map(|d| format!("{}:{}: {}", d.file, d.line, d.message)).collect();
    assert_eq!(found, ["specs/shop/orders.cancel.yaml:16: endpoint `orders.cancel` accepts no auth mode"]);
    let without_cancel: Vec<(String, String)> = imported.files.iter().filter(|(name, _)| name != "orders.cancel.yaml").cloned().collect();
    generator::generate(&with_imported(&existing, &without_cancel)).unwrap_or_else(|d| panic!("{}", generator::render(&d, &[])));
}

#[test]
fn an_unknown_path_or_a_folder_without_an_api_is_an_error() {
    let case = root().join("tests/cases/import");
    let existing = generator::sources::read_api(&case.join("existing"), "shop", "specs/shop").unwrap().sources;
    let document = json(&case.join("openapi.json"));
    let missing = ["/nowhere".to_owned()];
    let error = import(&Import { openapi: &document, openapi_name: "openapi.json", existing: &folder(&existing), paths: &missing }).unwrap_err();
    assert_eq!(error, "`/nowhere` is not a path of openapi.json");
    let paths = ["/orders/cancel".to_owned()];
    let error = import(&Import { openapi: &document, openapi_name: "openapi.json", existing: &[], paths: &paths }).unwrap_err();
    assert!(error.contains("no readable file with an `api:` section"), "{error}");
}

/// The resources of Seam's core access-control surface, as `vendor/seam/core.txt` lists them.
fn core() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("../vendor/seam/core.txt")).unwrap();
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

#[test]
fn every_core_route_is_specced_and_importing_them_all_again_lowers_cleanly() {
    let existing: Vec<SourceFile> =
        generator::sources::read_specs(&root().join("../specs")).unwrap().sources.into_iter().filter(|s| s.api_dir == "seam").collect();
    let apis = generator::lower_all(&existing).unwrap_or_else(|d| panic!("{d}"));
    let specced: Vec<String> = apis[0].endpoints().map(|e| e.path.clone()).collect();
    let document = json(&root().join("../vendor/seam/openapi.json"));
    let core = core();
    let paths: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|path| core.iter().any(|r| Some(r.as_str()) == path.split('/').nth(1)))
        .cloned()
        .collect();
    let missing: Vec<&String> = paths.iter().filter(|path| !specced.contains(path)).collect();
    assert!(missing.is_empty(), "routes of vendor/seam/core.txt's resources without a spec (import them with `cargo xtask import`): {missing:?}");

    // Imported again, every file replaces its namesake (hand-written or reviewed), and what
    // the import writes must still lower beside the files it does not replace.
    let imported = import(&Import { openapi: &document, openapi_name: "openapi.json", existing: &folder(&existing), paths: &paths }).unwrap();
    assert_eq!(imported.files.len(), paths.len(), "one file per route");
    let replaced: Vec<&str> = imported.files.iter().map(|(name, _)| name.as_str()).collect();
    let kept: Vec<SourceFile> = existing.iter().filter(|s| !replaced.contains(&s.path.rsplit('/').next().unwrap())).cloned().collect();
    let all = with_imported(&kept, &imported.files);
    let lowered = generator::lower_all(&all).unwrap_or_else(|d| panic!("{}", generator::render(&d, &all)));
    assert_eq!(lowered[0].endpoints().count(), paths.len());
}
