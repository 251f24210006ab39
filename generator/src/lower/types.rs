//! The spec's types (`ids`, `enums`, `models`, `unions`): their names claimed, their fields
//! resolved, union variants' payload models made.

use std::collections::BTreeMap;

use super::names::{Claim, Registry, Scope, is_pascal_ident, is_snake_ident};
use super::{Lowerer, Site};
use crate::diagnostics::suggest;
use crate::ir::{EnumDef, EnumValue, Field, IdDef, ModelDef, TypeDef, TypeRef, UnionDef, UnionVariant};
use crate::load::{LoadedApi, LoadedFile};
use crate::names;
use crate::spec::{EnumSpec, FieldSpec, IdFormat, UnionSpec, UnionVariantSpec};

/// Where a named type is defined: its file and section (`models`).
pub(crate) struct TypeSite<'a> {
    file: &'a LoadedFile,
    section: &'static str,
}

/// Every type name of the API with its definition (the first, when defined twice), so
/// references resolve in any order.
#[derive(Default)]
pub(crate) struct TypeSites<'a> {
    by_name: BTreeMap<String, TypeSite<'a>>,
}

impl TypeSites<'_> {
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Whether `name` is one text value: an id or an enum (not a model or union).
    pub(crate) fn is_scalar(&self, name: &str) -> bool {
        self.by_name.get(name).is_some_and(|site| matches!(site.section, "ids" | "enums"))
    }

    /// Whether `file` holds the definition of `name` that counts (a second one is reported
    /// and not lowered, so it adds no problem of its own).
    pub(crate) fn defined_in(&self, name: &str, file: &LoadedFile) -> bool {
        self.by_name.get(name).is_some_and(|site| std::ptr::eq(site.file, file))
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

/// Claims the name of every type the specs define.
pub(crate) fn collect_sites<'a>(lw: &mut Lowerer, api: &'a LoadedApi, registry: &mut Registry<'a>) -> TypeSites<'a> {
    let mut sites = TypeSites::default();
    for file in &api.files {
        let sections: [(&'static str, Vec<&String>); 4] = [
            ("ids", file.spec.ids.keys().collect()),
            ("enums", file.spec.enums.keys().collect()),
            ("models", file.spec.models.keys().collect()),
            ("unions", file.spec.unions.keys().collect()),
        ];
        for (section, type_names) in sections {
            for name in type_names {
                let site = Site::root(file).at(section).at(name);
                if !is_pascal_ident(name) {
                    lw.error_help(&site, format!("type name `{name}` is not PascalCase"), format!("use `{}`", names::pascal(name)));
                } else if TypeRef::PRIMITIVES.contains(&name.as_str()) {
                    lw.error_help(&site, format!("type name `{name}` is taken by the generated code"), "choose another name");
                } else if registry.claim(lw, &[Scope::Api], name, Claim::at("type", "", site), "rename the type") {
                    sites.by_name.insert(name.clone(), TypeSite { file, section });
                }
            }
        }
    }
    sites
}

/// Every type of the API, sorted by name: the declared ones and the union variants' own
/// payload models.
pub(crate) fn lower_types<'a>(lw: &mut Lowerer, api: &'a LoadedApi, sites: &TypeSites<'a>, registry: &mut Registry<'a>) -> Vec<TypeDef> {
    let mut types = Vec::new();
    let mut variant_models = Vec::new();
    let mut inline = Vec::new();
    for file in &api.files {
        let root = Site::root(file);
        for (name, id) in file.spec.ids.iter().filter(|(name, _)| sites.defined_in(name, file)) {
            types.push(TypeDef::Id(IdDef { name: name.clone(), description: id.description.clone(), integer: id.format == IdFormat::Integer }));
        }
        for (name, spec) in file.spec.enums.iter().filter(|(name, _)| sites.defined_in(name, file)) {
            types.push(TypeDef::Enum(lower_enum(lw, &root.at("enums").at(name), name, spec)));
        }
        for (name, spec) in file.spec.models.iter().filter(|(name, _)| sites.defined_in(name, file)) {
            let fields = lower_fields(lw, &root.at("models").at(name).at("fields"), name, &spec.fields, sites, &mut inline);
            types.push(TypeDef::Model(ModelDef {
                name: name.clone(),
                description: spec.description.clone(),
                declared: true,
                fields,
                examples: spec.examples.clone(),
                response_of: None,
                page: None,
            }));
        }
        for (name, spec) in file.spec.unions.iter().filter(|(name, _)| sites.defined_in(name, file)) {
            let (union, models) = lower_union(lw, &root.at("unions").at(name), name, spec, sites, registry, &mut inline);
            types.push(TypeDef::Union(union));
            variant_models.extend(models);
        }
    }
    types.extend(variant_models.into_iter().map(TypeDef::Model));
    types.extend(claim_inline(lw, inline, registry).into_iter().map(TypeDef::Model));
    types.sort_by(|a, b| a.name().cmp(b.name()));
    types
}

/// A field's, parameter's or response's type; unknown names get a suggestion.
pub(crate) fn resolve_type(lw: &mut Lowerer, site: &Site, text: &str, sites: &TypeSites) -> Option<TypeRef> {
    let Some(ty) = TypeRef::parse(text) else {
        if let Some((problem, help)) = scalar_union_problem(text) {
            lw.error_help(site, problem, help);
        } else {
            lw.error_help(site, format!("`{text}` is not a type"), "write a primitive like `string`, `array<T>`, or a type name");
        }
        return None;
    };
    if let TypeRef::Named(name) = ty.leaf()
        && !sites.contains(name)
    {
        let candidates = TypeRef::PRIMITIVES.iter().copied().chain(sites.names());
        let help = suggest(name, candidates, || "define it under `ids`, `enums`, `models` or `unions`, or use a primitive type".to_owned());
        lw.unresolved(site, format!("unknown type `{name}`"), help);
        return None;
    }
    Some(ty)
}

/// What is wrong with the scalar union in `text` (inside `array<…>` and `map<…>` too), if
/// it has one.
fn scalar_union_problem(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let inner = text.strip_prefix("array<").or_else(|| text.strip_prefix("map<")).and_then(|rest| rest.strip_suffix('>'));
    match inner {
        Some(inner) => scalar_union_problem(inner),
        None if text.contains('|') => TypeRef::parse_scalar_union(text).err(),
        None => None,
    }
}

/// A model declared in place, in a field (`type: object` with `fields`), and where.
#[derive(Clone)]
pub(crate) struct Inline<'a> {
    pub(crate) model: ModelDef,
    pub(crate) site: Site<'a>,
}

/// The word a field's `type` uses for an object declared in place.
const INLINE_OBJECT: &str = "object";

/// The fields listed at `list` (a model's `fields`, a response's `keys`) of the type `owner`;
/// objects declared in place become models in `inline`, named `<owner><Field>`.
pub(crate) fn lower_fields<'a>(
    lw: &mut Lowerer,
    list: &Site<'a>,
    owner: &str,
    specs: &[FieldSpec],
    sites: &TypeSites,
    inline: &mut Vec<Inline<'a>>,
) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut wire_seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rust_seen: BTreeMap<String, &str> = BTreeMap::new();
    for (index, spec) in specs.iter().enumerate() {
        let site = list.at(index);
        if wire_seen.insert(&spec.name, index).is_some() {
            lw.error(&site.at("name"), format!("field `{}` is listed twice", spec.name));
            continue;
        }
        let rust_name = match &spec.rust_name {
            Some(name) if !is_snake_ident(name) => {
                lw.error_help(
                    &site.at("rust_name"),
                    format!("rust_name `{name}` is not a snake_case identifier"),
                    format!("use `{}`", names::snake(name)),
                );
                name.clone()
            }
            Some(name) => name.clone(),
            None => names::snake(&spec.name),
        };
        if let Some(other) = rust_seen.insert(rust_name.clone(), &spec.name) {
            lw.error_help(
                &site.at("name"),
                format!("fields `{other}` and `{}` both become `{rust_name}` in Rust", spec.name),
                "give one of them a `rust_name`",
            );
        }
        // A field whose type does not resolve (already reported) stays, as `json`: the
        // model's examples are then not said to have an undeclared field.
        let ty = match inline_object(lw, &site, owner, spec, sites, inline) {
            Some(ty) => ty,
            None => resolve_type(lw, &site.at("type"), &spec.ty, sites).unwrap_or(TypeRef::Json),
        };
        fields.push(Field {
            wire_name: spec.name.clone(),
            rust_name,
            ty,
            description: spec.description.clone(),
            optional: spec.optional,
            nullable: spec.nullable,
            deprecated: spec.deprecated.clone(),
        });
    }
    fields
}

/// The type of a field that declares an object in place (`type: object`, `array<object>`,
/// `map<object>` with `fields`), its model lowered into `inline`; `None` for any other field.
fn inline_object<'a>(
    lw: &mut Lowerer,
    site: &Site<'a>,
    owner: &str,
    spec: &FieldSpec,
    sites: &TypeSites,
    inline: &mut Vec<Inline<'a>>,
) -> Option<TypeRef> {
    let parsed = TypeRef::parse(&spec.ty);
    let is_object = parsed.as_ref().is_some_and(|ty| ty.leaf() == &TypeRef::Named(INLINE_OBJECT.to_owned()));
    let Some(fields) = spec.fields.as_ref().filter(|_| is_object) else {
        if spec.fields.is_some() {
            lw.error_help(
                &site.at("fields"),
                format!("field `{}` lists `fields`, but its type is `{}`", spec.name, spec.ty),
                "an object declared in place has `type: object` (or `array<object>`, `map<object>`)",
            );
        } else if is_object {
            lw.error_help(
                &site.at("type"),
                format!("field `{}` is an object but lists no `fields`", spec.name),
                "list its fields under `fields`, or name a model",
            );
            // Reported: not an unknown type `object` as well.
            return Some(TypeRef::Json);
        }
        if spec.type_name.is_some() && !is_object {
            lw.error_help(
                &site.at("type_name"),
                "`type_name` names an object declared in place",
                "drop it, or declare the object with `type: object` and `fields`",
            );
        }
        return None;
    };
    let name = spec.type_name.clone().unwrap_or_else(|| format!("{owner}{}", names::pascal(&spec.name)));
    if !is_pascal_ident(&name) {
        lw.error_help(&site.at("type_name"), format!("type name `{name}` is not PascalCase"), format!("use `{}`", names::pascal(&name)));
    }
    let model_fields = lower_fields(lw, &site.at("fields"), &name, fields, sites, inline);
    let description = spec.description.clone();
    let model =
        ModelDef { name: name.clone(), description, declared: true, fields: model_fields, examples: Vec::new(), response_of: None, page: None };
    let at = if spec.type_name.is_some() { site.at("type_name") } else { site.at("name") };
    inline.push(Inline { model, site: at });
    Some(replace_leaf(parsed?, TypeRef::Named(name)))
}

/// `array<object>` with `object` replaced: `array<DeviceWarning>`.
fn replace_leaf(ty: TypeRef, leaf: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Array(inner) => TypeRef::Array(Box::new(replace_leaf(*inner, leaf))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(replace_leaf(*inner, leaf))),
        _ => leaf,
    }
}

/// Claims the names of the objects declared in place and gives their models.
pub(crate) fn claim_inline<'a>(lw: &mut Lowerer, inline: Vec<Inline<'a>>, registry: &mut Registry<'a>) -> Vec<ModelDef> {
    let mut models = Vec::new();
    for Inline { model, site } in inline {
        if registry.claim(lw, &[Scope::Api], &model.name, Claim::at("object declared in place", "", site), "give it a `type_name`") {
            models.push(model);
        }
    }
    models
}

fn lower_enum(lw: &mut Lowerer, site: &Site, name: &str, spec: &EnumSpec) -> EnumDef {
    if spec.values.is_empty() {
        lw.error_help(&site.at("values"), format!("enum `{name}` has no values"), "list at least one value");
    }
    let mut values = Vec::new();
    let mut seen_values = std::collections::BTreeSet::new();
    let mut seen_variants: BTreeMap<String, String> = BTreeMap::new();
    for (index, value) in spec.values.iter().enumerate() {
        let site = site.at("values").at(index);
        if !seen_values.insert(value.value.clone()) {
            lw.error(&site, format!("enum value `{}` is listed twice", value.value));
            continue;
        }
        let variant = value.rust_name.clone().unwrap_or_else(|| names::pascal(&value.value));
        if !is_pascal_ident(&variant) {
            lw.error_help(&site, format!("rust_name `{variant}` is not PascalCase"), format!("use `{}`", names::pascal(&variant)));
        }
        if variant == "Unknown" {
            lw.error_help(
                &site,
                format!("enum value `{}` would be the variant `Unknown`, which holds values this version does not know", value.value),
                "give it a `rust_name`, e.g. `rust_name: StatusUnknown`",
            );
        }
        if let Some(other) = seen_variants.insert(variant.clone(), value.value.clone()) {
            lw.error_help(
                &site,
                format!("enum values `{other}` and `{}` both become the variant `{variant}`", value.value),
                "give one of them a `rust_name`",
            );
        }
        values.push(EnumValue { value: value.value.clone(), variant, description: value.description.clone() });
    }
    EnumDef { name: name.to_owned(), description: spec.description.clone(), values }
}

fn lower_union<'a>(
    lw: &mut Lowerer,
    site: &Site<'a>,
    name: &str,
    spec: &UnionSpec,
    sites: &TypeSites<'a>,
    registry: &mut Registry<'a>,
    inline: &mut Vec<Inline<'a>>,
) -> (UnionDef, Vec<ModelDef>) {
    if spec.variants.is_empty() {
        lw.error_help(&site.at("variants"), format!("union `{name}` has no variants"), "list at least one variant");
    }
    let mut variants = Vec::new();
    let mut models = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut tags_seen = std::collections::BTreeSet::new();
    for (index, variant_spec) in spec.variants.iter().enumerate() {
        let site = site.at("variants").at(index);
        for (position, tag) in variant_spec.also_tags.iter().enumerate() {
            let at = site.at("also_tags").at(position);
            if tag == &variant_spec.tag || variant_spec.also_tags[..position].contains(tag) {
                lw.error_help(&at, format!("tag `{tag}` is listed twice for this variant"), "list each tag once");
            } else if spec.variants.iter().any(|other| other.tag == *tag) || !tags_seen.insert(tag.clone()) {
                lw.error_help(&at, format!("tag `{tag}` also selects another variant"), "a tag selects one variant: drop it here or there");
            }
        }
        let variant = names::pascal(&variant_spec.tag);
        if variant == "Unknown" {
            lw.error(
                &site.at("tag"),
                format!("union tag `{}` would be the variant `Unknown`, which holds tags this version does not know", variant_spec.tag),
            );
        }
        if let Some(other) = seen.insert(variant.clone(), variant_spec.tag.clone()) {
            lw.error(&site.at("tag"), format!("union tags `{other}` and `{}` both become the variant `{variant}`", variant_spec.tag));
        }
        let description = variant_spec.description.clone();
        let tag = variant_spec.tag.clone();
        let also_tags = variant_spec.also_tags.clone();
        if let Some(shared) = &variant_spec.model {
            check_variant_model(lw, &site, spec, variant_spec, shared, sites);
            if !also_tags.is_empty() {
                lw.error_help(
                    &site.at("also_tags"),
                    format!("variant `{}` has several tags and a shared `model`", variant_spec.tag),
                    "a variant of several tags keeps the tag it was sent in its payload: give it `fields` of its own",
                );
            }
            variants.push(UnionVariant { tag, variant, model: shared.clone(), shared: true, description, also_tags });
            continue;
        }
        let model = format!("{name}{variant}");
        registry.claim(
            lw,
            &[Scope::Api],
            &model,
            Claim::at("variant payload", format!("union `{name}`"), site.at("tag")),
            "rename the union or the other type",
        );
        let variant_fields = variant_spec.fields.as_deref().unwrap_or_default();
        if variant_fields.iter().any(|f| f.name == spec.tag) {
            lw.error(&site, format!("variant `{}` lists the tag field `{}`; the tag is implied", variant_spec.tag, spec.tag));
        }
        let mut fields = lower_fields(lw, &site.at("fields"), &model, variant_fields, sites, inline);
        if !also_tags.is_empty() {
            // The tag it was sent, read by the union's accessor (named alike) and written back.
            let rust_name = names::snake(&spec.tag);
            if let Some(clash) = fields.iter().find(|f| f.rust_name == rust_name) {
                lw.error_help(
                    &site.at("fields"),
                    format!("field `{}` of variant `{}` becomes `{rust_name}`, the field that holds its tag", clash.wire_name, variant_spec.tag),
                    "give it a `rust_name`",
                );
            }
            let listed = std::iter::once(&variant_spec.tag).chain(&also_tags).map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            fields.insert(
                0,
                Field {
                    wire_name: spec.tag.clone(),
                    rust_name,
                    ty: TypeRef::String,
                    description: format!("The tag the server sent, one of {listed}: encoded again as it came."),
                    optional: false,
                    nullable: false,
                    deprecated: None,
                },
            );
        }
        models.push(ModelDef {
            name: model.clone(),
            description: description.clone(),
            declared: false,
            fields,
            examples: Vec::new(),
            response_of: None,
            page: None,
        });
        variants.push(UnionVariant { tag, variant, model, shared: false, description, also_tags });
    }
    (UnionDef { name: name.to_owned(), description: spec.description.clone(), tag: spec.tag.clone(), variants }, models)
}

/// A variant whose payload is a named model: it must be a model of this API, given instead
/// of `fields`, without a field of the tag's name (the tag is written by the union).
fn check_variant_model(lw: &mut Lowerer, site: &Site, union: &UnionSpec, variant: &UnionVariantSpec, model: &str, sites: &TypeSites) {
    let at_model = site.at("model");
    if variant.fields.is_some() {
        lw.error_help(
            &at_model,
            format!("variant `{}` has both `model` and `fields`", variant.tag),
            "keep `model` to share that model's fields, or `fields` for a payload of its own",
        );
    }
    match sites.by_name.get(model) {
        Some(site) if site.section == "models" => {
            let fields = site.file.spec.models.get(model).map(|m| m.fields.as_slice()).unwrap_or_default();
            if fields.iter().any(|f| f.name == union.tag) {
                lw.error_help(
                    &at_model,
                    format!("model `{model}` has a field `{}`, the union's tag", union.tag),
                    "the union writes the tag itself: remove that field from the model",
                );
            }
        }
        Some(site) => lw.error_help(
            &at_model,
            format!("`{model}` is not a model (it is defined under `{}`)", site.section),
            "a variant's payload is an object: name a model under `models`",
        ),
        None => {
            let models = sites.by_name.iter().filter(|(_, site)| site.section == "models").map(|(name, _)| name.as_str());
            let help = suggest(model, models, || "define it under `models`".to_owned());
            lw.unresolved(&at_model, format!("unknown model `{model}`"), help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeRef;

    /// Every scalar union a spec may write names an enum the runtime defines, and every other
    /// combination is refused: all subsets of the scalars, not a list of the valid ones.
    #[test]
    fn every_valid_scalar_union_has_a_runtime_type() {
        let runtime = include_str!("../../runtime/scalars.rs");
        let scalars = TypeRef::UNION_SCALARS;
        let mut valid = 0;
        for subset in 1u32..(1 << scalars.len()) {
            let members: Vec<&TypeRef> = scalars.iter().enumerate().filter(|(i, _)| subset & (1 << i) != 0).map(|(_, ty)| ty).collect();
            // Written in reverse, so the canonical order is the parser's doing.
            let text = members.iter().rev().map(|ty| ty.spec_name()).collect::<Vec<_>>().join(" | ");
            let both_numbers = members.contains(&&TypeRef::Integer) && members.contains(&&TypeRef::Number);
            match TypeRef::parse_scalar_union(&text) {
                Ok(TypeRef::OneOf(parsed)) => {
                    assert!(members.len() >= 2 && !both_numbers, "{text} should be refused");
                    assert_eq!(parsed.iter().collect::<Vec<_>>(), members, "{text}");
                    let name = TypeRef::scalar_union_name(&parsed);
                    assert!(runtime.contains(&format!("\n    {name}, \"")), "the runtime has no `{name}` for `{text}`");
                    valid += 1;
                }
                Ok(other) => panic!("{text} parsed as {other:?}"),
                Err(_) => assert!(members.len() < 2 || both_numbers, "{text} should be accepted"),
            }
        }
        assert_eq!(valid, runtime.matches("\nscalar_union! {").count(), "the runtime defines a union no spec can write");
    }
}
