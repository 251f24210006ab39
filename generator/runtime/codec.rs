//! Serde helpers shared by the generated enums and tagged unions, so that each generated
//! type stays a few lines long.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
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

/// Decodes a tagged union: the object is read whole (its tag may come last), then `decode`
/// picks the variant. It is read through a visitor rather than as a `Value` so that a
/// variant that does not decode fails inside `visit_map`, where serde_json places the error
/// at the end of this object: the client's decode error then names the union's path. A
/// value that is not an object is handed to `decode` as it is (it becomes `Unknown`).
pub fn deserialize_tagged<'de, D, T, F>(deserializer: D, decode: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(Value) -> Result<T, serde_json::Error>,
{
    struct TaggedVisitor<F>(F);

    impl<F> TaggedVisitor<F> {
        fn finish<T, E: de::Error>(self, value: Value) -> Result<T, E>
        where
            F: FnOnce(Value) -> Result<T, serde_json::Error>,
        {
            (self.0)(value).map_err(E::custom)
        }
    }

    impl<'de, T, F: FnOnce(Value) -> Result<T, serde_json::Error>> Visitor<'de> for TaggedVisitor<F> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a tagged object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut object = serde_json::Map::new();
            while let Some((key, value)) = map.next_entry::<String, Value>()? {
                object.insert(key, value);
            }
            self.finish(Value::Object(object))
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<Value>()? {
                items.push(item);
            }
            self.finish(Value::Array(items))
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
            self.finish(Value::Bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            self.finish(Value::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            self.finish(Value::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            self.finish(Value::from(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            self.finish(Value::from(v))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
            self.finish(Value::String(v))
        }

        fn visit_unit<E: de::Error>(self) -> Result<T, E> {
            self.finish(Value::Null)
        }

        fn visit_none<E: de::Error>(self) -> Result<T, E> {
            self.finish(Value::Null)
        }

        fn visit_some<D2: Deserializer<'de>>(self, deserializer: D2) -> Result<T, D2::Error> {
            let value = Value::deserialize(deserializer)?;
            self.finish(value)
        }
    }

    deserializer.deserialize_any(TaggedVisitor(decode))
}

/// An object key, borrowed from the input when it has no escapes (no allocation), owned
/// otherwise. The generated models' `Deserialize` matches on it.
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped or handed over by the deserializer.
    Owned(String),
}

impl Key<'_> {
    /// The key's text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the value of field `name` into its slot; a second value for it is an error.
#[inline]
pub fn next_field<'de, A, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the model does not know.
#[inline]
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A required field's value, or the "missing field" error.
#[inline]
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// An `Option` field: absent and `null` are both `None`.
#[inline]
pub fn absent_is_none<T, E>(slot: Option<Option<T>>, _name: &'static str) -> Result<Option<T>, E> {
    Ok(slot.flatten())
}

/// An optional array (or other collection): absent is empty.
#[inline]
pub fn absent_is_empty<T: Default, E>(slot: Option<T>, _name: &'static str) -> Result<T, E> {
    Ok(slot.unwrap_or_default())
}

/// Serializing a field that is always written.
pub mod always {
    use serde::ser::SerializeStruct;

    /// How many entries the field writes.
    #[inline]
    pub fn len<T>(_value: &T) -> usize {
        1
    }

    /// Writes the field.
    #[inline]
    pub fn write<S: SerializeStruct, T: serde::Serialize>(state: &mut S, name: &'static str, value: &T) -> Result<(), S::Error> {
        state.serialize_field(name, value)
    }
}

/// Serializing an optional field that is left out when `None`.
pub mod skip_none {
    use serde::ser::SerializeStruct;

    /// How many entries the field writes.
    #[inline]
    pub fn len<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }

    /// Writes the field, or marks it skipped.
    #[inline]
    pub fn write<S: SerializeStruct, T: serde::Serialize>(state: &mut S, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
        match value {
            Some(_) => state.serialize_field(name, value),
            None => state.skip_field(name),
        }
    }
}

/// `Serialize` and `Deserialize` for a generated model, from its field table:
/// `Model; "wire_name" => rust_name, absent, ser; …`, where `absent` is `required`,
/// `absent_is_none` or `absent_is_empty` (what decoding does when the key is missing) and `ser`
/// is `always` or `skip_none`.
///
/// The same behaviour as serde's derives for JSON objects (unknown keys skipped, a duplicate
/// key or a missing required field is an error, absent `Option`s are `None`; unlike the
/// derive, a JSON array is not accepted in place of an object) in a fraction of the code: the
/// derives' expansion (a field enum with three visitors, a sequence visitor, per-field
/// missing-field handling) was most of what rustc type- and borrow-checked in this crate,
/// and spelled out in the generated source it doubled the lines the generator prints. Here
/// each field is one slot, one match arm and one result line; the shared steps are
/// functions generic only over the field's type. Locals of the macro are hygienic, so a
/// field may be called `map` or `key`; its own items and type parameters start with `__`,
/// which generated type names never do.
#[allow(unused_macros, reason = "used by generated models, which features may turn off")]
macro_rules! model_serde {
    ($(#[$attr:meta])* $model:ident; $($wire:literal => $field:ident, $absent:ident, $ser:ident;)*) => {
        $(#[$attr])*
        impl ::serde::Serialize for $model {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let len = 0 $( + $crate::runtime::codec::$ser::len(&self.$field) )*;
                // A model without fields writes nothing more.
                #[allow(unused_mut)]
                let mut state = serializer.serialize_struct(stringify!($model), len)?;
                $( $crate::runtime::codec::$ser::write(&mut state, $wire, &self.$field)?; )*
                state.end()
            }
        }

        $(#[$attr])*
        impl<'de> ::serde::Deserialize<'de> for $model {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $model;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($model)))
                    }

                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<$model, __A::Error> {
                        $( let mut $field = ::std::option::Option::None; )*
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::runtime::codec::Key<'de>>()? {
                            match key.as_str() {
                                $( $wire => $crate::runtime::codec::next_field(&mut map, &mut $field, $wire)?, )*
                                _ => $crate::runtime::codec::skip_value(&mut map)?,
                            }
                        }
                        ::std::result::Result::Ok($model {
                            $( $field: $crate::runtime::codec::$absent::<_, __A::Error>($field, $wire)?, )*
                        })
                    }
                }

                deserializer.deserialize_struct(stringify!($model), &[$($wire),*], __Visitor)
            }
        }
    };
}

#[allow(unused_imports, reason = "used by generated models, which features may turn off")]
pub(crate) use model_serde;

/// The tag accessor, `Serialize` and `Deserialize` of a generated tagged union, from its
/// variant table: `Union, tag_method, "tag_field"; "tag" => Variant; …`. The enum itself
/// (with its docs and an `Unknown(serde_json::Value)` variant) is written out by the
/// generator; this is the part that is the same for every union, one line per variant
/// instead of fifteen printed ones.
///
/// Decoding reads the object into a `serde_json::Value` (see [`deserialize_tagged`]) and
/// decodes the variant whose tag it holds; an unknown tag, or a value without one, is kept
/// as `Unknown`. Encoding writes the payload's fields and the tag beside them.
#[allow(unused_macros, reason = "used by generated unions, which features may turn off")]
macro_rules! union_serde {
    ($union:ident, $tag_method:ident, $tag_field:literal; $($tag:literal => $variant:ident;)*) => {
        impl $union {
            #[doc = concat!("The `", $tag_field, "` of this value.")]
            pub fn $tag_method(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $tag, )*
                    Self::Unknown(value) => $crate::runtime::codec::tag_of(value, $tag_field).unwrap_or_default(),
                }
            }
        }

        impl ::serde::Serialize for $union {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self {
                    $( Self::$variant(value) => $crate::runtime::codec::serialize_tagged(serializer, $tag_field, $tag, value), )*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $union {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::codec::deserialize_tagged(deserializer, |value| {
                    match $crate::runtime::codec::tag_of(&value, $tag_field) {
                        $( ::std::option::Option::Some($tag) => ::serde_json::from_value(value).map(Self::$variant), )*
                        _ => ::std::result::Result::Ok(Self::Unknown(value)),
                    }
                })
            }
        }
    };
}

#[allow(unused_imports, reason = "used by generated unions, which features may turn off")]
pub(crate) use union_serde;
