//! OpenAPI 3.1 → 3.0.3, for tools that read only 3.0 (progenitor, through the `openapiv3`
//! crate): `cargo xtask bench --against progenitor` feeds them the documents keyway exports
//! (`generated/openapi/<api>.json`, OpenAPI 3.1).
//!
//! Conversions (each one counted in the returned `Conversions`, by the names below):
//! - `openapi: 3.1.x` → `3.0.3`.
//! - `type-list`: `type: [A, "null"]` → `type: A, nullable: true`; a list of several non-null
//!   types → `anyOf` of one schema per type (3.0's `type` is one string), `nullable` if the
//!   list had `"null"`.
//! - `nullable-union`: `anyOf`/`oneOf` with a `{type: "null"}` member → the member removed
//!   and `nullable: true`; the one member left is merged into the schema (a `$ref` becomes
//!   `allOf: [$ref]`, 3.0's way to make a reference nullable, since siblings of a `$ref` are
//!   ignored there).
//! - `const`: `const: v` → `enum: [v]`, with `type` added from the value when the schema
//!   has none (3.0 has no `const`).
//! - `examples`: a schema's `examples: [a, …]` → `example: a` (3.0 has one example per
//!   schema; the others are dropped).
//! - `exclusive-bound`: numeric `exclusiveMinimum: n` (3.1) → `minimum: n, exclusiveMinimum:
//!   true` (3.0's boolean form); the same for the maximum.
//!
//! Dropped (counted under `dropped <keyword>`), because 3.0 has no such keyword and a 3.0
//! reader either refuses it or ignores it:
//! - siblings of a `$ref` (`description`, `deprecated`, …): 3.0 ignores everything beside a
//!   `$ref`, and they only document the reference.
//! - `prefixItems` (tuples), `$schema`, `$id`, `$anchor`, `$comment`, `$defs`,
//!   `contentMediaType`, `contentEncoding`, `unevaluatedProperties`, `unevaluatedItems`,
//!   `dependentRequired`, `dependentSchemas`, `if`/`then`/`else`, `propertyNames`,
//!   `patternProperties`, and a lone `{type: "null"}` (a value that is always null): JSON Schema 2020-12 keywords 3.0's
//!   schema object does not have.
//! - at the top: `jsonSchemaDialect`, `webhooks`, `components.pathItems`, `info.summary` and
//!   `info.license.identifier` (3.1 only).
//!
//! Only schema positions are rewritten (`components.schemas`, parameters', request bodies',
//! responses' and headers' schemas, and the subschemas of these), so a property *named*
//! `const` or `examples` is left alone. Keyway's own documents use `type` lists,
//! `anyOf` with `null`, `const`, and descriptions beside `$ref`; the other rules are there
//! for any 3.1 document.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// How many times each conversion or drop happened, by name.
pub(crate) type Conversions = BTreeMap<String, usize>;

/// JSON Schema 2020-12 keywords a 3.0 schema object does not have.
const DROPPED_KEYWORDS: [&str; 17] = [
    "prefixItems",
    "patternProperties",
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "contentMediaType",
    "contentEncoding",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "propertyNames",
];

/// The document as OpenAPI 3.0.3, and what was converted or dropped.
pub(crate) fn to_openapi_30(document: &Value) -> (Value, Conversions) {
    let mut doc = document.clone();
    let mut tally = Conversions::new();
    let Some(top) = doc.as_object_mut() else { return (doc, tally) };
    top.insert("openapi".into(), json!("3.0.3"));
    for key in ["jsonSchemaDialect", "webhooks"] {
        if top.remove(key).is_some() {
            count(&mut tally, &format!("dropped {key}"));
        }
    }
    if let Some(info) = top.get_mut("info").and_then(Value::as_object_mut) {
        if info.remove("summary").is_some() {
            count(&mut tally, "dropped info.summary");
        }
        if info.get_mut("license").and_then(Value::as_object_mut).and_then(|l| l.remove("identifier")).is_some() {
            count(&mut tally, "dropped info.license.identifier");
        }
    }
    if let Some(components) = top.get_mut("components").and_then(Value::as_object_mut) {
        if components.remove("pathItems").is_some() {
            count(&mut tally, "dropped components.pathItems");
        }
        for schema in components.get_mut("schemas").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
            convert_schema(schema, &mut tally);
        }
        for parameter in components.get_mut("parameters").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
            convert_parameter(parameter, &mut tally);
        }
        for body in components.get_mut("requestBodies").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
            convert_content(body, &mut tally);
        }
        for response in components.get_mut("responses").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
            convert_response(response, &mut tally);
        }
    }
    for item in top.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
        let Some(item) = item.as_object_mut() else { continue };
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                value.as_array_mut().into_iter().flatten().for_each(|p| convert_parameter(p, &mut tally));
                continue;
            }
            let Some(operation) = value.as_object_mut() else { continue };
            operation.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten().for_each(|p| convert_parameter(p, &mut tally));
            if let Some(body) = operation.get_mut("requestBody") {
                convert_content(body, &mut tally);
            }
            for response in operation.get_mut("responses").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
                convert_response(response, &mut tally);
            }
        }
    }
    (doc, tally)
}

fn count(tally: &mut Conversions, what: &str) {
    *tally.entry(what.to_owned()).or_default() += 1;
}

fn convert_parameter(parameter: &mut Value, tally: &mut Conversions) {
    if let Some(schema) = parameter.get_mut("schema") {
        convert_schema(schema, tally);
    }
    convert_content(parameter, tally);
}

/// The schemas of a request body's or response's `content` map.
fn convert_content(holder: &mut Value, tally: &mut Conversions) {
    for media in holder.get_mut("content").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
        if let Some(schema) = media.get_mut("schema") {
            convert_schema(schema, tally);
        }
    }
}

fn convert_response(response: &mut Value, tally: &mut Conversions) {
    convert_content(response, tally);
    for header in response.get_mut("headers").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
        convert_parameter(header, tally);
    }
}

/// One schema: a `null` member of its unions first (before its members are converted, so
/// that it is still recognised), then its subschemas, then its own keywords.
fn convert_schema(schema: &mut Value, tally: &mut Conversions) {
    let Some(object) = schema.as_object_mut() else { return };
    for key in ["anyOf", "oneOf"] {
        let Some(members) = object.get_mut(key).and_then(Value::as_array_mut) else { continue };
        let before = members.len();
        members.retain(|m| !is_null_schema(m));
        if members.len() == before {
            continue;
        }
        count(tally, "nullable-union");
        object.insert("nullable".into(), json!(true));
        let members = object.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        if let [only] = members.as_slice() {
            object.remove(key);
            match only.as_object() {
                Some(member) if member.contains_key("$ref") => {
                    object.insert("allOf".into(), json!([only]));
                }
                Some(member) => {
                    for (k, v) in member {
                        object.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                None => {}
            }
        }
    }
    for sub in object.get_mut("properties").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
        convert_schema(sub, tally);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = object.get_mut(key) {
            convert_schema(sub, tally);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in object.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten() {
            convert_schema(sub, tally);
        }
    }
    if object.contains_key("$ref") && object.len() > 1 {
        object.retain(|key, _| key == "$ref");
        count(tally, "dropped siblings of $ref");
    }
    for key in DROPPED_KEYWORDS {
        if object.remove(key).is_some() {
            count(tally, &format!("dropped {key}"));
        }
    }
    if let Some(types) = object.get("type").and_then(Value::as_array).cloned() {
        count(tally, "type-list");
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        object.remove("type");
        match others.as_slice() {
            [] => {}
            [one] => {
                object.insert("type".into(), one.clone());
            }
            several => {
                object.insert("anyOf".into(), Value::Array(several.iter().map(|t| json!({"type": t})).collect()));
            }
        }
        if nullable {
            object.insert("nullable".into(), json!(true));
        }
    }
    if is_null_schema(schema) {
        if let Some(object) = schema.as_object_mut() {
            object.remove("type");
            object.insert("nullable".into(), json!(true));
        }
        count(tally, "dropped a lone {type: \"null\"}");
    }
    let Some(object) = schema.as_object_mut() else { return };
    if let Some(value) = object.remove("const") {
        count(tally, "const");
        if !object.contains_key("type") {
            let ty = match &value {
                Value::Bool(_) => Some("boolean"),
                Value::String(_) => Some("string"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                Value::Array(_) => Some("array"),
                Value::Object(_) => Some("object"),
                Value::Null => None,
            };
            if let Some(ty) = ty {
                object.insert("type".into(), json!(ty));
            }
        }
        object.insert("enum".into(), json!([value]));
    }
    if let Some(examples) = object.remove("examples") {
        count(tally, "examples");
        if let Some(first) = examples.as_array().and_then(|a| a.first()) {
            object.entry("example").or_insert_with(|| first.clone());
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n) = object.get(exclusive).filter(|v| v.is_number()).cloned() {
            count(tally, "exclusive-bound");
            object.insert(bound.into(), n);
            object.insert(exclusive.into(), json!(true));
        }
    }
}

/// `{type: "null"}` (with nothing else but documentation).
fn is_null_schema(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else { return false };
    object.get("type").is_some_and(|t| t == "null") && object.keys().all(|k| matches!(k.as_str(), "type" | "description" | "title"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_31_document_becomes_30() {
        let document = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "version": "1", "summary": "s"},
            "paths": {"/things/get": {"post": {
                "operationId": "things_get",
                "parameters": [{"name": "ids", "in": "query", "schema": {"type": ["string", "null"]}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "const": {"type": ["string", "integer"]},
                    "examples": {"type": "integer", "exclusiveMinimum": 0},
                }}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"ok": {"const": true}, "thing": {"$ref": "#/components/schemas/Thing", "description": "The thing."}},
                }}}}},
            }}},
            "components": {"schemas": {"Thing": {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {
                    "owner": {"anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}], "description": "Who."},
                    "name": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "Its name."},
                    "kind": {"type": "string", "const": "thing", "examples": ["thing", "other"]},
                    "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
                },
            }}},
        });
        let (converted, tally) = to_openapi_30(&document);
        let expected = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things/get": {"post": {
                "operationId": "things_get",
                "parameters": [{"name": "ids", "in": "query", "schema": {"type": "string", "nullable": true}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "const": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "examples": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                }}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"ok": {"type": "boolean", "enum": [true]}, "thing": {"$ref": "#/components/schemas/Thing"}},
                }}}}},
            }}},
            "components": {"schemas": {"Thing": {
                "type": "object",
                "properties": {
                    "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true, "description": "Who."},
                    "name": {"type": "string", "nullable": true, "description": "Its name."},
                    "kind": {"type": "string", "enum": ["thing"], "example": "thing"},
                    "pair": {"type": "array"},
                },
            }}},
        });
        assert_eq!(converted, expected);
        let tally: Vec<(&str, usize)> = tally.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            tally,
            [
                ("const", 2),
                ("dropped $schema", 1),
                ("dropped info.summary", 1),
                ("dropped jsonSchemaDialect", 1),
                ("dropped prefixItems", 1),
                ("dropped siblings of $ref", 1),
                ("examples", 1),
                ("exclusive-bound", 1),
                ("nullable-union", 2),
                ("type-list", 2),
            ]
        );
    }
}
