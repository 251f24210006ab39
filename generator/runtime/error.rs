//! The one error type of the crate, and the API's own error body.
//!
//! Messages are built only from status codes, server-supplied error text, endpoint ids and
//! configuration names: credentials and request URLs (whose query may carry user data) are
//! never formatted into them.

use std::fmt;
use std::time::Duration;

/// The most of a response body kept in an error, in bytes.
pub(crate) const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong when configuring a client or calling an endpoint.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-2xx status and a body in its documented error shape.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The API answered 401: the credentials are missing, wrong or expired.
    #[error("authentication failed: {0}")]
    Unauthorized(Box<ApiError>),

    /// The API answered 400 with its invalid-input error type; see
    /// [`ApiError::validation_errors_for`] for the per-parameter messages.
    #[error("{0}")]
    InvalidInput(Box<ApiError>),

    /// A non-2xx response whose body is not the API's error shape, such as an HTML page
    /// from a proxy or a plain-text 404.
    #[error(
        "unexpected HTTP {status} response{}{}: {body_snippet}",
        ContentTypeSuffix(content_type.as_deref()),
        RequestIdSuffix(request_id.as_deref())
    )]
    UnexpectedResponse {
        /// HTTP status code.
        status: u16,
        /// Request id from the response header, if the API sends one.
        request_id: Option<String>,
        /// The response's `content-type` header.
        content_type: Option<String>,
        /// The start of the body (at most 512 bytes, cut on a character boundary).
        body_snippet: String,
    },

    /// A 2xx response whose body does not match the expected type.
    // The snippet is kept out of the message: success bodies can carry tokens.
    #[error(
        "could not decode the HTTP {status} response at `{path}`: {message}{}",
        RequestIdSuffix(request_id.as_deref())
    )]
    Decode {
        /// HTTP status code.
        status: u16,
        /// Request id from the response header, if the API sends one.
        request_id: Option<String>,
        /// The JSON path of the value that is wrong or missing (`access_code.created_at`,
        /// `access_code.errors[1].message`; `.` for the whole body). One rule for every
        /// failure: a missing field is reported at its own path, as a missing envelope key
        /// is (`access_code`).
        path: String,
        /// What was wrong there: what was expected and the kind of value found
        /// (`invalid value: a string of 12 characters, expected an RFC 3339 timestamp
        /// string`), never the value itself, since success bodies can carry secrets.
        message: String,
        /// The start of the body (at most 512 bytes, cut on a character boundary). Never in
        /// `Display` or `Debug`: it can hold secrets, so log it only where they may go.
        body_snippet: String,
    },

    /// The last attempt took longer than the attempt timeout
    /// ([`ClientBuilder::attempt_timeout`](crate::ClientBuilder::attempt_timeout), 30 s by
    /// default), and no retry was left or allowed. See [`Error::CallTimeout`] for the
    /// deadline of the whole call.
    #[error("{endpoint}: an attempt timed out after {after:?} (the attempt timeout)")]
    Timeout {
        /// The endpoint id (`access_codes.get`).
        endpoint: &'static str,
        /// The per-attempt timeout that elapsed.
        after: Duration,
    },

    /// The whole call (every attempt, the waits between them and asking the token source)
    /// took longer than its deadline
    /// ([`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout) or
    /// [`Call::call_timeout`](crate::Call::call_timeout)); whatever was in progress was
    /// abandoned.
    #[error("{endpoint}: the call timed out after {after:?} (the call timeout), during attempt {attempts}")]
    CallTimeout {
        /// The endpoint id (`access_codes.get`).
        endpoint: &'static str,
        /// The deadline of the whole call that elapsed.
        after: Duration,
        /// How many attempts had started, the one cut off included (asking the token source
        /// is part of an attempt).
        attempts: u32,
    },

    /// The response body is larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size),
    /// 10 MiB by default). It was refused from its `Content-Length` before reading, or as
    /// soon as the bytes read passed the limit; at most the limit was held in memory.
    #[error(
        "{endpoint}: the HTTP {status} response is larger than the limit of {}{}{}; raise it with \
         ClientBuilder::max_response_size or Call::max_response_size",
        ByteSize(*limit),
        DeclaredLength(*content_length),
        RequestIdSuffix(request_id.as_deref())
    )]
    ResponseTooLarge {
        /// The endpoint id (`access_codes.get`).
        endpoint: &'static str,
        /// HTTP status code.
        status: u16,
        /// Request id from the response header, if the API sends one.
        request_id: Option<String>,
        /// The limit in bytes.
        limit: u64,
        /// The length the response declared in `Content-Length`, if it sent one.
        content_length: Option<u64>,
    },

    /// The connection to the server could not be established (DNS, refused, TLS).
    #[error("{endpoint}: could not connect: {message}")]
    Connect {
        /// The endpoint id (`access_codes.get`).
        endpoint: &'static str,
        /// What went wrong.
        message: String,
    },

    /// The request or response failed in transit after connecting.
    #[error("{endpoint}: request failed: {message}")]
    Transport {
        /// The endpoint id (`access_codes.get`).
        endpoint: &'static str,
        /// What went wrong.
        message: String,
    },

    /// The client's auth mode is not one the endpoint accepts; nothing was sent.
    #[error(
        "{endpoint} does not accept the `{mode}` auth mode; it accepts: {}",
        accepted.join(", ")
    )]
    AuthModeNotAccepted {
        /// The endpoint id (`access_codes.get`).
        endpoint: &'static str,
        /// The client's auth mode.
        mode: &'static str,
        /// The auth modes the endpoint accepts.
        accepted: &'static [&'static str],
    },

    /// Invalid configuration: a bad base URL, plain http to a remote host, missing or
    /// conflicting environment variables, or parameters that cannot be sent.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A value given to the client could not be read, such as a timestamp that is not
    /// RFC 3339 (`"…".parse::<Timestamp>()?` converts into this); nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// The caller's token source failed to produce a token.
    #[error("the token source failed: {0}")]
    TokenSource(String),

    /// An asynchronous action that was waited for ended in a failure status; see
    /// [`ActionFailure`] for its id, status and the API's error type and message.
    #[error("{0}")]
    ActionFailed(Box<ActionFailure>),

    /// Waiting for an asynchronous action took longer than its timeout (10 s unless set
    /// with [`Wait::timeout`](crate::Wait::timeout)); the action may still finish. No
    /// more polls are sent.
    #[error("{endpoint}: action {action_id} was still `{last_status}` after {waited:?} (the wait timeout)")]
    ActionTimeout {
        /// The endpoint whose call started the action (`locks.unlock_door`).
        endpoint: &'static str,
        /// The action's id, to read it again later.
        action_id: String,
        /// The status the last poll showed.
        last_status: String,
        /// How long the wait lasted.
        waited: Duration,
    },

    /// The API's OAuth2 token endpoint gave no token: it refused the grant, answered
    /// something else than a token, or could not be reached. Nothing was sent to the
    /// endpoint the call was for.
    #[error(
        "the token endpoint gave no token for the `{grant}` grant{}{}: {description}",
        StatusSuffix(*status),
        code.as_deref().map(|code| format!(" ({code})")).unwrap_or_default()
    )]
    TokenEndpoint {
        /// The grant asked for: `password` or `refresh_token`.
        grant: &'static str,
        /// The HTTP status of the answer; `None` when none came.
        status: Option<u16>,
        /// The OAuth2 error code of a refusal (`invalid_grant`).
        code: Option<String>,
        /// The endpoint's `error_description`, or what went wrong.
        description: String,
    },

    /// A list's pages did not follow one another as documented: a page gave back the
    /// cursor it was fetched with (fetching on would loop), or said a next page exists
    /// without giving its cursor. Streams yield it after the items before it, then end.
    #[error("{endpoint}: paging stopped: {message}{}", RequestIdSuffix(request_id.as_deref()))]
    Paging {
        /// The endpoint id (`access_codes.list`).
        endpoint: &'static str,
        /// Request id of the page that went wrong, if the API sends one.
        request_id: Option<String>,
        /// What went wrong.
        message: String,
    },
}

// By hand rather than derived: `Decode`'s snippet is of a success body, which can carry
// tokens, so `Debug` (and so `unwrap()`'s panic message) shows only its length.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::Unauthorized(error) => f.debug_tuple("Unauthorized").field(error).finish(),
            Error::InvalidInput(error) => f.debug_tuple("InvalidInput").field(error).finish(),
            Error::UnexpectedResponse { status, request_id, content_type, body_snippet } => f
                .debug_struct("UnexpectedResponse")
                .field("status", status)
                .field("request_id", request_id)
                .field("content_type", content_type)
                .field("body_snippet", body_snippet)
                .finish(),
            Error::Decode { status, request_id, path, message, body_snippet } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("request_id", request_id)
                .field("path", path)
                .field("message", message)
                .field("body_snippet", &format_args!("<{} bytes, not shown>", body_snippet.len()))
                .finish(),
            Error::InvalidArgument(message) => f.debug_tuple("InvalidArgument").field(message).finish(),
            Error::Paging { endpoint, request_id, message } => {
                f.debug_struct("Paging").field("endpoint", endpoint).field("request_id", request_id).field("message", message).finish()
            }
            Error::TokenEndpoint { grant, status, code, description } => f
                .debug_struct("TokenEndpoint")
                .field("grant", grant)
                .field("status", status)
                .field("code", code)
                .field("description", description)
                .finish(),
            Error::Timeout { endpoint, after } => f.debug_struct("Timeout").field("endpoint", endpoint).field("after", after).finish(),
            Error::CallTimeout { endpoint, after, attempts } => {
                f.debug_struct("CallTimeout").field("endpoint", endpoint).field("after", after).field("attempts", attempts).finish()
            }
            Error::ResponseTooLarge { endpoint, status, request_id, limit, content_length } => f
                .debug_struct("ResponseTooLarge")
                .field("endpoint", endpoint)
                .field("status", status)
                .field("request_id", request_id)
                .field("limit", limit)
                .field("content_length", content_length)
                .finish(),
            Error::Connect { endpoint, message } => f.debug_struct("Connect").field("endpoint", endpoint).field("message", message).finish(),
            Error::Transport { endpoint, message } => f.debug_struct("Transport").field("endpoint", endpoint).field("message", message).finish(),
            Error::AuthModeNotAccepted { endpoint, mode, accepted } => {
                f.debug_struct("AuthModeNotAccepted").field("endpoint", endpoint).field("mode", mode).field("accepted", accepted).finish()
            }
            Error::Config(message) => f.debug_tuple("Config").field(message).finish(),
            Error::ActionFailed(failure) => f.debug_tuple("ActionFailed").field(failure).finish(),
            Error::ActionTimeout { endpoint, action_id, last_status, waited } => f
                .debug_struct("ActionTimeout")
                .field("endpoint", endpoint)
                .field("action_id", action_id)
                .field("last_status", last_status)
                .field("waited", waited)
                .finish(),
            Error::TokenSource(message) => f.debug_tuple("TokenSource").field(message).finish(),
        }
    }
}

impl Error {
    /// The HTTP status of the response the error came from, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::Unauthorized(e) | Error::InvalidInput(e) => Some(e.status),
            Error::UnexpectedResponse { status, .. } | Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request id the server gave the failed request, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) | Error::Unauthorized(e) | Error::InvalidInput(e) => e.request_id.as_deref(),
            Error::UnexpectedResponse { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::ResponseTooLarge { request_id, .. }
            | Error::Paging { request_id, .. } => request_id.as_deref(),
            Error::ActionFailed(failure) => failure.request_id.as_deref(),
            _ => None,
        }
    }

    /// The API's error body, for [`Error::Api`], [`Error::Unauthorized`] and
    /// [`Error::InvalidInput`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::Unauthorized(e) | Error::InvalidInput(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the API itself said the resource does not exist: a 404 whose body is in the
    /// API's documented error shape ([`Error::Api`]). A 404 from anything else (a proxy's
    /// HTML page, a route the server does not have, a bare `404` text body) is not: that
    /// usually means a wrong base URL or a gateway problem, not a missing resource. See
    /// [`Error::is_http_404`] for any 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api(e) if e.status == 404)
    }

    /// Whether the server answered 404, whatever the body: the API's own not-found
    /// ([`Error::is_not_found`]) or a 404 in another shape ([`Error::UnexpectedResponse`]).
    pub fn is_http_404(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether an attempt, the whole call or the wait for an action timed out
    /// ([`Error::Timeout`], [`Error::CallTimeout`] or [`Error::ActionTimeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::CallTimeout { .. } | Error::ActionTimeout { .. })
    }

    /// The failure of an awaited asynchronous action ([`Error::ActionFailed`]).
    pub fn action_failure(&self) -> Option<&ActionFailure> {
        match self {
            Error::ActionFailed(failure) => Some(failure),
            _ => None,
        }
    }

    /// Whether the deadline of the whole call expired ([`Error::CallTimeout`]).
    pub fn is_call_timeout(&self) -> bool {
        matches!(self, Error::CallTimeout { .. })
    }

    /// Whether the response was larger than the limit ([`Error::ResponseTooLarge`]).
    pub fn is_response_too_large(&self) -> bool {
        matches!(self, Error::ResponseTooLarge { .. })
    }
}

/// An asynchronous action that ended in a failure status, as its last reading showed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{endpoint}: action {action_id} ended `{status}`{}: {}",
    ErrorTypeSuffix(error_type.as_deref()),
    message.as_deref().unwrap_or("the API gave no message")
)]
#[non_exhaustive]
pub struct ActionFailure {
    /// The endpoint whose call started the action (`locks.unlock_door`).
    pub endpoint: &'static str,
    /// The action's id.
    pub action_id: String,
    /// Its final status (`error`).
    pub status: String,
    /// The type of its error (`device_offline`), if the action gives one.
    pub error_type: Option<String>,
    /// The message of its error, if the action gives one.
    pub message: Option<String>,
    /// Request id of the response that showed the failure, if the API sends one.
    pub request_id: Option<String>,
}

/// An error reported by the API in its documented error shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Machine-readable error type (`access_code_not_found`). When the body has none, the
    /// status's reason in snake_case (`not_found`).
    pub kind: String,
    /// Human-readable message from the server.
    pub message: String,
    /// Request id from the body, else from the request-id response header.
    pub request_id: Option<String>,
    /// Extra structured data the server attached to the error.
    pub data: Option<serde_json::Value>,
    /// Per-parameter validation errors (for invalid input).
    pub validation_errors: Option<serde_json::Value>,
    /// How the API lays out `validation_errors` (from the spec's error format).
    pub(crate) validation_messages_key: Option<&'static str>,
    /// The per-property errors of a write envelope that says the write failed (Nexudus'
    /// `Errors`), in the order given; empty otherwise.
    pub property_errors: Vec<PropertyError>,
}

/// One property a write was refused for, as a write envelope lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyError {
    /// The property's name (`AccessCode`); empty when the API gave none.
    pub property: String,
    /// Why it was refused (`is a required field`).
    pub message: String,
    /// The value that was sent for it, when the API echoes it (`null` when it was missing).
    pub attempted_value: Option<serde_json::Value>,
}

impl ApiError {
    /// Whether the status is 404.
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// The validation messages for one parameter.
    ///
    /// From a write envelope's property errors when it has any; else reads the validation tree in the API's layout (for Seam,
    /// `{"_errors": [..], "<param>": {"_errors": [..]}}`); a nested parameter can be named
    /// with dots (`location.name`). Empty when there are none.
    pub fn validation_errors_for(&self, param: &str) -> Vec<String> {
        if !self.property_errors.is_empty() {
            return self.property_errors.iter().filter(|e| e.property == param).map(|e| e.message.clone()).collect();
        }
        let Some(tree) = &self.validation_errors else {
            return Vec::new();
        };
        // A key that itself contains dots wins over walking the dotted path.
        let node = tree.get(param).or_else(|| param.split('.').try_fold(tree, |node, segment| node.get(segment)));
        node.map(|node| error_strings(node, self.validation_messages_key)).unwrap_or_default()
    }

    /// The validation messages that concern the request as a whole (the tree's top-level
    /// messages; none when the API's layout has no such level).
    pub fn form_errors(&self) -> Vec<String> {
        match self.validation_messages_key {
            Some(key) => self.validation_errors.as_ref().map(|tree| error_strings(tree, Some(key))).unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

/// The messages of a validation node: under `key` when the layout has one, else the node.
fn error_strings(node: &serde_json::Value, key: Option<&str>) -> Vec<String> {
    let messages = match key {
        Some(key) => node.get(key),
        None => Some(node),
    };
    messages
        .and_then(|errors| errors.as_array())
        .map(|errors| {
            errors
                .iter()
                .map(|e| match e {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.kind, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        write!(f, "{}", RequestIdSuffix(self.request_id.as_deref()))
    }
}

impl std::error::Error for ApiError {}

/// Formats ` (request id X)` when there is one.
struct RequestIdSuffix<'a>(Option<&'a str>);

/// ` (HTTP 400)`, or nothing.
struct StatusSuffix(Option<u16>);

impl fmt::Display for StatusSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(status) => write!(f, " (HTTP {status})"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

/// ` (device_offline)` after an action's status, when its error has a type.
struct ErrorTypeSuffix<'a>(Option<&'a str>);

impl fmt::Display for ErrorTypeSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(kind) => write!(f, " ({kind})"),
            None => Ok(()),
        }
    }
}

/// A byte count for people: `10 MiB (10485760 bytes)`, or `512 bytes`.
pub(crate) struct ByteSize(pub(crate) u64);

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
        match UNITS.iter().find(|(size, _)| self.0 >= *size) {
            Some((size, unit)) if self.0.is_multiple_of(*size) => write!(f, "{} {unit} ({} bytes)", self.0 / size, self.0),
            Some((size, unit)) => write!(f, "{:.1} {unit} ({} bytes)", self.0 as f64 / *size as f64, self.0),
            None => write!(f, "{} bytes", self.0),
        }
    }
}

/// Formats ` (it declared N bytes)` when the response sent a `Content-Length`.
struct DeclaredLength(Option<u64>);

impl fmt::Display for DeclaredLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(length) => write!(f, " (its Content-Length is {length})"),
            None => Ok(()),
        }
    }
}

/// Formats ` (content-type X)` when there is one.
struct ContentTypeSuffix<'a>(Option<&'a str>);

impl fmt::Display for ContentTypeSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ct) => write!(f, " ({ct})"),
            None => Ok(()),
        }
    }
}

/// The start of a body as text: at most [`SNIPPET_LIMIT`] bytes, cut on a character
/// boundary, surrounding whitespace trimmed.
pub(crate) fn snippet(body: &[u8]) -> String {
    // Decoding only a prefix keeps a huge body from being copied; lossy decoding can grow
    // the text (one bad byte becomes three), hence the second cut.
    let prefix = &body[..body.len().min(SNIPPET_LIMIT)];
    let text = String::from_utf8_lossy(prefix);
    truncate_str(text.trim(), SNIPPET_LIMIT).to_owned()
}

/// `s` cut to at most `max` bytes on a character boundary.
pub(crate) fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded_on_a_char_boundary() {
        let body = "é".repeat(400); // 800 bytes
        let s = snippet(body.as_bytes());
        assert!(s.len() <= SNIPPET_LIMIT);
        assert_eq!(s.len(), 512);
        let body = format!("a{}", "é".repeat(400));
        let s = snippet(body.as_bytes());
        assert_eq!(s.len(), 511);
        assert_eq!(snippet(&[0xff; 600]).len(), 510);
    }

    #[test]
    fn validation_tree() {
        let e = ApiError {
            status: 400,
            kind: "invalid_input".into(),
            message: "bad".into(),
            request_id: None,
            data: None,
            validation_errors: Some(serde_json::json!({
                "_errors": ["form"],
                "code": {"_errors": ["too short", "digits only"]},
                "location": {"_errors": [], "name": {"_errors": ["required"]}}
            })),
            validation_messages_key: Some("_errors"),
            property_errors: Vec::new(),
        };
        assert_eq!(e.form_errors(), vec!["form"]);
        assert_eq!(e.validation_errors_for("code"), vec!["too short", "digits only"]);
        assert_eq!(e.validation_errors_for("location.name"), vec!["required"]);
        assert!(e.validation_errors_for("nope").is_empty());
    }
}
