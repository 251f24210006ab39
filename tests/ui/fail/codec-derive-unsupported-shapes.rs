// The derive reads only the shapes the generator writes: anything else is a compile error
// that says what it expected, never a panic.

// As a types crate names them: the runtime's codec, and the derives beside it.
mod codec {
    pub use keyway_codec_derive::{Model, Union};
    #[allow(unused_imports)]
    pub use keyway_runtime::codec::*;
}

#[derive(codec::Model)]
pub struct Tuple(i64);

#[derive(codec::Model)]
pub struct Generic<T> {
    pub value: T,
}

#[derive(codec::Model)]
pub enum NotAStruct {
    A,
}

#[derive(codec::Model)]
pub struct UnknownArgument {
    #[wire(flatten)]
    pub value: i64,
}

#[derive(codec::Model)]
pub struct SkipNoneOnAValue {
    #[wire(skip_none)]
    pub value: i64,
}

#[derive(codec::Model)]
pub struct RenameNotAString {
    #[wire(rename = 3)]
    pub value: i64,
}

#[derive(codec::Model)]
pub struct SameWireName {
    pub value: i64,
    #[wire(rename = "value")]
    pub other: i64,
}

#[derive(codec::Model)]
#[wire(rename_all = "camelCase")]
pub struct OtherCasing {
    pub value: i64,
}

#[derive(codec::Union)]
pub enum NoTag {
    Unknown(serde_json::Value),
}

#[derive(codec::Union)]
#[wire(tag = "type")]
pub enum TagIsAKeyword {
    Unknown(serde_json::Value),
}

#[derive(codec::Union)]
#[wire(tag = "kind")]
pub enum TwoFields {
    Pair(i64, i64),
    Unknown(serde_json::Value),
}

#[derive(codec::Union)]
#[wire(tag = "kind")]
pub enum NoUnknown {
    One(i64),
}

fn main() {}
