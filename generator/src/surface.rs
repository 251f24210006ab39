//! The API surface of the generated crate as data (`generated/api-surface.json`), and the
//! difference between two surfaces: what `cargo xtask codegen` reports after every run,
//! marking the changes that break downstream code.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::file::{OutputFile, REGENERATE};
use crate::ir::{Api, TypeDef, TypeRef};

pub const SURFACE_PATH: &str = "api-surface.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// `seam.access_codes.get` → its surface.
    pub endpoints: BTreeMap<String, EndpointSurface>,
    /// `seam.AccessCode` → field name → field surface.
    pub models: BTreeMap<String, BTreeMap<String, FieldSurface>>,
    /// `seam.AccessCodeStatus` → values.
    pub enums: BTreeMap<String, BTreeSet<String>>,
    /// `seam.AccessCodeError` → tags.
    pub unions: BTreeMap<String, BTreeSet<String>>,
    /// `seam.AccessCodeError::device_offline` → the variant's payload type. Not in surfaces
    /// written before variants could name a shared model; those compare as unknown.
    #[serde(default)]
    pub variant_payloads: BTreeMap<String, String>,
    /// `seam.AccessCodeId` → `string` or `integer`.
    pub ids: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSurface {
    /// The method returns a request builder (it has optional parameters) rather than a `Call`.
    #[serde(default)]
    pub builder: bool,
    pub method: String,
    pub path: String,
    pub response: String,
    /// Parameter → `required`, `optional` or `one_of <Group>`, and its type.
    pub params: BTreeMap<String, ParamSurface>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamSurface {
    pub presence: String,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSurface {
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the Rust field is an `Option`.
    pub option: bool,
}

impl Surface {
    pub fn of(apis: &[Api]) -> Surface {
        let mut surface = Surface::default();
        for api in apis {
            for endpoint in api.endpoints() {
                let params = endpoint
                    .params
                    .iter()
                    .map(|p| {
                        let presence = match p.group {
                            Some(group) => format!("one_of {}", endpoint.one_of[group].name),
                            None if p.required => "required".to_owned(),
                            None => "optional".to_owned(),
                        };
                        (p.wire_name.clone(), ParamSurface { presence, ty: p.ty.spec_name() })
                    })
                    .collect();
                surface.endpoints.insert(
                    format!("{}.{}", api.name, endpoint.id),
                    EndpointSurface {
                        builder: endpoint.has_builder(),
                        method: endpoint.method.as_str().to_owned(),
                        path: endpoint.path.clone(),
                        response: endpoint.response_type().map_or_else(|| "()".to_owned(), TypeRef::spec_name),
                        params,
                    },
                );
            }
            for def in &api.types {
                let key = format!("{}.{}", api.name, def.name());
                match def {
                    TypeDef::Id(id) => {
                        surface.ids.insert(key, if id.integer { "integer" } else { "string" }.to_owned());
                    }
                    TypeDef::Enum(def) => {
                        surface.enums.insert(key, def.values.iter().map(|v| v.value.clone()).collect());
                    }
                    TypeDef::Union(union) => {
                        for variant in &union.variants {
                            surface.variant_payloads.insert(format!("{key}::{}", variant.tag), variant.model.clone());
                        }
                        surface.unions.insert(key, union.variants.iter().flat_map(|v| v.tags().map(str::to_owned)).collect());
                    }
                    TypeDef::Model(model) => {
                        let fields = model
                            .fields
                            .iter()
                            .map(|f| (f.wire_name.clone(), FieldSurface { ty: f.ty.spec_name(), option: f.is_option() }))
                            .collect();
                        surface.models.insert(key, fields);
                    }
                }
            }
        }
        surface
    }

    pub fn to_file(&self) -> OutputFile {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("@generated".into(), format!("by `{REGENERATE}`: the API surface, for change reports. Do not edit.").into());
        }
        let mut contents = serde_json::to_string_pretty(&value).unwrap_or_default();
        contents.push('\n');
        OutputFile { path: SURFACE_PATH.into(), contents }
    }

    /// Reads a surface file; `None` when it is missing or not one (the first run).
    pub fn from_json(text: &str) -> Option<Surface> {
        let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
        value.as_object_mut()?.remove("@generated");
        serde_json::from_value(value).ok()
    }
}

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub breaking: bool,
    pub text: String,
}

fn change(breaking: bool, text: String) -> Change {
    Change { breaking, text }
}

/// Added and removed keys of two maps, and the keys in both.
fn keys<'a, V>(old: &'a BTreeMap<String, V>, new: &'a BTreeMap<String, V>) -> (Vec<&'a String>, Vec<&'a String>, Vec<&'a String>) {
    let added = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let removed = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let both = old.keys().filter(|k| new.contains_key(*k)).collect();
    (added, removed, both)
}

/// What changed from `old` to `new`, breaking changes first.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    let (added, removed, both) = keys(&old.endpoints, &new.endpoints);
    changes.extend(added.into_iter().map(|k| change(false, format!("endpoint added: {k}"))));
    changes.extend(removed.into_iter().map(|k| change(true, format!("endpoint removed: {k}"))));
    for key in both {
        diff_endpoint(key, &old.endpoints[key], &new.endpoints[key], &mut changes);
    }
    let (added, removed, both) = keys(&old.models, &new.models);
    changes.extend(added.into_iter().map(|k| change(false, format!("model added: {k}"))));
    changes.extend(removed.into_iter().map(|k| change(true, format!("model removed: {k}"))));
    for key in both {
        let (o, n) = (&old.models[key], &new.models[key]);
        let (added, removed, both) = keys(o, n);
        // Models are #[non_exhaustive]: a new field breaks nobody.
        changes.extend(added.into_iter().map(|f| change(false, format!("field added: {key}.{f}"))));
        changes.extend(removed.into_iter().map(|f| change(true, format!("field removed: {key}.{f}"))));
        for field in both {
            let (of, nf) = (&o[field], &n[field]);
            if of.ty != nf.ty {
                changes.push(change(true, format!("field {key}.{field}: type {} (was {})", nf.ty, of.ty)));
            }
            if of.option != nf.option {
                let now = if nf.option { "now an Option" } else { "no longer an Option" };
                changes.push(change(true, format!("field {key}.{field}: {now}")));
            }
        }
    }
    for (kind, old_sets, new_sets) in [("enum", &old.enums, &new.enums), ("union", &old.unions, &new.unions)] {
        let (added, removed, both) = keys(old_sets, new_sets);
        changes.extend(added.into_iter().map(|k| change(false, format!("{kind} added: {k}"))));
        changes.extend(removed.into_iter().map(|k| change(true, format!("{kind} removed: {k}"))));
        for key in both {
            let (o, n) = (&old_sets[key], &new_sets[key]);
            // Enums and unions are #[non_exhaustive] with an Unknown fallback.
            changes.extend(n.difference(o).map(|v| change(false, format!("{kind} value added: {key}::{v}"))));
            changes.extend(o.difference(n).map(|v| change(true, format!("{kind} value removed: {key}::{v}"))));
        }
    }
    // A variant whose payload becomes another type breaks every match that binds it.
    for (variant, payload) in &new.variant_payloads {
        if let Some(was) = old.variant_payloads.get(variant).filter(|was| *was != payload) {
            changes.push(change(true, format!("union variant {variant}: payload {payload} (was {was})")));
        }
    }
    let (added, removed, both) = keys(&old.ids, &new.ids);
    changes.extend(added.into_iter().map(|k| change(false, format!("id added: {k}"))));
    changes.extend(removed.into_iter().map(|k| change(true, format!("id removed: {k}"))));
    for key in both {
        if old.ids[key] != new.ids[key] {
            changes.push(change(true, format!("id {key}: {} (was {})", new.ids[key], old.ids[key])));
        }
    }
    changes.sort_by_key(|c| !c.breaking);
    changes
}

/// What changed in one endpoint: route, builder, response, parameters.
fn diff_endpoint(key: &str, o: &EndpointSurface, n: &EndpointSurface, changes: &mut Vec<Change>) {
    if o.method != n.method || o.path != n.path {
        changes.push(change(false, format!("endpoint {key}: now {} {} (was {} {})", n.method, n.path, o.method, o.path)));
    }
    if o.builder != n.builder {
        let now = if n.builder { "a request builder (no `Call` options until `.into_call()`)" } else { "a `Call`" };
        changes.push(change(true, format!("endpoint {key}: now returns {now}")));
    }
    if o.response != n.response {
        changes.push(change(true, format!("endpoint {key}: returns {} (was {})", n.response, o.response)));
    }
    let (added, removed, both) = keys(&o.params, &n.params);
    for name in added {
        let p = &n.params[name];
        changes.push(change(p.presence != "optional", format!("parameter added: {key}({name}), {}", p.presence)));
    }
    for name in removed {
        changes.push(change(true, format!("parameter removed: {key}({name})")));
    }
    for name in both {
        let (op, np) = (&o.params[name], &n.params[name]);
        if op.presence != np.presence {
            changes.push(change(true, format!("parameter {key}({name}): {} (was {})", np.presence, op.presence)));
        }
        if op.ty != np.ty {
            changes.push(change(true, format!("parameter {key}({name}): type {} (was {})", np.ty, op.ty)));
        }
    }
}

/// The report's text: a line per change, breaking ones marked.
pub fn describe(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "API surface: no change\n".to_owned();
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!("API surface: {} change{}, {breaking} breaking\n", changes.len(), if changes.len() == 1 { "" } else { "s" });
    for c in changes {
        out.push_str(if c.breaking { "  BREAKING " } else { "  + " });
        out.push_str(&c.text);
        out.push('\n');
    }
    out
}
