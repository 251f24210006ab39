//! A prepared request ([`Call`]) and the one non-generic send path with retries.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{self, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;
use tracing::Instrument;

use super::client::ClientCore;
use super::descriptor::{ArrayStyle, EndpointDescriptor, ParamLocation, PathPart, ResponseShape};
use super::error::Error;
use super::response::{RawResponse, Response, decode, error_from_response};

/// The longest computed backoff between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// The longest wait a server's `Retry-After` can impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Per-call overrides of the client's settings.
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_response_size: Option<u64>,
}

/// A prepared request to one endpoint. Nothing is sent until it is awaited (or
/// [`send`](Call::send) is awaited); before that, its timeouts, retries and size limit can
/// be adjusted, as in `client.access_codes().get(id).call_timeout(Duration::from_secs(5)).await?`.
///
/// Awaiting it gives the decoded value; [`send_with_metadata`](Call::send_with_metadata)
/// gives it with the response's status, request id and headers.
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<T> {
    pub(crate) core: ClientCore,
    pub(crate) endpoint: &'static EndpointDescriptor,
    /// The parameters as an object keyed by wire name, or the error serializing them.
    pub(crate) params: Result<Value, Error>,
    pub(crate) options: RequestOptions,
    /// The caller's idempotency key; without it each call makes a fresh one.
    pub(crate) idempotency_key: Option<String>,
    // `fn() -> T` keeps `Call<T>` `Send + Sync` whatever `T` is: no `T` is stored.
    response: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Call<T> {
    // Parameters are left out: they can hold codes and other user data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("endpoint", &self.endpoint.id).field("options", &self.options).finish_non_exhaustive()
    }
}

impl<T> Call<T> {
    /// A call of `endpoint` with `params` (a struct serializing to an object keyed by wire
    /// name; `None` fields are not sent). Generated methods wrap this.
    #[doc(hidden)]
    pub fn new(core: &ClientCore, endpoint: &'static EndpointDescriptor, params: impl serde::Serialize) -> Self {
        let params = serde_json::to_value(params).map_err(|e| Error::Config(format!("could not serialize the parameters of {}: {e}", endpoint.id)));
        Call { core: core.clone(), endpoint, params, options: RequestOptions::default(), idempotency_key: None, response: PhantomData }
    }

    /// The same call again, for the next page of a list.
    pub(crate) fn fork(&self) -> Call<T> {
        // `Error` is not `Clone`; the parameters' errors are all `Config`, so the message is
        // carried over as it is (its `Display` would add a second "invalid configuration").
        let params = match &self.params {
            Ok(params) => Ok(params.clone()),
            Err(Error::Config(message)) => Err(Error::Config(message.clone())),
            Err(error) => Err(Error::Config(error.to_string())),
        };
        Call {
            core: self.core.clone(),
            endpoint: self.endpoint,
            params,
            options: self.options,
            idempotency_key: self.idempotency_key.clone(),
            response: PhantomData,
        }
    }

    /// Overrides the client's per-attempt timeout for this call (see
    /// [`ClientBuilder::attempt_timeout`](crate::ClientBuilder::attempt_timeout)).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The old name of [`attempt_timeout`](Self::attempt_timeout): it bounds each attempt,
    /// not the call.
    #[deprecated(note = "bounds each attempt, not the call: use `attempt_timeout`, or `call_timeout` for the whole call")]
    pub fn timeout(self, timeout: Duration) -> Self {
        self.attempt_timeout(timeout)
    }

    /// Sets the deadline of this whole call (every attempt, the waits between them and
    /// asking the token source), overriding the client's (see
    /// [`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout)). When it expires
    /// the call ends with [`Error::CallTimeout`].
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.options.call_timeout = Some(timeout);
        self
    }

    /// Overrides the client's largest accepted response body for this call, in bytes (see
    /// [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)).
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.options.max_response_size = Some(bytes);
        self
    }

    /// Overrides the client's retry count for this call. Calls with side effects are never
    /// retried, whatever this says.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Sends this idempotency key instead of a fresh one, for an endpoint that declares an
    /// idempotency header: a call repeated with the same key (after a crash, say) is applied
    /// once by the server. Every retry of the call sends the same key either way. On an
    /// endpoint without one the call fails with [`Error::Config`], since nothing would
    /// carry the key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Makes exactly one attempt.
    pub fn no_retries(self) -> Self {
        self.max_retries(0)
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<T> {
    /// Sends the request, retrying where safe, and decodes the response. The same as
    /// awaiting the call.
    pub async fn send(self) -> Result<T, Error> {
        self.send_with_metadata().await.map(Response::into_inner)
    }

    /// Sends the request like [`send`](Call::send), and gives the decoded value with the
    /// response's metadata: status, request id and headers.
    ///
    /// ```no_run
    /// # extern crate keyway_runtime as keyway; // shown as it reads through `keyway`
    /// # type AccessCode = serde_json::Value;
    /// // `call` is what an endpoint method returns, such as `client.access_codes().get(id)`.
    /// async fn get_and_log(call: keyway::Call<AccessCode>) -> Result<AccessCode, keyway::Error> {
    ///     let response = call.send_with_metadata().await?;
    ///     println!("HTTP {} request id {:?}", response.status(), response.request_id());
    ///     let remaining = response.header("x-ratelimit-remaining");
    ///     # let _ = remaining;
    ///     Ok(response.into_inner())
    /// }
    /// ```
    pub async fn send_with_metadata(self) -> Result<Response<T>, Error> {
        let params = self.params?;
        let (raw, attempts) = execute(&self.core, self.endpoint, &params, self.options, self.idempotency_key.as_deref()).await?;
        let value = decode(self.endpoint.response, raw.status, raw.request_id.as_deref(), &raw.body)?;
        Ok(Response::new(value, raw.status, raw.request_id, raw.headers, attempts))
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A random (version 4) UUID, the form idempotency keys usually take.
fn fresh_key() -> String {
    let mut bytes: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// A request ready to be sent, possibly several times.
struct Prepared {
    url: Url,
    /// Header parameters, checked when prepared.
    headers: Vec<(header::HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
    /// The body's media type: JSON, or a form for an endpoint with form parameters.
    content_type: &'static str,
}

/// Sends one call: checks the auth mode, builds the request, and makes up to
/// `1 + max_retries` attempts, all within the call's deadline if it has one. Returns the
/// first 2xx response and how many attempts were made; anything else is an error.
pub(crate) async fn execute(
    core: &ClientCore,
    endpoint: &'static EndpointDescriptor,
    params: &Value,
    options: RequestOptions,
    idempotency_key: Option<&str>,
) -> Result<(RawResponse, u32), Error> {
    let mode = core.auth_mode();
    if !endpoint.auth_modes.contains(&mode.name) {
        return Err(Error::AuthModeNotAccepted { endpoint: endpoint.id, mode: mode.name, accepted: endpoint.auth_modes });
    }
    let mut prepared = prepare(core.base_url(), endpoint, params)?;
    // One key per call, made here so that every retry of the call sends it again.
    match (endpoint.idempotency_header, idempotency_key) {
        (Some(name), key) => {
            let key = key.map_or_else(fresh_key, str::to_owned);
            let name = header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` of {} is not a valid header name", endpoint.id)))?;
            let value = HeaderValue::from_str(&key)
                .map_err(|_| Error::Config(format!("the idempotency key of {} holds a character a header cannot", endpoint.id)))?;
            prepared.headers.push((name, value));
        }
        (None, Some(_)) => {
            return Err(Error::Config(format!("{} declares no idempotency header, so an idempotency key cannot be sent", endpoint.id)));
        }
        (None, None) => {}
    }
    // Fields name the request, never its headers, body or parameter values (a path
    // parameter can be a secret): the path is the template.
    // One target for every generated crate's spans and events, whatever crate the runtime
    // is compiled in: `RUST_LOG=keyway=debug`.
    let span = tracing::debug_span!(
        target: "keyway",
        "request",
        api = endpoint.api.name,
        endpoint = endpoint.id,
        method = endpoint.method.as_str(),
        path = %PathTemplate(endpoint.path),
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    let started = tokio::time::Instant::now();
    let call_timeout = options.call_timeout.or(core.call_timeout());
    let deadline = call_timeout.map(|limit| started + limit);
    let attempts_made = AtomicU32::new(0);
    let run = attempts(core, endpoint, &prepared, options, deadline, &attempts_made);
    let result = match (call_timeout, deadline) {
        // One timer around everything the call does, so nothing in it (a token source, a
        // body that trickles in, a backoff) can outlast the deadline.
        (Some(after), Some(deadline)) => match tokio::time::timeout_at(deadline, run).instrument(span).await {
            Ok(result) => result,
            Err(_) => Err(Error::CallTimeout { endpoint: endpoint.id, after, attempts: attempts_made.load(Ordering::Relaxed) }),
        },
        _ => run.instrument(span).await,
    };
    result.map(|raw| (raw, attempts_made.load(Ordering::Relaxed)))
}

/// `/api/spaces/accesstokens/{id}`, for logs.
struct PathTemplate(&'static [PathPart]);

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in self.0 {
            match part {
                PathPart::Literal(text) => f.write_str(text)?,
                PathPart::Param(name) => write!(f, "{{{name}}}")?,
            }
        }
        Ok(())
    }
}

async fn attempts(
    core: &ClientCore,
    endpoint: &'static EndpointDescriptor,
    prepared: &Prepared,
    options: RequestOptions,
    deadline: Option<tokio::time::Instant>,
    attempts_made: &AtomicU32,
) -> Result<RawResponse, Error> {
    let span = tracing::Span::current();
    // Repeating a request with side effects could apply them twice.
    let max_retries = if endpoint.is_retryable() { options.max_retries.unwrap_or(core.max_retries()) } else { 0 };
    let timeout = options.timeout.unwrap_or(core.timeout());
    let max_response_size = options.max_response_size.unwrap_or(core.max_response_size());
    let mut retry = 0;
    // One more attempt after the API refused a source's token.
    let mut token_renewed = false;
    loop {
        span.record("attempt", retry + 1);
        attempts_made.store(retry + 1, Ordering::Relaxed);
        // Asked every attempt: a token source may have refreshed since the last one. The
        // attempt's timeout covers it too, so a source that hangs cannot hang the call.
        let attempt_started = tokio::time::Instant::now();
        let (headers, tokens) = match tokio::time::timeout(timeout, core.auth_headers()).await {
            Ok(headers) => headers?,
            Err(_) => {
                return Err(Error::TokenSource(format!("no token within the attempt's {timeout:?} timeout")));
            }
        };
        let timeout_left = timeout.saturating_sub(attempt_started.elapsed());
        let mut request = core
            .http()
            .request(endpoint.method.to_reqwest(), prepared.url.clone())
            .headers(headers)
            .header(header::ACCEPT, HeaderValue::from_static("application/json"))
            .header(header::USER_AGENT, HeaderValue::from_static(endpoint.api.user_agent))
            .timeout(timeout_left);
        for (name, value) in &prepared.headers {
            request = request.header(name, value.clone());
        }
        if let Some(body) = &prepared.body {
            request = request.header(header::CONTENT_TYPE, HeaderValue::from_static(prepared.content_type)).body(body.clone());
        }

        let (error, retry_after) = match send_once(request, endpoint, timeout, max_response_size).await {
            Ok(raw) => {
                span.record("status", raw.status);
                if let Some(id) = &raw.request_id {
                    span.record("request_id", id.as_str());
                }
                if raw.is_success() {
                    return Ok(raw);
                }
                // A 401 to a token from a source: the token was revoked or expired early. The
                // request was refused before it did anything, so it is sent once more (even a
                // write) with a token the source gets anew.
                if raw.status == 401 && core.has_token_sources() && !token_renewed {
                    tracing::debug!(target: "keyway", "the API refused the token: asking the token source again");
                    core.tokens_rejected(&tokens).await;
                    token_renewed = true;
                    continue;
                }
                let transient = raw.status == 429 || raw.status >= 500;
                let retry_after = raw.retry_after;
                let error = match endpoint.response {
                    ResponseShape::Write(format) => super::envelope::refusal(format, raw.status, raw.request_id.as_deref(), &raw.body),
                    _ => None,
                };
                let error = error.unwrap_or_else(|| error_from_response(&endpoint.api.errors, raw));
                if !transient {
                    return Err(error);
                }
                (error, retry_after)
            }
            Err((error, transient)) => {
                if !transient {
                    return Err(error);
                }
                (error, None)
            }
        };
        if retry >= max_retries {
            return Err(error);
        }
        let delay = match retry_after {
            Some(after) => after.min(MAX_RETRY_AFTER),
            None => backoff(core.retry_base_delay(), retry),
        };
        // Waiting only to be cut off by the deadline would hide the real failure.
        if deadline.is_some_and(|deadline| tokio::time::Instant::now() + delay >= deadline) {
            tracing::debug!(target: "keyway", error = %error, ?delay, "not retrying: the wait would outlast the call timeout");
            return Err(error);
        }
        tracing::debug!(target: "keyway", error = %error, ?delay, "retrying");
        tokio::time::sleep(delay).await;
        retry += 1;
    }
}

/// One attempt; a failure comes with whether it is worth repeating.
async fn send_once(
    request: reqwest::RequestBuilder,
    endpoint: &'static EndpointDescriptor,
    timeout: Duration,
    max_response_size: u64,
) -> Result<RawResponse, (Error, bool)> {
    let mut response = request.send().await.map_err(|e| transport_error(endpoint.id, timeout, e))?;
    let declared = response.content_length();
    let headers = std::mem::take(response.headers_mut());
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let request_id = endpoint.api.errors.request_id_header.and_then(header_text);
    let content_type = header_text(header::CONTENT_TYPE.as_str());
    let retry_after = headers.get(header::RETRY_AFTER).and_then(parse_retry_after);
    let status = response.status().as_u16();
    let success = response.status().is_success();
    let too_large = |request_id: Option<String>| Error::ResponseTooLarge {
        endpoint: endpoint.id,
        status,
        request_id,
        limit: max_response_size,
        content_length: declared,
    };
    // Refused before reading when the length is declared; enforced again while reading,
    // since the header can be absent (chunked) or wrong.
    if success && declared.is_some_and(|length| length > max_response_size) {
        return Err((too_large(request_id), false));
    }
    let limit = usize::try_from(max_response_size).unwrap_or(usize::MAX);
    let mut body = Vec::with_capacity(declared.and_then(|length| usize::try_from(length).ok()).unwrap_or(0).min(limit));
    while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(endpoint.id, timeout, e))? {
        let room = limit - body.len();
        if chunk.len() > room {
            if success {
                return Err((too_large(request_id), false));
            }
            // An error response is classified from its start: its status says what matters.
            body.extend_from_slice(&chunk[..room]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse { status, request_id, content_type, retry_after, headers, body })
}

/// Classifies a reqwest failure; the flag says whether the attempt may be repeated.
fn transport_error(endpoint: &'static str, timeout: Duration, error: reqwest::Error) -> (Error, bool) {
    // The URL's query may carry user data; messages name the endpoint instead.
    let error = error.without_url();
    if error.is_timeout() {
        return (Error::Timeout { endpoint, after: timeout }, true);
    }
    let message = error_chain(&error);
    if error.is_connect() {
        return (Error::Connect { endpoint, message }, true);
    }
    // Failing mid-request or mid-body (a reset connection) is transient; a request that
    // could not be built is not.
    let transient = error.is_request() || error.is_body();
    (Error::Transport { endpoint, message }, transient)
}

/// An error and its sources, joined with `: ` (reqwest's own message is terse).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// The wait before retry `retry` (from 0): random between zero and `base * 2^retry`
/// ("full jitter", so that clients that failed together do not retry together), at most
/// [`MAX_BACKOFF`].
fn backoff(base: Duration, retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
    let ceiling = base.saturating_mul(factor).min(MAX_BACKOFF);
    ceiling.mul_f64(fastrand::f64())
}

/// `Retry-After` as a wait: delta-seconds or an HTTP date (past dates mean now).
fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = OffsetDateTime::parse(text, &Rfc2822).ok()?;
    Some(Duration::try_from(date - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO))
}

/// Builds the URL and body from the endpoint's descriptor and the parameter object.
fn prepare(base: &Url, endpoint: &'static EndpointDescriptor, params: &Value) -> Result<Prepared, Error> {
    let empty = Map::new();
    let params = match params {
        Value::Object(map) => map,
        Value::Null => &empty,
        _ => {
            return Err(Error::Config(format!("the parameters of {} must serialize to an object", endpoint.id)));
        }
    };
    let param = |name: &str| params.get(name).filter(|v| !v.is_null());

    let mut path = String::new();
    for part in endpoint.path {
        match part {
            PathPart::Literal(text) => path.push_str(text),
            PathPart::Param(name) => {
                let value = param(name)
                    .and_then(scalar_text)
                    .ok_or_else(|| Error::Config(format!("{} needs the path parameter `{name}` as a string or number", endpoint.id)))?;
                // Empty or dot segments would change which resource the path names.
                if value.is_empty() || value == "." || value == ".." {
                    return Err(Error::Config(format!("the path parameter `{name}` of {} must not be empty, `.` or `..`", endpoint.id)));
                }
                encode_segment(&value, &mut path);
            }
        }
    }
    let mut url = base.clone();
    let base_path = base.path().trim_end_matches('/');
    let separator = if path.starts_with('/') { "" } else { "/" };
    url.set_path(&format!("{base_path}{separator}{path}"));

    let mut query: Vec<(String, String)> = Vec::new();
    let mut headers = Vec::new();
    let mut body = Map::new();
    let mut form: Vec<(String, String)> = Vec::new();
    for descriptor in endpoint.params {
        // An explicit `null` (a nullable parameter set to `None`) is sent in the body; a
        // parameter left out is not in `params` at all.
        if descriptor.location == ParamLocation::Body
            && let Some(Value::Null) = params.get(descriptor.name)
        {
            body.insert(descriptor.name.to_owned(), Value::Null);
            continue;
        }
        let Some(value) = param(descriptor.name) else {
            continue;
        };
        match descriptor.location {
            ParamLocation::Path => {}
            ParamLocation::Query => match value {
                Value::Array(items) => {
                    let items = items.iter().filter(|item| !item.is_null()).map(query_text);
                    match descriptor.array_style {
                        ArrayStyle::Repeat => query.extend(items.map(|item| (descriptor.name.to_owned(), item))),
                        ArrayStyle::Brackets => query.extend(items.map(|item| (format!("{}[]", descriptor.name), item))),
                        ArrayStyle::Comma => query.push((descriptor.name.to_owned(), items.collect::<Vec<_>>().join(","))),
                    }
                }
                other => query.push((descriptor.name.to_owned(), query_text(other))),
            },
            ParamLocation::Header => {
                let text = scalar_text(value).ok_or_else(|| {
                    Error::Config(format!("the header parameter `{}` of {} must be a string, number or boolean", descriptor.name, endpoint.id))
                })?;
                let name = header::HeaderName::from_bytes(descriptor.name.as_bytes())
                    .map_err(|_| Error::Config(format!("`{}` of {} is not a valid header name", descriptor.name, endpoint.id)))?;
                // The value is the caller's: not quoted in the message.
                let mut value = HeaderValue::from_str(&text).map_err(|_| {
                    Error::Config(format!("the header parameter `{}` of {} holds a character a header cannot", descriptor.name, endpoint.id))
                })?;
                value.set_sensitive(true);
                headers.push((name, value));
            }
            ParamLocation::Body => {
                body.insert(descriptor.name.to_owned(), value.clone());
            }
            ParamLocation::Form => {
                let field = |value: &Value| {
                    scalar_text(value).ok_or_else(|| {
                        Error::Config(format!("the form parameter `{}` of {} must be a string, number or boolean", descriptor.name, endpoint.id))
                    })
                };
                match value {
                    Value::Array(items) => {
                        for item in items.iter().filter(|item| !item.is_null()) {
                            form.push((descriptor.name.to_owned(), field(item)?));
                        }
                    }
                    other => form.push((descriptor.name.to_owned(), field(other)?)),
                }
            }
        }
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    let is_form = endpoint.params.iter().any(|p| p.location == ParamLocation::Form);
    if is_form {
        if !endpoint.method.has_body() {
            return Err(Error::Config(format!("{} is a {} request and cannot send form parameters", endpoint.id, endpoint.method.as_str())));
        }
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        return Ok(Prepared { url, headers, body: Some(encoded.into_bytes()), content_type: "application/x-www-form-urlencoded" });
    }
    let body = if endpoint.method.has_body() {
        let bytes = serde_json::to_vec(&body).map_err(|e| Error::Config(format!("could not serialize the body of {}: {e}", endpoint.id)))?;
        Some(bytes)
    } else if body.is_empty() {
        None
    } else {
        // Dropping them silently would send a different request than the caller asked for.
        return Err(Error::Config(format!("{} is a {} request and cannot send body parameters", endpoint.id, endpoint.method.as_str())));
    };
    Ok(Prepared { url, headers, body, content_type: "application/json" })
}

/// A string, number or boolean as text (also how the mock server reads parameters).
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A query value as text: scalars as themselves, anything else as compact JSON.
fn query_text(value: &Value) -> String {
    scalar_text(value).unwrap_or_else(|| value.to_string())
}

/// Appends `value` percent-encoded as one path segment: everything but RFC 3986's
/// unreserved characters is escaped, so `/`, `?` and `#` cannot change the path.
fn encode_segment(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::*;

    static API: ApiDescriptor = ApiDescriptor {
        name: "t",
        title: "T",
        default_base_url: "https://example.com",
        base_url_env: None,
        auth_modes: &[],
        user_agent: "t/1.0",
        errors: ErrorFormat {
            envelope: None,
            type_field: None,
            message_field: None,
            request_id_field: None,
            data_field: None,
            validation_errors_field: None,
            validation_messages_key: None,
            request_id_header: None,
            invalid_input_type: None,
        },
    };

    static GET: EndpointDescriptor = EndpointDescriptor {
        api: &API,
        id: "things.get",
        method: HttpMethod::Get,
        path: &[PathPart::Literal("/things/"), PathPart::Param("id"), PathPart::Literal("/parts")],
        params: &[ParamDescriptor::path("id"), ParamDescriptor::query("q"), ParamDescriptor::query("tags"), ParamDescriptor::query("n")],
        auth_modes: &[],
        read_only: true,
        response: ResponseShape::Body,
        idempotency_header: None,
        action: None,
        pagination: None,
    };

    fn url(base: &str) -> Url {
        Url::parse(base).expect("test URL")
    }

    #[test]
    fn builds_path_and_query() {
        let params = serde_json::json!({
            "id": "a/b c?%", "q": "x y&z", "tags": ["t1", "t2"], "n": 3, "unused": 1
        });
        let p = prepare(&url("https://h.test/api"), &GET, &params).expect("prepare");
        assert_eq!(p.url.as_str(), "https://h.test/api/things/a%2Fb%20c%3F%25/parts?q=x+y%26z&tags=t1&tags=t2&n=3");
        assert!(p.body.is_none());
        let p = prepare(&url("https://h.test/"), &GET, &serde_json::json!({"id": 7, "q": null})).expect("prepare");
        assert_eq!(p.url.as_str(), "https://h.test/things/7/parts");
    }

    #[test]
    fn refuses_bad_path_params() {
        for params in [
            serde_json::json!({}),
            serde_json::json!({"id": null}),
            serde_json::json!({"id": ".."}),
            serde_json::json!({"id": ""}),
            serde_json::json!({"id": [1]}),
        ] {
            match prepare(&url("https://h.test"), &GET, &params) {
                Err(Error::Config(_)) => {}
                Err(e) => panic!("{params}: {e}"),
                Ok(p) => panic!("{params}: {}", p.url),
            }
        }
    }

    #[test]
    fn backoff_is_bounded() {
        for retry in [0, 1, 5, 31, 32, 1000] {
            let d = backoff(Duration::from_millis(500), retry);
            assert!(d <= MAX_BACKOFF);
            assert!(d <= Duration::from_millis(500).saturating_mul(1u32 << retry.min(31)));
        }
    }

    #[test]
    fn retry_after_forms() {
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(parse_retry_after(&v("3")), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(&v("Sun, 06 Nov 1994 08:49:37 GMT")), Some(Duration::ZERO));
        let later = OffsetDateTime::now_utc() + time::Duration::seconds(30);
        let text = later.format(&Rfc2822).expect("format");
        let parsed = parse_retry_after(&HeaderValue::from_str(&text).expect("header")).expect("parse date");
        assert!(parsed > Duration::from_secs(25) && parsed <= Duration::from_secs(30), "{parsed:?}");
        assert_eq!(parse_retry_after(&v("soon")), None);
    }
}
