//! [`Fixture`]: a documented response of an endpoint, for tests of code that uses a client.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::descriptor::{ResponseShape, WriteEnvelope};
use super::error::Error;
use super::response::decode;

/// One response of an endpoint exactly as the vendor documents it: the status and the body.
///
/// `T` is what the endpoint's method returns; [`value`](Fixture::value) decodes the body into
/// it the way the client decodes a real response (from under the response envelope, if the
/// endpoint has one).
pub struct Fixture<T> {
    status: u16,
    body: &'static str,
    shape: ResponseShape,
    // `fn() -> T` keeps the fixture `Send + Sync + Copy` whatever `T` is: no `T` is stored.
    value: PhantomData<fn() -> T>,
}

impl<T> Fixture<T> {
    /// A fixture with the documented `status` and `body` (JSON text); `shape` says where the
    /// body holds the value. Generated code makes these.
    #[doc(hidden)]
    pub const fn new(status: u16, body: &'static str, shape: ResponseShape) -> Self {
        Fixture { status, body, shape, value: PhantomData }
    }

    /// The documented HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The documented body, exactly as the vendor documents it (JSON text).
    pub fn body(&self) -> &'static str {
        self.body
    }

    /// The body parsed as JSON (`null` for an empty body).
    pub fn json(&self) -> Value {
        if self.body.trim().is_empty() {
            return Value::Null;
        }
        // The generator writes only JSON bodies, so this fallback is never taken for them.
        serde_json::from_str(self.body).unwrap_or(Value::Null)
    }

    /// The key of the top-level object the resource sits under (`access_code`), if any.
    pub fn envelope(&self) -> Option<&'static str> {
        match self.shape {
            ResponseShape::Envelope(key) | ResponseShape::Write(&WriteEnvelope { value_field: key, .. }) => Some(key),
            ResponseShape::Empty | ResponseShape::Body => None,
        }
    }
}

impl<T: DeserializeOwned> Fixture<T> {
    /// The body decoded as the client decodes a response: from under the envelope when the
    /// endpoint has one.
    ///
    /// # Errors
    /// [`Error::Decode`], with the JSON path of the failure, when the body is not a `T`.
    pub fn value(&self) -> Result<T, Error> {
        decode(self.shape, self.status, None, self.body.as_bytes())
    }
}

impl<T: DeserializeOwned + serde::Serialize> Fixture<T> {
    /// The documented resource (under the envelope, if any) and what decoding it into `T`
    /// and encoding it again gives, to check that the type keeps every documented field.
    ///
    /// # Errors
    /// As [`Fixture::value`].
    pub fn round_trip(&self) -> Result<(serde_json::Value, serde_json::Value), Error> {
        let value = self.value()?;
        let json = self.json();
        let documented = match self.shape {
            ResponseShape::Envelope(key) | ResponseShape::Write(&WriteEnvelope { value_field: key, .. }) => {
                json.get(key).cloned().unwrap_or(serde_json::Value::Null)
            }
            ResponseShape::Body => json,
            // Nothing is read, so nothing is kept.
            ResponseShape::Empty => serde_json::Value::Null,
        };
        let encoded = serde_json::to_value(&value).map_err(|e| Error::Config(format!("cannot encode the fixture again: {e}")))?;
        Ok((documented, encoded))
    }
}

impl<T> Clone for Fixture<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Fixture<T> {}

impl<T> fmt::Debug for Fixture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fixture").field("status", &self.status).field("shape", &self.shape).field("body", &self.body).finish()
    }
}
