//! Reading a vendor's OpenAPI document, as `import` and `drift` both do: `$ref`s followed (a
//! bounded number of times, so a cycle ends), the objects an `allOf` is made of, and the
//! facts of a schema both ask (required names, nullable, deprecated, internal).

use std::collections::BTreeSet;

use serde_json::Value as Json;

/// How many `$ref`s (or one-member `allOf`s) in a row are followed, and how deep nested
/// `allOf`s are read: far more than any real document, and a cycle ends.
const DEPTH: usize = 32;

/// A parsed OpenAPI document.
#[derive(Clone, Copy)]
pub(crate) struct Document<'d>(pub(crate) &'d Json);

impl<'d> Document<'d> {
    /// A local reference (`#/components/schemas/x`, `~0`/`~1` escapes and all) → its target.
    pub(crate) fn resolve(&self, reference: &str) -> Option<&'d Json> {
        self.0.pointer(reference.strip_prefix('#')?)
    }

    /// The schema itself, or what its `$ref`s (and one-member `allOf`s) lead to.
    pub(crate) fn deref<'s>(&self, schema: &'s Json) -> &'s Json
    where
        'd: 's,
    {
        let mut schema = schema;
        for _ in 0..DEPTH {
            if let Some(target) = schema.get("$ref").and_then(Json::as_str).and_then(|r| self.resolve(r)) {
                schema = target;
            } else if let Some([only]) = schema.get("allOf").and_then(Json::as_array).map(Vec::as_slice) {
                schema = only;
            } else {
                break;
            }
        }
        schema
    }

    /// The objects a schema is made of: an `allOf` (of `allOf`s, …) and its members, or the
    /// schema itself; each followed through its `$ref`s.
    pub(crate) fn object_parts<'s>(&self, schema: &'s Json) -> Vec<&'s Json>
    where
        'd: 's,
    {
        let mut parts = Vec::new();
        self.collect_parts(schema, &mut parts, 0);
        parts
    }

    fn collect_parts<'s>(&self, schema: &'s Json, parts: &mut Vec<&'s Json>, depth: usize)
    where
        'd: 's,
    {
        let schema = self.deref(schema);
        parts.push(schema);
        if depth < DEPTH {
            for member in schema.get("allOf").and_then(Json::as_array).into_iter().flatten() {
                self.collect_parts(member, parts, depth + 1);
            }
        }
    }
}

/// One property of a request body.
pub(crate) struct BodyProperty<'s> {
    pub(crate) name: &'s str,
    pub(crate) schema: &'s Json,
    /// Required, and not one of several alternatives.
    pub(crate) required: bool,
}

impl<'d> Document<'d> {
    /// A request body's properties, each once, in the document's order: an object, a `oneOf`
    /// of alternatives, or an `allOf` of parts, any of them a `oneOf`. Whether the body has
    /// alternatives is the second value (a property of one is never required).
    pub(crate) fn body_properties<'s>(&self, body: &'s Json) -> (Vec<BodyProperty<'s>>, bool)
    where
        'd: 's,
    {
        let body = self.deref(body);
        let parts: Vec<&Json> = match body.get("allOf").and_then(Json::as_array) {
            Some(parts) => parts.iter().map(|part| self.deref(part)).collect(),
            None => vec![body],
        };
        let mut properties: Vec<BodyProperty> = Vec::new();
        let mut any_alternatives = false;
        for part in parts {
            let alternatives = part.get("oneOf").or(part.get("anyOf")).and_then(Json::as_array);
            any_alternatives |= alternatives.is_some();
            let members: Vec<&Json> = match alternatives {
                Some(members) => members.iter().map(|m| self.deref(m)).collect(),
                None => vec![part],
            };
            for member in members {
                let required = required_of(member);
                for (name, schema) in member.get("properties").and_then(Json::as_object).into_iter().flatten() {
                    if !properties.iter().any(|p| p.name == name) {
                        properties.push(BodyProperty { name, schema, required: alternatives.is_none() && required.contains(name.as_str()) });
                    }
                }
            }
        }
        (properties, any_alternatives)
    }
}

/// The names an object schema requires.
pub(crate) fn required_of(schema: &Json) -> BTreeSet<&str> {
    schema.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str).collect()
}

/// Whether `null` is allowed: OpenAPI 3.0's `nullable`, or 3.1's `"null"` among the types.
pub(crate) fn is_nullable(schema: &Json) -> bool {
    schema.get("nullable").and_then(Json::as_bool).unwrap_or(false)
        || schema.get("type").and_then(Json::as_array).is_some_and(|types| types.iter().any(|t| t == "null"))
}

/// Why a schema is deprecated, if it is: `x-deprecated`'s text, or `deprecated: true`.
pub(crate) fn deprecation(schema: &Json) -> Option<String> {
    match (schema.get("x-deprecated"), schema.get("deprecated")) {
        (Some(Json::String(reason)), _) if !reason.trim().is_empty() => Some(reason.trim().to_owned()),
        (Some(Json::Bool(true)), _) | (_, Some(Json::Bool(true))) => Some("Deprecated by the vendor.".to_owned()),
        _ => None,
    }
}

/// The vendor marks it internal (`x-undocumented`): a spec need not have it.
pub(crate) fn undocumented(schema: &Json) -> bool {
    schema.get("x-undocumented").is_some()
}
