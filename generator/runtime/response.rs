//! Turning a response into a value or an [`Error`].
//!
//! Only [`decode`] is generic over the result type; error classification is not, so it is
//! compiled once rather than once per endpoint.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use serde_json::Value;

use super::descriptor::ErrorFormat;
use super::error::{ApiError, Error, snippet};

/// A response whose body has been read.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    /// From the API's request-id header.
    pub(crate) request_id: Option<String>,
    pub(crate) content_type: Option<String>,
    /// The parsed `Retry-After` header.
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Decodes a 2xx body as `T`, from under `envelope` when given, reporting where it failed.
pub(crate) fn decode<T: DeserializeOwned>(
    envelope: Option<&'static str>,
    raw: &RawResponse,
) -> Result<T, Error> {
    // An empty body (204) reads as `null`, so `()` and `Option<_>` results still work.
    let body: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &raw.body
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
    let result = match envelope {
        // The seed reads only the envelope key and skips the rest without building a
        // `Value` of the whole body.
        Some(key) => EnvelopeSeed::<T>::new(key).deserialize(tracked),
        None => T::deserialize(tracked).map(Some),
    };
    match result.and_then(|value| de.end().map(|()| value)) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => {
            let key = envelope.unwrap_or_default();
            Err(decode_error(
                raw,
                key.to_owned(),
                format!("missing field `{key}`"),
            ))
        }
        Err(e) => Err(decode_error(raw, track.path().to_string(), e.to_string())),
    }
}

fn decode_error(raw: &RawResponse, path: String, message: String) -> Error {
    Error::Decode {
        status: raw.status,
        request_id: raw.request_id.clone(),
        path,
        message,
        body_snippet: snippet(&raw.body),
    }
}

/// Reads the value under one key of the top-level object; `None` when the key is absent.
struct EnvelopeSeed<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> EnvelopeSeed<T> {
    fn new(key: &'static str) -> Self {
        EnvelopeSeed {
            key,
            value: PhantomData,
        }
    }
}

impl<'de, T: de::Deserialize<'de>> DeserializeSeed<'de> for EnvelopeSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for EnvelopeSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with the key `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(is_envelope) = map.next_key_seed(KeyIs(self.key))? {
            if !is_envelope {
                map.next_value::<IgnoredAny>()?;
            } else if found.is_some() {
                return Err(de::Error::duplicate_field(self.key));
            } else {
                found = Some(map.next_value::<T>()?);
            }
        }
        Ok(found)
    }
}

/// Compares a map key with the wanted key without allocating it.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// The error for a non-2xx response.
pub(crate) fn error_from_response(format: &ErrorFormat, raw: RawResponse) -> Error {
    let api_error = serde_json::from_slice::<Value>(&raw.body)
        .ok()
        .and_then(|body| api_error_from_body(format, raw.status, raw.request_id.as_deref(), body));
    match api_error {
        Some(e) if e.status == 401 => Error::Unauthorized(Box::new(e)),
        Some(e) if e.status == 400 && format.invalid_input_type == Some(e.kind.as_str()) => {
            Error::InvalidInput(Box::new(e))
        }
        Some(e) => Error::Api(Box::new(e)),
        // A 401 is an auth failure whatever the body says (a gateway may answer it).
        None if raw.status == 401 => Error::Unauthorized(Box::new(ApiError {
            status: 401,
            kind: "unauthorized".to_owned(),
            message: snippet(&raw.body),
            request_id: raw.request_id,
            data: None,
            validation_errors: None,
            validation_messages_key: format.validation_messages_key,
        })),
        None => Error::UnexpectedResponse {
            status: raw.status,
            request_id: raw.request_id,
            content_type: raw.content_type,
            body_snippet: snippet(&raw.body),
        },
    }
}

/// The error object of a body in the API's error shape: a JSON object (under `envelope` if
/// set) with the type or message field.
fn api_error_from_body(
    format: &ErrorFormat,
    status: u16,
    header_request_id: Option<&str>,
    body: Value,
) -> Option<ApiError> {
    let Value::Object(mut outer) = body else {
        return None;
    };
    let mut object = match format.envelope {
        Some(key) => match outer.remove(key) {
            Some(Value::Object(object)) => object,
            _ => return None,
        },
        None => std::mem::take(&mut outer),
    };
    let has = |field: Option<&str>| field.is_some_and(|f| object.contains_key(f));
    if !has(format.type_field) && !has(format.message_field) {
        return None;
    }
    let mut take = |field: Option<&str>| field.and_then(|f| object.remove(f));
    let kind = take(format.type_field)
        .and_then(text)
        .unwrap_or_else(|| status_kind(status));
    let message = take(format.message_field)
        .and_then(text)
        .unwrap_or_default();
    // The id may sit in the error object or beside it; else it is in a header.
    let request_id = take(format.request_id_field)
        .or_else(|| format.request_id_field.and_then(|f| outer.remove(f)))
        .and_then(text)
        .or_else(|| header_request_id.map(str::to_owned));
    let data = take(format.data_field).filter(|v| !v.is_null());
    let validation_errors = take(format.validation_errors_field).filter(|v| !v.is_null());
    Some(ApiError {
        status,
        kind,
        message,
        request_id,
        data,
        validation_errors,
        validation_messages_key: format.validation_messages_key,
    })
}

/// A JSON scalar as text; `None` for null.
fn text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// The status's reason in snake_case (`not_found`), for errors that carry no type.
pub(super) fn status_kind(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|reason| {
            reason
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
                .map(|c| {
                    if c == ' ' || c == '-' {
                        '_'
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect()
        })
        .unwrap_or_else(|| format!("http_{status}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            request_id: Some("hdr".into()),
            content_type: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn status_kinds() {
        assert_eq!(status_kind(404), "not_found");
        assert_eq!(status_kind(429), "too_many_requests");
        assert_eq!(status_kind(599), "http_599");
    }

    #[test]
    fn envelope_paths() {
        #[derive(serde::Deserialize, Debug)]
        struct Thing {
            #[allow(dead_code)]
            n: u32,
        }
        let r = raw(200, r#"{"ok": true, "thing": {"n": "x"}}"#);
        match decode::<Thing>(Some("thing"), &r) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "thing.n"),
            other => panic!("{other:?}"),
        }
        let r = raw(200, r#"{"ok": true}"#);
        match decode::<Thing>(Some("thing"), &r) {
            Err(Error::Decode { path, message, .. }) => {
                assert_eq!(path, "thing");
                assert!(message.contains("missing field"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let r = raw(200, r#"{"thing": {"n": 1}, "thing": {"n": 2}}"#);
        assert!(decode::<Thing>(Some("thing"), &r).is_err());
        let r = raw(200, r#"{"thing": {"n": 1}} trailing"#);
        assert!(decode::<Thing>(Some("thing"), &r).is_err());
        let r = raw(204, "");
        decode::<()>(None, &r).expect("empty body is unit");
    }
}
