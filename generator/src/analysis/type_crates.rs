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
//! resource order into parts of at most [`CRATE_WEIGHT`]. A type several resources share, or
//! none reaches, is a shared type, and so is everything it names; since what a type names is
//! reached by at least the resources that reach the type, a part names only its own
//! resources' types and shared ones. The shared types, and the types of a resource heavier
//! than [`CRATE_WEIGHT`], are cut into crates of at most that weight in dependency order (a
//! type after the types it names; types that name each other stay together), so a crate
//! names only its own types and those of crates before it. Each crate depends on exactly the
//! crates whose types its types name. The crates are `keyway-<api>-types` and then
//! `keyway-<api>-types-<n>`, shared types first.

use super::TypeUse;
use crate::emit::resource_feature;
use crate::ir::{Api, TypeDef, TypeRef};

/// The most weight (see [`weight`]) packed into one types crate. A types crate compiles its
/// types' decoders too (`codec::FromJsonText`), so rustc's memory grows with it: at 4,000 the
/// largest held 0.8 GB at 300 endpoints. Small enough that the two crates a 2-core machine
/// builds at once stay well under 1 GB together, big enough that the fixed cost of a crate
/// (~0.3 s and ~150 MB of rustc for the dependencies' metadata) stays small beside its content
/// (`cargo xtask bench`).
pub(crate) const CRATE_WEIGHT: usize = 2_000;

/// One crate of an API's types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeCrate {
    /// Package name: `keyway-seam-types` (the one crate, or the first of a split API), or
    /// `keyway-seam-types-2`.
    pub(crate) package: String,
    /// Indices into `api.types`, ascending (so by name).
    pub(crate) types: Vec<usize>,
    /// The resource features that compile at least one of its types, sorted: the crate is a
    /// dependency of `keyway` exactly when one of them is on.
    pub(crate) features: Vec<String>,
    /// The API's other types crates whose types its types name, all before it in the list:
    /// its dependencies.
    pub(crate) uses: Vec<CrateDep>,
}

/// A types crate another one depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrateDep {
    /// Its package name.
    pub(crate) package: String,
    /// Its features (those of [`TypeCrate::features`]): a dependent passes on only these.
    pub(crate) features: Vec<String>,
}

impl TypeCrate {
    /// The crate's name in Rust paths: `keyway_seam_types`.
    pub(crate) fn rust_name(&self) -> String {
        self.package.replace('-', "_")
    }
}

impl CrateDep {
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

/// The API's types crates, in order (a crate after those it depends on); every type is in
/// exactly one.
pub(crate) fn type_crates(api: &Api, type_use: &TypeUse<'_>) -> Vec<TypeCrate> {
    type_crates_within(api, type_use, CRATE_WEIGHT)
}

fn type_crates_within(api: &Api, type_use: &TypeUse<'_>, crate_weight: usize) -> Vec<TypeCrate> {
    let total: usize = api.types.iter().map(weight).sum();
    let all: Vec<usize> = (0..api.types.len()).collect();
    if api.types.is_empty() {
        return Vec::new();
    }
    if total <= crate_weight {
        return finish(api, type_use, vec![all]);
    }

    // A type that exactly one resource reaches goes with that resource. Any other (reached by
    // several resources, or by none) is shared, and so is everything it names; a type one
    // resource reaches names only that resource's types and shared ones.
    let shared: Vec<TypeRef> =
        api.types.iter().filter(|t| type_use.resources(t.name()).len() != 1).map(|t| TypeRef::Named(t.name().to_owned())).collect();
    let in_shared = TypeUse::reached(api, &shared);
    // Each resource's own types, in the API's resource order.
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    let mut shared = Vec::new();
    for i in all {
        let owner = type_use.resources(api.types[i].name()).first();
        match owner.and_then(|owner| api.resources.iter().position(|r| &r.name == owner)) {
            Some(resource) if !in_shared.contains(api.types[i].name()) => groups.entry(resource).or_default().push(i),
            _ => shared.push(i),
        }
    }

    let names = Names::of(api);
    let mut crates = names.cut(api, &shared, crate_weight);
    // Resources lighter than the weight are packed together; a heavier one is cut like the
    // shared types.
    let mut packed: Option<(Vec<usize>, usize)> = None;
    for (_, members) in groups {
        let group_weight: usize = members.iter().map(|&i| weight(&api.types[i])).sum();
        if group_weight > crate_weight {
            crates.extend(names.cut(api, &members, crate_weight));
            continue;
        }
        match &mut packed {
            Some((types, total)) if *total + group_weight <= crate_weight => {
                types.extend(members);
                *total += group_weight;
            }
            _ => crates.extend(packed.replace((members, group_weight)).map(|(types, _)| types)),
        }
    }
    crates.extend(packed.map(|(types, _)| types));
    finish(api, type_use, crates)
}

/// Names the crates (`keyway-<api>-types`, then `-1`, `-2`, …), and gives each its features
/// and the crates it depends on.
fn finish(api: &Api, type_use: &TypeUse<'_>, crates: Vec<Vec<usize>>) -> Vec<TypeCrate> {
    let names = Names::of(api);
    let mut owner = vec![0; api.types.len()];
    for (n, types) in crates.iter().enumerate() {
        types.iter().for_each(|&i| owner[i] = n);
    }
    let mut out: Vec<TypeCrate> = Vec::with_capacity(crates.len());
    for (n, mut types) in crates.into_iter().enumerate() {
        types.sort_unstable();
        let suffix = if n == 0 { String::new() } else { format!("-{n}") };
        let package = format!("{}-{}-types{suffix}", crate::CRATE_NAME, api.name);
        let mut features = std::collections::BTreeSet::new();
        for &i in &types {
            match type_use.gating_resources(api.types[i].name()) {
                Some(resources) => features.extend(resources.iter().map(|r| resource_feature(api, r))),
                None => features.extend(api.resources.iter().map(|r| resource_feature(api, &r.name))),
            }
        }
        let used: std::collections::BTreeSet<usize> =
            types.iter().flat_map(|&i| names.named[i].iter().map(|&j| owner[j])).filter(|&m| m != n).collect();
        let uses = used
            .into_iter()
            .map(|m| {
                assert!(m < n, "internal error: the types crate {package} names a later one");
                CrateDep { package: out[m].package.clone(), features: out[m].features.clone() }
            })
            .collect();
        out.push(TypeCrate { package, types, features: features.into_iter().collect(), uses });
    }
    out
}

/// Which types each type names: the types of its fields (through arrays and maps) and its
/// variants' payloads; indices into `api.types`.
struct Names {
    named: Vec<Vec<usize>>,
}

impl Names {
    fn of(api: &Api) -> Self {
        let index: std::collections::HashMap<&str, usize> = api.types.iter().enumerate().map(|(i, t)| (t.name(), i)).collect();
        fn walk(ty: &TypeRef, index: &std::collections::HashMap<&str, usize>, out: &mut Vec<usize>) {
            match ty {
                TypeRef::Named(name) => out.extend(index.get(name.as_str()).copied()),
                TypeRef::Array(inner) | TypeRef::Map(inner) => walk(inner, index, out),
                _ => {}
            }
        }
        let named = api
            .types
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                match def {
                    TypeDef::Model(model) => model.fields.iter().for_each(|f| walk(&f.ty, &index, &mut out)),
                    TypeDef::Union(union) => out.extend(union.variants.iter().filter_map(|v| index.get(v.model.as_str()).copied())),
                    TypeDef::Id(_) | TypeDef::Enum(_) => {}
                }
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();
        Names { named }
    }

    /// `members` cut into crates of at most `crate_weight` in dependency order: every type
    /// after the members it names, types that name each other (a cycle) in one crate, which
    /// may then be heavier. What a member names outside `members` is in an earlier crate.
    fn cut(&self, api: &Api, members: &[usize], crate_weight: usize) -> Vec<Vec<usize>> {
        let mut crates: Vec<(Vec<usize>, usize)> = Vec::new();
        for component in self.dependency_order(members) {
            let component_weight: usize = component.iter().map(|&i| weight(&api.types[i])).sum();
            match crates.last_mut() {
                Some((types, total)) if *total + component_weight <= crate_weight => {
                    types.extend(component);
                    *total += component_weight;
                }
                _ => crates.push((component, component_weight)),
            }
        }
        crates.into_iter().map(|(types, _)| types).collect()
    }

    /// The strongly connected components of `members` (Tarjan), each after every component
    /// it names: the order in which Tarjan's algorithm completes them.
    fn dependency_order(&self, members: &[usize]) -> Vec<Vec<usize>> {
        struct Walk<'g> {
            named: &'g [Vec<usize>],
            member: Vec<bool>,
            order: Vec<Option<usize>>,
            low: Vec<usize>,
            on_stack: Vec<bool>,
            stack: Vec<usize>,
            next: usize,
            out: Vec<Vec<usize>>,
        }
        fn visit(walk: &mut Walk<'_>, v: usize) {
            walk.order[v] = Some(walk.next);
            walk.low[v] = walk.next;
            walk.next += 1;
            walk.stack.push(v);
            walk.on_stack[v] = true;
            let named = walk.named;
            for &w in &named[v] {
                if !walk.member[w] {
                    continue;
                }
                match walk.order[w] {
                    None => {
                        visit(walk, w);
                        walk.low[v] = walk.low[v].min(walk.low[w]);
                    }
                    Some(order) if walk.on_stack[w] => walk.low[v] = walk.low[v].min(order),
                    Some(_) => {}
                }
            }
            if Some(walk.low[v]) == walk.order[v] {
                let mut component = Vec::new();
                while let Some(w) = walk.stack.pop() {
                    walk.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                walk.out.push(component);
            }
        }
        let n = self.named.len();
        let mut walk = Walk {
            named: &self.named,
            member: vec![false; n],
            order: vec![None; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            next: 0,
            out: Vec::new(),
        };
        members.iter().for_each(|&i| walk.member[i] = true);
        let mut roots = members.to_vec();
        roots.sort_unstable();
        for v in roots {
            if walk.order[v].is_none() {
                visit(&mut walk, v);
            }
        }
        walk.out
    }
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

    /// Two resources whose models both name a shared one: the shared model goes to a crate
    /// of its own, which each resource's crate uses (a split by connected components would
    /// have kept all three together).
    #[test]
    fn a_model_two_resources_share_goes_to_a_crate_both_use() {
        let models = "models:\n  A:\n    description: A.\n    fields:\n      - { name: shared, type: Shared, description: S. }\n  B:\n    description: B.\n    fields:\n      - { name: shared, type: Shared, description: S. }\n  Shared:\n    description: Shared.\n    fields:\n      - { name: n, type: integer, description: N. }\n";
        let endpoints = "endpoints:\n  - { resource: alpha, operation: get, title: A, description: A., method: GET, path: /a, read_only: true, auth: [token], response: { type: A } }\n  - { resource: beta, operation: get, title: B, description: B., method: GET, path: /b, read_only: true, auth: [token], response: { type: B } }\n";
        let api = crate::emit::tests::small_api(models, endpoints);
        let crates = type_crates_within(&api, &TypeUse::of(&api), 1);
        let names = |krate: &TypeCrate| krate.types.iter().map(|&i| api.types[i].name().to_owned()).collect::<Vec<_>>();
        let uses = |krate: &TypeCrate| krate.uses.iter().map(|d| d.package.clone()).collect::<Vec<_>>();
        // Package, types, features, uses.
        type Summary = (String, Vec<String>, Vec<String>, Vec<String>);
        let summary: Vec<Summary> = crates.iter().map(|c| (c.package.clone(), names(c), c.features.clone(), uses(c))).collect();
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            summary,
            [
                ("keyway-x-types".to_owned(), strings(&["Shared"]), strings(&["x-alpha", "x-beta"]), vec![]),
                ("keyway-x-types-1".to_owned(), strings(&["A"]), strings(&["x-alpha"]), strings(&["keyway-x-types"])),
                ("keyway-x-types-2".to_owned(), strings(&["B"]), strings(&["x-beta"]), strings(&["keyway-x-types"])),
            ]
        );
    }

    /// A chain of shared models heavier than the weight is cut in dependency order: each
    /// crate uses only the one before it, and models that name each other stay together.
    #[test]
    fn shared_types_heavier_than_the_weight_are_cut_in_dependency_order() {
        let model = |name: &str, field_type: &str| {
            format!(
                "  {name}:\n    description: {name}.\n    fields:\n      - {{ name: next, type: {field_type}, description: N., optional: true }}\n"
            )
        };
        // Top -> Middle -> (Loop1 <-> Loop2) -> Leaf, each reached by both resources.
        let models = format!(
            "models:\n{}{}{}{}{}  Leaf:\n    description: Leaf.\n    fields:\n      - {{ name: n, type: integer, description: N. }}\n",
            model("Top", "Middle"),
            model("Middle", "Loop1"),
            model("Loop1", "Loop2"),
            model("Loop2", "Loop1"),
            model("Other", "Leaf"),
        );
        let models = models.replace(
            "  Loop2:\n    description: Loop2.\n    fields:\n",
            "  Loop2:\n    description: Loop2.\n    fields:\n      - { name: leaf, type: Leaf, description: L. }\n",
        );
        let endpoints = "endpoints:\n  - { resource: alpha, operation: get, title: A, description: A., method: GET, path: /a, read_only: true, auth: [token], response: { type: Top } }\n  - { resource: beta, operation: get, title: B, description: B., method: GET, path: /b, read_only: true, auth: [token], response: { type: Top } }\n";
        let api = crate::emit::tests::small_api(&models, endpoints);
        let type_use = TypeUse::of(&api);
        // Each model weighs 4 or 5 (3 and a field or two): one crate per component.
        let crates = type_crates_within(&api, &type_use, 6);
        let names = |krate: &TypeCrate| krate.types.iter().map(|&i| api.types[i].name()).collect::<Vec<_>>().join(" ");
        let layout: Vec<(String, Vec<String>)> = crates.iter().map(|c| (names(c), c.uses.iter().map(|d| d.package.clone()).collect())).collect();
        assert_eq!(
            layout,
            [
                ("Leaf".to_owned(), vec![]),
                ("Loop1 Loop2".to_owned(), vec!["keyway-x-types".to_owned()]),
                ("Middle".to_owned(), vec!["keyway-x-types-1".to_owned()]),
                ("Other".to_owned(), vec!["keyway-x-types".to_owned()]),
                ("Top".to_owned(), vec!["keyway-x-types-2".to_owned()]),
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
        assert!(crates[0].uses.is_empty());
    }

    /// Split with a small weight, the real Seam types must still be in crates that compile:
    /// each type once, a type naming only types of its crate or of a crate it uses (an
    /// earlier one, with the same features as that crate), every crate it uses named by one
    /// of its types, and every crate having the features of its types.
    #[test]
    fn a_split_keeps_what_a_type_names_within_its_crate_or_those_it_uses() {
        let api = seam();
        let type_use = TypeUse::of(&api);
        let crates = type_crates_within(&api, &type_use, 60);
        assert!(crates.len() >= 10, "{} crates", crates.len());
        let crate_of = |j: usize| crates.iter().position(|c| c.types.contains(&j)).unwrap();
        let mut seen = vec![0; api.types.len()];
        for (n, krate) in crates.iter().enumerate() {
            krate.types.iter().for_each(|&i| seen[i] += 1);
            let mut named_crates = std::collections::BTreeSet::new();
            for &i in &krate.types {
                let def = &api.types[i];
                for name in referenced(def) {
                    let j = api.types.iter().position(|t| t.name() == name).unwrap();
                    let m = crate_of(j);
                    assert!(m <= n, "{} names {name}, in the later crate {}", def.name(), crates[m].package);
                    if m != n {
                        named_crates.insert(crates[m].package.clone());
                        assert!(
                            krate.uses.iter().any(|d| d.package == crates[m].package),
                            "{} names {name}, in {}, which {} does not use",
                            def.name(),
                            crates[m].package,
                            krate.package
                        );
                    }
                }
                let gating = type_use
                    .gating_resources(def.name())
                    .map(<[String]>::to_vec)
                    .unwrap_or_else(|| api.resources.iter().map(|r| r.name.clone()).collect());
                for resource in gating {
                    assert!(krate.features.contains(&resource_feature(&api, &resource)), "{} lacks the feature of {resource}", krate.package);
                }
            }
            let uses: std::collections::BTreeSet<String> = krate.uses.iter().map(|d| d.package.clone()).collect();
            assert_eq!(uses, named_crates, "{} uses exactly the crates it names", krate.package);
            for dep in &krate.uses {
                let used = crates.iter().find(|c| c.package == dep.package).unwrap();
                assert_eq!(dep.features, used.features);
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "every type in exactly one crate: {seen:?}");
    }
}
