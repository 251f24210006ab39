//! Every documented example (the generated fixtures) decodes into the generated types and
//! re-encodes without losing a documented field.

use std::path::{Path, PathBuf};

use keyway::Timestamp;
use keyway::nexudus::AccessToken;
use keyway::seam::AccessCode;
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

/// Every key of `original` is still in `reencoded` with an equal value (a number of the same
/// kind: `14` is not `14.0`), and `reencoded` adds no key but an empty array or map (an
/// optional collection reads absent as empty): an absent key does not come back as `null`.
/// Timestamps compare as instants, since `.858Z` and `.858000Z` are the same time.
fn assert_preserved(original: &Value, reencoded: &Value, at: &str) {
    match (original, reencoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let Some(other) = b.get(key) else { panic!("{at}.{key} was lost on re-encoding") };
                assert_preserved(value, other, &format!("{at}.{key}"));
            }
            for (key, value) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
                let empty = value.as_array().is_some_and(Vec::is_empty) || value.as_object().is_some_and(serde_json::Map::is_empty);
                assert!(empty, "{at}.{key} was added on re-encoding: {value}");
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

type RoundTrips = Vec<(&'static str, keyway::fixtures::seam::RoundTrip)>;

/// Every API's, from the generated crate.
fn all_round_trips() -> Vec<(&'static str, RoundTrips)> {
    keyway::fixtures::round_trips()
}

/// Each API's success flag (`api.success_flag`, Seam's `ok`), from the specs.
fn success_flags() -> Vec<(String, String)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let sources = generator::sources::read_specs(&specs).unwrap().sources;
    let apis = generator::lower_all(&sources).unwrap_or_else(|d| panic!("{d}"));
    apis.into_iter().filter_map(|api| Some((api.name, api.success_flag?))).collect()
}

#[test]
fn every_fixture_decodes_into_its_type_and_round_trips() {
    let flags = success_flags();
    let mut checked = 0;
    for (api, checks) in all_round_trips() {
        for (name, round_trip) in checks {
            let (mut documented, encoded) = round_trip().unwrap_or_else(|e| panic!("{api} {name}: does not decode: {e}"));
            // A response body of several keys beside the API's success flag: no response
            // type holds the flag (the generator's rule), so it is not kept. (A body that
            // is not a success, kept whole, still has it.)
            if let (Some((_, flag)), false, Some(body)) =
                (flags.iter().find(|(a, _)| a == api), name.starts_with("models."), documented.as_object_mut())
                && encoded.get(flag).is_none()
            {
                body.remove(flag);
            }
            assert_preserved(&documented, &encoded, &format!("{api} {name}"));
            checked += 1;
        }
    }
    assert!(checked >= 15, "expected every documented response and model, checked {checked}");
}

/// The JSON files and the Rust fixtures come from one list: same names, same count.
#[test]
fn fixture_files_match_the_rust_fixtures() {
    let files = all_fixtures();
    let mut dirs: Vec<&str> = files.iter().filter_map(|f| f.split_once('/')).map(|(api, _)| api).collect();
    dirs.dedup();
    let mut apis: Vec<&str> = all_round_trips().into_iter().map(|(api, _)| api).collect();
    apis.sort();
    assert_eq!(dirs, apis, "a fixtures folder per API");
    for (api, checks) in all_round_trips() {
        let mut from_files: Vec<String> = files
            .iter()
            .filter_map(|f| f.strip_prefix(&format!("{api}/")))
            .map(|f| f.trim_end_matches(".json").replace("models/", "models."))
            .collect();
        from_files.sort();
        let mut from_rust: Vec<String> = checks.iter().map(|(name, _)| name.to_string()).collect();
        from_rust.sort();
        assert_eq!(from_files, from_rust, "{api}");
    }
    for name in &files {
        let record = load(name);
        assert!(record["@generated"].as_str().is_some_and(|s| s.contains("cargo xtask codegen")), "{name}: no @generated notice");
        assert!(record["synthesized"].is_boolean(), "{name}");
    }
}

/// Where the docs give no example, the generator makes one up that is valid for the type.
#[test]
fn synthesized_fixtures_are_marked_and_decode() {
    let synthesized: Vec<String> = all_fixtures().into_iter().filter(|f| load(f)["synthesized"] == Value::Bool(true)).collect();
    assert!(!synthesized.is_empty(), "the Seam nested models have no documented example");
    let model: keyway::seam::DormakabaOracodeMetadata = keyway::fixtures::seam::models::dormakaba_oracode_metadata().value().unwrap();
    assert!(model.site_name.is_some(), "synthesized examples fill optional fields too");
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
    // Optional and nullable, documented as `null`: not absent, and `null` again when encoded.
    assert!(token.valid_from.is_null());
    assert_eq!(serde_json::to_value(&token).unwrap()["ValidFrom"], Value::Null);
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

/// The device of `devices/get`'s documented example (the device of `devices/list`'s page):
/// every nested object of `properties` is typed, and the device encodes again to the body that
/// came, nothing lost or changed. The one addition is the format's rule for an optional list:
/// absent reads as empty, so the lists of `properties` the example leaves out come back `[]`.
#[test]
fn the_documented_device_is_typed_and_round_trips() {
    use keyway::seam::{Device, DevicePropertiesBatteryStatus, DevicePropertiesCodeConstraint};
    let documented = body("seam/devices.get.200.json")["device"].clone();
    assert_eq!(documented, body("seam/devices.list.200.json")["devices"][0], "the two endpoints document one device");
    let device: Device = serde_json::from_value(documented.clone()).unwrap();
    assert_eq!(device.custom_metadata["id"], keyway::StringOrBoolean::String("internalId1".into()));
    let properties = &device.properties;
    assert_eq!(properties.model.display_name, "Encode");
    assert_eq!(properties.battery.as_ref().map(|b| &b.status), Some(&DevicePropertiesBatteryStatus::Good));
    assert_eq!(properties.schlage_metadata.as_ref().map(|s| s.model.as_deref()), Some(Some("Encode")));
    let [DevicePropertiesCodeConstraint::NameLength(name)] = properties.code_constraints.as_slice() else {
        panic!("one name constraint expected, got {:?}", properties.code_constraints);
    };
    assert_eq!((name.constraint_type.as_str(), name.max_length.as_ref().and_then(|n| n.as_i64())), ("name_length", Some(9)));
    let encoded = serde_json::to_value(&device).unwrap();
    assert_preserved(&documented, &encoded, "devices.get.200 device");
    let added: Vec<&str> = encoded["properties"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|key| documented["properties"].get(key.as_str()).is_none())
        .map(String::as_str)
        .collect();
    assert_eq!(
        added,
        [
            "_experimental_supported_code_from_access_codes_lengths",
            "available_climate_preset_modes",
            "available_climate_presets",
            "available_fan_mode_settings",
            "available_hvac_mode_settings",
            "currently_triggering_noise_threshold_ids",
            "offline_time_frame_options",
            "online_time_frame_options",
            "thermostat_daily_programs",
        ]
    );
    let mut without_added = encoded.clone();
    for key in added {
        without_added["properties"].as_object_mut().unwrap().remove(key);
    }
    assert_eq!(without_added, documented);
    assert_eq!(serde_json::from_value::<Device>(encoded).unwrap(), device, "encoding again changes nothing");
}
