//! Synthesized examples for declared responses and models the docs give no example for:
//! valid by construction (every field present where it can be, values of the declared
//! types) and deterministic (same spec, same bytes).

use serde_json::{Map, Value, json};

use crate::ir::{Api, Endpoint, Response, TypeDef, TypeRef};

/// Deep enough for real APIs; deeper recursion stops at an absent or null field.
const MAX_DEPTH: usize = 6;

/// A value of `ty`; `name` is the field or parameter it is for, used in string values.
pub fn synthesize(api: &Api, ty: &TypeRef, name: &str) -> Value {
    value(api, ty, name, 0).unwrap_or(Value::Null)
}

/// A success body for `endpoint`, wrapped in its envelope, with the API's success flag.
pub fn success_body(api: &Api, endpoint: &Endpoint) -> Value {
    let mut body = match &endpoint.response {
        Response::Empty => json!({}),
        Response::Value { ty, envelope: Some(key) } => json!({ key: synthesize(api, ty, &endpoint.resource) }),
        Response::Value { ty, envelope: None } => synthesize(api, ty, &endpoint.resource),
    };
    match (&api.success_flag, body.as_object_mut()) {
        (Some(flag), Some(object)) => {
            object.insert(flag.clone(), Value::Bool(true));
        }
        // Without a flag, an empty response is an empty body.
        (None, Some(object)) if object.is_empty() => body = Value::Null,
        _ => {}
    }
    body
}

/// An error body in the API's declared error shape.
pub fn error_body(api: &Api, status: u16, description: &str) -> Value {
    let errors = &api.errors;
    let mut object = Map::new();
    if let Some(field) = &errors.type_field {
        object.insert(field.clone(), json!(format!("http_{status}")));
    }
    if let Some(field) = &errors.message_field {
        object.insert(field.clone(), json!(description));
    }
    if let Some(field) = &errors.request_id_field {
        object.insert(field.clone(), json!("00000000-0000-4000-8000-000000000000"));
    }
    match &errors.envelope {
        Some(key) => json!({ key: Value::Object(object) }),
        None => Value::Object(object),
    }
}

/// A stable UUID-shaped value derived from the name.
fn uuid_for(name: &str) -> String {
    // FNV-1a: deterministic across platforms and runs.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", hash >> 32, (hash >> 16) & 0xffff, hash & 0xfff, (hash >> 4) & 0xfff, hash & 0xffff_ffff_ffff)
}

fn value(api: &Api, ty: &TypeRef, name: &str, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match ty {
        TypeRef::String => json!(format!("example {name}")),
        TypeRef::Secret => json!(format!("example-{}", name.replace('_', "-"))),
        TypeRef::Url => json!(format!("https://example.com/{}", name.replace('_', "-"))),
        TypeRef::Uuid => json!(uuid_for(name)),
        TypeRef::Integer => json!(1),
        TypeRef::Number => json!(1.5),
        TypeRef::Boolean => json!(true),
        TypeRef::Timestamp => json!("2025-01-01T00:00:00Z"),
        TypeRef::Json => json!({}),
        TypeRef::OneOf(members) => value(api, members.first()?, name, depth + 1)?,
        TypeRef::Array(inner) => match value(api, inner, name, depth + 1) {
            Some(item) => json!([item]),
            None => json!([]),
        },
        TypeRef::Map(inner) => match value(api, inner, name, depth + 1) {
            Some(item) => json!({ format!("example {name} key"): item }),
            None => json!({}),
        },
        TypeRef::Named(type_name) => match api.type_def(type_name)? {
            TypeDef::Id(id) if id.integer => json!(1),
            TypeDef::Id(_) => json!(uuid_for(type_name)),
            TypeDef::Enum(def) => json!(def.values.first()?.value),
            TypeDef::Model(model) => {
                let mut object = Map::new();
                for field in &model.fields {
                    match value(api, &field.ty, &field.wire_name, depth + 1) {
                        Some(v) => {
                            object.insert(field.wire_name.clone(), v);
                        }
                        None if field.nullable => {
                            object.insert(field.wire_name.clone(), Value::Null);
                        }
                        None if field.optional => {}
                        // A required, non-null field that recurses too deep: give up on this branch.
                        None => return None,
                    }
                }
                Value::Object(object)
            }
            TypeDef::Union(union) => {
                let variant = union.variants.first()?;
                let mut payload = value(api, &TypeRef::Named(variant.model.clone()), name, depth + 1)?;
                payload.as_object_mut()?.insert(union.tag.clone(), json!(variant.tag));
                payload
            }
        },
    })
}
