// `#[derive(codec::Model)]` and `#[derive(codec::Union)]` read the compiler's token trees
// themselves (no syn): the shapes the generator may write beyond today's specs must expand,
// and decode and encode as the attributes say. Not for direct use; the generated types
// crates are the derive's only users.

use std::collections::BTreeMap;

// As a types crate names them: the runtime's codec, and the derives beside it.
mod codec {
    pub use keyway_codec_derive::{Model, Union};
    #[allow(unused_imports)]
    pub use keyway_runtime::codec::*;
}
use serde_json::json;

/// Raw and keyword field names, a `rename` with escapes and a raw string, every way of
/// writing `Option`, a type with a comma inside `<…>`, restricted visibility.
#[derive(Debug, Clone, PartialEq, codec::Model)]
pub struct Shapes {
    pub r#type: String,
    #[wire(rename = "quote\"and\\back\u{e9}")]
    pub escaped: i64,
    #[wire(rename = r#"raw"name"#, skip_none)]
    pub raw: Option<bool>,
    #[wire(skip_none)]
    pub(crate) full: ::std::option::Option<u8>,
    #[wire(skip_none)]
    pub core: core::option::Option<u8>,
    pub turbofish: Option::<u8>,
    #[wire(default)]
    pub map: BTreeMap<String, Vec<u8>>,
    #[wire()]
    pub nested: ::std::vec::Vec<::std::option::Option<i64>>,
}

#[derive(Debug, Clone, PartialEq, codec::Model)]
#[wire(rename_all = "PascalCase")]
pub struct Pascal {
    pub business_id: i64,
    #[wire(rename = "odd_one")]
    pub odd_one: i64,
}

#[derive(Debug, Clone, PartialEq, codec::Model)]
pub struct Empty {}

/// A payload that keeps the tag it was sent (for `also` below), with a raw name like the
/// accessor's, and a field both optional and nullable.
#[derive(Debug, Clone, PartialEq, codec::Model)]
pub struct Kept {
    pub r#type: String,
    #[wire(skip_absent)]
    pub note: keyway_runtime::Nullable<String>,
}

#[derive(Debug, Clone, PartialEq, codec::Union)]
#[wire(tag = "type", accessor = r#type)]
pub enum Several {
    #[wire(rename = "kept-one", also = "kept-two")]
    KeptOne(Kept),
    Unknown(serde_json::Value),
}

#[derive(Debug, Clone, PartialEq, codec::Union)]
#[wire(tag = "type", accessor = r#type)]
pub enum Tagged {
    First(Pascal),
    #[wire(rename = "second-one")]
    SecondOne(Empty),
    Unknown(serde_json::Value),
}

fn main() {
    let shapes: Shapes = serde_json::from_value(json!({
        "type": "t",
        "quote\"and\\back\u{e9}": 1,
        "raw\"name": true,
        "full": null,
        "turbofish": 3,
        "nested": [1, null],
    }))
    .unwrap();
    assert_eq!(shapes.r#type, "t");
    assert_eq!((shapes.escaped, shapes.raw, shapes.full, shapes.core, shapes.turbofish), (1, Some(true), None, None, Some(3)));
    assert!(shapes.map.is_empty());
    assert_eq!(shapes.nested, vec![Some(1), None]);
    assert_eq!(
        serde_json::to_value(&shapes).unwrap(),
        json!({ "type": "t", "quote\"and\\back\u{e9}": 1, "raw\"name": true, "turbofish": 3, "map": {}, "nested": [1, null] })
    );
    let missing = serde_json::from_value::<Shapes>(json!({ "quote\"and\\back\u{e9}": 1, "nested": [] })).unwrap_err();
    assert!(missing.to_string().contains("`type`"), "{missing}");

    let pascal = json!({ "BusinessId": 7, "odd_one": 8 });
    assert_eq!(serde_json::from_value::<Pascal>(pascal.clone()).unwrap(), Pascal { business_id: 7, odd_one: 8 });

    let first: Tagged = serde_json::from_value(json!({ "type": "first", "BusinessId": 1, "odd_one": 2 })).unwrap();
    assert_eq!(first.r#type(), "first");
    let second: Tagged = serde_json::from_value(json!({ "type": "second-one" })).unwrap();
    assert_eq!((second.r#type(), serde_json::to_value(&second).unwrap()), ("second-one", json!({ "type": "second-one" })));
    let other: Tagged = serde_json::from_value(json!({ "type": "third", "x": 1 })).unwrap();
    assert_eq!(other.r#type(), "third");
    assert!(matches!(other, Tagged::Unknown(_)));

    for body in [json!({ "type": "kept-two" }), json!({ "type": "kept-one", "note": null }), json!({ "type": "kept-two", "note": "n" })] {
        let several: Several = serde_json::from_value(body.clone()).unwrap();
        assert!(matches!(several, Several::KeptOne(_)), "{body}");
        assert_eq!(several.r#type(), body["type"]);
        assert_eq!(serde_json::to_value(&several).unwrap(), body);
    }
}
