//! The generated models' `Deserialize` (emitted by the generator, not serde's derive, to
//! keep the crate cheap to compile) behaves as the derive would: checked here on Seam's
//! `AccessCode`, from text (borrowed keys) and from a `serde_json::Value` (owned keys, the
//! path tagged unions take).

use keyway::seam::AccessCode;
use serde_json::Value;

use crate::fixtures::body;

fn documented() -> Value {
    body("seam/access_codes.get.200.json")["access_code"].clone()
}

/// Decodes `value` both ways; both must agree.
fn decode(value: &Value) -> Result<AccessCode, String> {
    let from_text = serde_json::from_str::<AccessCode>(&value.to_string()).map_err(|e| e.to_string());
    let from_value = serde_json::from_value::<AccessCode>(value.clone()).map_err(|e| e.to_string());
    match (&from_text, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert!(a.starts_with(b.as_str()), "text: {a}\nvalue: {b}"),
        _ => panic!("from text: {from_text:?}\nfrom value: {from_value:?}"),
    }
    from_text
}

fn with(mut value: Value, key: &str, field: Value) -> Value {
    value[key] = field;
    value
}

fn without(mut value: Value, key: &str) -> Value {
    value.as_object_mut().unwrap().remove(key);
    value
}

#[test]
fn absent_and_null_options_are_none_and_absent_arrays_are_empty() {
    let code = decode(&without(without(documented(), "is_backup"), "errors")).unwrap();
    assert_eq!(code.is_backup, None);
    assert!(code.errors.is_empty());
    assert_eq!(decode(&with(documented(), "is_backup", Value::Null)).unwrap().is_backup, None);
    assert_eq!(decode(&with(documented(), "is_backup", true.into())).unwrap().is_backup, Some(true));
    // As with the derive, `null` is not an array.
    let err = decode(&with(documented(), "errors", Value::Null)).unwrap_err();
    assert!(err.contains("invalid type: null, expected a sequence"), "{err}");
}

#[test]
fn a_missing_required_field_or_a_wrong_type_is_an_error_naming_it() {
    let err = decode(&without(documented(), "access_code_id")).unwrap_err();
    assert!(err.starts_with("missing field `access_code_id`"), "{err}");
    let err = decode(&with(documented(), "created_at", 5.into())).unwrap_err();
    assert!(err.contains("invalid type: integer `5`"), "{err}");
    let err = decode(&Value::from("not an object")).unwrap_err();
    assert!(err.contains("expected struct AccessCode"), "{err}");
}

#[test]
fn unknown_keys_are_skipped_and_escaped_keys_match() {
    let documented_code = decode(&documented()).unwrap();
    let extra = with(documented(), "added_later", serde_json::json!({"nested": [1, {"deep": null}]}));
    assert_eq!(decode(&extra).unwrap(), documented_code);
    // `\u005f` is `_`: serde_json cannot lend this key, so it arrives owned.
    let text = documented().to_string().replacen("\"access_code_id\"", "\"access\\u005fcode_id\"", 1);
    assert!(text.contains("access\\u005fcode_id"));
    assert_eq!(serde_json::from_str::<AccessCode>(&text).unwrap(), documented_code);
}

#[test]
fn a_duplicate_key_is_an_error() {
    let text = documented().to_string().replacen('{', r#"{"code": "1234", "#, 1);
    let err = serde_json::from_str::<AccessCode>(&text).unwrap_err().to_string();
    assert!(err.starts_with("duplicate field `code`"), "{err}");
}
