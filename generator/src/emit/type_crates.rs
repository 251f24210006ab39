//! Which crate each type of an API is compiled in.
//!
//! rustc checks one crate on one thread, and its peak memory grows with the crate: a single
//! crate of 300 endpoints took 66 s and 2.3 GiB. So an API's types (most of the generated
//! code) go into crates of their own, which cargo builds side by side before `keyway`, which
//! re-exports them as `keyway::<api>::…`.
//!
//! An API up to [`CRATE_WEIGHT`] has one, `keyway-<api>-types` (an API without types has
//! none). A bigger one is split: models and unions are grouped into connected components of
//! the "names" relation (a type and every model or union it names stay together); an id or
//! enum (which names nothing) joins the one component that uses it, or, when several or none
//! do, goes to the API's base crate `keyway-<api>-types`; the components are packed in name
//! order into parts `keyway-<api>-types-<n>` of at most [`CRATE_WEIGHT`] (a heavier component
//! is a part of its own), each depending on the base crate only. When that leaves one part
//! and no base crate (everything names everything), the one crate is `keyway-<api>-types`.
//!
//! A known limit: the split follows components, so an API whose models all name each other
//! (through a shared model or error union) stays one crate however big it is; splitting
//! along dependency layers (parts depending on earlier parts) would be the next step.

use crate::emit::{resource_feature, TypeUse};
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
    /// The API's base crate (the ids and enums several components share), when this crate
    /// is one of the parts of a split API: its types name some of the base crate's.
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

/// The named types a type refers to directly.
fn referenced(def: &TypeDef) -> Vec<&str> {
    fn named<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
        match ty {
            TypeRef::Named(name) => out.push(name),
            TypeRef::Array(inner) => named(inner, out),
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

    let index_of = |name: &str| api.types.binary_search_by(|t| t.name().cmp(name)).ok();
    let is_leaf = |i: usize| matches!(api.types[i], TypeDef::Id(_) | TypeDef::Enum(_));
    // Union-find over the models and unions; a component is named by its smallest index.
    let mut parent: Vec<usize> = all.clone();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut users_of_leaf: std::collections::BTreeMap<usize, std::collections::BTreeSet<usize>> = std::collections::BTreeMap::new();
    for i in all.iter().copied().filter(|&i| !is_leaf(i)) {
        for other in referenced(&api.types[i]).into_iter().filter_map(index_of) {
            if is_leaf(other) {
                users_of_leaf.entry(other).or_default().insert(i);
            } else {
                let (a, b) = (root(&mut parent, i), root(&mut parent, other));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut components: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    let mut base = Vec::new();
    for i in all {
        if !is_leaf(i) {
            let r = root(&mut parent, i);
            components.entry(r).or_default().push(i);
            continue;
        }
        let users: std::collections::BTreeSet<usize> =
            users_of_leaf.get(&i).into_iter().flatten().map(|&user| root(&mut parent, user)).collect();
        match users.into_iter().collect::<Vec<_>>().as_slice() {
            [only] => components.entry(*only).or_default().push(i),
            _ => base.push(i),
        }
    }

    let mut packed: Vec<(Vec<usize>, usize)> = Vec::new();
    for (_, members) in components {
        let component_weight: usize = members.iter().map(|&i| weight(&api.types[i])).sum();
        match packed.last_mut() {
            Some((types, total)) if *total + component_weight <= crate_weight => {
                types.extend(members);
                *total += component_weight;
            }
            _ => packed.push((members, component_weight)),
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

    fn seam() -> Api {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/seam");
        let mut sources: Vec<crate::SourceFile> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| crate::SourceFile {
                path: format!("specs/seam/{}", p.file_name().unwrap().to_string_lossy()),
                api_dir: "seam".into(),
                text: std::fs::read_to_string(&p).unwrap(),
            })
            .collect();
        sources.sort_by(|a, b| a.path.cmp(&b.path));
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

    #[test]
    fn an_api_within_the_weight_is_one_crate() {
        let api = seam();
        let crates = type_crates(&api, &TypeUse::of(&api));
        assert_eq!(crates.len(), 1);
        assert_eq!(crates[0].package, "keyway-seam-types");
        assert_eq!(crates[0].types, (0..api.types.len()).collect::<Vec<_>>());
        assert_eq!(crates[0].features, ["seam-access_codes", "seam-access_grants"]);
        assert!(crates[0].base.is_none());
    }

    /// Split with a small weight, the real Seam types must still be in crates that compile:
    /// each type once, a part naming only its own types and the base crate's, the base crate
    /// holding only ids and enums, and every crate having the features of its types.
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
                if krate.base.is_none() && crates.len() > 1 {
                    assert!(matches!(def, TypeDef::Id(_) | TypeDef::Enum(_)), "{} in the base crate", def.name());
                }
                for name in referenced(def) {
                    let j = api.types.iter().position(|t| t.name() == name).unwrap();
                    let in_base = krate.base.as_ref().is_some_and(|b| b.types.contains(&j));
                    assert!(krate.types.contains(&j) || in_base, "{} names {name}, which is in neither {} nor its base", def.name(), krate.package);
                }
                let gating = type_use.gating_resources(def.name()).map(<[String]>::to_vec).unwrap_or_else(|| api.resources.iter().map(|r| r.name.clone()).collect());
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
