// The generator's golden output for the edge-case spec (generator/tests/cases/acme: fields
// named `type` and `ref`, enum values that are not identifiers, a one-variant union, a union
// whose variants share a model, an empty object, nested arrays, a recursive model, a model
// of 35 fields) must compile, and the wide model must decode and encode. The golden files
// are compiled in place, in the shape of the generated crate: the runtime crate named
// `runtime`, the API module and the module its types crate would be at the root, with the
// runtime's public types re-exported there.

// Nothing in a binary is reachable from outside it: the module's public items that this
// program does not use would all be reported as dead code.
#![allow(dead_code)]
// The acme module gates its mock server on a feature this pass case does not have.
#![allow(unexpected_cfgs)]

use keyway_runtime as runtime;

// As a types crate's root names them: the runtime's codec, and the derives beside it.
mod codec {
    pub use keyway_codec_derive::{Model, Union};
    pub use keyway_runtime::codec::*;
}

pub use runtime::{
    ActionFailure, ApiError, Call, ClientBuilder, Error, Items, Page, PagePosition, Pages, ParseTimestampError, Secret, Timestamp, TokenSource,
    Wait,
};

// The acme types crate, where `use ::keyway_acme_types;` in the generated lib.rs puts it.
// Its own `runtime` alias is unused here: as a module, its types reach the root's.
#[path = "../../../generator/tests/cases/acme.expected/crates/keyway-acme-types/src/lib.rs"]
#[allow(unused_imports)]
mod keyway_acme_types;

#[path = "../../../generator/tests/cases/acme.expected/src/acme/mod.rs"]
pub mod acme;

use std::time::Duration;

use acme::{
    AcmeAuth, AcmeClient, Empty, Job, JobState, Part, Placement, Review, Signal, Wide, Widget, WidgetId, WidgetsBrowseResponse, WidgetsInspectResponse,
    WidgetsNumberedResponse,
};

async fn use_it() -> Result<(), Error> {
    let client = AcmeClient::new(AcmeAuth::token("token"))?;
    let _ = AcmeClient::builder_from_env_with(|_| None)?.attempt_timeout(Duration::from_secs(1));

    let widget: Widget = client.widgets().get(WidgetId::new(7)).await?;
    let _: &Placement = &widget.r#type;
    let _: &Option<String> = &widget.r#ref;
    let _: &Vec<Vec<Part>> = &widget.parts;
    let _: &Option<Empty> = &widget.empty;
    for row in &widget.parts {
        for part in row {
            // Recursive: boxed or not, it reads as a `Part`.
            if let Some(inner) = part.inner.as_ref() {
                let _: &Part = inner;
            }
            // Optional and nullable: absent and `null` stay apart.
            match &part.inner {
                runtime::Nullable::Absent | runtime::Nullable::Null => {}
                runtime::Nullable::Value(inner) => {
                    let _: &Part = inner;
                }
            }
            let _: &str = &part.part_name;
        }
    }
    match &widget.review {
        Some(Review::Good(good)) => {
            let _: runtime::Number = good.stars;
            let _: f64 = good.stars.as_f64();
        }
        Some(Review::Unknown(value)) => {
            let _: &serde_json::Value = value;
        }
        None => {}
    }
    if let Some(review) = &widget.review {
        let _: &str = review.verdict();
    }
    for signal in &widget.signals {
        match signal {
            // Variants that share a model bind in one arm.
            Signal::Blink(part) | Signal::Beep(part) => {
                let _: &Part = part;
            }
            Signal::Hum(hum) => {
                let _: i64 = hum.pitch;
            }
            Signal::Unknown(value) => {
                let _: &serde_json::Value = value;
            }
        }
    }

    let widgets: Vec<Widget> = client
        .widgets()
        .list("owner")
        .limit(10)
        .placement(Placement::FirstPlace)
        .await?;
    let _ = widgets;
    let _: Vec<Widget> = client
        .widgets()
        .list(String::from("owner"))
        .into_call()
        .no_retries()
        .await?;

    // Lists: a page, every item, every page, resuming where a saved position says.
    let page: WidgetsBrowseResponse = client.widgets().browse().color("red").limit(2).await?;
    let _: &[Widget] = page.items();
    let _: Option<&str> = page.next_cursor();
    let mut items: Items<WidgetsBrowseResponse> = client.widgets().browse().color("red").items().max_items(5);
    while let Some(widget) = items.next().await {
        let _: Widget = widget?;
    }
    let mut pages: Pages<WidgetsNumberedResponse> = client.widgets().numbered().size(10).pages().max_pages(2);
    while let Some(page) = pages.next().await {
        let _: i64 = page?.pages;
    }
    let saved: Option<PagePosition> = pages.next_position().cloned();
    if let Some(position) = saved {
        let _: Vec<Widget> = client.widgets().numbered().resume_at(position).items().collect_all().await?;
    }
    // An action that is a model with an enum status, carried beside another key: waiting
    // gives the whole response with the job finished; the job reads again by its id.
    let polished = client.widgets().polish(WidgetId::new(7)).wait().timeout(Duration::from_secs(5)).await?;
    let _: (&WidgetId, &JobState) = (&polished.widget_id, &polished.job.state);
    let _: Job = client.jobs().get(polished.job.id).wait().await?;
    // A form body: its fields set like any parameters.
    let (): () = client.widgets().redeem("V-1").count(2).tags(["a", "b"]).placement(Placement::FirstPlace).await?;
    // Several keys of one body, and a body with nothing to give.
    let inspected: WidgetsInspectResponse = client.widgets().inspect(WidgetId::new(7)).await?;
    let (_, _): (&Widget, &Vec<String>) = (&inspected.widget, &inspected.warnings);
    let (): () = client.widgets().delete(WidgetId::new(7)).await?;

    // Inside the defining crate `#[non_exhaustive]` asks for no wildcard.
    match Placement::from("mobile key") {
        Placement::FirstPlace | Placement::MobileKey | Placement::SelfValue => {}
        Placement::Unknown(value) => {
            let _: String = value;
        }
    }
    Ok(())
}

/// `Wide` has 35 fields: three groups of the serde table, nested as pairs. Every third field
/// is an optional string, every fifth (not third) an optional array, the rest required
/// integers. Run, not only compiled: a slot out of step with its name would pass the
/// compiler.
fn wide_decodes_and_encodes_through_nested_groups() {
    let kind = |i: u32| match (i % 3, i % 5) {
        (0, _) => "optional",
        (_, 0) => "array",
        _ => "required",
    };
    let mut object = serde_json::Map::new();
    for i in 1..=35 {
        let value = match kind(i) {
            "optional" => serde_json::json!(format!("s{i}")),
            "array" => serde_json::json!([i]),
            _ => serde_json::json!(i),
        };
        object.insert(format!("f{i:02}"), value);
    }
    let full = serde_json::Value::Object(object.clone());
    let wide: Wide = serde_json::from_value(full.clone()).expect("every field present");
    assert_eq!((wide.f01, wide.f16, wide.f17, wide.f32, wide.f34), (1, 16, 17, 32, 34));
    assert_eq!(wide.f33.as_deref(), Some("s33"));
    assert_eq!(wide.f35, vec![35]);
    assert_eq!(serde_json::to_value(&wide).unwrap(), full);

    // The missing-field error names the field, in any group.
    for missing in ["f01", "f17", "f34"] {
        let mut partial = object.clone();
        partial.remove(missing);
        let error = serde_json::from_value::<Wide>(serde_json::Value::Object(partial)).unwrap_err();
        assert_eq!(error.to_string(), format!("missing field `{missing}`"));
    }

    // Absent optionals: `None` (and left out when encoding), arrays empty.
    let mut required_only = object.clone();
    required_only.retain(|name, _| kind(name[1..].parse().unwrap()) == "required");
    let sparse: Wide = serde_json::from_value(serde_json::Value::Object(required_only.clone())).unwrap();
    assert_eq!(sparse.f33, None);
    assert!(sparse.f35.is_empty());
    let encoded = serde_json::to_value(&sparse).unwrap();
    assert_eq!(encoded.as_object().unwrap().len(), 19 + 5, "the required fields and the arrays, no None");

    // A key given twice is an error naming it; unknown keys are skipped.
    let text = serde_json::to_string(&full).unwrap();
    let twice = text.replacen("\"f34\":34", "\"f34\":34,\"f34\":34", 1);
    let error = serde_json::from_str::<Wide>(&twice).unwrap_err();
    assert!(error.to_string().starts_with("duplicate field `f34`"), "{error}");
    let extra = text.replacen('{', "{\"unknown\":{\"deep\":[1]},", 1);
    assert_eq!(serde_json::from_str::<Wide>(&extra).unwrap(), wide);
}

/// Maps keep every entry, encode with sorted keys, read an absent map as empty and keep a
/// documented `null` apart from an empty map.
fn maps_round_trip() {
    let body = serde_json::json!({
        "id": 7, "type": "self", "ref": null,
        "labels": { "zeta": "last", "alpha": "first" },
        "stock": { "north": [{ "PartName": "gear" }] }
    });
    let widget: Widget = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(widget.labels.keys().collect::<Vec<_>>(), ["alpha", "zeta"]);
    assert_eq!(widget.stock.as_ref().unwrap()["north"][0].part_name, "gear");
    let encoded = serde_json::to_string(&widget).unwrap();
    assert!(encoded.contains(r#""labels":{"alpha":"first","zeta":"last"}"#), "{encoded}");
    // Objects declared in place are models like any other.
    let sized: Widget = serde_json::from_value(serde_json::json!({
        "id": 7, "type": "self", "ref": null, "stock": null,
        "size": { "width": 2.5, "unit": { "symbol": "cm" } }, "notes": [{ "text": "fragile" }]
    }))
    .unwrap();
    let size: &acme::WidgetSize = sized.size.as_ref().unwrap();
    let unit: &acme::WidgetSizeUnit = &size.unit;
    let notes: &[acme::Note] = &sized.notes;
    assert_eq!((size.width.as_f64(), unit.symbol.as_str(), notes[0].text.as_str()), (2.5, "cm", "fragile"));
    let bare: Widget = serde_json::from_value(serde_json::json!({ "id": 7, "type": "self", "ref": null, "stock": null })).unwrap();
    assert!(bare.labels.is_empty() && bare.stock.is_none());
    assert!(serde_json::to_string(&bare).unwrap().contains(r#""stock":null"#));
}

/// A `number` encodes again as it was written: an integer as an integer, a fraction as a
/// fraction (even `14.0`); equal values compare equal however they were written. An
/// `integer` takes the whole `i64` range and refuses what lies beyond it.
fn numbers_keep_their_form() {
    let size = |width: &str| -> acme::WidgetSize {
        serde_json::from_str(&format!(r#"{{"width":{width},"unit":{{"symbol":"cm"}}}}"#)).unwrap()
    };
    for width in ["14", "14.0", "2.5", "-3", "1e+300", "18446744073709551615"] {
        let encoded = serde_json::to_string(&size(width)).unwrap();
        assert_eq!(encoded, format!(r#"{{"width":{width},"unit":{{"symbol":"cm"}}}}"#));
    }
    assert_eq!(size("14").width, size("14.0").width);
    assert_eq!(size("14").width.as_i64(), Some(14));
    assert_eq!(size("14.0").width.as_i64(), None);
    assert!(size("14").width.is_integer() && !size("14.0").width.is_integer());
    assert_ne!(size("14").width, size("14.5").width);

    let hum = |pitch: &str| serde_json::from_str::<Signal>(&format!(r#"{{"kind":"hum","pitch":{pitch}}}"#));
    for pitch in [i64::MIN, -1, 0, i64::MAX] {
        let Ok(Signal::Hum(hum)) = hum(&pitch.to_string()) else { panic!("{pitch} is an i64") };
        assert_eq!(hum.pitch, pitch);
    }
    for beyond in ["9223372036854775808", "-9223372036854775809", "1.5", "3.0", "1e3"] {
        let error = hum(beyond).expect_err(beyond).to_string();
        assert!(error.contains("i64") || error.contains("integer"), "{beyond}: {error}");
    }
}

/// The four combinations of optional and nullable, each state encoded again as it came:
/// required (`id`), nullable (`ref`: `null` is `None`, written `null`), optional (`review`:
/// absent is `None`, left out), optional and nullable (`Part.inner`: absent, `null` and a
/// value are three states, each written as it came).
fn null_and_absent_stay_apart() {
    let part = |json: serde_json::Value| -> Part { serde_json::from_value(json).unwrap() };
    let absent = part(serde_json::json!({ "PartName": "bulb" }));
    let null = part(serde_json::json!({ "PartName": "bulb", "inner": null }));
    let value = part(serde_json::json!({ "PartName": "bulb", "inner": { "PartName": "filament" } }));
    assert!(absent.inner.is_absent() && null.inner.is_null() && value.inner.is_value());
    assert_ne!(absent, null);
    assert_eq!(value.inner.as_ref().map(|inner| inner.part_name.as_str()), Some("filament"));
    assert_eq!(absent.inner.as_ref(), null.inner.as_ref());
    for (decoded, expected) in [
        (&absent, r#"{"PartName":"bulb"}"#),
        (&null, r#"{"PartName":"bulb","inner":null}"#),
        (&value, r#"{"PartName":"bulb","inner":{"PartName":"filament"}}"#),
    ] {
        assert_eq!(serde_json::to_string(decoded).unwrap(), expected);
    }
    // Through a union whose variants share the model, as the documented example has them.
    let signals: Vec<Signal> = serde_json::from_str(r#"[{"kind":"blink","PartName":"a"},{"kind":"beep","PartName":"b","inner":null}]"#).unwrap();
    let encoded = serde_json::to_value(&signals).unwrap();
    assert_eq!(encoded, serde_json::json!([{"kind":"blink","PartName":"a"},{"kind":"beep","PartName":"b","inner":null}]));

    // Nullable but required: `null` is `None` and written back as `null`; a server that
    // leaves the key out anyway is read leniently, as `null`.
    let widget: Widget = serde_json::from_value(serde_json::json!({ "id": 7, "type": "self", "ref": null, "stock": null })).unwrap();
    assert_eq!(widget.r#ref, None);
    let encoded = serde_json::to_value(&widget).unwrap();
    assert_eq!(encoded["ref"], serde_json::Value::Null);
    let lenient: Widget = serde_json::from_value(serde_json::json!({ "id": 7, "type": "self", "stock": null })).unwrap();
    assert_eq!(lenient, widget);
    // Optional only: absent is `None` and stays absent when encoded.
    assert!(widget.review.is_none() && encoded.get("review").is_none());
    // Required, not nullable: absent is an error naming the field.
    let error = serde_json::from_value::<Widget>(serde_json::json!({ "type": "self", "ref": null, "stock": null })).unwrap_err();
    assert_eq!(error.to_string(), "missing field `id`");
}

/// Scalar unions: the JSON kind picks a variant with a readable name, each variant encodes
/// again as it came (a number keeps its form), a kind the union does not list is refused,
/// and one may be optional and nullable or the items of an array.
fn scalar_unions_pick_the_variant_by_kind() {
    use runtime::{StringOrBoolean, StringOrInteger, StringOrNumber};
    let body = serde_json::json!({
        "id": 7, "type": "self", "ref": null, "stock": null,
        "setting": true, "level": 14, "codes": ["lobby", 1234]
    });
    let widget: Widget = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(widget.setting, Some(StringOrBoolean::Boolean(true)));
    let Some(StringOrNumber::Number(level)) = widget.level.as_ref() else { panic!("{:?}", widget.level) };
    assert_eq!(level.as_i64(), Some(14));
    assert_eq!(widget.codes, [StringOrInteger::String("lobby".to_owned()), StringOrInteger::Integer(1234)]);
    let encoded = serde_json::to_value(&widget).unwrap();
    for key in ["setting", "level", "codes"] {
        assert_eq!(encoded[key], body[key], "{key}");
    }
    assert_eq!(serde_json::to_string(&StringOrNumber::from(14.0)).unwrap(), "14.0");
    assert_eq!(StringOrBoolean::from("on"), StringOrBoolean::String("on".to_owned()));

    let with = |key: &str, value: serde_json::Value| {
        let mut body = body.clone();
        body[key] = value;
        serde_json::from_value::<Widget>(body)
    };
    assert_eq!(with("setting", serde_json::json!("auto")).unwrap().setting, Some(StringOrBoolean::String("auto".to_owned())));
    assert!(with("level", serde_json::json!(null)).unwrap().level.is_null());
    let mut absent = body.clone();
    absent.as_object_mut().unwrap().remove("level");
    assert!(serde_json::from_value::<Widget>(absent).unwrap().level.is_absent());
    for (key, wrong, expected) in [
        ("setting", serde_json::json!(1), "a string or a boolean"),
        ("level", serde_json::json!(false), "a string or a number"),
        ("codes", serde_json::json!([1.5]), "a string or an integer"),
        ("codes", serde_json::json!([u64::MAX]), "a string or an integer"),
    ] {
        let error = with(key, wrong.clone()).expect_err(key).to_string();
        assert!(error.contains(expected), "{key} {wrong}: {error}");
    }
}

/// A variant that several tags select (`hum`, `drone`, `whir`): one Rust variant, whose
/// payload keeps the tag it was sent, so the accessor reads it and encoding writes it back.
fn multi_tag_variants_keep_the_tag_they_were_sent() {
    for tag in ["hum", "drone", "whir"] {
        let body = serde_json::json!({ "kind": tag, "pitch": 2 });
        let signal: Signal = serde_json::from_value(body.clone()).unwrap();
        let Signal::Hum(hum) = &signal else { panic!("{tag}: {signal:?}") };
        assert_eq!((hum.kind.as_str(), hum.pitch), (tag, 2));
        assert_eq!(signal.kind(), tag);
        assert_eq!(serde_json::to_value(&signal).unwrap(), body);
    }
    // A missing field of the variant is still an error; another tag is still `Unknown`.
    let error = serde_json::from_value::<Signal>(serde_json::json!({ "kind": "drone" })).unwrap_err();
    assert!(error.to_string().contains("missing field `pitch`"), "{error}");
    let unknown: Signal = serde_json::from_value(serde_json::json!({ "kind": "buzz", "pitch": 2 })).unwrap();
    assert!(matches!(unknown, Signal::Unknown(_)) && unknown.kind() == "buzz");
}

fn main() {
    let _ = use_it();
    multi_tag_variants_keep_the_tag_they_were_sent();
    scalar_unions_pick_the_variant_by_kind();
    null_and_absent_stay_apart();
    wide_decodes_and_encodes_through_nested_groups();
    maps_round_trip();
    numbers_keep_their_form();
}
