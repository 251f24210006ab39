//! Serde helpers shared by the generated enums and tagged unions, so that each generated
//! type stays a few lines long.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::Value;

/// Reads a string and converts it with `from` without allocating for borrowed input.
/// Generic over `F` (not a `fn` pointer) so the conversion inlines into the visitor.
pub fn deserialize_str<'de, D, T, F>(deserializer: D, from: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> T,
{
    struct StrVisitor<F>(F);

    impl<T, F: FnOnce(&str) -> T> Visitor<'_> for StrVisitor<F> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(from))
}

/// The string value of `field` in a JSON object, if any.
pub fn tag_of<'v>(value: &'v Value, field: &str) -> Option<&'v str> {
    value.get(field)?.as_str()
}

/// Which of `tags` the object's `field` holds.
pub fn tag_position(value: &Value, field: &str, tags: &[&str]) -> Option<usize> {
    let tag = tag_of(value, field)?;
    tags.iter().position(|t| *t == tag)
}

/// Serializes a variant's payload with its tag field added back.
pub fn serialize_tagged<S, T>(serializer: S, field: &str, tag: &str, payload: &T) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
{
    match serde_json::to_value(payload).map_err(S::Error::custom)? {
        Value::Object(mut object) => {
            object.insert(field.to_owned(), Value::String(tag.to_owned()));
            object.serialize(serializer)
        }
        other => Err(S::Error::custom(format_args!(
            "a tagged variant must serialize to an object, not {other}"
        ))),
    }
}

/// Decodes a variant's payload from the object already read, keeping the error message.
pub fn from_value<T: DeserializeOwned, E: de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}
