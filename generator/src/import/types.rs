//! OpenAPI schemas → the spec's types: a `$ref` becomes a named model (or union, from a
//! `oneOf` with a discriminator), a string `enum` a named enum, an object declared in place an
//! inline `type: object`, `additionalProperties` a `map<T>`. Types the API folder already
//! defines are referenced, never defined again; an enum whose values one of them has is
//! reused. A schema the vendor writes out in place more than once (the same unmanaged object
//! in a `get` and a `list`, the same error union in two objects) is one named type: a survey
//! pass over everything imported finds them first ([`Converter::survey`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use super::{Decision, map};
use crate::names;
use crate::vendor_doc::{Document, deprecation, is_nullable, required_of};

/// What the API folder defines already: type names, and each enum's values.
#[derive(Default)]
pub(crate) struct Known {
    pub(crate) types: BTreeSet<String>,
    pub(crate) enums: BTreeMap<String, BTreeSet<String>>,
    /// Id types by the field name they identify (`access_code_id` → `AccessCodeId`).
    pub(crate) ids: BTreeMap<String, String>,
    /// Names of objects declared in place, which no other file can name.
    pub(crate) inline: BTreeSet<String>,
}

/// The types one import defines, in the order they are first needed, so that each is
/// written once, into the first file that needs it.
#[derive(Default)]
pub(crate) struct Defined {
    pub(crate) models: BTreeMap<String, Mapping>,
    pub(crate) unions: BTreeMap<String, Mapping>,
    pub(crate) enums: BTreeMap<String, Mapping>,
    /// Type names in the order they were defined.
    pub(crate) order: Vec<String>,
}

/// Converts schemas, looking up `$ref`s in the document.
pub(crate) struct Converter<'d> {
    pub(crate) doc: Document<'d>,
    pub(crate) known: &'d Known,
    pub(crate) defined: Defined,
    pub(crate) decisions: Vec<Decision>,
    /// Where the schema being converted is, for decisions (`access_code.errors`).
    place: Vec<String>,
    /// Schemas written out in place more than once, by their JSON text, with the one name
    /// each gets ([`Converter::survey`]).
    recurring: BTreeMap<String, String>,
    /// While surveying: each schema written out in place, by its JSON text, with the names
    /// its places would give it.
    seen: Option<BTreeMap<String, Vec<String>>>,
    /// The next object met is a model even if it is met once: a parameter's, since
    /// parameters have no objects declared in place.
    pub(crate) object_as_model: bool,
}

impl<'d> Converter<'d> {
    pub(crate) fn new(doc: &'d Json, known: &'d Known) -> Self {
        Converter {
            doc: Document(doc),
            known,
            defined: Defined::default(),
            decisions: Vec::new(),
            place: Vec::new(),
            recurring: BTreeMap::new(),
            seen: None,
            object_as_model: false,
        }
    }

    /// A converter for surveying: what it converts is thrown away, but it notes every schema
    /// written out in place (objects and discriminated unions) and the names its places give.
    pub(crate) fn surveying(doc: &'d Json, known: &'d Known) -> Self {
        Converter { seen: Some(BTreeMap::new()), ..Converter::new(doc, known) }
    }

    /// What a survey found: the schemas met more than once, each named by the shortest name
    /// one of its places gives (the first on a tie) that the folder does not use already, so
    /// that a vendor's `UserIdentityError` beats `UserIdentitiesUnmanagedUserIdentityError`.
    pub(crate) fn survey(self) -> BTreeMap<String, String> {
        let known = self.known;
        let mut recurring = BTreeMap::new();
        let mut taken = BTreeSet::new();
        for (text, names) in self.seen.unwrap_or_default() {
            if names.len() < 2 {
                continue;
            }
            let free = |name: &&String| !known.types.contains(*name) && !known.inline.contains(*name) && !taken.contains(*name);
            if let Some(name) = names.iter().filter(free).min_by_key(|name| name.len()).cloned() {
                taken.insert(name.clone());
                recurring.insert(text, name);
            }
        }
        recurring
    }

    /// Uses a survey's findings.
    pub(crate) fn with_recurring(mut self, recurring: BTreeMap<String, String>) -> Self {
        self.recurring = recurring;
        self
    }

    /// A schema written out in place, which places would name `name`: its recurring name if
    /// it has one; `Err(true)` while surveying when it was met before (so that what it holds
    /// is not counted twice), else `Err(false)`.
    fn in_place(&mut self, schema: &Json, name: &str) -> Result<String, bool> {
        let text = schema.to_string();
        if let Some(seen) = &mut self.seen {
            let names = seen.entry(text).or_default();
            names.push(name.to_owned());
            return Err(names.len() > 1);
        }
        self.recurring.get(&text).cloned().ok_or(false)
    }

    fn decide(&mut self, what: String) {
        self.decisions.push(Decision { place: self.place.last().cloned().unwrap_or_default(), what });
    }

    /// The spec's type for a schema met at `owner.field` (names of types it must declare
    /// are made from those), and whether it is nullable.
    pub(crate) fn type_of(&mut self, schema: &Json, owner: &str, field: &str) -> (String, bool) {
        let nullable = is_nullable(schema);
        if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            return (self.named(reference), nullable);
        }
        match schema.get("allOf").and_then(Json::as_array).map(Vec::as_slice) {
            Some([only]) => {
                let (ty, inner) = self.type_of(only, owner, field);
                return (ty, nullable || inner);
            }
            // Several objects together: one object declared in place.
            Some([_, _, ..]) => return (self.object(schema, owner, field), nullable),
            _ => {}
        }
        if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
            if schema.get("discriminator").is_some() {
                let name = format!("{}{}", names::pascal(owner), names::pascal(&singular(field)));
                let name = match self.in_place(schema, &name) {
                    Ok(recurring) => recurring,
                    Err(true) => return ("json".into(), nullable),
                    Err(false) => name,
                };
                self.union(&name, schema);
                return (name, nullable);
            }
            if let Some(scalars) = self.scalar_union(schema) {
                return (scalars, nullable);
            }
            self.decide("a oneOf/anyOf without a discriminator: imported as `json`".into());
            return ("json".into(), nullable);
        }
        let ty = match schema.get("type").and_then(Json::as_str) {
            Some("string") => match (schema.get("enum"), schema.get("format").and_then(Json::as_str)) {
                (Some(Json::Array(values)), _) => self.enumeration(owner, field, schema, values),
                (_, Some("date-time")) => "timestamp".into(),
                (_, Some("uri" | "url")) => "url".into(),
                (_, Some("uuid")) => match self.known.ids.get(field) {
                    Some(id) => id.clone(),
                    None => "uuid".into(),
                },
                _ => match self.known.ids.get(field) {
                    Some(id) => id.clone(),
                    None => "string".into(),
                },
            },
            Some("integer") => "integer".into(),
            Some("number") => "number".into(),
            Some("boolean") => "boolean".into(),
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Json::Null);
                let (item, _) = self.type_of(&items, owner, &singular(field));
                format!("array<{item}>")
            }
            Some("object") | None if schema.get("properties").is_some() => {
                return (self.object(schema, owner, field), nullable);
            }
            Some("object") | None => match schema.get("additionalProperties") {
                Some(values @ Json::Object(_)) if !values.as_object().is_some_and(|o| o.is_empty()) => {
                    let (value, _) = self.type_of(values, owner, field);
                    format!("map<{value}>")
                }
                _ => "json".into(),
            },
            Some(other) => {
                self.decide(format!("type `{other}`: imported as `json`"));
                "json".into()
            }
        };
        (ty, nullable)
    }

    /// A `oneOf` of two or three plain scalar kinds (`string | boolean`), as a scalar union;
    /// `None` for anything else, or `integer` beside `number`, which no value could tell apart.
    fn scalar_union(&self, schema: &Json) -> Option<String> {
        let members = schema.get("oneOf").or(schema.get("anyOf")).and_then(Json::as_array)?;
        let mut kinds: Vec<&str> = Vec::new();
        for member in members {
            let member = self.doc.deref(member);
            let kind = member.get("type").and_then(Json::as_str)?;
            if !["string", "boolean", "integer", "number"].contains(&kind) || member.get("enum").is_some() || member.get("format").is_some() {
                return None;
            }
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let plain = (2..=3).contains(&kinds.len()) && !(kinds.contains(&"integer") && kinds.contains(&"number"));
        plain.then(|| kinds.join(" | "))
    }

    /// An object written out at `owner.field`: `object:…` (declared in place), or, when it
    /// recurs, its model, defined once; `json` while surveying one met before.
    fn object(&mut self, schema: &Json, owner: &str, field: &str) -> String {
        let candidate = format!("{}{}", names::pascal(owner), names::pascal(field));
        let as_model = std::mem::take(&mut self.object_as_model);
        let found = match self.in_place(schema, &candidate) {
            Err(false) if as_model && !self.known.types.contains(&candidate) && !self.known.inline.contains(&candidate) => Ok(candidate),
            found => found,
        };
        match found {
            Ok(name) => {
                if !self.known.types.contains(&name) && !self.defined.order.contains(&name) {
                    self.defined.order.push(name.clone());
                    let model = self.model(&name, schema);
                    self.defined.models.insert(name.clone(), model);
                }
                name
            }
            Err(true) => "json".into(),
            Err(false) => format!("object:{owner}.{field}"),
        }
    }

    /// A named schema: its type name, defining it (once) unless the folder has it.
    pub(crate) fn named(&mut self, reference: &str) -> String {
        let schema_name = reference.rsplit('/').next().unwrap_or(reference);
        let mut name = names::pascal(schema_name);
        if self.known.inline.contains(&name) {
            let taken = name.clone();
            name.push_str("Model");
            if !self.defined.order.contains(&name) {
                self.decide(format!(
                    "`{taken}` names an object declared in place in the folder, so this schema is `{name}`: declare it once as a model and use it in both places"
                ));
            }
        }
        if self.known.types.contains(&name) || self.defined.order.contains(&name) {
            return name;
        }
        let Some(schema) = self.doc.resolve(reference) else {
            self.decide(format!("`{reference}` does not resolve: imported as `json`"));
            return "json".into();
        };
        if schema.get("discriminator").is_some() {
            self.union(&name, schema);
        } else {
            self.defined.order.push(name.clone());
            let model = self.model(&name, schema);
            self.defined.models.insert(name.clone(), model);
        }
        name
    }

    /// A model: `description` and `fields`.
    fn model(&mut self, name: &str, schema: &Json) -> Mapping {
        let schema = self.doc.deref(schema);
        let mut model = Mapping::new();
        model.insert("description".into(), description(schema, &format!("{name}.")).into());
        model.insert("fields".into(), Yaml::Sequence(self.fields(name, schema, &[])));
        model
    }

    /// The fields of an object schema (every part of an `allOf` together), leaving out
    /// `skip` (a union's tag).
    pub(crate) fn fields(&mut self, owner: &str, schema: &Json, skip: &[&str]) -> Vec<Yaml> {
        let parts = self.doc.object_parts(schema);
        let required: BTreeSet<String> = parts.iter().flat_map(|p| required_of(p)).map(str::to_owned).collect();
        let mut properties: Vec<(String, Json)> = Vec::new();
        for part in &parts {
            for (name, property) in part.get("properties").and_then(Json::as_object).into_iter().flatten() {
                if !properties.iter().any(|(n, _)| n == name) {
                    properties.push((name.clone(), property.clone()));
                }
            }
        }
        properties.sort_by(|a, b| a.0.cmp(&b.0));
        let mut fields = Vec::new();
        for (field, property) in &properties {
            if skip.contains(&field.as_str()) {
                continue;
            }
            let entry = self.field(owner, field, property, required.contains(field.as_str()));
            fields.push(Yaml::Mapping(entry));
        }
        fields
    }

    /// One field (or body parameter, with `location`): name, type, description, and the
    /// flags the schema sets.
    pub(crate) fn field(&mut self, owner: &str, field: &str, schema: &Json, required: bool) -> Mapping {
        self.place.push(format!("{owner}.{field}"));
        let entry = self.field_here(owner, field, schema, required);
        self.place.pop();
        entry
    }

    fn field_here(&mut self, owner: &str, field: &str, schema: &Json, required: bool) -> Mapping {
        let (ty, nullable) = self.type_of(schema, owner, field);
        let target = self.doc.deref(schema);
        let mut entry = Mapping::new();
        entry.insert("name".into(), field.into());
        let inline = ty.strip_prefix("object:").is_some();
        entry.insert("type".into(), if inline { "object".into() } else { ty.clone().into() });
        // A property that only names a schema has that schema's description.
        let text = description(schema, &description(target, &format!("`{field}`.")));
        entry.insert("description".into(), text.into());
        if !required {
            entry.insert("optional".into(), true.into());
        }
        if nullable {
            entry.insert("nullable".into(), true.into());
        }
        if let Some(reason) = deprecation(schema) {
            entry.insert("deprecated".into(), reason.into());
        }
        let name = format!("{}{}", names::pascal(owner), names::pascal(field));
        if inline {
            entry.insert("fields".into(), Yaml::Sequence(self.fields(&name, target, &[])));
        } else if ty.starts_with("array<object:") {
            // A list of objects declared in place: `array<object>` with the item's fields.
            entry.insert("type".into(), "array<object>".into());
            let items = target.get("items").map(|items| self.doc.deref(items)).cloned().unwrap_or(Json::Null);
            entry.insert("fields".into(), Yaml::Sequence(self.fields(&name, &items, &[])));
        } else if ty.contains("object:") {
            self.decide("objects declared in place deeper than a list: imported as `json`".into());
            entry.insert("type".into(), "json".into());
        }
        entry
    }

    /// A string enum met at `owner.field`: one the folder or this import has with the same
    /// values, or a new one named `<Owner><Field>`.
    fn enumeration(&mut self, owner: &str, field: &str, schema: &Json, values: &[Json]) -> String {
        let values: Vec<String> = values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        let set: BTreeSet<String> = values.iter().cloned().collect();
        if let Some((name, _)) = self.known.enums.iter().find(|(_, known)| **known == set) {
            return name.clone();
        }
        let same = |mapping: &Mapping| {
            mapping.get("values").and_then(Yaml::as_sequence).is_some_and(|listed| {
                let listed: BTreeSet<String> = listed.iter().filter_map(|v| v.get("value").and_then(Yaml::as_str).map(str::to_owned)).collect();
                listed == set
            })
        };
        if let Some((name, _)) = self.defined.enums.iter().find(|(_, mapping)| same(mapping)) {
            return name.clone();
        }
        let name = format!("{}{}", names::pascal(owner), names::pascal(field));
        let mut mapping = Mapping::new();
        mapping.insert("description".into(), description(schema, &format!("The values of `{field}`.")).into());
        let listed = values
            .iter()
            .map(|value| {
                let mut entry = map([("value", value.as_str().into())]);
                // `Unknown` is the variant of values this version does not know.
                if names::pascal(value) == "Unknown" {
                    entry.insert("rust_name".into(), format!("{}Unknown", names::pascal(field)).into());
                }
                Yaml::Mapping(entry)
            })
            .collect();
        mapping.insert("values".into(), Yaml::Sequence(listed));
        self.defined.order.push(name.clone());
        self.defined.enums.insert(name.clone(), mapping);
        name
    }

    /// A `oneOf` with a discriminator: one variant per member, its tag the discriminator's
    /// single `enum` value there, its fields the others.
    fn union(&mut self, name: &str, schema: &Json) {
        if self.defined.order.iter().any(|n| n == name) || self.known.types.contains(name) {
            return;
        }
        self.defined.order.push(name.to_owned());
        let schema = self.doc.deref(schema);
        let tag = schema.pointer("/discriminator/propertyName").and_then(Json::as_str).unwrap_or("type").to_owned();
        let members = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Json::as_array).cloned().unwrap_or_default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for member in &members {
            let member = self.doc.deref(member);
            let tags: Vec<String> = member
                .pointer(&format!("/properties/{tag}/enum"))
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let [value] = tags.as_slice() else {
                self.place.push(name.to_owned());
                self.decide(format!("a member of `{name}` has no single `{tag}` value: left out of the union"));
                self.place.pop();
                continue;
            };
            if !seen.insert(value.clone()) {
                self.place.push(name.to_owned());
                self.decide(format!("`{name}` has two members tagged `{value}`: the second is left out"));
                self.place.pop();
                continue;
            }
            let owner = format!("{name}{}", names::pascal(value));
            let mut variant = Mapping::new();
            variant.insert("tag".into(), value.as_str().into());
            variant.insert("description".into(), description(member, &format!("`{value}`.")).into());
            variant.insert("fields".into(), Yaml::Sequence(self.fields(&owner, member, &[tag.as_str()])));
            variants.push(Yaml::Mapping(variant));
        }
        let mut union = Mapping::new();
        union.insert("description".into(), description(schema, &format!("{name}.")).into());
        union.insert("tag".into(), tag.into());
        union.insert("variants".into(), Yaml::Sequence(variants));
        self.defined.unions.insert(name.to_owned(), union);
    }
}

/// A schema's description, or `fallback` (every spec item has one).
pub(crate) fn description(schema: &Json, fallback: &str) -> String {
    schema.get("description").and_then(Json::as_str).map(str::trim).filter(|d| !d.is_empty()).unwrap_or(fallback).to_owned()
}

/// `errors` → `error`: the item of a list is named in the singular.
pub(crate) fn singular(word: &str) -> String {
    word.strip_suffix("ies")
        .map(|stem| format!("{stem}y"))
        .or_else(|| word.strip_suffix('s').filter(|s| !s.ends_with('s')).map(str::to_owned))
        .unwrap_or_else(|| word.to_owned())
}
