//! [`Nullable`]: the Rust type of a field that is both optional and nullable, whose three
//! states (absent, `null`, a value) a plain `Option` would fold into two.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// A field the server may leave out or send as `null`, where the two say different things
/// (a `name` left out is not known; a `name` that is `null` is known to be empty). Each state
/// encodes again as it came: `Absent` is left out of the object, `Null` is written `null`.
///
/// Read the value with [`Nullable::as_ref`] (or [`Nullable::into_option`]) when the
/// difference does not matter, or `match` on the three variants when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The key was not in the object.
    #[default]
    Absent,
    /// The key was there, holding `null`.
    Null,
    /// The key held a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one (`None` for `Absent` and `Null` alike).
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value dereferenced (`Option<&str>` for a `Nullable<String>`).
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_ref().map(|value| &**value)
    }

    /// The value, if there is one, by value.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Whether the key was left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the key held `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// Whether the key held a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }
}

/// `None` is `Null`: an `Option` has no way to say "absent".
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        }
    }
}

impl<T> From<Nullable<T>> for Option<T> {
    fn from(value: Nullable<T>) -> Self {
        value.into_option()
    }
}

/// `null` and a value; an absent key never reaches here (a model's decoding reads it as the
/// default, `Absent`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// `Null` as `null`, a value as itself. A model leaves an `Absent` field out before this is
/// reached; on its own, `Absent` is written as `null`, the nearest JSON has.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(value),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}
