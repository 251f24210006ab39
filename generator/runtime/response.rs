//! Turning a response into a value (with its metadata, [`Response`]) or an [`Error`].
//!
//! Only [`decode`] is generic over the result type; error classification is not, so it is
//! compiled once rather than once per endpoint.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::descriptor::{ErrorFormat, ResponseShape};
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
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A decoded response value with the response's metadata, from
/// [`Call::send_with_metadata`](crate::Call::send_with_metadata).
///
/// ```no_run
/// # extern crate keyway_runtime as keyway; // shown as it reads through `keyway`
/// # type AccessCode = serde_json::Value;
/// // `call` is what an endpoint method returns, such as `client.access_codes().get(id)`.
/// async fn get_and_log(call: keyway::Call<AccessCode>) -> Result<(), keyway::Error> {
///     let response: keyway::Response<AccessCode> = call.send_with_metadata().await?;
///     if let Some(id) = response.request_id() {
///         println!("request id {id}");
///     }
///     let code: &AccessCode = response.value(); // or `into_inner()` to own it
///     # let _ = code;
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct Response<T> {
    value: T,
    status: u16,
    request_id: Option<String>,
    headers: HeaderMap,
    attempts: u32,
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, status: u16, request_id: Option<String>, headers: HeaderMap, attempts: u32) -> Self {
        Response { value, status, request_id, headers, attempts }
    }

    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, owned.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status code (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The request id the server gave this request, from the API's request-id header
    /// (`seam-request-id` for Seam), if the API sends one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One response header as text (`None` when absent or not visible ASCII); the first
    /// when it is repeated. Names are case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// How many attempts the call made (1 when the first succeeded).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

// Header values are left out (a `set-cookie` can hold a session): only their names.
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("Response")
            .field("value", &self.value)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("headers", &names)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Decodes a 2xx body as `T`, as `shape` says (the whole body, the value under an envelope
/// key, or nothing), reporting where it failed.
///
/// Takes the response's parts rather than a [`RawResponse`] so that fixtures decode their
/// static text without copying it.
pub(crate) fn decode<T: DeserializeOwned>(shape: ResponseShape, status: u16, request_id: Option<&str>, raw_body: &[u8]) -> Result<T, Error> {
    let fail = |path: String, message: String| Error::Decode {
        status,
        request_id: request_id.map(str::to_owned),
        path,
        message,
        body_snippet: snippet(raw_body),
    };
    let envelope = match shape {
        // The body is not read: `()` (what such endpoints give) comes from nothing.
        ResponseShape::Empty => {
            return T::deserialize(serde::de::value::UnitDeserializer::<serde_json::Error>::new()).map_err(|e| fail(".".to_owned(), e.to_string()));
        }
        ResponseShape::Body => None,
        ResponseShape::Envelope(key) => Some(key),
        // A write the envelope says failed is an error whatever the status.
        ResponseShape::Write(format) => match super::envelope::refusal(format, status, request_id, raw_body) {
            Some(error) => return Err(error),
            None => Some(format.value_field),
        },
    };
    // An empty body (204) reads as `null`, so `()` and `Option<_>` results still work.
    let body: &[u8] = if raw_body.iter().all(u8::is_ascii_whitespace) { b"null" } else { raw_body };
    // JSON is UTF-8 (RFC 8259). Checking the whole body at once lets serde_json read it as
    // `str`, which skips its per-string check: as fast as a hand-written `from_str`. A body
    // with invalid bytes is read with them replaced by U+FFFD rather than refused, so bad
    // bytes in a field the model skips do not fail the call (as with `from_slice`); a
    // second, byte-reading deserializer would double every type's decoding code.
    let lossy;
    let body = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(_) => {
            lossy = String::from_utf8_lossy(body);
            &*lossy
        }
    };
    // Plain serde_json: the path of a failure is recovered afterwards from the error's
    // position (see `json_path_at`), so the success path pays nothing for it and no second
    // deserializer is instantiated per type.
    let mut de = serde_json::Deserializer::from_str(body);
    let result = match envelope {
        // The seed reads only the envelope key and skips the rest without building a
        // `Value` of the whole body.
        Some(key) => EnvelopeSeed::<T>::new(key).deserialize(&mut de),
        None => T::deserialize(&mut de).map(Some),
    };
    match result.and_then(|value| de.end().map(|()| value)) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => {
            let key = envelope.unwrap_or_default();
            Err(fail(key.to_owned(), format!("missing field `{key}`")))
        }
        Err(e) => {
            let body = body.as_bytes();
            let mut path = json_path_at(body, byte_offset(body, e.line(), e.column()));
            // serde_json appends " at line L column C"; the path says more.
            let message = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message);
            // One rule for every path: it names the value that is wrong or missing. serde
            // reports a missing field at its object; the field itself is one step further.
            if let Some(field) = message.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
                path = if path == "." { field.to_owned() } else { format!("{path}.{field}") };
            }
            Err(fail(path, redact_values(message)))
        }
    }
}

/// A decoder's message with the body's values left out: serde quotes the value it did not
/// expect (`invalid type: string "tok_…", expected u32`), and bodies carry secrets. Values
/// become their kind and, for strings, their length (`a string of 12 characters`); what was
/// expected, field names and everything else are kept.
fn redact_values(message: &str) -> String {
    const MARKERS: [&str; 3] = ["invalid type: ", "invalid value: ", "unknown variant "];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let Some((at, marker)) = MARKERS.iter().filter_map(|m| rest.find(m).map(|at| (at, *m))).min_by_key(|(at, _)| *at) else {
            out.push_str(rest);
            return out;
        };
        let after = at + marker.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        if marker == "unknown variant " {
            // serde: "unknown variant `x`, expected one of `a`, `b`"; the variant is the value.
            if let Some(end) = rest.strip_prefix('`').and_then(|tail| tail.rfind("`, expected ").map(|end| end + 1)) {
                out.push('(');
                out.push_str(&string_hint(rest[1..end].chars().count()));
                out.push(')');
                rest = &rest[end + 1..];
                continue;
            }
            out.push_str("(not shown)");
            return out;
        }
        // serde's `Unexpected` forms that carry a value.
        if let Some(quoted) = rest.strip_prefix("string \"") {
            // The value is written with `{:?}`: it ends at the first unescaped quote. An
            // escape (`\n`, `\"`, `\u{1b}`) counts as one character.
            let bytes = quoted.as_bytes();
            let (mut i, mut chars, mut end) = (0, 0, None);
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        end = Some(i);
                        break;
                    }
                    b'\\' => {
                        chars += 1;
                        i = if bytes.get(i + 1) == Some(&b'u') {
                            bytes[i..].iter().position(|b| *b == b'}').map_or(bytes.len(), |close| i + close + 1)
                        } else {
                            i + 2
                        };
                    }
                    byte => {
                        // UTF-8 continuation bytes are part of the character before them.
                        if byte & 0xC0 != 0x80 {
                            chars += 1;
                        }
                        i += 1;
                    }
                }
            }
            if let Some(end) = end {
                out.push_str(&string_hint(chars));
                rest = &quoted[end + 1..];
            } else {
                // Not the form expected: drop the rest rather than risk quoting a value.
                out.push_str("a string");
                return out;
            }
            continue;
        }
        for (prefix, kind) in
            [("integer `", "an integer"), ("floating point `", "a floating point number"), ("boolean `", "a boolean"), ("character `", "a character")]
        {
            if let Some(value) = rest.strip_prefix(prefix) {
                // A character can itself be a backtick: skip one character before looking.
                let skip = value.chars().next().map_or(0, char::len_utf8);
                if let Some(end) = value.get(skip..).and_then(|tail| tail.find('`')) {
                    out.push_str(kind);
                    rest = &value[skip + end + 1..];
                } else {
                    out.push_str(kind);
                    return out;
                }
                break;
            }
        }
    }
}

/// `an empty string`, `a string of 1 character`, `a string of 12 characters`.
fn string_hint(chars: usize) -> String {
    match chars {
        0 => "an empty string".to_owned(),
        1 => "a string of 1 character".to_owned(),
        n => format!("a string of {n} characters"),
    }
}

/// The byte offset serde_json means by `line` (1-based) and `column` (bytes into the line).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(body.len(), |(i, _)| i + 1) };
    (line_start + column).min(body.len())
}

/// The JSON path (`access_code.errors[0].message`) of the value a decoder was reading when
/// it stopped at `offset`: serde_json reports a bad value just after reading it, and a
/// missing field just after the object's closing brace, so that brace still counts as
/// inside its object, and the path is the object's.
fn json_path_at(body: &[u8], offset: usize) -> String {
    enum Frame {
        /// The current key, once its `:` has been read.
        Object { key: Option<String>, in_value: bool },
        /// The current index, once an element has started.
        Array { index: usize, started: bool },
    }
    let offset = offset.min(body.len());
    let closes_container = offset > 0 && matches!(body[offset - 1], b'}' | b']');
    let scan = if closes_container { offset - 1 } else { offset };
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < scan {
        let byte = body[i];
        if let Some(Frame::Array { started, .. }) = frames.last_mut()
            && !byte.is_ascii_whitespace()
            && byte != b']'
            && byte != b','
        {
            *started = true;
        }
        match byte {
            b'{' => frames.push(Frame::Object { key: None, in_value: false }),
            b'[' => frames.push(Frame::Array { index: 0, started: false }),
            b'}' | b']' => {
                frames.pop();
            }
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = frames.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object { key, in_value }) => {
                    *key = None;
                    *in_value = false;
                }
                Some(Frame::Array { index, started }) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < scan && body[end] != b'"' {
                    end += if body[end] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, in_value: false }) = frames.last_mut() {
                    let raw = &body[start..end.min(scan)];
                    // An escaped key (`"a\u005fb"`) is shown as the name it stands for.
                    let unescaped =
                        raw.contains(&b'\\').then(|| body.get(i..=end).and_then(|quoted| serde_json::from_slice::<String>(quoted).ok())).flatten();
                    *key = Some(unescaped.unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned()));
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    if closes_container {
        // The error is about the container itself (a missing field, a union variant that
        // did not decode): its own path, not that of its last member.
        match frames.last_mut() {
            Some(Frame::Object { in_value, .. }) => *in_value = false,
            Some(Frame::Array { started, .. }) => *started = false,
            None => {}
        }
    } else if let Some(Frame::Array { started, .. }) = frames.last_mut() {
        // serde_json reports an object or array of the wrong type before reading its
        // opening bracket: the element has begun if anything but `]` or `,` comes next.
        let next = body[offset..].iter().find(|b| !b.is_ascii_whitespace());
        if next.is_some_and(|b| *b != b']' && *b != b',') {
            *started = true;
        }
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key), in_value: true } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index, started: true } => {
                path.push_str(&format!("[{index}]"));
            }
            _ => break,
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
}

/// Reads the value under one key of the top-level object; `None` when the key is absent.
struct EnvelopeSeed<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> EnvelopeSeed<T> {
    fn new(key: &'static str) -> Self {
        EnvelopeSeed { key, value: PhantomData }
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
    let api_error =
        serde_json::from_slice::<Value>(&raw.body).ok().and_then(|body| api_error_from_body(format, raw.status, raw.request_id.as_deref(), body));
    match api_error {
        Some(e) if e.status == 401 => Error::Unauthorized(Box::new(e)),
        Some(e) if e.status == 400 && format.invalid_input_type == Some(e.kind.as_str()) => Error::InvalidInput(Box::new(e)),
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
            property_errors: Vec::new(),
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
fn api_error_from_body(format: &ErrorFormat, status: u16, header_request_id: Option<&str>, body: Value) -> Option<ApiError> {
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
    let kind = take(format.type_field).and_then(text).unwrap_or_else(|| status_kind(status));
    let message = take(format.message_field).and_then(text).unwrap_or_default();
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
        property_errors: Vec::new(),
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
                .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() })
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
            headers: HeaderMap::new(),
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
        match decode::<Thing>(ResponseShape::Envelope("thing"), r.status, None, &r.body) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "thing.n"),
            other => panic!("{other:?}"),
        }
        let r = raw(200, r#"{"ok": true}"#);
        match decode::<Thing>(ResponseShape::Envelope("thing"), r.status, None, &r.body) {
            Err(Error::Decode { path, message, .. }) => {
                assert_eq!(path, "thing");
                assert!(message.contains("missing field"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let r = raw(200, r#"{"thing": {"n": 1}, "thing": {"n": 2}}"#);
        assert!(decode::<Thing>(ResponseShape::Envelope("thing"), r.status, None, &r.body).is_err());
        let r = raw(200, r#"{"thing": {"n": 1}} trailing"#);
        assert!(decode::<Thing>(ResponseShape::Envelope("thing"), r.status, None, &r.body).is_err());
        let r = raw(204, "");
        decode::<()>(ResponseShape::Body, r.status, None, &r.body).expect("empty body is unit");
    }

    /// The path recovered from serde_json's error position, case by case.
    #[test]
    fn paths_of_failures() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            n: u32,
            s: Option<String>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            name: String,
            items: Vec<Inner>,
            #[serde(default)]
            tags: Vec<String>,
        }
        let path_of = |body: &str| match decode::<Outer>(ResponseShape::Envelope("outer"), 200, None, body.as_bytes()) {
            Err(Error::Decode { path, message, .. }) => (path, message),
            other => panic!("{body}: {other:?}"),
        };
        let cases = [
            (r#"{"outer": {"name": 7, "items": []}}"#, "outer.name"),
            (r#"{"outer": {"name": "a", "items": [{"n": 1}, {"n": "x"}]}}"#, "outer.items[1].n"),
            (r#"{"outer": {"name": "a", "items": [{"n": 1}, {"s": "}{]["}]}}"#, "outer.items[1].n"),
            (r#"{"outer": {"name": "a", "items": [], "tags": ["x", 2]}}"#, "outer.tags[1]"),
            (r#"{"outer": {"items": []}}"#, "outer.name"),
            (r#"{"outer": {"name": "a\"b,c:d", "items": 3}}"#, "outer.items"),
            ("{\n  \"outer\": {\n    \"name\": \"a\",\n    \"items\": [\n      {\"n\": -1}\n    ]\n  }\n}", "outer.items[0].n"),
            (r#"{"outer": {"name": "a", "items": [{"n": 1, "s": "unterminated"#, "outer.items[0].s"),
            (r#"{"outer": {"name": "a", "items": []}} trailing"#, "."),
            (r#"{"outer": {"name": "a", "items": [], "tags": ["x", {}]}}"#, "outer.tags[1]"),
            (r#"{"outer": {"name": "a", "items": [{"n": 1}, []]}}"#, "outer.items[1]"),
            (r#"{"outer": {"name": "a", "items": [], "ta\u0067s": [1]}}"#, "outer.tags[0]"),
        ];
        for (body, expected) in cases {
            let (path, message) = path_of(body);
            assert_eq!(path, expected, "{body}: {message}");
            assert!(!message.contains(" at line "), "{message}");
        }
        // The rule, for the root too: a missing value is reported at its own path.
        match decode::<Inner>(ResponseShape::Body, 200, None, b"{}") {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "n"),
            other => panic!("{other:?}"),
        }
        // Invalid UTF-8 in a skipped field does not fail the decode; in a decoded one it is
        // replaced, not refused.
        let body = b"{\"outer\": {\"name\": \"a\xffb\", \"items\": [], \"skipped\": \"\xfe\"}}";
        match decode::<Outer>(ResponseShape::Envelope("outer"), 200, Some("req_1"), body) {
            Ok(outer) => assert_eq!(outer.name, "a\u{fffd}b"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_are_left_out_of_messages() {
        let cases = [
            (r#"invalid type: string "tok_secret", expected u32"#, "invalid type: a string of 10 characters, expected u32"),
            (r#"invalid type: string "", expected u32"#, "invalid type: an empty string, expected u32"),
            (r#"invalid type: string "a\"b, expected x\u{1b}é", expected u32"#, "invalid type: a string of 17 characters, expected u32"),
            ("invalid value: integer `5000000000`, expected u32", "invalid value: an integer, expected u32"),
            ("invalid type: floating point `1.5`, expected u32", "invalid type: a floating point number, expected u32"),
            ("invalid type: boolean `true`, expected a string", "invalid type: a boolean, expected a string"),
            ("invalid type: character ```, expected u32", "invalid type: a character, expected u32"),
            ("unknown variant `s3cr`, expected one of `a`, `b`", "unknown variant (a string of 4 characters), expected one of `a`, `b`"),
            ("unknown variant `x`, expected `y`, expected one of `a`", "unknown variant (a string of 15 characters), expected one of `a`"),
            ("invalid type: map, expected a string", "invalid type: map, expected a string"),
            ("missing field `code`", "missing field `code`"),
            (r#"invalid type: string "unterminated"#, "invalid type: a string"),
            (
                r#"x: invalid type: string "one", expected y; invalid value: string "two", expected z"#,
                "x: invalid type: a string of 3 characters, expected y; invalid value: a string of 3 characters, expected z",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(redact_values(message), expected, "{message}");
        }
    }
}
