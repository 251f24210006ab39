//! The mock server's asynchronous actions: a call that starts one is answered with the
//! action pending, under a fresh id; polls of it answer pending until the configured poll,
//! then finished as the test asked (see [`MockActions`]).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::descriptor::{ActionDescriptor, EndpointDescriptor, ResponseShape};

/// How the mock server's actions finish, set with
/// [`MockServer::actions`](super::MockServer::actions). Each action started after it is set
/// follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockActions {
    /// The action is pending until this poll, which shows it succeeded (1: the first poll
    /// does; 0: the call that starts it already answers it finished). The default is 1.
    SucceedAfter(u32),
    /// Likewise, but the action fails with this error type and message (where the spec says
    /// a failed action holds them).
    FailAfter {
        /// The poll that shows the failure.
        polls: u32,
        /// The error's type (`device_offline`).
        error_type: String,
        /// The error's message.
        message: String,
    },
    /// The action never finishes, for testing a wait's timeout.
    StayPending,
}

impl Default for MockActions {
    fn default() -> Self {
        MockActions::SucceedAfter(1)
    }
}

/// The actions the server has started, by id.
#[derive(Default)]
pub(crate) struct Actions {
    /// How actions started from now on finish.
    pub(crate) outcome: MockActions,
    started: HashMap<String, Started>,
    count: u64,
}

struct Started {
    action: &'static ActionDescriptor,
    /// The action as last answered.
    value: Value,
    polls: u32,
    outcome: MockActions,
}

impl Actions {
    pub(crate) fn clear(&mut self) {
        *self = Actions::default();
    }

    /// Rewrites the success body of a call that starts an action: a fresh id, and the
    /// status the outcome gives it before any poll.
    pub(crate) fn start(&mut self, endpoint: &EndpointDescriptor, body: &str) -> Option<String> {
        let at = endpoint.action?;
        // Reading an action again starts nothing.
        if at.action.poll.id == endpoint.id {
            return None;
        }
        let mut body: Value = serde_json::from_str(body).ok()?;
        let value = value_of(endpoint.response, &mut body)?;
        let slot = match at.key {
            Some(key) => value.get_mut(key)?,
            None => value,
        };
        self.count += 1;
        // Shaped like a UUID, as ids usually are.
        let id = format!("00000000-0000-4000-8000-{:012}", self.count);
        set(slot, at.action.id, Value::String(id.clone()));
        let mut started = Started { action: at.action, value: slot.take(), polls: 0, outcome: self.outcome.clone() };
        started.advance(0);
        *slot = started.value.clone();
        self.started.insert(id, started);
        Some(body.to_string())
    }

    /// The answer to a poll of an action this server started: its documented success body
    /// (`template`) holding the action as it now stands. `None` for any other request.
    pub(crate) fn poll(&mut self, endpoint: &EndpointDescriptor, id: Option<&str>, template: &str) -> Option<String> {
        let started = self.started.get_mut(id?)?;
        if started.action.poll.id != endpoint.id {
            return None;
        }
        let polls = started.polls + 1;
        started.advance(polls);
        let mut body: Value = serde_json::from_str(template).unwrap_or(Value::Object(Map::new()));
        let slot = value_of(endpoint.response, &mut body)?;
        *slot = started.value.clone();
        Some(body.to_string())
    }
}

impl Started {
    /// Sets the status (and a failure's error) the outcome gives after `polls` polls.
    fn advance(&mut self, polls: u32) {
        self.polls = polls;
        let action = self.action;
        let (status, error) = match &self.outcome {
            MockActions::SucceedAfter(n) if polls >= *n => (action.success.first(), None),
            MockActions::FailAfter { polls: n, error_type, message } if polls >= *n => (action.failure.first(), Some((error_type, message))),
            _ => (action.pending.first(), None),
        };
        if let Some(status) = status {
            set(&mut self.value, action.status, Value::String((*status).to_owned()));
        }
        if let Some((error_type, message)) = error {
            if !action.error_type.is_empty() {
                set(&mut self.value, action.error_type, Value::String(error_type.clone()));
            }
            if !action.error_message.is_empty() {
                set(&mut self.value, action.error_message, Value::String(message.clone()));
            }
        }
    }
}

/// Where a success body holds the call's value.
fn value_of(shape: ResponseShape, body: &mut Value) -> Option<&mut Value> {
    match shape {
        ResponseShape::Envelope(key) => {
            let object = body.as_object_mut()?;
            Some(object.entry(key).or_insert(Value::Null))
        }
        ResponseShape::Body => Some(body),
        ResponseShape::Write(envelope) => {
            let object = body.as_object_mut()?;
            Some(object.entry(envelope.value_field).or_insert(Value::Null))
        }
        ResponseShape::Empty => None,
    }
}

/// Sets the value at a wire path, making the objects on the way (an error object that was
/// `null` while the action was pending).
fn set(value: &mut Value, path: &[&str], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = value;
    for key in parents {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        current = current.as_object_mut().expect("made an object above").entry(*key).or_insert(Value::Null);
    }
    if !current.is_object() {
        *current = Value::Object(Map::new());
    }
    current.as_object_mut().expect("made an object above").insert((*last).to_owned(), new);
}
