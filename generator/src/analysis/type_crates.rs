//! Which crate each type of an API is compiled in.
//!
//! rustc checks one crate on one thread, and its peak memory grows with the crate: a single
//! crate of 300 endpoints took 66 s and 2.3 GiB. So an API's types (most of the generated
//! code) go into crates of their own, which cargo builds side by side before `keyway`, which
//! re-exports them as `keyway::<api>::…`.
//!
//! An API up to [`CRATE_WEIGHT`] has one, `keyway-<api>-types` (an API without types has
//! none). A bigger one is split along its resources, which are also its cargo features: a
//! type that exactly one resource reaches (through parameters, responses, fields and union
//! variants; `TypeUse`) goes with that resource, and the resources' types are packed in
//! resource order into parts `keyway-<api>-types-<n>` of at most [`CRATE_WEIGHT`] (a heavier
//! resource is a part of its own). A type several resources share, or none reaches, goes to
//! the API's base crate `keyway-<api>-types`, with everything it names. Since what a type
//! names is reached by at least the resources that reach the type, a part names only its
//! own types and the base crate's, and depends only on the runtime and the base crate. When
//! that leaves one part and no base crate, the one crate is `keyway-<api>-types`.
//!
//! A known limit: the base crate is not split, so an API whose types are mostly shared
//! between resources keeps most of them in one crate.

use super::TypeUse;
use crate::emit::resource_feature;
use crate::ir::{Api, TypeDef, TypeRef};

/// The most weight (see [`weight`]) packed into one types crate: about 22 endpoints of the
/// Seam specs (the 300-endpoint bench has 9 Seam parts). Big enough that the fixed cost of a
/// crate (~0.3 s and ~100 MB of rustc for the dependencies' metadata) stays small beside its
/// content, small enough that the two crates a 2-core machine builds at once stay well under
/// 1 GB together (`cargo xtask bench`: 0.7 GB at 300 endpoints).
pub(crate) const CRATE_WEIGHT: usize = 4_000;

/// One crate of an API's types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeCrate {
    /// Package name: `keyway-seam-types` (one crate, or a split API's base crate), or
    /// `keyway-seam-types-2` (a part).
    pub(crate) package: String,
    /// Indices into `api.types`, ascending (so by name).
    pub(crate) types: Vec<usize>,
    /// The resource features that compile at least one of its types, sorted: the crate is a
    /// dependency of `keyway` exactly when one of them is on.
    pub(crate) features: Vec<String>,
    /// The API's base crate (the types several resources share), when this crate is one of
    /// the parts of a split API: its types may name the base crate's.
    pub(crate) base: Option<Box<TypeCrate>>,
}

impl TypeCrate {
    /// The crate's name in Rust paths: `keyway_seam_types`.
    pub(crate) fn rust_name(&self) -> String {
        self.package.replace('-', "_")
    }
}

/// What a type adds to rustc's work, roughly: a constant for the item and its impls, plus
/// one per field, variant or value.
fn weight(def: &TypeDef) -> usize {
    3 + match def {
        TypeDef::Id(_) => 0,
        TypeDef::Enum(def) => def.values.len(),
        TypeDef::Model(model) => model.fields.len(),
        TypeDef::Union(union) => union.variants.len(),
    }
}

/// The API's types crates, in order (a split API's base crate first); every type is in
/// exactly one.
pub(crate) fn type_crates(api: &Api, type_use: &TypeUse<'_>) -> Vec<TypeCrate> {
    type_crates_within(api, type_use, CRATE_WEIGHT)
}

fn type_crates_within(api: &Api, type_use: &TypeUse<'_>, crate_weight: usize) -> Vec<TypeCrate> {
    let total: usize = api.types.iter().map(weight).sum();
    let all: Vec<usize> = (0..api.types.len()).collect();
    let package = |suffix: &str| format!("{}-{}-types{suffix}", crate::CRATE_NAME, api.name);
    if api.types.is_empty() {
        return Vec::new();
    }
    if total <= crate_weight {
        return vec![new_crate(api, type_use, package(""), all, None)];
    }

    // A type that exactly one resource reaches goes with that resource. Any other (reached by
    // several resources, or by none) goes to the base crate, and so does everything it names;
    // a type one resource reaches names only that resource's types and shared ones, so a
    // part never needs another part.
    let shared: Vec<TypeRef> =
        api.types.iter().filter(|t| type_use.resources(t.name()).len() != 1).map(|t| TypeRef::Named(t.name().to_owned())).collect();
    let in_base = TypeUse::reached(api, &shared);
    // Each resource's own types, in the API's resource order.
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    let mut base = Vec::new();
    for i in all {
        let owner = type_use.resources(api.types[i].name()).first();
        match owner.and_then(|owner| api.resources.iter().position(|r| &r.name == owner)) {
            Some(resource) if !in_base.contains(api.types[i].name()) => groups.entry(resource).or_default().push(i),
            _ => base.push(i),
        }
    }

    let mut packed: Vec<(Vec<usize>, usize)> = Vec::new();
    for (_, members) in groups {
        let group_weight: usize = members.iter().map(|&i| weight(&api.types[i])).sum();
        match packed.last_mut() {
            Some((types, total)) if *total + group_weight <= crate_weight => {
                types.extend(members);
                *total += group_weight;
            }
            _ => packed.push((members, group_weight)),
        }
    }

    if base.is_empty() && packed.len() == 1 {
        return vec![new_crate(api, type_use, package(""), packed.remove(0).0, None)];
    }
    let base = (!base.is_empty()).then(|| new_crate(api, type_use, package(""), base, None));
    let parts = packed
        .into_iter()
        .enumerate()
        .map(|(n, (types, _))| new_crate(api, type_use, package(&format!("-{}", n + 1)), types, base.clone().map(Box::new)));
    base.clone().into_iter().chain(parts).collect()
}

fn new_crate(api: &Api, type_use: &TypeUse<'_>, package: String, mut types: Vec<usize>, base: Option<Box<TypeCrate>>) -> TypeCrate {
    types.sort_unstable();
    let mut features = std::collections::BTreeSet::new();
    for &i in &types {
        match type_use.gating_resources(api.types[i].name()) {
            Some(resources) => features.extend(resources.iter().map(|r| resource_feature(api, r))),
            None => features.extend(api.resources.iter().map(|r| resource_feature(api, &r.name))),
        }
    }
    TypeCrate { package, types, features: features.into_iter().collect(), base }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The named types a type refers to directly.
    fn referenced(def: &TypeDef) -> Vec<&str> {
        fn named<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
            match ty {
                TypeRef::Named(name) => out.push(name),
                TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner, out),
                _ => {}
            }
        }
        let mut out = Vec::new();
        match def {
            TypeDef::Model(model) => model.fields.iter().for_each(|f| named(&f.ty, &mut out)),
            TypeDef::Union(union) => out.extend(union.variants.iter().map(|v| v.model.as_str())),
            TypeDef::Id(_) | TypeDef::Enum(_) => {}
        }
        out
    }

    fn seam() -> Api {
        let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let sources: Vec<crate::SourceFile> =
            crate::sources::read_specs(&specs).unwrap().sources.into_iter().filter(|s| s.api_dir == "seam").collect();
        crate::lower_all(&sources).unwrap().remove(0)
    }

    #[test]
    fn an_api_without_types_has_no_types_crate() {
        let endpoints = "endpoints:\n  - { resource: alpha, operation: get, title: A, description: A., method: GET, path: /a, read_only: true, auth: [token], response: { type: string } }\n";
        let api = crate::emit::tests::small_api("", endpoints);
        assert!(api.types.is_empty());
        assert_eq!(type_crates(&api, &TypeUse::of(&api)), Vec::new());
    }

    /// Nothing would turn on an optional dependency of an API without resources, whose
    /// module is always compiled: its types crate is a plain dependency.
    #[test]
    fn the_types_crate_of_an_api_without_resources_is_not_optional() {
        let ids = "ids:\n  ThingId:\n    description: A thing.\n    format: string\n";
        let sources = crate::emit::tests::small_sources(ids, "");
        let files = crate::generate(&sources).unwrap_or_else(|d| panic!("{}", crate::render(&d, &sources)));
        let manifest = &files.iter().find(|f| f.path == "Cargo.toml").unwrap().contents;
        let line = manifest.lines().find(|l| l.starts_with("keyway-x-types = ")).expect("a dependency on the types crate");
        assert!(!line.contains("optional"), "{line}");
    }

    /// Two resources whose models both name a shared one: the shared model goes to the base
    /// crate and each resource's model to a part of its own (a split by connected components
    /// would have kept all three together).
    #[test]
    fn a_model_two_resources_share_goes_to_the_base_crate() {
        let models = "models:\n  A:\n    description: A.\n    fields:\n      - { name: shared, type: Shared, description: S. }\n  B:\n    description: B.\n    fields:\n      - { name: shared, type: Shared, description: S. }\n  Shared:\n    description: Shared.\n    fields:\n      - { name: n, type: integer, description: N. }\n";
        let endpoints = "endpoints:\n  - { resource: alpha, operation: get, title: A, description: A., method: GET, path: /a, read_only: true, auth: [token], response: { type: A } }\n  - { resource: beta, operation: get, title: B, description: B., method: GET, path: /b, read_only: true, auth: [token], response: { type: B } }\n";
        let api = crate::emit::tests::small_api(models, endpoints);
        let crates = type_crates_within(&api, &TypeUse::of(&api), 1);
        let names = |krate: &TypeCrate| krate.types.iter().map(|&i| api.types[i].name().to_owned()).collect::<Vec<_>>();
        let summary: Vec<(String, Vec<String>, Vec<String>)> = crates.iter().map(|c| (c.package.clone(), names(c), c.features.clone())).collect();
        assert_eq!(
            summary,
            [
                ("keyway-x-types".to_owned(), vec!["Shared".to_owned()], vec!["x-alpha".to_owned(), "x-beta".to_owned()]),
                ("keyway-x-types-1".to_owned(), vec!["A".to_owned()], vec!["x-alpha".to_owned()]),
                ("keyway-x-types-2".to_owned(), vec!["B".to_owned()], vec!["x-beta".to_owned()]),
            ]
        );
    }

    #[test]
    fn an_api_within_the_weight_is_one_crate() {
        // The real Seam specs are heavier than `CRATE_WEIGHT` since the core surface is
        // specced, so the weight here is their own.
        let api = seam();
        let crates = type_crates_within(&api, &TypeUse::of(&api), usize::MAX);
        assert_eq!(crates.len(), 1);
        assert_eq!(crates[0].package, "keyway-seam-types");
        assert_eq!(crates[0].types, (0..api.types.len()).collect::<Vec<_>>());
        // Every resource's feature, whichever resources the specs have.
        let features: Vec<String> = api.resources.iter().map(|r| format!("seam-{}", r.name)).collect();
        assert_eq!(crates[0].features, features);
        assert!(crates[0].base.is_none());
    }

    /// Split with a small weight, the real Seam types must still be in crates that compile:
    /// each type once, a part naming only its own types and the base crate's and holding
    /// only types one resource reaches, and every crate having the features of its types.
    #[test]
    fn a_split_keeps_what_a_type_names_within_its_crate_or_the_base() {
        let api = seam();
        let type_use = TypeUse::of(&api);
        let crates = type_crates_within(&api, &type_use, 60);
        let base = crates.iter().find(|c| c.package == "keyway-seam-types").expect("a base crate");
        assert!(crates.iter().filter(|c| c.base.is_some()).count() >= 2, "several parts: {crates:#?}");
        let mut seen = vec![0; api.types.len()];
        for krate in &crates {
            krate.types.iter().for_each(|&i| seen[i] += 1);
            for &i in &krate.types {
                let def = &api.types[i];
                if krate.base.is_some() {
                    assert_eq!(type_use.resources(def.name()).len(), 1, "{} in the part {}", def.name(), krate.package);
                }
                for name in referenced(def) {
                    let j = api.types.iter().position(|t| t.name() == name).unwrap();
                    let in_base = krate.base.as_ref().is_some_and(|b| b.types.contains(&j));
                    assert!(krate.types.contains(&j) || in_base, "{} names {name}, which is in neither {} nor its base", def.name(), krate.package);
                }
                let gating = type_use
                    .gating_resources(def.name())
                    .map(<[String]>::to_vec)
                    .unwrap_or_else(|| api.resources.iter().map(|r| r.name.clone()).collect());
                for resource in gating {
                    assert!(krate.features.contains(&resource_feature(&api, &resource)), "{} lacks the feature of {resource}", krate.package);
                }
            }
            if let Some(own_base) = &krate.base {
                assert_eq!(**own_base, *base);
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "every type in exactly one crate: {seen:?}");
    }
}
