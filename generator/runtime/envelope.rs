//! Write envelopes: a body that says whether a write succeeded beside its value, and on
//! failure lists the properties it was refused for (Nexudus' `{Status, Message, Value,
//! WasSuccessful, Errors: [{AttemptedValue, Message, PropertyName}]}`).
//!
//! A failure is an error whatever the HTTP status, since such APIs may answer `200` with
//! the flag `false`: [`Error::InvalidInput`] carrying each [`PropertyError`] for a 2xx, 400
//! or 422, [`Error::Unauthorized`] for a 401 and [`Error::Api`] otherwise.

use serde_json::{Map, Value};

use super::descriptor::WriteEnvelope;
use super::error::{ApiError, Error, PropertyError};

/// The error a write envelope reports, or `None` when the body is not one that says the
/// write failed (its flag is not `false`).
pub(crate) fn refusal(format: &WriteEnvelope, status: u16, request_id: Option<&str>, body: &[u8]) -> Option<Error> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    if object.get(format.success_field) != Some(&Value::Bool(false)) {
        return None;
    }
    let property_errors = property_errors(format, &object);
    let message = format.message_field.and_then(|field| object.get(field)).and_then(Value::as_str).filter(|m| !m.is_empty());
    let message = match message {
        Some(message) => message.to_owned(),
        None if property_errors.is_empty() => format!("the write was not successful (`{}` is false)", format.success_field),
        None => property_errors.iter().map(|e| format!("{}: {}", e.property, e.message)).collect::<Vec<_>>().join("; "),
    };
    let error = ApiError {
        status,
        kind: "invalid_input".to_owned(),
        message,
        request_id: request_id.map(str::to_owned),
        data: None,
        validation_errors: None,
        validation_messages_key: None,
        property_errors,
    };
    Some(match status {
        401 => Error::Unauthorized(Box::new(error)),
        200..=299 | 400 | 422 => Error::InvalidInput(Box::new(error)),
        _ => Error::Api(Box::new(ApiError { kind: "write_failed".to_owned(), ..error })),
    })
}

/// The envelope's list of errors, each read through the format's keys; entries that are
/// not objects are skipped.
fn property_errors(format: &WriteEnvelope, object: &Map<String, Value>) -> Vec<PropertyError> {
    let Some(Value::Array(errors)) = format.errors_field.and_then(|field| object.get(field)) else {
        return Vec::new();
    };
    let text = |error: &Map<String, Value>, field: Option<&str>| {
        field.and_then(|f| error.get(f)).map(|value| value.as_str().map_or_else(|| value.to_string(), str::to_owned)).unwrap_or_default()
    };
    errors
        .iter()
        .filter_map(Value::as_object)
        .map(|error| PropertyError {
            property: text(error, format.property_field),
            message: text(error, format.error_message_field),
            attempted_value: format.attempted_value_field.and_then(|f| error.get(f)).cloned(),
        })
        .collect()
}

/// The mock server's refusal of a write with missing properties, in the envelope's shape:
/// the flag `false`, no value, the message, and one error per missing property (sent as
/// nothing, so its attempted value is `null`).
#[cfg(feature = "mock")]
pub(crate) fn mock_refusal(format: &WriteEnvelope, message: &str, missing: &[&str]) -> Value {
    let mut body = Map::new();
    body.insert(format.success_field.to_owned(), Value::Bool(false));
    body.insert(format.value_field.to_owned(), Value::Null);
    if let Some(field) = format.message_field {
        body.insert(field.to_owned(), Value::from(message));
    }
    if let Some(field) = format.errors_field {
        let errors = missing.iter().map(|name| {
            let mut error = Map::new();
            let keys = [(format.property_field, Value::from(*name)), (format.error_message_field, Value::from("Required"))];
            for (key, value) in keys.into_iter().chain([(format.attempted_value_field, Value::Null)]) {
                if let Some(key) = key {
                    error.insert(key.to_owned(), value);
                }
            }
            Value::Object(error)
        });
        body.insert(field.to_owned(), Value::Array(errors.collect()));
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    static FORMAT: WriteEnvelope = WriteEnvelope {
        success_field: "ok",
        value_field: "value",
        message_field: Some("message"),
        errors_field: Some("errors"),
        property_field: Some("property"),
        error_message_field: Some("message"),
        attempted_value_field: Some("attempted"),
    };

    #[test]
    fn only_a_false_flag_is_a_refusal() {
        for body in [r#"{"ok": true, "value": 1}"#, r#"{"value": 1}"#, "[]", "not json", r#"{"ok": "false"}"#] {
            assert!(refusal(&FORMAT, 200, None, body.as_bytes()).is_none(), "{body}");
        }
    }

    #[test]
    fn property_errors_are_read_in_order() {
        let body = br#"{"ok": false, "message": "", "errors": [
            {"property": "Code", "message": "is required", "attempted": null},
            7,
            {"property": "Minutes", "message": "too big", "attempted": 99999}
        ]}"#;
        let Some(Error::InvalidInput(error)) = refusal(&FORMAT, 200, Some("r1"), body) else { panic!("not invalid input") };
        assert_eq!(error.message, "Code: is required; Minutes: too big");
        assert_eq!(error.request_id.as_deref(), Some("r1"));
        assert_eq!(error.property_errors.len(), 2);
        assert_eq!(error.property_errors[0].attempted_value, Some(Value::Null));
        assert_eq!(error.property_errors[1].attempted_value, Some(Value::from(99999)));
        assert_eq!(error.validation_errors_for("Minutes"), ["too big"]);
        assert!(matches!(refusal(&FORMAT, 500, None, body), Some(Error::Api(_))));
        assert!(matches!(refusal(&FORMAT, 401, None, body), Some(Error::Unauthorized(_))));
    }
}
