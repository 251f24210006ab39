//! Which resources reach each type: the walk behind the cargo feature gates of types, the
//! split of an API's types into crates, and the docs of shared union payloads.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, TypeDef, TypeRef};

/// For each type, the resources whose parameters or responses reach it (through fields,
/// array items and union variants). Computed once per API: one walk per resource.
pub(crate) struct TypeUse<'a> {
    api: &'a Api,
    resources_of: BTreeMap<String, Vec<String>>,
    /// For a model the spec names as union variants' payload: those variants
    /// (`AccessCodeError::DeviceOffline`), for its docs.
    payload_of: BTreeMap<String, Vec<String>>,
}

impl<'a> TypeUse<'a> {
    pub(crate) fn of(api: &'a Api) -> Self {
        let mut resources_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for resource in &api.resources {
            let roots = resource.endpoints.iter().flat_map(|e| e.params.iter().map(|p| &p.ty).chain(e.response_type()));
            for name in Self::reached(api, roots) {
                resources_of.entry(name).or_default().push(resource.name.clone());
            }
        }
        // A type no endpoint reaches is compiled with the API module (no cfg), so whatever it
        // names must be too: everything reached from such a type counts as used by every
        // resource.
        let unused: Vec<TypeRef> =
            api.types.iter().filter(|t| !resources_of.contains_key(t.name())).map(|t| TypeRef::Named(t.name().to_owned())).collect();
        let every: Vec<String> = api.resources.iter().map(|r| r.name.clone()).collect();
        for name in Self::reached(api, unused.iter()) {
            if resources_of.contains_key(&name) {
                resources_of.insert(name, every.clone());
            }
        }
        let payload_of = api
            .shared_payloads()
            .into_iter()
            .map(|(model, variants)| (model.to_owned(), variants.iter().map(|(union, v)| format!("{}::{}", union.name, v.variant)).collect()))
            .collect();
        TypeUse { api, resources_of, payload_of }
    }

    /// The named types reached from `roots` (themselves included) through fields, array items
    /// and union variants.
    pub(crate) fn reached<'t>(api: &Api, roots: impl IntoIterator<Item = &'t TypeRef>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&TypeRef> = roots.into_iter().collect();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Array(inner) | TypeRef::Map(inner) => stack.push(inner),
                TypeRef::Named(name) if seen.insert(name.clone()) => match api.type_def(name) {
                    Some(TypeDef::Model(model)) => stack.extend(model.fields.iter().map(|f| &f.ty)),
                    Some(TypeDef::Union(union)) => {
                        for variant in &union.variants {
                            seen.insert(variant.model.clone());
                            if let Some(TypeDef::Model(model)) = api.type_def(&variant.model) {
                                stack.extend(model.fields.iter().map(|f| &f.ty));
                            }
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        seen
    }

    /// The union variants whose payload is this (declared) model.
    pub(crate) fn payload_of(&self, model: &str) -> &[String] {
        self.payload_of.get(model).map(Vec::as_slice).unwrap_or_default()
    }

    /// The API the analysis is of.
    pub(crate) fn api(&self) -> &'a Api {
        self.api
    }

    /// The resources that reach the type, in the API's order (everything named by a type no
    /// endpoint reaches counts as reached by every resource).
    pub(crate) fn resources(&self, type_name: &str) -> &[String] {
        self.resources_of.get(type_name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The resources whose features compile the type, or `None` when it follows the API
    /// module (every resource uses it, or none does).
    pub(crate) fn gating_resources(&self, type_name: &str) -> Option<&[String]> {
        let resources = self.resources(type_name);
        (!resources.is_empty() && resources.len() != self.api.resources.len()).then_some(resources)
    }
}

#[cfg(test)]
mod tests {
    use super::TypeUse;

    /// `alpha` returns a `Color`, `beta` a string; `Orphan` names `Color` but no endpoint
    /// reaches it.
    const ORPHAN: &str = "enums:\n  Color:\n    description: A color.\n    values:\n      - { value: red }\nmodels:\n  Orphan:\n    description: Used by nothing.\n    fields:\n      - { name: color, type: Color, description: Its color. }\n";
    const TWO_RESOURCES: &str = "endpoints:\n  - { resource: alpha, operation: get, title: A, description: A., method: GET, path: /a, read_only: true, auth: [token], response: { type: Color } }\n  - { resource: beta, operation: get, title: B, description: B., method: GET, path: /b, read_only: true, auth: [token], response: { type: string } }\n";

    /// A type no endpoint reaches is compiled with the API module, so what it names must not
    /// be behind one resource's feature (or `--features x-beta` would not build).
    #[test]
    fn what_an_unused_type_names_is_compiled_with_every_resource() {
        let api = crate::emit::tests::small_api(ORPHAN, TWO_RESOURCES);
        let type_use = TypeUse::of(&api);
        assert_eq!(type_use.gating_resources("Orphan"), None);
        assert_eq!(type_use.gating_resources("Color"), None, "Color is named by the ungated Orphan");
        let no_orphan =
            crate::emit::tests::small_api("enums:\n  Color:\n    description: A color.\n    values:\n      - { value: red }\n", TWO_RESOURCES);
        assert_eq!(TypeUse::of(&no_orphan).gating_resources("Color"), Some(&["alpha".to_owned()][..]));
    }
}
