//! `cargo xtask drift`: what a lowered API and the vendor's OpenAPI document say differently.
//!
//! Walks from each endpoint of the spec to the document's operation on the same path:
//! methods, parameters (the JSON body's properties and the query, path and header
//! parameters), then the response and every type it reaches, each compared once with the
//! schema where it is first met: fields (present, required, nullable, type), enum values, union
//! tags and variants. Parameters and fields the document marks `x-undocumented` are not
//! expected in the spec. A difference a spec accepts (`drift:`) is reported as accepted, and an
//! acceptance that matches nothing is reported too, so none goes stale.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::ir::{Api, Endpoint, Field, ModelDef, Param, Response, TypeDef, TypeRef};
use crate::vendor_doc::{Document, deprecation, is_nullable, required_of, undocumented};

/// One difference, at a place named as `drift:` entries name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `access_codes.create`, `access_codes.create(code)`, `AccessCode.code`, `AccessCodeStatus`.
    pub at: String,
    pub what: String,
    /// The reason a spec gives for it, when it accepts it.
    pub accepted: Option<String>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub differences: Vec<Difference>,
    /// Accepted differences that matched nothing: (where, the file that accepts it).
    pub stale: Vec<(String, String)>,
    /// The document's paths no spec has, under the resources the specs cover.
    pub unspecced: Vec<String>,
    /// How many endpoints and types were compared.
    pub endpoints: usize,
    pub types: usize,
}

impl Report {
    /// Differences no spec accepts.
    pub fn open(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.accepted.is_none())
    }

    /// Whether there is nothing to look at: no open difference and no stale acceptance.
    pub fn is_clean(&self) -> bool {
        self.open().next().is_none() && self.stale.is_empty()
    }

    /// The one-line summary.
    pub fn summary(&self, api: &str) -> String {
        let open = self.open().count();
        format!(
            "drift: {api}: {open} difference{} ({} accepted, {} stale acceptance{}) in {} endpoints and {} types; {} vendor route{} under the specced resources not specced",
            plural(open),
            self.differences.len() - open,
            self.stale.len(),
            plural(self.stale.len()),
            self.endpoints,
            self.types,
            self.unspecced.len(),
            plural(self.unspecced.len()),
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Compares `api` with the document `doc`.
pub fn drift(api: &Api, doc: &Json) -> Report {
    let mut walk = Walk { api, doc: Document(doc), found: Vec::new(), compared: BTreeSet::new(), enums: Default::default() };
    let endpoints: Vec<&Endpoint> = api.endpoints().collect();
    for endpoint in &endpoints {
        walk.endpoint(endpoint);
    }
    for (name, (specced, documented)) in std::mem::take(&mut walk.enums) {
        let (specced, documented) = (specced.iter().map(String::as_str).collect(), documented.iter().map(String::as_str).collect());
        walk.sides(&name, "value", &specced, &documented);
    }
    let mut differences = walk.found;
    differences.sort_by(|a, b| (&a.at, &a.what).cmp(&(&b.at, &b.what)));
    differences.dedup();
    let mut stale = Vec::new();
    for accepted in &api.accepted_drift {
        let mut matched = false;
        for difference in differences.iter_mut().filter(|d| d.at == accepted.at) {
            difference.accepted = Some(accepted.reason.clone());
            matched = true;
        }
        if !matched {
            stale.push((accepted.at.clone(), accepted.source.clone()));
        }
    }
    let specced: BTreeSet<&str> = endpoints.iter().map(|e| e.path.as_str()).collect();
    let resources: BTreeSet<&str> = endpoints.iter().filter_map(|e| e.path.split('/').find(|s| !s.is_empty())).collect();
    let unspecced = doc
        .get("paths")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .map(|(path, _)| path)
        .filter(|path| !specced.contains(path.as_str()) && path.split('/').find(|s| !s.is_empty()).is_some_and(|r| resources.contains(r)))
        .cloned()
        .collect();
    Report { differences, stale, unspecced, endpoints: endpoints.len(), types: walk.compared.len() }
}

struct Walk<'a> {
    api: &'a Api,
    doc: Document<'a>,
    found: Vec<Difference>,
    /// Types already compared (each once, with the schema where it is first met).
    compared: BTreeSet<String>,
    /// Each enum met: its values in the spec, and every value the document gives it.
    enums: std::collections::BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
}

impl<'a> Walk<'a> {
    fn differ(&mut self, at: impl Into<String>, what: impl Into<String>) {
        self.found.push(Difference { at: at.into(), what: what.into(), accepted: None });
    }

    fn endpoint(&mut self, endpoint: &Endpoint) {
        let at = endpoint.id.clone();
        let Some(item) = self.doc.0.get("paths").and_then(|p| p.get(&endpoint.path)) else {
            self.differ(&at, format!("`{}` is not a path of the vendor's document", endpoint.path));
            return;
        };
        for method in std::iter::once(&endpoint.method).chain(&endpoint.alternate_methods) {
            if item.get(method.as_str().to_lowercase()).is_none() {
                self.differ(&at, format!("the vendor's document has no `{} {}`", method.as_str(), endpoint.path));
            }
        }
        let Some(op) = item.get(endpoint.method.as_str().to_lowercase()) else {
            return;
        };
        self.params(endpoint, op);
        self.response(endpoint, op);
    }

    /// The operation's parameters: (name, schema, required).
    fn doc_params(&self, op: &'a Json) -> Vec<(String, &'a Json, bool)> {
        let mut params = Vec::new();
        let body = op
            .pointer("/requestBody/content/application~1json/schema")
            .or(op.pointer("/requestBody/content/application~1x-www-form-urlencoded/schema"));
        if let Some(body) = body {
            let (properties, _) = self.doc.body_properties(body);
            params.extend(properties.into_iter().map(|p| (p.name.to_owned(), p.schema, p.required)));
        }
        for parameter in op.get("parameters").and_then(Json::as_array).into_iter().flatten() {
            let parameter = self.doc.deref(parameter);
            if let Some(name) = parameter.get("name").and_then(Json::as_str) {
                let schema = parameter.get("schema").unwrap_or(parameter);
                params.push((name.to_owned(), schema, parameter.get("required").and_then(Json::as_bool).unwrap_or(false)));
            }
        }
        params
    }

    fn params(&mut self, endpoint: &Endpoint, op: &'a Json) {
        let documented = self.doc_params(op);
        for param in &endpoint.params {
            let at = format!("{}({})", endpoint.id, param.wire_name);
            match documented.iter().find(|(name, _, _)| *name == param.wire_name) {
                None => self.differ(at, "not in the vendor's document"),
                Some((_, schema, required)) => self.param(&at, param, schema, *required),
            }
        }
        for (name, schema, _) in &documented {
            if !endpoint.params.iter().any(|p| p.wire_name == *name) && !undocumented(schema) {
                self.differ(format!("{}({name})", endpoint.id), "in the vendor's document, not in the spec");
            }
        }
    }

    fn param(&mut self, at: &str, param: &Param, schema: &'a Json, required: bool) {
        // A parameter of a one-of group is required with its alternative, which the document
        // usually cannot say: only a plain optional parameter it requires differs.
        match (param.required, required) {
            (true, false) => self.differ(at, "required in the spec, optional in the vendor's document"),
            (false, true) if param.group.is_none() => self.differ(at, "optional in the spec, required in the vendor's document"),
            _ => {}
        }
        self.flags(at, param.nullable, param.deprecated.is_some(), schema);
        self.compare(at, &param.ty, schema);
    }

    /// Nullable and deprecated, against the schema's (on a `$ref` or what it names).
    fn flags(&mut self, at: &str, nullable: bool, deprecated: bool, raw: &'a Json) {
        let schema = self.doc.deref(raw);
        if nullable != (is_nullable(raw) || is_nullable(schema)) {
            let (spec, doc) = if nullable { ("nullable", "not") } else { ("not nullable", "nullable") };
            self.differ(at, format!("{spec} in the spec, {doc} in the vendor's document"));
        }
        let doc_deprecated = deprecation(raw).or_else(|| deprecation(schema)).is_some();
        if deprecated != doc_deprecated {
            let (spec, doc) = if deprecated { ("deprecated", "not") } else { ("not deprecated", "deprecated") };
            self.differ(at, format!("{spec} in the spec, {doc} in the vendor's document"));
        }
    }

    fn response(&mut self, endpoint: &Endpoint, op: &'a Json) {
        let schema = ["200", "201", "202"].iter().find_map(|status| op.pointer(&format!("/responses/{status}/content/application~1json/schema")));
        let at = endpoint.id.as_str();
        let Some(schema) = schema.map(|s| self.doc.deref(s)) else {
            if !matches!(endpoint.response, Response::Empty) {
                self.differ(at, "the spec gives a response body; the vendor's document has none");
            }
            return;
        };
        match &endpoint.response {
            Response::Empty => {
                let flag = self.api.success_flag.as_deref();
                let keys: Vec<&String> = schema
                    .get("properties")
                    .and_then(Json::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                    .filter(|k| Some(k.as_str()) != flag)
                    .collect();
                if !keys.is_empty() {
                    self.differ(at, format!("the spec gives nothing; the vendor's document's body has {}", list(keys.iter().map(|k| k.as_str()))));
                }
            }
            Response::Value { ty, envelope: Some(key) } => match schema.get("properties").and_then(|p| p.get(key)) {
                Some(value) => self.compare(&format!("{at}.{key}"), ty, value),
                None => self.differ(at, format!("the vendor's document's body has no `{key}`")),
            },
            Response::Value { ty, envelope: None } => {
                // The struct of a body's keys is compared field by field, like a model.
                self.compare(at, ty, schema);
            }
        }
    }

    /// A spec type against a schema, at `at`.
    fn compare(&mut self, at: &str, ty: &TypeRef, schema: &'a Json) {
        let schema = self.doc.deref(schema);
        let kind = schema.get("type").and_then(Json::as_str);
        let format = schema.get("format").and_then(Json::as_str);
        let mismatch = |walk: &mut Self, expected: &str| {
            let found = match (kind, format) {
                (Some(kind), Some(format)) => format!("`{kind}` (`{format}`)"),
                (Some(kind), None) => format!("`{kind}`"),
                (None, _) if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() => "a oneOf".to_owned(),
                (None, _) => "untyped".to_owned(),
            };
            walk.differ(at, format!("{expected} in the spec, {found} in the vendor's document"));
        };
        match ty {
            TypeRef::Json => {}
            TypeRef::String | TypeRef::Secret => {
                if kind != Some("string") {
                    mismatch(self, "a string");
                } else if format == Some("date-time") {
                    mismatch(self, "a plain string");
                }
            }
            TypeRef::Url | TypeRef::Uuid => {
                if kind != Some("string") {
                    mismatch(self, "a string");
                }
            }
            TypeRef::Timestamp => {
                if kind != Some("string") || format != Some("date-time") {
                    mismatch(self, "a timestamp");
                }
            }
            TypeRef::Integer => {
                if kind != Some("integer") {
                    mismatch(self, "an integer");
                }
            }
            TypeRef::Number => {
                if kind != Some("number") {
                    mismatch(self, "a number");
                }
            }
            TypeRef::Boolean => {
                if kind != Some("boolean") {
                    mismatch(self, "a boolean");
                }
            }
            TypeRef::Array(item) => match (kind, schema.get("items")) {
                (Some("array"), Some(items)) => self.compare(&format!("{at}[]"), item, items),
                _ => mismatch(self, "an array"),
            },
            TypeRef::Map(value) => match schema.get("additionalProperties") {
                Some(values @ Json::Object(_)) => self.compare(&format!("{at}{{}}"), value, values),
                Some(Json::Bool(true)) | None if schema.get("properties").is_none() => {}
                _ => mismatch(self, "a map"),
            },
            TypeRef::Named(name) => self.named(at, name, schema),
            TypeRef::OneOf(members) => {
                // The scalar kinds the document allows, from a oneOf or a list of types.
                let kinds: BTreeSet<&str> = match schema.get("oneOf").or(schema.get("anyOf")).and_then(Json::as_array) {
                    Some(alternatives) => alternatives.iter().filter_map(|a| self.doc.deref(a).get("type").and_then(Json::as_str)).collect(),
                    None => match schema.get("type") {
                        Some(Json::Array(types)) => types.iter().filter_map(Json::as_str).filter(|t| *t != "null").collect(),
                        Some(Json::String(one)) => BTreeSet::from([one.as_str()]),
                        _ => BTreeSet::new(),
                    },
                };
                let specced: BTreeSet<String> = members.iter().map(TypeRef::spec_name).collect();
                if kinds.iter().map(|k| k.to_string()).collect::<BTreeSet<String>>() != specced {
                    let found = if kinds.is_empty() { "untyped".to_owned() } else { list(kinds.into_iter()) };
                    self.differ(at, format!("`{}` in the spec, {found} in the vendor's document", ty.spec_name()));
                }
            }
        }
    }

    fn named(&mut self, at: &str, name: &str, schema: &'a Json) {
        let Some(def) = self.api.type_def(name) else { return };
        let kind = schema.get("type").and_then(Json::as_str);
        match def {
            TypeDef::Id(id) => {
                let expected = if id.integer { "integer" } else { "string" };
                if kind != Some(expected) {
                    self.differ(at, format!("`{name}` (a {expected} id) in the spec, `{}` in the vendor's document", kind.unwrap_or("untyped")));
                }
            }
            TypeDef::Enum(def) => {
                // An enum's values, directly or spread over the members of a oneOf.
                let members: Vec<&Json> = match schema.get("oneOf").or(schema.get("anyOf")).and_then(Json::as_array) {
                    Some(members) => members.iter().map(|m| self.doc.deref(m)).collect(),
                    None => vec![schema],
                };
                let values: Vec<&str> =
                    members.iter().filter_map(|m| m.get("enum").and_then(Json::as_array)).flatten().filter_map(Json::as_str).collect();
                if values.is_empty() {
                    self.differ(at, format!("the enum `{name}` in the spec, any `{}` in the vendor's document", kind.unwrap_or("value")));
                    return;
                }
                self.compared.insert(name.to_owned());
                // Compared at the end, with every value met anywhere: a document may spread
                // one enum over the members of a union (an action's type per member).
                let entry =
                    self.enums.entry(name.to_owned()).or_insert_with(|| (def.values.iter().map(|v| v.value.clone()).collect(), BTreeSet::new()));
                entry.1.extend(values.into_iter().map(str::to_owned));
            }
            TypeDef::Model(model) => {
                if !self.compared.insert(name.to_owned()) {
                    return;
                }
                // A response's struct holds every key of the body but the success flag.
                let flag = self.api.success_flag.as_deref().filter(|_| model.response_of.is_some());
                self.model(name, model, schema, flag.as_slice());
            }
            TypeDef::Union(union) => {
                if !self.compared.insert(name.to_owned()) {
                    return;
                }
                let members: Vec<&'a Json> =
                    schema.get("oneOf").or(schema.get("anyOf")).and_then(Json::as_array).into_iter().flatten().map(|m| self.doc.deref(m)).collect();
                if members.is_empty() {
                    self.differ(name, "a union in the spec, not a oneOf in the vendor's document");
                    return;
                }
                let tag = union.tag.as_str();
                let tag_of = |member: &Json| member.pointer(&format!("/properties/{tag}/enum/0")).and_then(Json::as_str).map(str::to_owned);
                let documented: BTreeSet<String> = members.iter().filter_map(|m| tag_of(m)).collect();
                let specced: BTreeSet<String> = union.variants.iter().map(|v| v.tag.clone()).collect();
                let (documented_ref, specced_ref): (BTreeSet<&str>, BTreeSet<&str>) =
                    (documented.iter().map(String::as_str).collect(), specced.iter().map(String::as_str).collect());
                self.sides(name, "variant", &specced_ref, &documented_ref);
                for variant in &union.variants {
                    let Some(TypeDef::Model(payload)) = self.api.type_def(&variant.model) else { continue };
                    // Every member with the variant's tag (a document may have one per pair
                    // of tag and another field), each difference reported once.
                    for member in members.iter().filter(|m| tag_of(m).as_deref() == Some(variant.tag.as_str())) {
                        self.model(&format!("{name}.{}", variant.tag), payload, member, &[tag]);
                    }
                }
            }
        }
    }

    /// What one side lists and the other lacks.
    fn sides(&mut self, at: &str, what: &str, specced: &BTreeSet<&str>, documented: &BTreeSet<&str>) {
        let only_doc: Vec<&str> = documented.difference(specced).copied().collect();
        let only_spec: Vec<&str> = specced.difference(documented).copied().collect();
        if !only_doc.is_empty() {
            self.differ(at, format!("{what}s only in the vendor's document: {}", list(only_doc.into_iter())));
        }
        if !only_spec.is_empty() {
            self.differ(at, format!("{what}s only in the spec: {}", list(only_spec.into_iter())));
        }
    }

    /// A model's fields against an object schema's properties (but `skip`: a union's tag).
    fn model(&mut self, at: &str, model: &ModelDef, schema: &'a Json, skip: &[&str]) {
        // An object may be an `allOf` of several: its properties and requirements together.
        let parts = self.doc.object_parts(schema);
        let mut properties: std::collections::BTreeMap<&'a str, &'a Json> = std::collections::BTreeMap::new();
        let mut required: BTreeSet<&str> = BTreeSet::new();
        for part in &parts {
            for (name, property) in part.get("properties").and_then(Json::as_object).into_iter().flatten() {
                properties.entry(name.as_str()).or_insert(property);
            }
            required.extend(required_of(part));
        }
        if properties.is_empty() {
            if !model.fields.is_empty() {
                self.differ(at, "a model in the spec, no object with properties in the vendor's document");
            }
            return;
        }
        for field in &model.fields {
            let field_at = format!("{at}.{}", field.wire_name);
            match properties.get(field.wire_name.as_str()) {
                None => self.differ(field_at, "not in the vendor's document"),
                Some(property) => self.field(&field_at, field, property, required.contains(field.wire_name.as_str())),
            }
        }
        for (name, property) in properties {
            if !skip.contains(&name) && !model.fields.iter().any(|f| f.wire_name == name) && !undocumented(property) {
                self.differ(format!("{at}.{name}"), "in the vendor's document, not in the spec");
            }
        }
    }

    fn field(&mut self, at: &str, field: &Field, schema: &'a Json, required: bool) {
        match (field.optional, required) {
            (true, true) => self.differ(at, "optional in the spec, required in the vendor's document"),
            (false, false) => self.differ(at, "required in the spec, optional in the vendor's document"),
            _ => {}
        }
        self.flags(at, field.nullable, field.deprecated.is_some(), schema);
        self.compare(at, &field.ty, schema);
    }
}

fn list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    items.map(|item| format!("`{item}`")).collect::<Vec<_>>().join(", ")
}
