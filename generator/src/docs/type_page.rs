//! A type's page: its fields, values or variants, and an example.

use std::collections::BTreeMap;

use askama::Template;

use super::{FieldRow, REGENERATE, field_rows, filters, pretty_json, type_link};
use crate::ir::{Api, TypeDef, TypeRef};

struct VariantView {
    tag: String,
    description: String,
    /// The page of the named model the variant shares with others, if it names one.
    shared_model: Option<String>,
    fields: Vec<FieldRow>,
}

struct ValueView {
    name: String,
    description: String,
}

#[derive(Template)]
#[template(path = "type.md")]
struct TypePage {
    regenerate: &'static str,
    source: String,
    name: String,
    kind: &'static str,
    api_title: String,
    description: String,
    fields: Vec<FieldRow>,
    values: Vec<ValueView>,
    tag: String,
    variants: Vec<VariantView>,
    /// For a model that union variants share: those variants, as links.
    payload_of: Vec<String>,
    example: Option<String>,
}

/// For each model named as union variants' payload: per union, a link to it and the tags
/// (`[`AccessCodeError`](AccessCodeError.md): `device_offline`, `device_removed``).
pub(super) fn shared_payloads(api: &Api) -> BTreeMap<&str, Vec<String>> {
    api.shared_payloads()
        .into_iter()
        .map(|(model, variants)| {
            // Variants come in union order: one entry per run of the same union.
            let by_union = variants.chunk_by(|(a, _), (b, _)| a.name == b.name).map(|run| {
                let tags = run.iter().map(|(_, v)| format!("`{}`", v.tag)).collect::<Vec<_>>().join(", ");
                format!("[`{0}`]({0}.md): {tags}", run[0].0.name)
            });
            (model, by_union.collect())
        })
        .collect()
}

pub(super) fn type_page(api: &Api, def: &TypeDef, payload_of: Vec<String>) -> Result<String, askama::Error> {
    let mut page = TypePage {
        regenerate: REGENERATE,
        source: format!("specs/{}/", api.name),
        name: def.name().to_owned(),
        kind: "",
        api_title: api.title.clone(),
        description: String::new(),
        fields: Vec::new(),
        values: Vec::new(),
        tag: String::new(),
        variants: Vec::new(),
        payload_of,
        example: None,
    };
    match def {
        TypeDef::Id(id) => {
            page.kind = "An id";
            page.description = format!(
                "{}\n\nOn the wire: {}. In Rust: its own newtype, so it cannot be mixed up with another kind of id.",
                id.description.trim(),
                if id.integer { "an integer" } else { "a string" }
            );
        }
        TypeDef::Enum(def) => {
            page.kind = "An enum";
            page.description = def.description.trim().to_owned();
            page.values =
                def.values.iter().map(|v| ValueView { name: v.value.clone(), description: v.description.clone().unwrap_or_default() }).collect();
        }
        TypeDef::Model(model) => {
            page.kind = "A model";
            page.description = model.description.trim().to_owned();
            page.fields = field_rows(api, &model.fields, "");
            page.example = model.examples.first().map(pretty_json);
        }
        TypeDef::Union(union) => {
            page.kind = "A tagged union";
            page.description = format!(
                "{}\n\nThe `{}` field selects the variant; a value the client does not know decodes as `Unknown`.",
                union.description.trim(),
                union.tag
            );
            page.tag = union.tag.clone();
            page.variants = union
                .variants
                .iter()
                .map(|v| VariantView {
                    // The template puts the tag in backticks: several read `a`, `b`.
                    tag: v.tags().collect::<Vec<_>>().join("`, `"),
                    description: v.description.trim().to_owned(),
                    shared_model: v.shared.then(|| type_link(api, &TypeRef::Named(v.model.clone()), "")),
                    fields: match api.type_def(&v.model) {
                        Some(TypeDef::Model(model)) => field_rows(api, &model.fields, ""),
                        _ => Vec::new(),
                    },
                })
                .collect();
        }
    }
    page.render()
}
