//! [`MockServer`]: a local HTTP server that answers like the API, from the spec's own data.
//!
//! The generated crate describes each endpoint's checks and documented responses as static
//! [`MockEndpoint`]s; the server interprets them, so it behaves the same for every API. It
//! listens on `127.0.0.1` on a port the system picks, serves from a Tokio task, and stops
//! when the [`MockServer`] is dropped.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::call::scalar_text;
use super::descriptor::{ApiDescriptor, ArrayStyle, EndpointDescriptor, PaginationDescriptor, ParamLocation, PathPart};
use super::error::Error;
use super::mock_actions::{Actions, MockActions};
use super::mock_pages;
use super::response::status_kind;

/// The largest request body the server reads, in bytes; a larger one gets a 413.
const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The error type of invalid parameters when the API names none.
const DEFAULT_INVALID_INPUT: &str = "invalid_request";

/// What the mock server knows about one endpoint, from the spec. Generated code makes these.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct MockEndpoint {
    /// The endpoint: method, path, parameters, auth modes.
    pub endpoint: &'static EndpointDescriptor,
    /// Parameters that must be present on their own.
    pub required: &'static [&'static str],
    /// Exactly-one-of groups: each group is a list of alternatives, each a list of parameter
    /// names that travel together.
    pub one_of: &'static [&'static [&'static [&'static str]]],
    /// Documented responses as (status, body JSON text), success first.
    pub responses: &'static [(u16, &'static str)],
    /// Ids the documented success body knows: (parameter name, value as a string). A
    /// request giving that parameter with another value is an unknown id.
    pub known_ids: &'static [(&'static str, &'static str)],
}

/// What the mock server knows about an API, from the spec. Generated code makes these.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct MockApi {
    /// The API: auth modes and error format.
    pub api: &'static ApiDescriptor,
    /// Its endpoints.
    pub endpoints: &'static [&'static MockEndpoint],
    /// A documented error body of this API to use as the template for errors the mock makes
    /// up (keeps vendor-specific keys like Seam's `"ok": false`), if the spec documents one.
    pub error_template: Option<&'static str>,
}

/// A local HTTP server that answers like the API, from what its spec documents.
///
/// Point a client at [`url`](MockServer::url) with the client builder's `base_url`. For each
/// request the server, in this order:
///
/// 1. routes it by method and path: an unknown path gets a 404 and a known path with another
///    method a 405, both in the API's error shape;
/// 2. applies the newest matching override installed with [`on`](MockServer::on), if any
///    (an override that responds replaces every step below);
/// 3. checks authentication: the request must carry every header of one of the auth modes
///    the endpoint accepts, with the mode's prefix and suffix around a non-empty credential,
///    else 401 (`unauthorized`);
/// 4. for endpoints with body parameters, checks for `content-type: application/json`
///    (else 415) and a JSON object body (else 400);
/// 5. checks the parameters: required ones present, exactly one alternative of each
///    one-of group given and given whole, else 400 with the API's invalid-input error type
///    and, when the API has a validation-errors field, a tree
///    `{"_errors": [..], "<param>": {"_errors": ["Required"]}}`;
/// 6. answers 404 when an id parameter names something other than what the documented
///    success body holds (with the documented 404 body, if there is one);
/// 7. answers the documented success response.
///
/// Errors the server makes up follow the API's error shape (envelope, type, message and
/// request-id fields) and keep the other keys of a documented error body. Every response
/// carries a fresh request id (`mock-1`, `mock-2`, …) in the API's request-id header, if it
/// has one. Every request is recorded; see [`requests`](MockServer::requests).
///
/// Dropping the server stops it: the port is closed and open connections are shut within
/// moments; a request that still arrives on one (or is waiting on a [`delay`](MockRule::delay))
/// gets a 503 with `connection: close`, never a normal answer.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: JoinHandle<()>,
    // Dropping it tells the server, and requests waiting on a delay, to stop.
    _stop: watch::Sender<()>,
}

impl MockServer {
    /// Starts a server for `api` on `127.0.0.1`, on a port the system picks, serving from a
    /// task on the current Tokio runtime. Generated code wraps this per API.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no Tokio runtime or the port cannot be bound.
    #[doc(hidden)]
    pub async fn start(api: &'static MockApi) -> Result<MockServer, Error> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Config("the mock server must be started from within a Tokio runtime".into()));
        }
        let bind_error = |e: std::io::Error| Error::Config(format!("could not start the mock server on 127.0.0.1: {e}"));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let (stop, stopped) = watch::channel(());
        let template = api
            .error_template
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .and_then(|value| match value {
                Value::Object(object) => Some(object),
                _ => None,
            })
            .unwrap_or_default();
        let shared = Arc::new(Shared { api, template, log: Mutex::new(Log::default()), next_id: AtomicU64::new(1), stopped: stopped.clone() });
        let app = Router::new().fallback(handle).with_state(Arc::clone(&shared));
        let mut signal = stopped;
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            // Resolves (with an error) when the sender is dropped.
            let _ = signal.changed().await;
        });
        let task = tokio::spawn(async move {
            // Accept errors are retried inside `serve`; it returns only on shutdown.
            let _ = serve.await;
        });
        Ok(MockServer { shared, addr, task, _stop: stop })
    }

    /// The base URL of the server, `http://127.0.0.1:PORT`, to give a client builder's
    /// `base_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far (since the last [`reset`](MockServer::reset)), oldest
    /// first.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.shared.log().requests.clone()
    }

    /// Forgets the recorded requests, removes every override, every seeded list and every
    /// started action, and makes actions succeed at their first poll again.
    pub fn reset(&self) {
        let mut log = self.shared.log();
        log.requests.clear();
        log.rules.clear();
        log.seeded.clear();
        log.idempotent.clear();
        log.actions.clear();
    }

    /// Sets how the asynchronous actions started from now on finish (by default each
    /// succeeds at its first poll). A call that starts one is answered with the action
    /// pending under a fresh id; reading it through the endpoint the spec names for polling
    /// answers it pending until the poll the outcome names, then finished.
    pub fn actions(&self, outcome: MockActions) {
        self.shared.log().actions.outcome = outcome;
    }

    /// Gives the list endpoint with this id (`access_codes.list`) these items: it then
    /// serves them in pages of the requested size (or the documented default), each page
    /// saying whether another follows, until the last. Without seeding, a list serves the
    /// items of its documented page. Seeding again replaces the items.
    ///
    /// # Panics
    /// When the id is not one of the API's list endpoints, or an item does not serialize
    /// to JSON: both are mistakes in the test.
    pub fn seed<T: serde::Serialize>(&self, endpoint_id: &str, items: impl IntoIterator<Item = T>) {
        let lists: Vec<&str> = self.shared.api.endpoints.iter().filter(|e| e.endpoint.pagination.is_some()).map(|e| e.endpoint.id).collect();
        assert!(lists.contains(&endpoint_id), "`{endpoint_id}` is not a list endpoint of this API; its lists are: {}", lists.join(", "));
        let items: Vec<Value> = items.into_iter().map(|item| serde_json::to_value(item).expect("a seeded item serializes to JSON")).collect();
        self.shared.log().seeded.insert(endpoint_id.to_owned(), items);
    }

    /// Starts an override for the endpoint with this id (`access_codes.get`); it is installed
    /// by the [`MockRule`] method that says what to do.
    ///
    /// Overrides are checked newest first, and the first that matches a request (and has
    /// uses left) applies. An override for an id that is not one of the API's endpoints is
    /// accepted but never matches.
    pub fn on(&self, endpoint_id: &str) -> MockRule<'_> {
        MockRule { server: self, endpoint: endpoint_id.to_owned(), params: Vec::new(), times: None }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Aborting the serve task closes the listening socket (on the runtime, shortly
        // after). Dropping `_stop` next shuts open connections once their current request
        // is answered and ends waits on a delay; from that moment the handler refuses any
        // request still arriving on an open connection.
        self.task.abort();
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let log = self.shared.log();
        f.debug_struct("MockServer")
            .field("api", &self.shared.api.api.name)
            .field("url", &self.url())
            .field("requests", &log.requests.len())
            .field("overrides", &log.rules.len())
            .finish()
    }
}

/// A request the [`MockServer`] received.
#[derive(Clone)]
pub struct MockRequest {
    /// The method (`POST`).
    pub method: String,
    /// The path as sent, still percent-encoded (`/access_codes/get`).
    pub path: String,
    /// The query parameters, decoded, in order; a repeated key appears once per value.
    pub query: Vec<(String, String)>,
    /// The headers, names in lowercase, in the order received. Values that are not UTF-8
    /// are decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The body, when it is JSON; `None` when it is empty or not JSON.
    pub body: Option<Value>,
    /// The id of the endpoint the request was routed to (`access_codes.get`); `None` when
    /// its method and path match no endpoint.
    pub endpoint: Option<&'static str>,
    // For `Debug`, to know which headers carry secrets.
    api: &'static ApiDescriptor,
}

impl MockRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Whether a header's value is a credential, to be kept out of `Debug` output.
    fn is_secret_header(&self, name: &str) -> bool {
        matches!(name, "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
            || self.api.auth_modes.iter().any(|mode| {
                mode.headers.iter().any(|template| {
                    template.name.eq_ignore_ascii_case(name) && mode.credentials.iter().any(|c| c.name == template.credential && c.secret)
                })
            })
    }
}

impl fmt::Debug for MockRequest {
    /// Credentials in headers are shown as `***`, and of the body only its keys: a body
    /// parameter can be a secret. The fields themselves hold everything.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if self.is_secret_header(name) { "***" } else { value.as_str() };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("MockRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_keys", &self.body.as_ref().and_then(Value::as_object).map(|o| o.keys().collect::<Vec<_>>()))
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

/// An override being built for one endpoint; see [`MockServer::on`]. Nothing is installed
/// until [`respond`](MockRule::respond), [`respond_with_statuses`](MockRule::respond_with_statuses)
/// or [`delay`](MockRule::delay) is called.
#[must_use = "an override is installed only by respond, respond_with_statuses or delay"]
pub struct MockRule<'a> {
    server: &'a MockServer,
    endpoint: String,
    params: Vec<(String, Value)>,
    times: Option<usize>,
}

impl MockRule<'_> {
    /// Applies only to requests whose parameter `name` equals `value`. The parameter is read
    /// where the endpoint declares it (path, query or JSON body; anywhere for a name it does
    /// not declare). Strings, numbers and booleans compare by their text, so `7` matches the
    /// path segment `7`; other values compare as JSON.
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Applies to the next `n` matching requests only (by default, to every one).
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Installs the override: matching requests get `status` with `body` as JSON, whatever
    /// their credentials or parameters. A status outside 200–599 is sent as 500; a 204 or
    /// 304 is sent without a body.
    pub fn respond(self, status: u16, body: Value) {
        let times = self.times;
        self.install(Action::Respond { status, body: body.to_string() }, times);
    }

    /// Installs a fault sequence: the k-th matching request gets `statuses[k]` with an error
    /// body the server makes up in the API's error shape (and no `Retry-After`); once the
    /// sequence is used up, matching requests are answered normally again. With
    /// [`times`](MockRule::times), at most that many of the statuses are used.
    pub fn respond_with_statuses(self, statuses: &[u16]) {
        let times = Some(self.times.map_or(statuses.len(), |n| n.min(statuses.len())));
        self.install(Action::Statuses(statuses.to_vec()), times);
    }

    /// Installs a delay: matching requests are answered normally, after waiting `delay`.
    pub fn delay(self, delay: Duration) {
        let times = self.times;
        self.install(Action::Delay(delay), times);
    }

    fn install(self, action: Action, remaining: Option<usize>) {
        let rule = Rule { endpoint: self.endpoint, params: self.params, remaining, used: 0, action };
        self.server.shared.log().rules.push(rule);
    }
}

impl fmt::Debug for MockRule<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockRule").field("endpoint", &self.endpoint).field("params", &self.params).field("times", &self.times).finish()
    }
}

/// State shared by the server handle and the request handler.
struct Shared {
    api: &'static MockApi,
    /// The parsed error template; empty when there is none.
    template: Map<String, Value>,
    log: Mutex<Log>,
    next_id: AtomicU64,
    /// Closed when the server is dropped.
    stopped: watch::Receiver<()>,
}

impl Shared {
    fn log(&self) -> MutexGuard<'_, Log> {
        // A panic elsewhere while holding the lock leaves consistent data; keep serving.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the [`MockServer`] has been dropped.
    fn is_stopped(&self) -> bool {
        // Only the sender's drop can make this an error: it never sends.
        self.stopped.has_changed().is_err()
    }

    /// The answer to requests that arrive after the server was dropped.
    fn stopped_reply(&self, request_id: &str) -> Reply {
        let mut reply = self.error(503, "service_unavailable", "the mock server stopped", request_id);
        reply.close = true;
        reply
    }

    fn next_request_id(&self) -> String {
        format!("mock-{}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Takes one use of the newest override that matches, if any.
    fn take_rule(&self, endpoint_id: &str, params: &Params<'_>) -> Option<Applied> {
        let mut log = self.log();
        let rule = log.rules.iter_mut().rev().find(|rule| {
            rule.endpoint == endpoint_id
                && rule.remaining != Some(0)
                && rule.params.iter().all(|(name, expected)| params.get(name).is_some_and(|given| same_param(&given, expected)))
        })?;
        let k = rule.used;
        rule.used = rule.used.saturating_add(1);
        if let Some(remaining) = &mut rule.remaining {
            *remaining = remaining.saturating_sub(1);
        }
        Some(match &rule.action {
            Action::Respond { status, body } => Applied::Respond { status: *status, body: body.clone() },
            Action::Statuses(statuses) => Applied::Fault(statuses.get(k).copied().unwrap_or(500)),
            Action::Delay(delay) => Applied::Delay(*delay),
        })
    }

    /// An error body in the API's shape: the template with the type, message and request
    /// id set, and the validation tree when given.
    fn error_body(&self, kind: &str, message: &str, request_id: &str, validation: Option<Value>) -> String {
        let format = &self.api.api.errors;
        let mut outer = self.template.clone();
        let mut object = match format.envelope {
            Some(key) => match outer.remove(key) {
                Some(Value::Object(object)) => object,
                _ => Map::new(),
            },
            None => std::mem::take(&mut outer),
        };
        // The template's own details would describe another error.
        for field in [format.data_field, format.validation_errors_field].into_iter().flatten() {
            object.remove(field);
        }
        if let Some(field) = format.type_field {
            object.insert(field.to_owned(), Value::from(kind));
        }
        if let Some(field) = format.message_field {
            object.insert(field.to_owned(), Value::from(message));
        }
        if let Some(field) = format.request_id_field {
            object.insert(field.to_owned(), Value::from(request_id));
            // Where the template keeps the id beside the error object, update it there too.
            if let Some(slot) = outer.get_mut(field) {
                *slot = Value::from(request_id);
            }
        }
        if let (Some(field), Some(tree)) = (format.validation_errors_field, validation) {
            object.insert(field.to_owned(), tree);
        }
        let body = match format.envelope {
            Some(key) => {
                outer.insert(key.to_owned(), Value::Object(object));
                outer
            }
            None => object,
        };
        Value::Object(body).to_string()
    }

    /// A made-up error response.
    fn error(&self, status: u16, kind: &str, message: &str, request_id: &str) -> Reply {
        Reply::json(status, self.error_body(kind, message, request_id, None))
    }

    fn invalid_input_type(&self) -> &'static str {
        self.api.api.errors.invalid_input_type.unwrap_or(DEFAULT_INVALID_INPUT)
    }
}

#[derive(Default)]
struct Log {
    requests: Vec<MockRequest>,
    rules: Vec<Rule>,
    /// The items a test gave a list endpoint, by endpoint id.
    seeded: HashMap<String, Vec<Value>>,
    /// The first success answered to each (endpoint id, idempotency key): status and body.
    idempotent: HashMap<(String, String), (u16, Option<String>)>,
    /// The asynchronous actions started, and how new ones finish.
    actions: Actions,
}

/// An installed override.
struct Rule {
    endpoint: String,
    params: Vec<(String, Value)>,
    /// Uses left; `None` for unlimited.
    remaining: Option<usize>,
    used: usize,
    action: Action,
}

enum Action {
    Respond { status: u16, body: String },
    Statuses(Vec<u16>),
    Delay(Duration),
}

/// What an override does to one request.
enum Applied {
    Respond { status: u16, body: String },
    Fault(u16),
    Delay(Duration),
}

/// A response before the common headers are added.
struct Reply {
    status: u16,
    /// JSON text; `None` for no body.
    body: Option<String>,
    /// The `Allow` header of a 405.
    allow: Option<String>,
    /// Whether to send `connection: close`.
    close: bool,
}

impl Reply {
    fn json(status: u16, body: String) -> Self {
        Reply { status, body: Some(body), allow: None, close: false }
    }

    /// A documented body, sent as documented (an empty one as no body).
    fn documented(status: u16, body: &str) -> Self {
        Reply { status, body: (!body.trim().is_empty()).then(|| body.to_owned()), allow: None, close: false }
    }

    fn into_response(self, request_id_header: Option<&str>, request_id: &str) -> Response {
        let status =
            StatusCode::from_u16(self.status).ok().filter(|s| (200..=599).contains(&s.as_u16())).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = self.body.filter(|_| !matches!(status.as_u16(), 204 | 304));
        let has_body = body.is_some();
        let mut response = Response::new(body.map_or_else(Body::empty, Body::from));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if has_body {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some(name) = request_id_header.and_then(|n| HeaderName::from_bytes(n.as_bytes()).ok())
            && let Ok(value) = HeaderValue::from_str(request_id)
        {
            headers.insert(name, value);
        }
        if let Some(value) = self.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
            headers.insert(header::ALLOW, value);
        }
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// The request as the checks see it.
struct Incoming {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Value>,
}

/// The parameters of a routed request.
struct Params<'a> {
    endpoint: &'static EndpointDescriptor,
    captures: &'a [(&'static str, String)],
    incoming: &'a Incoming,
}

impl Params<'_> {
    /// The value of a parameter, read where the endpoint declares it (anywhere for a name it
    /// does not declare); `None` when absent or `null`.
    fn get(&self, name: &str) -> Option<Value> {
        let declared = self.endpoint.params.iter().find(|p| p.name == name);
        match declared.map(|p| (p.location, p.array_style)) {
            Some((ParamLocation::Path, _)) => self.path(name),
            Some((ParamLocation::Query, ArrayStyle::Repeat)) => self.query(name),
            Some((ParamLocation::Query, ArrayStyle::Brackets)) => self.query(&format!("{name}[]")),
            Some((ParamLocation::Query, ArrayStyle::Comma)) => self.query(name).map(|v| match v.as_str() {
                Some(text) => Value::Array(text.split(',').map(Value::from).collect()),
                None => v,
            }),
            Some((ParamLocation::Body | ParamLocation::Form, _)) => self.body(name),
            Some((ParamLocation::Header, _)) => self.incoming.headers.get(name).and_then(|v| v.to_str().ok()).map(Value::from),
            None => self.path(name).or_else(|| self.body(name)).or_else(|| self.query(name)),
        }
    }

    fn path(&self, name: &str) -> Option<Value> {
        self.captures.iter().find(|(n, _)| *n == name).map(|(_, v)| Value::from(v.as_str()))
    }

    fn query(&self, name: &str) -> Option<Value> {
        let mut values: Vec<Value> = self.incoming.query.iter().filter(|(n, _)| n == name).map(|(_, v)| Value::from(v.as_str())).collect();
        match values.len() {
            0 => None,
            1 => values.pop(),
            _ => Some(Value::Array(values)),
        }
    }

    fn body(&self, name: &str) -> Option<Value> {
        match &self.incoming.body {
            Some(Value::Object(object)) => object.get(name).filter(|v| !v.is_null()).cloned(),
            _ => None,
        }
    }
}

/// Whether a request's parameter value equals an override's: scalars by their text,
/// anything else as JSON.
fn same_param(given: &Value, expected: &Value) -> bool {
    match (scalar_text(given), scalar_text(expected)) {
        (Some(a), Some(b)) => a == b,
        _ => given == expected,
    }
}

/// Where a request goes.
enum Route {
    Found(&'static MockEndpoint, Vec<(&'static str, String)>),
    /// The path is known but not with this method; the methods it accepts.
    WrongMethod(Vec<&'static str>),
    NotFound,
}

fn route(api: &'static MockApi, method: &str, path: &str) -> Route {
    let mut found: Option<(&'static MockEndpoint, Vec<(&'static str, String)>)> = None;
    let mut allowed: Vec<&'static str> = Vec::new();
    for endpoint in api.endpoints {
        let Some(captures) = match_path(endpoint.endpoint.path, path) else {
            continue;
        };
        let endpoint_method = endpoint.endpoint.method.as_str();
        if endpoint_method == method {
            // A template with fewer parameters is more specific (`/things/new` over
            // `/things/{id}`).
            if found.as_ref().is_none_or(|(_, best)| captures.len() < best.len()) {
                found = Some((endpoint, captures));
            }
        } else if !allowed.contains(&endpoint_method) {
            allowed.push(endpoint_method);
        }
    }
    match found {
        Some((endpoint, captures)) => Route::Found(endpoint, captures),
        None if !allowed.is_empty() => Route::WrongMethod(allowed),
        None => Route::NotFound,
    }
}

/// Matches a raw (percent-encoded) path against a template; the path parameters,
/// percent-decoded, on success. A parameter is one non-empty segment, or the part of it
/// before the literal that follows.
fn match_path(template: &[PathPart], path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut rest = path;
    let mut captures = Vec::new();
    let mut parts = template.iter().peekable();
    while let Some(part) = parts.next() {
        match part {
            PathPart::Literal(text) => rest = rest.strip_prefix(text)?,
            PathPart::Param(name) => {
                let segment = rest.split('/').next().unwrap_or_default();
                let end = match parts.peek() {
                    Some(PathPart::Literal(next)) if !next.is_empty() && !next.starts_with('/') => segment.find(next)?,
                    _ => segment.len(),
                };
                let raw = segment.get(..end)?;
                if raw.is_empty() {
                    return None;
                }
                captures.push((*name, percent_decode(raw)));
                rest = rest.get(end..)?;
            }
        }
    }
    rest.is_empty().then_some(captures)
}

/// Decodes `%XX` escapes; a malformed escape is kept as it is and bytes that are not
/// UTF-8 become U+FFFD.
fn percent_decode(text: &str) -> String {
    fn hex(byte: u8) -> Option<u8> {
        char::from(byte).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%'
            && let (Some(high), Some(low)) = (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pairs of an `application/x-www-form-urlencoded` query string, decoded.
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            (decode(name), decode(value))
        })
        .collect()
}

/// Whether the request carries every header of one of the endpoint's auth modes, each with
/// the mode's prefix and suffix around a non-empty credential (the same value wherever a
/// credential appears twice). An endpoint that names no auth modes needs none.
fn authorized(api: &ApiDescriptor, endpoint: &EndpointDescriptor, headers: &HeaderMap) -> bool {
    if endpoint.auth_modes.is_empty() {
        return true;
    }
    endpoint.auth_modes.iter().filter_map(|name| api.auth_mode(name)).any(|mode| {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        mode.headers.iter().all(|template| {
            let credential = headers
                .get(template.name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix(template.prefix))
                .and_then(|v| v.strip_suffix(template.suffix))
                .filter(|v| !v.trim().is_empty());
            let Some(credential) = credential else {
                return false;
            };
            match seen.iter().find(|(name, _)| *name == template.credential) {
                Some((_, earlier)) => *earlier == credential,
                None => {
                    seen.push((template.credential, credential));
                    true
                }
            }
        })
    })
}

/// Whether the content type is JSON (`application/json`, parameters allowed).
fn is_form_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")))
}

/// A form body as a JSON object: each field a string, a repeated one an array of them.
fn form_object(bytes: &[u8]) -> Value {
    let mut object = Map::new();
    for (name, value) in form_urlencoded::parse(bytes).into_owned() {
        match object.get_mut(&name) {
            Some(Value::Array(values)) => values.push(Value::String(value)),
            Some(first) => *first = Value::Array(vec![first.take(), Value::String(value)]),
            None => {
                object.insert(name, Value::String(value));
            }
        }
    }
    Value::Object(object)
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// What is wrong with a request's parameters.
#[derive(Debug, Default, PartialEq)]
struct Invalid {
    /// Messages about the request as a whole.
    form: Vec<String>,
    /// Parameters that are missing.
    missing: Vec<&'static str>,
}

impl Invalid {
    fn is_empty(&self) -> bool {
        self.form.is_empty() && self.missing.is_empty()
    }

    fn require(&mut self, name: &'static str) {
        if !self.missing.contains(&name) {
            self.missing.push(name);
        }
    }

    /// The validation tree in the API's layout: with a messages key (Seam's `_errors`),
    /// `{"_errors": [..], "<param>": {"_errors": ["Required"]}}`; without one, a map from
    /// parameter to its messages (request-level messages have no place then).
    fn tree(&self, messages_key: Option<&str>) -> Value {
        let mut tree = Map::new();
        let messages = |list: Vec<String>| match messages_key {
            Some(key) => {
                let mut node = Map::new();
                node.insert(key.to_owned(), Value::from(list));
                Value::Object(node)
            }
            None => Value::from(list),
        };
        if let Some(key) = messages_key {
            tree.insert(key.to_owned(), Value::from(self.form.clone()));
        }
        for name in &self.missing {
            tree.insert((*name).to_owned(), messages(vec!["Required".to_owned()]));
        }
        Value::Object(tree)
    }

    fn message(&self) -> String {
        let mut parts = self.form.clone();
        parts.extend(self.missing.iter().map(|name| format!("`{name}`: Required")));
        format!("Invalid input: {}", parts.join("; "))
    }
}

/// Checks required parameters and one-of groups.
fn validate(endpoint: &MockEndpoint, given: impl Fn(&str) -> bool) -> Invalid {
    let mut invalid = Invalid::default();
    for name in endpoint.required {
        if !given(name) {
            invalid.require(name);
        }
    }
    for group in endpoint.one_of {
        let mut present: Vec<&'static str> = Vec::new();
        for name in group.iter().flat_map(|alternative| alternative.iter()) {
            if given(name) && !present.contains(name) {
                present.push(name);
            }
        }
        let complete = |alternative: &[&str]| alternative.iter().all(|name| given(name));
        let covers = |alternative: &[&str]| present.iter().all(|name| alternative.contains(name));
        // Valid: one alternative is given whole and nothing outside it.
        if group.iter().any(|alt| complete(alt) && covers(alt)) {
            continue;
        }
        let options = describe_alternatives(group);
        if present.is_empty() {
            invalid.form.push(format!("Exactly one of {options} is required"));
        } else if let Some(partial) = group.iter().find(|alt| covers(alt)) {
            for name in partial.iter() {
                if !given(name) {
                    invalid.require(name);
                }
            }
            invalid.form.push(format!("{} must be given together", describe(partial)));
        } else {
            invalid.form.push(format!("Only one of {options} may be given"));
        }
    }
    invalid
}

/// `` `a`, or `b` and `c` ``
fn describe_alternatives(group: &[&[&str]]) -> String {
    group.iter().map(|alternative| describe(alternative)).collect::<Vec<_>>().join(", or ")
}

/// `` `b` and `c` ``
fn describe(alternative: &[&str]) -> String {
    alternative.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" and ")
}

/// The one handler: every request, whatever its method and path, comes here.
async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let request_id = shared.next_request_id();
    let request_id_header = shared.api.api.errors.request_id_header;
    let reply = answer(&shared, request, &request_id).await;
    reply.into_response(request_id_header, &request_id)
}

async fn answer(shared: &Shared, request: Request, request_id: &str) -> Reply {
    if shared.is_stopped() {
        return shared.stopped_reply(request_id);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await;
    if parts.method == axum::http::Method::POST
        && let Ok(bytes) = &bytes
        && let Some((status, body)) = super::oauth::mock_token(shared.api.api, parts.uri.path(), bytes)
    {
        return Reply::json(status, body);
    }
    let is_form = is_form_content_type(&parts.headers);
    let incoming = Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(parse_query).unwrap_or_default(),
        headers: parts.headers,
        body: bytes.as_ref().ok().and_then(|b| if is_form { Some(form_object(b)) } else { serde_json::from_slice::<Value>(b).ok() }),
    };
    let routed = route(shared.api, &incoming.method, &incoming.path);
    shared.log().requests.push(MockRequest {
        method: incoming.method.clone(),
        path: incoming.path.clone(),
        query: incoming.query.clone(),
        headers: incoming
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body: incoming.body.clone(),
        endpoint: match &routed {
            Route::Found(endpoint, _) => Some(endpoint.endpoint.id),
            _ => None,
        },
        api: shared.api.api,
    });
    if bytes.is_err() {
        return shared.error(
            413,
            "payload_too_large",
            &format!("the request body could not be read or is larger than {BODY_LIMIT} bytes"),
            request_id,
        );
    }
    match routed {
        Route::NotFound => shared.error(
            404,
            "not_found",
            &format!("{} {} is not an endpoint of {}", incoming.method, incoming.path, shared.api.api.title),
            request_id,
        ),
        Route::WrongMethod(allowed) => {
            let allow = allowed.join(", ");
            let mut reply = shared.error(
                405,
                "method_not_allowed",
                &format!("{} does not accept {}; it accepts {allow}", incoming.path, incoming.method),
                request_id,
            );
            reply.allow = Some(allow);
            reply
        }
        Route::Found(endpoint, captures) => {
            // A key seen before gets the first answer again, as an idempotent API does.
            let idempotency = endpoint
                .endpoint
                .idempotency_header
                .and_then(|name| incoming.headers.get(name))
                .and_then(|value| value.to_str().ok())
                .map(|key| (endpoint.endpoint.id.to_owned(), key.to_owned()));
            if let Some(first) = idempotency.as_ref().and_then(|key| shared.log().idempotent.get(key).cloned()) {
                return Reply { status: first.0, body: first.1, allow: None, close: false };
            }
            let reply = answer_routed(shared, endpoint, &captures, &incoming, request_id).await;
            if let Some(key) = idempotency
                && (200..300).contains(&reply.status)
            {
                shared.log().idempotent.insert(key, (reply.status, reply.body.clone()));
            }
            reply
        }
    }
}

/// The answer to a request for `endpoint`: an override's, or the spec's.
async fn answer_routed(
    shared: &Shared,
    endpoint: &'static MockEndpoint,
    captures: &[(&'static str, String)],
    incoming: &Incoming,
    request_id: &str,
) -> Reply {
    let params = Params { endpoint: endpoint.endpoint, captures, incoming };
    match shared.take_rule(endpoint.endpoint.id, &params) {
        Some(Applied::Respond { status, body }) => return Reply::json(status, body),
        Some(Applied::Fault(status)) => {
            return shared.error(status, &status_kind(status), &format!("fault injected by the mock server (HTTP {status})"), request_id);
        }
        Some(Applied::Delay(delay)) => {
            let mut stopped = shared.stopped.clone();
            // `changed` resolves only when the server is dropped.
            if tokio::time::timeout(delay, stopped.changed()).await.is_ok() {
                return shared.stopped_reply(request_id);
            }
        }
        None => {}
    }
    normal(shared, endpoint, &params, request_id)
}

/// The answer from the spec's data, for a routed request no override answered.
fn normal(shared: &Shared, mock: &'static MockEndpoint, params: &Params<'_>, request_id: &str) -> Reply {
    let endpoint = mock.endpoint;
    let api = shared.api.api;
    let incoming = params.incoming;

    if !authorized(api, endpoint, &incoming.headers) {
        let modes: Vec<&str> = endpoint.auth_modes.iter().map(|name| api.auth_mode(name).map_or(*name, |mode| mode.title)).collect();
        return shared.error(
            401,
            "unauthorized",
            &format!("{} needs the credentials of one of these auth modes: {}", endpoint.id, modes.join(", ")),
            request_id,
        );
    }

    let has_form_params = endpoint.params.iter().any(|p| p.location == ParamLocation::Form);
    if has_form_params && !is_form_content_type(&incoming.headers) {
        return shared.error(
            415,
            "unsupported_media_type",
            &format!("{} needs a form body sent with `content-type: application/x-www-form-urlencoded`", endpoint.id),
            request_id,
        );
    }
    let has_body_params = endpoint.params.iter().any(|p| p.location == ParamLocation::Body);
    if has_body_params {
        if !is_json_content_type(&incoming.headers) {
            return shared.error(
                415,
                "unsupported_media_type",
                &format!("{} needs a JSON body sent with `content-type: application/json`", endpoint.id),
                request_id,
            );
        }
        if !matches!(incoming.body, Some(Value::Object(_))) {
            let invalid = Invalid { form: vec!["Expected a JSON object as the body".to_owned()], missing: Vec::new() };
            return refuse(shared, endpoint, &invalid, request_id);
        }
    }

    let invalid = validate(mock, |name| params.get(name).is_some());
    if !invalid.is_empty() {
        return refuse(shared, endpoint, &invalid, request_id);
    }

    let success = mock.responses.iter().find(|(status, _)| (200..300).contains(status));
    if let Some((status, template)) = success
        && let Some(body) = poll_action(shared, endpoint, params, template)
    {
        return Reply::json(*status, body);
    }

    // A known-id parameter given with a value the documented body does not hold. A list's
    // ids are filters: what matches nothing is an empty page, not a 404.
    let ids = if endpoint.pagination.is_some() { &[][..] } else { mock.known_ids };
    let unknown = ids.iter().find_map(|(name, _)| {
        let given = params.get(name)?;
        let text = scalar_text(&given).unwrap_or_else(|| given.to_string());
        let known = ids.iter().any(|(n, value)| n == name && *value == text);
        (!known).then_some((*name, text))
    });
    if let Some((name, value)) = unknown {
        if let Some((status, body)) = mock.responses.iter().find(|(status, _)| *status == 404) {
            return Reply::documented(*status, body);
        }
        return shared.error(404, "not_found", &format!("no resource with {name} `{value}`"), request_id);
    }

    match success {
        Some((status, body)) => match endpoint.pagination {
            Some(pagination) => list_page(shared, endpoint, pagination, *status, body, params, request_id),
            None => match shared.log().actions.start(endpoint, body) {
                Some(started) => Reply::json(*status, started),
                None => Reply::documented(*status, body),
            },
        },
        None => shared.error(501, "not_implemented", &format!("the spec documents no success response for {}", endpoint.id), request_id),
    }
}

/// The answer to a poll of an action the server started, if this endpoint polls one and
/// the request names it.
fn poll_action(shared: &Shared, endpoint: &EndpointDescriptor, params: &Params<'_>, template: &str) -> Option<String> {
    let action = shared.api.endpoints.iter().filter_map(|e| e.endpoint.action).find(|at| at.action.poll.id == endpoint.id)?.action;
    let given = params.get(action.param)?;
    let id = scalar_text(&given).unwrap_or_else(|| given.to_string());
    shared.log().actions.poll(endpoint, Some(&id), template)
}

/// The requested page of a list (see [`mock_pages`](super::mock_pages)).
fn list_page(
    shared: &Shared,
    endpoint: &'static EndpointDescriptor,
    pagination: &PaginationDescriptor,
    status: u16,
    template: &str,
    params: &Params<'_>,
    request_id: &str,
) -> Reply {
    let paging = [Some(pagination.style_param()), pagination.size.map(|(name, _)| name)];
    let filters: Vec<(&str, Value)> =
        endpoint.params.iter().filter(|p| !paging.contains(&Some(p.name))).filter_map(|p| Some((p.name, params.get(p.name)?))).collect();
    let seeded = shared.log().seeded.get(endpoint.id).cloned();
    match mock_pages::serve(pagination, template, seeded, &|name| params.get(name), &filters) {
        Ok(body) => Reply::json(status, body),
        Err(message) => invalid_input(shared, &Invalid { form: vec![message], missing: Vec::new() }, request_id),
    }
}

/// A 400 for invalid parameters: in the endpoint's write envelope when it has one, else in
/// the API's error shape.
fn refuse(shared: &Shared, endpoint: &EndpointDescriptor, invalid: &Invalid, request_id: &str) -> Reply {
    match endpoint.response {
        super::descriptor::ResponseShape::Write(format) => {
            Reply::json(400, super::envelope::mock_refusal(format, &invalid.message(), &invalid.missing).to_string())
        }
        _ => invalid_input(shared, invalid, request_id),
    }
}

fn invalid_input(shared: &Shared, invalid: &Invalid, request_id: &str) -> Reply {
    let format = &shared.api.api.errors;
    let tree = format.validation_errors_field.map(|_| invalid.tree(format.validation_messages_key));
    Reply::json(400, shared.error_body(shared.invalid_input_type(), &invalid.message(), request_id, tree))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_templates() {
        let template = [PathPart::Literal("/things/"), PathPart::Param("id"), PathPart::Literal("/parts")];
        assert_eq!(match_path(&template, "/things/a%2Fb%20c/parts"), Some(vec![("id", "a/b c".to_owned())]));
        assert_eq!(match_path(&template, "/things//parts"), None);
        assert_eq!(match_path(&template, "/things/a/b/parts"), None);
        assert_eq!(match_path(&template, "/things/a/parts/"), None);
        let dotted = [PathPart::Literal("/files/"), PathPart::Param("name"), PathPart::Literal(".json")];
        assert_eq!(match_path(&dotted, "/files/report.json"), Some(vec![("name", "report".to_owned())]));
        assert_eq!(match_path(&dotted, "/files/.json"), None);
        assert_eq!(match_path(&[PathPart::Param("x")], "é%"), Some(vec![("x", "é%".to_owned())]));
    }

    #[test]
    fn decoding_never_fails() {
        assert_eq!(percent_decode("%41%2"), "A%2");
        assert_eq!(percent_decode("%zz%"), "%zz%");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
        assert_eq!(
            parse_query("a=1+2&b=%26&&c&a=x%3D"),
            vec![
                ("a".to_owned(), "1 2".to_owned()),
                ("b".to_owned(), "&".to_owned()),
                ("c".to_owned(), String::new()),
                ("a".to_owned(), "x=".to_owned()),
            ]
        );
    }

    #[test]
    fn status_kinds() {
        assert_eq!(status_kind(503), "service_unavailable");
        assert_eq!(status_kind(799), "http_799");
    }
}
