//! Waiting for an asynchronous action: the call that starts it, then polls of the endpoint
//! that reads it, until its status leaves pending or the wait times out.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::call::{Call, execute};
use super::descriptor::{ActionAt, ActionDescriptor, ResponseShape};
use super::error::{ActionFailure, Error};
use super::response::decode;

/// How long [`Wait`] waits unless told otherwise.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often [`Wait`] polls unless told otherwise.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// What a wait without an end is cut to, so that deadlines stay representable.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
/// The shortest interval between polls.
const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);

/// A call whose response carries an asynchronous action, awaited until the action finishes:
/// `client.locks().unlock_door(device_id).wait().await?`.
///
/// Awaiting it sends the call, then reads the action again through the endpoint the spec
/// names, every [`poll_interval`](Wait::poll_interval), until its status is a success or a
/// failure one. It gives the call's response with the action in its finished state; a
/// failure is [`Error::ActionFailed`] (the API's error type and message), and an action
/// still pending when the [`timeout`](Wait::timeout) runs out is [`Error::ActionTimeout`]
/// (with the last status), at most one poll interval late. A status the spec does not list
/// counts as pending, so a status the vendor adds later ends in that timeout, which names
/// it. Each poll is an ordinary read, retried like one.
#[must_use = "waiting does nothing until it is awaited"]
pub struct Wait<T> {
    call: Call<T>,
    timeout: Duration,
    interval: Duration,
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait").field("call", &self.call).field("timeout", &self.timeout).field("poll_interval", &self.interval).finish()
    }
}

impl<T> Wait<T> {
    /// Waits for the action `call` starts. Generated request builders wrap this.
    #[doc(hidden)]
    pub fn new(call: Call<T>) -> Self {
        Wait { call, timeout: DEFAULT_WAIT_TIMEOUT, interval: DEFAULT_POLL_INTERVAL }
    }

    /// How long to wait for the action to finish, from the start of the call (10 s by
    /// default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long to wait between polls (1 s by default; at least 10 ms, so that a zero does
    /// not flood the API).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_POLL_INTERVAL);
        self
    }

    /// Adjusts the call that starts the action before it is sent, as on any [`Call`]:
    /// `.with_call(|call| call.call_timeout(Duration::from_secs(5)))`. Polls use the
    /// client's settings.
    pub fn with_call(mut self, adjust: impl FnOnce(Call<T>) -> Call<T>) -> Self {
        self.call = adjust(self.call);
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Wait<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// Where an action stands.
enum Progress {
    Pending(String),
    Succeeded,
    Failed { status: String, error_type: Option<String>, message: Option<String> },
}

impl<T: DeserializeOwned + Send + 'static> Wait<T> {
    async fn run(self) -> Result<T, Error> {
        let Wait { call, timeout, interval } = self;
        let Some(ActionAt { action, key }) = call.endpoint.action else {
            return Err(Error::Config(format!("{} carries no action to wait for", call.endpoint.id)));
        };
        let started = Instant::now();
        // `Duration::MAX` means "as long as it takes": a deadline far enough away.
        let deadline = started.checked_add(timeout).unwrap_or_else(|| started + FOREVER);
        // The response is read as JSON, so that the action is read and replaced through the
        // spec's wire paths whatever the response type; it must decode as `T` too, and a
        // body that does not fails now, with its path in the body.
        let Call { core, endpoint, params, options, idempotency_key, .. } = call;
        let (raw, _) = execute(&core, endpoint, &params?, options, idempotency_key.as_deref()).await?;
        let status = raw.status;
        let request_id = raw.request_id;
        decode::<T>(endpoint.response, status, request_id.as_deref(), &raw.body)?;
        let mut value: Value = decode(endpoint.response, status, request_id.as_deref(), &raw.body)?;
        let slot = match key {
            Some(key) => value.get_mut(key),
            None => Some(&mut value),
        };
        let Some(slot) = slot else {
            return Err(missing(endpoint.id, status, request_id, key.unwrap_or("."), "the response holds no action"));
        };
        let id = read_string(slot, action.id)
            .ok_or_else(|| missing(endpoint.id, status, request_id.clone(), &action.id.join("."), "the action has no id"))?;
        // Sent back as the action gives it: a numeric id stays a number.
        let id_value = at(slot, action.id).cloned().unwrap_or(Value::Null);
        let mut request_id = request_id;
        loop {
            match progress(action, slot)
                .ok_or_else(|| missing(endpoint.id, status, request_id.clone(), &action.status.join("."), "the action has no status"))?
            {
                Progress::Succeeded => {
                    // Decoded from text, as bodies are: through a `Value` it would take a
                    // second deserializer per response type. A path is within the response's
                    // value (after the envelope key, if it has one).
                    return decode(ResponseShape::Body, status, request_id.as_deref(), value.to_string().as_bytes());
                }
                Progress::Failed { status, error_type, message } => {
                    let failure = ActionFailure { endpoint: endpoint.id, action_id: id, status, error_type, message, request_id };
                    return Err(Error::ActionFailed(Box::new(failure)));
                }
                Progress::Pending(status) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(Error::ActionTimeout { endpoint: endpoint.id, action_id: id, last_status: status, waited: now - started });
                    }
                    tokio::time::sleep_until(now.checked_add(interval).map_or(deadline, |next| next.min(deadline))).await;
                    // A poll may take the rest of the wait, or one interval past it, no more.
                    let limit = deadline.saturating_duration_since(Instant::now()).max(interval);
                    let mut params = Map::new();
                    params.insert(action.param.to_owned(), id_value.clone());
                    let poll: Call<Value> = Call::new(&core, action.poll, Value::Object(params));
                    match tokio::time::timeout(limit, poll.send_with_metadata()).await {
                        Ok(polled) => {
                            let polled = polled?;
                            request_id = polled.request_id().map(str::to_owned);
                            *slot = polled.into_inner();
                        }
                        Err(_) => {
                            let waited = started.elapsed();
                            return Err(Error::ActionTimeout { endpoint: endpoint.id, action_id: id, last_status: status, waited });
                        }
                    }
                }
            }
        }
    }
}

/// The value at a wire path.
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// A string (or a number, for an integer id) at a wire path.
fn read_string(value: &Value, path: &[&str]) -> Option<String> {
    match at(value, path)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `None` when the action has no status string.
fn progress(action: &ActionDescriptor, value: &Value) -> Option<Progress> {
    let status = read_string(value, action.status)?;
    let optional = |path: &[&str]| if path.is_empty() { None } else { read_string(value, path) };
    Some(if action.success.contains(&status.as_str()) {
        Progress::Succeeded
    } else if action.failure.contains(&status.as_str()) {
        Progress::Failed { error_type: optional(action.error_type), message: optional(action.error_message), status }
    } else {
        Progress::Pending(status)
    })
}

/// A response that lacks what waiting reads, reported like any body that does not decode.
fn missing(endpoint: &'static str, status: u16, request_id: Option<String>, path: &str, message: &str) -> Error {
    Error::Decode { status, request_id, path: path.to_owned(), message: format!("{message} (waiting on {endpoint})"), body_snippet: String::new() }
}
