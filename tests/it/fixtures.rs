//! Every documented example (the generated fixtures) decodes into the generated types and
//! re-encodes without losing a documented field.

use std::path::{Path, PathBuf};

use keyway::Timestamp;
use keyway::nexudus::AccessToken;
use keyway::seam::{AccessCode, AccessGrant};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/fixtures")
}

/// A fixture record: `{"@generated", "endpoint" | "model", "status"?, "body"}`.
pub fn load(relative: &str) -> Value {
    let path = fixtures_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn body(relative: &str) -> Value {
    load(relative)["body"].clone()
}

fn all_fixtures() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(fixtures_dir()).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Every key of `original` is still in `reencoded` with an equal value; timestamps compare
/// as instants, since `.858Z` and `.858000Z` are the same time.
fn assert_preserved(original: &Value, reencoded: &Value, at: &str) {
    match (original, reencoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let Some(other) = b.get(key) else { panic!("{at}.{key} was lost on re-encoding") };
                assert_preserved(value, other, &format!("{at}.{key}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: array length changed");
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                assert_preserved(x, y, &format!("{at}[{index}]"));
            }
        }
        (Value::String(a), Value::String(b)) if a != b => {
            let parse = |s: &str| serde_json::from_value::<Timestamp>(Value::String(s.to_owned()));
            match (parse(a), parse(b)) {
                (Ok(x), Ok(y)) => assert_eq!(x, y, "{at}: timestamp changed"),
                _ => panic!("{at}: {a:?} became {b:?}"),
            }
        }
        (a, b) => assert_eq!(a, b, "{at} changed on re-encoding"),
    }
}

fn round_trip<T: DeserializeOwned + serde::Serialize>(name: &str, value: &Value) {
    let decoded: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
    let reencoded = serde_json::to_value(&decoded).unwrap();
    assert_preserved(value, &reencoded, name);
    let again: T = serde_json::from_value(reencoded).unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), serde_json::to_value(&decoded).unwrap(), "{name}: not stable");
}

/// The resource inside a success body, by the type the endpoint returns.
fn check_success(name: &str, endpoint: &str, body: &Value) {
    match endpoint {
        "access_codes.get" => round_trip::<AccessCode>(name, &body["access_code"]),
        "access_grants.get" => round_trip::<AccessGrant>(name, &body["access_grant"]),
        "access_tokens.get" => round_trip::<AccessToken>(name, body),
        other => panic!("{name}: no decode check for endpoint `{other}`; add it to check_success"),
    }
}

fn check_model(name: &str, model: &str, body: &Value) {
    match model {
        "AccessCode" => round_trip::<AccessCode>(name, body),
        "AccessGrant" => round_trip::<AccessGrant>(name, body),
        "AccessToken" => round_trip::<AccessToken>(name, body),
        other => panic!("{name}: no decode check for model `{other}`; add it to check_model"),
    }
}

#[test]
fn every_documented_example_decodes_and_round_trips() {
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 8, "expected the documented examples, found {fixtures:?}");
    for name in &fixtures {
        let record = load(name);
        assert!(record["@generated"].as_str().is_some_and(|s| s.contains("cargo xtask codegen")), "{name}: no @generated notice");
        let body = &record["body"];
        if let Some(model) = record["model"].as_str() {
            check_model(name, model, body);
            continue;
        }
        let status = record["status"].as_u64().unwrap();
        let endpoint = record["endpoint"].as_str().unwrap();
        if (200..300).contains(&status) {
            check_success(name, endpoint, body);
        } else if endpoint.starts_with("access_") && name.starts_with("seam/") {
            // Seam's documented error envelope: decoded by the client in endpoints.rs.
            assert_eq!(body["ok"], Value::Bool(false), "{name}");
            assert!(body["error"]["type"].is_string() && body["error"]["message"].is_string(), "{name}");
        }
    }
}

#[test]
fn documented_values_decode_to_typed_values() {
    let code: AccessCode = serde_json::from_value(body("seam/access_codes.get.200.json")["access_code"].clone()).unwrap();
    assert_eq!(code.code.as_deref(), Some("1988"));
    assert_eq!(code.r#type, keyway::seam::AccessCodeType::Ongoing);
    assert_eq!(code.status, keyway::seam::AccessCodeStatus::Setting);
    assert_eq!(code.access_code_id.as_str(), "26d6138c-6524-4f3c-ac96-43cc3bea0a8d");
    assert_eq!(code.created_at.to_string(), "2022-08-26T12:50:17.858Z");
    assert!(code.errors.is_empty() && code.warnings.is_empty());

    let token: AccessToken = serde_json::from_value(body("nexudus/access_tokens.get.200.json")).unwrap();
    assert_eq!(token.id.get(), 87654321);
    assert_eq!(token.to_string_text.as_deref(), Some("AccessToken Example"));
    assert_eq!(token.updated_by.as_deref(), Some("admin@example.com"));
    assert!(token.valid_from.is_none());
}

#[test]
fn unknown_enum_values_and_union_tags_are_kept() {
    let mut value = body("seam/access_codes.get.200.json")["access_code"].clone();
    value["status"] = "being_reprogrammed".into();
    value["warnings"] = serde_json::json!([
        {"warning_code": "brand_new_warning", "message": "new", "extra": 1},
        {"warning_code": "code_rotates_periodically", "message": "rotates"}
    ]);
    let code: AccessCode = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(code.status, keyway::seam::AccessCodeStatus::Unknown("being_reprogrammed".into()));
    assert_eq!(code.warnings[0].warning_code(), "brand_new_warning");
    assert!(matches!(code.warnings[0], keyway::seam::AccessCodeWarning::Unknown(_)));
    assert!(matches!(code.warnings[1], keyway::seam::AccessCodeWarning::CodeRotatesPeriodically(_)));
    let reencoded = serde_json::to_value(&code).unwrap();
    assert_eq!(reencoded["warnings"], value["warnings"]);
    assert_eq!(reencoded["status"], "being_reprogrammed");
}
