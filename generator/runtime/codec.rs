//! Serde for the generated types, written once here so that each generated type stays a
//! few lines long: models through their field table ([`Model`], which
//! `#[derive(codec::Model)]` of crate `keyway-codec-derive` writes), tagged unions (through
//! [`deserialize_tagged`], which `#[derive(codec::Union)]` calls) and enums.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

use crate::Nullable;

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

/// Serializes a variant's payload (a model) with its tag field first: the payload's
/// fields are written after the tag through the model's field table, so no `Value` of the
/// payload is built (and no second serializer is instantiated per payload type).
pub fn serialize_tagged<S, M>(serializer: S, field: &'static str, tag: &'static str, payload: &M) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    M: Model,
{
    let fields = payload.fields();
    let mut state = serializer.serialize_struct(M::NAME, fields.count() + 1)?;
    state.serialize_field(field, tag)?;
    fields.write(&mut state)?;
    state.end()
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

/// Reads an object key as the index of the model's field it names (`None`: a key the model
/// does not have), straight from the deserializer's text: no key value is built and an
/// escaped key is not copied. What serde's derive does with its field enum for string keys
/// (it also accepts byte and integer keys, which JSON does not have).
struct FieldIndex<M>(PhantomData<M>);

impl<'de, M: Model> de::DeserializeSeed<'de> for FieldIndex<M> {
    type Value = Option<usize>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<M: Model> Visitor<'_> for FieldIndex<M> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(M::field_index(key))
    }
}

/// A generated type's decoder from JSON text, written by the derives so that it is compiled
/// in the types crate that defines the type.
///
/// Why: rustc compiles a generic function where it is instantiated with concrete types. The
/// decoders of the response types (`Deserialize` over serde_json's text deserializer, and
/// everything they call) were all instantiated in `keyway`, where `Call<T>` names them, and
/// made it the largest crate of a build by far (1.3 GB of rustc at 300 endpoints). Compiled
/// here, in the types crates that cargo builds side by side, a debug build of `keyway`
/// reuses them: rustc shares generic instances between crates when optimizations are off
/// (`-Zshare-generics`, on by default there). Nothing calls it; the derives write it only
/// under `debug_assertions` (on in the profiles where sharing is), since an optimized
/// build shares nothing and would compile every decoder twice, used or not.
pub trait FromJsonText: Sized {
    /// Decodes the type from JSON text.
    fn from_json_text(text: &str) -> Result<Self, serde_json::Error>;
}

/// A generated model's field table: what its `Deserialize` and `Serialize` need to know, as
/// types and constants rather than code, so that the work is done by the generic functions
/// below ([`deserialize_model`], [`serialize_model`]). Written by `#[derive(codec::Model)]`.
pub trait Model: Sized {
    /// The type's name, for serde's messages.
    const NAME: &'static str;
    /// The wire names of the fields, in the order of [`Model::Slots`].
    const FIELDS: &'static [&'static str];
    /// The index in [`Model::FIELDS`] of the field named `key` on the wire. A `match` on the
    /// names, which compiles to compares against constants: faster than a search of `FIELDS`.
    /// Out of line (the derive writes no `#[inline]`), like serde's field visitor, so that
    /// serde_json's key reading inlines into [`deserialize_model`]'s loop.
    fn field_index(key: &str) -> Option<usize>;
    /// One slot per field ([`Required`] or [`Defaulted`]), in tuples of at most 16 chained
    /// with [`Then`]; `()` for a model without fields.
    type Slots: Slots;
    /// Builds the model from its filled slots, straight into the struct (through a tuple of
    /// values first cost 5 % in decoding). [`deserialize_model`] calls it only once
    /// [`Slots::missing`] has found every required field present: a `?` per field instead
    /// cost rustc 7 % more memory for this crate.
    fn from_slots(slots: Self::Slots) -> Self;
    /// The fields to write, with their wire names.
    fn fields(&self) -> impl Fields;
}

/// The slots of an object's fields while it is decoded: a tuple of at most 16 [`Slot`]s,
/// or groups of them chained with [`Then`], so a model may have any number of fields.
pub trait Slots: Sized {
    /// How many fields this holds.
    const LEN: usize;
    /// All slots empty.
    fn empty() -> Self;
    /// Reads the next value of `map` into the field at `index`; `Ok(false)` when the field
    /// already has a value (the caller names it in the error), leaving the value unread.
    fn fill<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<bool, A::Error>;
    /// The index of the first required field without a value.
    fn missing(&self) -> Option<usize>;
}

/// One field's slot: [`Required`] or [`Defaulted`].
pub trait Slot {
    /// An empty slot.
    fn empty() -> Self;
    /// Reads the next value of `map` into the slot; `Ok(false)`, reading nothing, when the
    /// slot already has a value.
    fn fill<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<bool, A::Error>;
    /// Whether a required field has no value.
    fn is_missing(&self) -> bool;
}

/// One field's slot while its object is decoded: the value, once read. `REQUIRED` says
/// whether its absence is an error ([`Required`]) or reads as the default ([`Defaulted`]).
pub struct FieldSlot<T, const REQUIRED: bool>(Option<T>);

/// The slot of a required field: absent is a "missing field" error.
pub type Required<T> = FieldSlot<T, true>;

/// The slot of an optional field: absent is `T::default()` (`None`, or an empty array).
pub type Defaulted<T> = FieldSlot<T, false>;

impl<T> Required<T> {
    /// The value. Only for [`Model::from_slots`], after [`Slots::missing`] found it present.
    #[inline]
    pub fn into_value(self) -> T {
        match self.0 {
            Some(value) => value,
            None => required_field_missing(),
        }
    }
}

/// Not reachable from any input: `deserialize_model` returns the missing-field error before
/// it builds the model. Out of line and cold so that the check costs each field one branch.
#[cold]
#[inline(never)]
fn required_field_missing() -> ! {
    unreachable!("from_slots called with a required field missing")
}

impl<T: Default> Defaulted<T> {
    /// The value, or the default when the field was absent.
    #[inline]
    pub fn into_value(self) -> T {
        self.0.unwrap_or_default()
    }
}

impl<T: DeserializeOwned, const REQUIRED: bool> Slot for FieldSlot<T, REQUIRED> {
    #[inline]
    fn empty() -> Self {
        Self(None)
    }

    #[inline]
    fn fill<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<bool, A::Error> {
        if self.0.is_some() {
            return Ok(false);
        }
        self.0 = Some(map.next_value()?);
        Ok(true)
    }

    #[inline]
    fn is_missing(&self) -> bool {
        REQUIRED && self.0.is_none()
    }
}

/// Two groups of fields, one after the other: `Then(first 16, Then(next 16, rest))`. Its own
/// type, not a pair, so that a tuple of slots can dispatch with a `match` on the index.
pub struct Then<G, R>(pub G, pub R);

impl<G: Slots, R: Slots> Slots for Then<G, R> {
    const LEN: usize = G::LEN + R::LEN;

    #[inline]
    fn empty() -> Self {
        Then(G::empty(), R::empty())
    }

    #[inline]
    fn fill<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<bool, A::Error> {
        if index < G::LEN { self.0.fill(index, map) } else { self.1.fill(index - G::LEN, map) }
    }

    #[inline]
    fn missing(&self) -> Option<usize> {
        self.0.missing().or_else(|| Some(self.1.missing()? + G::LEN))
    }
}

impl<G: Fields, R: Fields> Fields for Then<G, R> {
    #[inline]
    fn count(&self) -> usize {
        self.0.count() + self.1.count()
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
        self.0.write(state)?;
        self.1.write(state)
    }
}

/// A model without fields.
impl Slots for () {
    const LEN: usize = 0;

    #[inline]
    fn empty() -> Self {}

    #[inline]
    fn fill<'de, A: MapAccess<'de>>(&mut self, index: usize, _map: &mut A) -> Result<bool, A::Error> {
        Err(de::Error::custom(format_args!("no field has index {index}")))
    }

    #[inline]
    fn missing(&self) -> Option<usize> {
        None
    }
}

macro_rules! tuple_slots {
    ($len:literal; $($slot:ident $index:tt),+) => {
        impl<$($slot: Slot),+> Slots for ($($slot,)+) {
            const LEN: usize = $len;

            #[inline]
            fn empty() -> Self {
                ($($slot::empty(),)+)
            }

            #[inline]
            fn fill<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<bool, A::Error> {
                match index {
                    $( $index => self.$index.fill(map), )+
                    _ => Err(de::Error::custom(format_args!("no field has index {index} in a group of {}", $len))),
                }
            }

            #[inline]
            fn missing(&self) -> Option<usize> {
                $( if self.$index.is_missing() { return Some($index); } )+
                None
            }
        }

        impl<$($slot: Fields),+> Fields for ($($slot,)+) {
            #[inline]
            fn count(&self) -> usize {
                0 $(+ self.$index.count())+
            }

            #[inline]
            fn write<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
                $( self.$index.write(state)?; )+
                Ok(())
            }
        }
    };
}

tuple_slots!(1; S0 0);
tuple_slots!(2; S0 0, S1 1);
tuple_slots!(3; S0 0, S1 1, S2 2);
tuple_slots!(4; S0 0, S1 1, S2 2, S3 3);
tuple_slots!(5; S0 0, S1 1, S2 2, S3 3, S4 4);
tuple_slots!(6; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5);
tuple_slots!(7; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6);
tuple_slots!(8; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7);
tuple_slots!(9; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8);
tuple_slots!(10; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9);
tuple_slots!(11; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10);
tuple_slots!(12; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11);
tuple_slots!(13; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12);
tuple_slots!(14; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12, S13 13);
tuple_slots!(15; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12, S13 13, S14 14);
tuple_slots!(16; S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7, S8 8, S9 9, S10 10, S11 11, S12 12, S13 13, S14 14, S15 15);

/// `Deserialize` of a generated model: serde's derive for a JSON object, driven by the
/// model's field table. Unknown keys are skipped, a duplicate key or a missing required
/// field is an error; unlike the derive, a JSON array is not accepted in place of an object.
pub fn deserialize_model<'de, D: Deserializer<'de>, M: Model>(deserializer: D) -> Result<M, D::Error> {
    struct ModelVisitor<M>(PhantomData<M>);

    impl<'de, M: Model> Visitor<'de> for ModelVisitor<M> {
        type Value = M;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", M::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
            // `#[derive(Model)]` writes the names and the slots from the same fields; a
            // table whose two halves disagree fails to compile rather than skip fields.
            const { assert!(M::FIELDS.len() == <M::Slots as Slots>::LEN, "a model's FIELDS and Slots differ in length") };
            let mut slots = M::Slots::empty();
            while let Some(index) = map.next_key_seed(FieldIndex::<M>(PhantomData))? {
                match index {
                    Some(index) => {
                        if !slots.fill(index, &mut map)? {
                            return Err(duplicate_field(M::FIELDS, index));
                        }
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            if let Some(index) = slots.missing() {
                return Err(de::Error::missing_field(M::FIELDS.get(index).copied().unwrap_or(M::NAME)));
            }
            Ok(M::from_slots(slots))
        }
    }

    deserializer.deserialize_struct(M::NAME, M::FIELDS, ModelVisitor(PhantomData))
}

/// serde's error for a key that came twice in one object, out of the decoding loop.
#[cold]
#[inline(never)]
fn duplicate_field<E: de::Error>(fields: &'static [&'static str], index: usize) -> E {
    de::Error::duplicate_field(fields.get(index).copied().unwrap_or("(unknown)"))
}

/// The fields a model writes: one field ([`Always`], [`SkipNone`], [`SkipAbsent`]) or a tuple
/// of them.
pub trait Fields {
    /// How many entries are written.
    fn count(&self) -> usize;
    /// Writes the fields.
    fn write<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error>;
}

/// A field that is always written: its wire name and value.
pub struct Always<'a, T>(pub &'static str, pub &'a T);

/// An optional field that is left out when `None`: its wire name and value.
pub struct SkipNone<'a, T>(pub &'static str, pub &'a Option<T>);

impl<T: Serialize> Fields for Always<'_, T> {
    #[inline]
    fn count(&self) -> usize {
        1
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
        state.serialize_field(self.0, self.1)
    }
}

impl<T: Serialize> Fields for SkipNone<'_, T> {
    #[inline]
    fn count(&self) -> usize {
        usize::from(self.1.is_some())
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
        match self.1 {
            Some(_) => state.serialize_field(self.0, self.1),
            None => state.skip_field(self.0),
        }
    }
}

/// A field both optional and nullable, left out when [`Nullable::Absent`] and written as
/// `null` when [`Nullable::Null`]: its wire name and value.
pub struct SkipAbsent<'a, T>(pub &'static str, pub &'a Nullable<T>);

impl<T: Serialize> Fields for SkipAbsent<'_, T> {
    #[inline]
    fn count(&self) -> usize {
        usize::from(!self.1.is_absent())
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
        match self.1 {
            Nullable::Absent => state.skip_field(self.0),
            present => state.serialize_field(self.0, present),
        }
    }
}

/// A model without fields.
impl Fields for () {
    #[inline]
    fn count(&self) -> usize {
        0
    }

    #[inline]
    fn write<S: SerializeStruct>(&self, _state: &mut S) -> Result<(), S::Error> {
        Ok(())
    }
}

/// `Serialize` of a generated model: a struct of its [`Model::fields`].
pub fn serialize_model<S: Serializer, M: Model>(serializer: S, model: &M) -> Result<S::Ok, S::Error> {
    let fields = model.fields();
    let mut state = serializer.serialize_struct(M::NAME, fields.count())?;
    fields.write(&mut state)?;
    state.end()
}

// The field tables above are written by `#[derive(codec::Model)]` and `#[derive(codec::Union)]`
// (crate `keyway-codec-derive`, whose docs list the `#[wire(…)]` attributes). The types
// crates depend on it directly, beside this crate, so that cargo builds the two at once: a
// re-export from here would put the derive's build before this crate's.
//
// Why not serde's derives: their expansion (a field enum with three visitors, a sequence
// visitor, per-field missing-field handling), and even a hand-written visitor with one match
// arm per field, cost rustc about a millisecond per field to type- and borrow-check, which
// made models about half of a types crate's build. Here a field is a type in a tuple, a name
// in a list, a string-to-index arm and a binding; nothing per field is generic over the
// deserializer or serializer. The code that reads and writes fields is the generic
// functions above, written once and instantiated per type.
