//! `generator::drift`: the committed specs against the vendor documents in `vendor/` (clean,
//! or every difference accepted with its reason), and a document changed in each way drift
//! must see, against the specs the import test writes from it (report as a golden file:
//! `EXPECTORATE=overwrite cargo test -p keyway-generator --test drift`).

use std::path::{Path, PathBuf};

use generator::SourceFile;
use serde_json::json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn report_text(report: &generator::drift::Report, api: &str) -> String {
    let mut lines: Vec<String> = report
        .differences
        .iter()
        .map(|d| match &d.accepted {
            Some(reason) => format!("{}: {} (accepted: {reason})", d.at, d.what),
            None => format!("{}: {}", d.at, d.what),
        })
        .collect();
    lines.extend(report.stale.iter().map(|(at, file)| format!("stale: {at} ({file})")));
    lines.extend(report.unspecced.iter().map(|path| format!("not specced: {path}")));
    lines.push(report.summary(api));
    lines.join("\n") + "\n"
}

#[test]
fn the_committed_seam_specs_have_no_difference_they_do_not_accept() {
    let sources = generator::sources::read_specs(&root().join("../specs")).unwrap().sources;
    let apis = generator::lower_all(&sources).unwrap_or_else(|d| panic!("{d}"));
    let seam = apis.iter().find(|a| a.name == "seam").unwrap();
    let report = generator::drift::drift(seam, &json(&root().join("../vendor/seam/openapi.json")));
    assert!(report.is_clean(), "run `cargo xtask drift --openapi vendor/seam/openapi.json --api seam`:\n{}", report_text(&report, "seam"));
    assert_eq!(report.endpoints, seam.endpoints().count());
}

/// The shop specs as the import test writes them (its golden files), but the operation whose
/// auth a person must still decide, with `drift` appended to the folder's `api.yaml`.
fn shop(extra_api_yaml: &str) -> Vec<SourceFile> {
    let case = root().join("tests/cases/import");
    let mut sources = generator::sources::read_api(&case.join("existing"), "shop", "specs/shop").unwrap().sources;
    sources[0].text.push_str(extra_api_yaml);
    for name in ["orders.list.yaml", "orders.get.yaml", "orders.redeem.yaml", "holds.get.yaml", "holds.list.yaml", "holds.create.yaml"] {
        let text = std::fs::read_to_string(case.join("expected").join(name)).unwrap();
        sources.push(SourceFile { path: format!("specs/shop/{name}"), api_dir: "shop".into(), text });
    }
    sources
}

#[test]
fn specs_imported_from_a_document_do_not_drift_from_it() {
    let apis = generator::lower_all(&shop("")).unwrap_or_else(|d| panic!("{d}"));
    let document = json(&root().join("tests/cases/import/openapi.json"));
    let report = generator::drift::drift(&apis[0], &document);
    assert!(report.is_clean(), "{}", report_text(&report, "shop"));
    assert_eq!(report.unspecced, ["/orders/cancel"], "the vendor's routes no spec has, under the specced resources");
}

#[test]
fn every_kind_of_change_in_the_document_is_reported_and_accepted_ones_say_why() {
    let accepted =
        "drift:\n  - { at: Order.total, reason: The total is computed by the client. }\n  - { at: Order.gone, reason: Matches nothing any more. }\n";
    let apis = generator::lower_all(&shop(accepted)).unwrap_or_else(|d| panic!("{d}"));
    let mut document = json(&root().join("tests/cases/import/openapi.json"));
    let order = &mut document["components"]["schemas"]["order"];
    order["properties"].as_object_mut().unwrap().remove("total");
    order["properties"]["gift_note"] = json!({ "type": "string" });
    order["properties"]["hidden"] = json!({ "type": "string", "x-undocumented": "Internal." });
    order["properties"]["status"]["enum"] = json!(["open", "shipped", "returned"]);
    order["properties"]["placed_at"] = json!({ "type": "string" });
    order["properties"]["website"]["nullable"] = json!(true);
    order["required"] = json!(["order_id", "color", "lines", "website"]);
    let errors = &mut order["properties"]["errors"]["items"]["oneOf"];
    errors[1]["properties"]["error_code"]["enum"] = json!(["card_expired"]);
    let list = &mut document["paths"]["/orders/list"];
    list.as_object_mut().unwrap().remove("get");
    list["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["region"] = json!({ "type": "string" });
    list["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] = json!(["limit"]);
    list["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["legacy_sort"] = json!({ "type": "string" });
    let get = document["paths"].as_object_mut().unwrap().remove("/orders/{order_id}").unwrap();
    document["paths"]["/orders/{id}"] = get;

    let report = generator::drift::drift(&apis[0], &document);

    expectorate::assert_contents(root().join("tests/cases/drift.report.txt"), &report_text(&report, "shop"));
    assert!(!report.is_clean());
}
