//! Scalar unions: the Rust types of a spec's `string | boolean` and the like, one enum per
//! combination of `string`, `boolean`, `integer` and `number` (in that order; `integer` and
//! `number` never together, a `number` holds integers already). The value's JSON kind picks
//! the variant, and each variant encodes again as it came.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::Number;

/// Declares one scalar union: its variants among `String`, `Boolean`, `Integer`, `Number`,
/// with the `From` conversions and serde impls that go with them.
macro_rules! scalar_union {
    ($(#[doc = $doc:literal])* $name:ident, $expecting:literal { $($variant:ident),+ }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $(
                #[doc = scalar_union!(@doc $variant)]
                $variant(scalar_union!(@type $variant)),
            )+
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => value.serialize(serializer),)+
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ScalarVisitor;

                impl Visitor<'_> for ScalarVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    $(scalar_union!(@visit $name $variant);)+
                }

                deserializer.deserialize_any(ScalarVisitor)
            }
        }

        $(scalar_union!(@from $name $variant);)+
    };

    (@doc String) => { "A string." };
    (@doc Boolean) => { "`true` or `false`." };
    (@doc Integer) => { "An integer (of `i64`'s range)." };
    (@doc Number) => { "A number, kept as written (an integer or a fraction)." };
    (@type String) => { String };
    (@type Boolean) => { bool };
    (@type Integer) => { i64 };
    (@type Number) => { Number };

    (@visit $name:ident String) => {
        fn visit_str<E: de::Error>(self, value: &str) -> Result<$name, E> {
            Ok($name::String(value.to_owned()))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<$name, E> {
            Ok($name::String(value))
        }
    };
    (@visit $name:ident Boolean) => {
        fn visit_bool<E: de::Error>(self, value: bool) -> Result<$name, E> {
            Ok($name::Boolean(value))
        }
    };
    (@visit $name:ident Integer) => {
        fn visit_i64<E: de::Error>(self, value: i64) -> Result<$name, E> {
            Ok($name::Integer(value))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<$name, E> {
            i64::try_from(value).map($name::Integer).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
        }
    };
    (@visit $name:ident Number) => {
        fn visit_i64<E: de::Error>(self, value: i64) -> Result<$name, E> {
            Ok($name::Number(Number::from(value)))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<$name, E> {
            Ok($name::Number(Number::from(value)))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<$name, E> {
            Ok($name::Number(Number::from(value)))
        }
    };

    (@from $name:ident String) => {
        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::String(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::String(value.to_owned())
            }
        }
    };
    (@from $name:ident Boolean) => {
        impl From<bool> for $name {
            fn from(value: bool) -> Self {
                Self::Boolean(value)
            }
        }
    };
    (@from $name:ident Integer) => {
        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self::Integer(value)
            }
        }
    };
    (@from $name:ident Number) => {
        impl From<Number> for $name {
            fn from(value: Number) -> Self {
                Self::Number(value)
            }
        }

        impl From<f64> for $name {
            fn from(value: f64) -> Self {
                Self::Number(Number::from(value))
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self::Number(Number::from(value))
            }
        }
    };
}

scalar_union! {
    /// A spec's `string | boolean`: a string or `true`/`false`.
    StringOrBoolean, "a string or a boolean" { String, Boolean }
}

scalar_union! {
    /// A spec's `string | integer`: a string or an integer.
    StringOrInteger, "a string or an integer" { String, Integer }
}

scalar_union! {
    /// A spec's `string | number`: a string or a number.
    StringOrNumber, "a string or a number" { String, Number }
}

scalar_union! {
    /// A spec's `boolean | integer`: `true`/`false` or an integer.
    BooleanOrInteger, "a boolean or an integer" { Boolean, Integer }
}

scalar_union! {
    /// A spec's `boolean | number`: `true`/`false` or a number.
    BooleanOrNumber, "a boolean or a number" { Boolean, Number }
}

scalar_union! {
    /// A spec's `string | boolean | integer`: a string, `true`/`false` or an integer.
    StringOrBooleanOrInteger, "a string, a boolean or an integer" { String, Boolean, Integer }
}

scalar_union! {
    /// A spec's `string | boolean | number`: a string, `true`/`false` or a number.
    StringOrBooleanOrNumber, "a string, a boolean or a number" { String, Boolean, Number }
}
