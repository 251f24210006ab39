//! The generated crates' `Cargo.toml` files, from askama templates
//! (`generator/templates/*.Cargo.toml`) fed the prepared lists below.

use askama::Template;

use crate::CRATE_NAME;
use crate::analysis::{Context, TypeCrate};
use crate::emit;
use crate::ir::Api;

/// The runtime crate's package name; the generated code names it `::keyway_runtime`. Fixed,
/// like [`CRATE_NAME`].
pub const RUNTIME_CRATE: &str = "keyway-runtime";

/// The crate of the models' derive (`#[derive(codec::Model)]`), a dependency of each types
/// crate (beside the runtime, so cargo builds the two at once).
pub const DERIVE_CRATE: &str = "keyway-codec-derive";

/// The version of every generated crate; the generated crates pin each other to it.
const VERSION: &str = "0.1.0";

/// The `[package]` lines that differ between the generated crates (`_package.toml`).
struct Package {
    name: String,
    /// A TOML basic string, quotes included.
    description: String,
    /// Each quoted.
    keywords: Vec<String>,
}

impl Package {
    fn new(name: &str, description: &str, keywords: &[&str]) -> Self {
        // API titles come from the specs and may hold quotes.
        let description = format!("\"{}\"", description.replace('\\', "\\\\").replace('"', "\\\""));
        Package { name: name.to_owned(), description, keywords: keywords.iter().map(|k| quoted(k)).collect() }
    }
}

/// A dependency on another generated crate: by path here, by the same exact version once
/// published (`_generated_dependencies.toml`).
struct Dependency {
    name: String,
    path: String,
    optional: bool,
}

/// `name = [enables…]`, the values quoted.
struct Feature {
    name: String,
    enables: Vec<String>,
}

fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

#[derive(Template)]
#[template(path = "keyway.Cargo.toml", escape = "none")]
struct KeywayManifest {
    package: Package,
    version: &'static str,
    runtime: &'static str,
    default: Vec<String>,
    features: Vec<Feature>,
    generated: Vec<Dependency>,
}

#[derive(Template)]
#[template(path = "types.Cargo.toml", escape = "none")]
struct TypesManifest {
    package: Package,
    version: &'static str,
    features: Vec<Feature>,
    generated: Vec<Dependency>,
}

#[derive(Template)]
#[template(path = "runtime.Cargo.toml", escape = "none")]
struct RuntimeManifest {
    package: Package,
    version: &'static str,
}

#[derive(Template)]
#[template(path = "codec-derive.Cargo.toml", escape = "none")]
struct DeriveManifest {
    package: Package,
    version: &'static str,
}

fn render(template: &impl Template, what: &str) -> Result<String, String> {
    let mut text = template.render().map_err(|e| format!("internal error: rendering the Cargo.toml of {what}: {e}"))?;
    // askama drops a template's final newline, as Jinja does.
    text.push('\n');
    Ok(text)
}

/// `Cargo.toml` of `keyway`: a feature per API enabling each of its resources' features; a
/// resource's feature turns on, in each types crate holding some of its types, the
/// dependency and that feature.
pub(crate) fn keyway_manifest(cx: &Context<'_>) -> Result<String, String> {
    let apis = cx.apis;
    let mut features = Vec::new();
    for analysis in &cx.analyses {
        let api = analysis.api;
        let resources: Vec<String> = api.resources.iter().map(|r| emit::resource_feature(api, &r.name)).collect();
        features.push(Feature { name: api.name.clone(), enables: resources.iter().map(|f| quoted(f)).collect() });
        for feature in resources {
            let enables = analysis
                .type_crates
                .iter()
                .filter(|krate| krate.features.contains(&feature))
                .flat_map(|krate| [quoted(&format!("dep:{}", krate.package)), quoted(&format!("{}/{feature}", krate.package))])
                .collect();
            features.push(Feature { name: feature, enables });
        }
    }
    let mut generated = vec![Dependency { name: RUNTIME_CRATE.into(), path: format!("crates/{RUNTIME_CRATE}"), optional: false }];
    // A types crate is turned on by the resources whose types it has; an API without
    // resources has nothing to turn it on, and its module (and types) are always compiled.
    generated.extend(cx.analyses.iter().flat_map(|a| &a.type_crates).map(|krate| Dependency {
        name: krate.package.clone(),
        path: format!("crates/{}", krate.package),
        optional: !krate.features.is_empty(),
    }));
    // crates.io allows five keywords.
    let keywords: Vec<&str> = ["api", "client", "sdk"].into_iter().chain(apis.iter().map(|a| a.name.as_str())).take(5).collect();
    let titles = apis.iter().map(|a| a.title.as_str()).collect::<Vec<_>>().join(", ");
    let package = Package::new(CRATE_NAME, &format!("Typed async clients for {titles}, generated from endpoint specs."), &keywords);
    let default = apis.iter().map(|a| quoted(&a.name)).collect();
    render(&KeywayManifest { package, version: VERSION, runtime: RUNTIME_CRATE, default, features, generated }, CRATE_NAME)
}

/// `Cargo.toml` of `keyway-<api>-types[-n]`: one feature per resource whose types it has
/// (each type compiles only with the resources that use it, as in one crate).
pub(crate) fn types_manifest(api: &Api, krate: &TypeCrate) -> Result<String, String> {
    let package = Package::new(
        &krate.package,
        &format!("Types of the {} API for `{CRATE_NAME}`; use them through `{CRATE_NAME}`.", api.title),
        &["api", "sdk", &api.name],
    );
    // A crate passes each feature on to the crates it uses that have it: the types of a
    // resource it compiles name only types that resource compiles.
    let features = krate
        .features
        .iter()
        .map(|f| Feature {
            name: f.clone(),
            enables: krate.uses.iter().filter(|dep| dep.features.contains(f)).map(|dep| quoted(&format!("{}/{f}", dep.package))).collect(),
        })
        .collect();
    let mut generated = vec![
        Dependency { name: DERIVE_CRATE.into(), path: format!("../{DERIVE_CRATE}"), optional: false },
        Dependency { name: RUNTIME_CRATE.into(), path: format!("../{RUNTIME_CRATE}"), optional: false },
    ];
    generated.extend(krate.uses.iter().map(|dep| Dependency { name: dep.package.clone(), path: format!("../{}", dep.package), optional: false }));
    render(&TypesManifest { package, version: VERSION, features, generated }, &krate.package)
}

/// `Cargo.toml` of the runtime crate; its dependencies are in the template.
pub(crate) fn runtime_manifest() -> Result<String, String> {
    let package =
        Package::new(RUNTIME_CRATE, &format!("The HTTP runtime of `{CRATE_NAME}`; use it through `{CRATE_NAME}`."), &["api", "client", "sdk"]);
    render(&RuntimeManifest { package, version: VERSION }, RUNTIME_CRATE)
}

/// `Cargo.toml` of the models' derive; its dependencies are in the template.
pub(crate) fn derive_manifest() -> Result<String, String> {
    let package =
        Package::new(DERIVE_CRATE, &format!("The derive of the models of `{CRATE_NAME}`; use them through `{CRATE_NAME}`."), &["api", "sdk"]);
    render(&DeriveManifest { package, version: VERSION }, DERIVE_CRATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A types crate of a split API depends on the crates it uses and passes on the features
    /// each of them has; a title's quotes are escaped.
    #[test]
    fn a_types_crate_names_the_crates_it_uses() {
        let mut api = crate::emit::tests::small_api("", "");
        api.title = "Say \"hi\"".into();
        let features = |features: &[&str]| features.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        let dep = |package: &str, f: &[&str]| crate::analysis::CrateDep { package: package.into(), features: features(f) };
        let part = TypeCrate {
            package: "keyway-x-types-2".into(),
            types: Vec::new(),
            features: features(&["x-alpha", "x-beta"]),
            uses: vec![dep("keyway-x-types", &["x-alpha"]), dep("keyway-x-types-1", &["x-alpha", "x-beta"])],
        };
        let expected = r#"[package]
name = "keyway-x-types-2"
version = "0.1.0"
edition = "2024"
rust-version = "1.88"
license = "MIT OR Apache-2.0"
description = "Types of the Say \"hi\" API for `keyway`; use them through `keyway`."
keywords = ["api", "sdk", "x"]
categories = ["api-bindings", "web-programming::http-client"]

[features]
x-alpha = ["keyway-x-types/x-alpha", "keyway-x-types-1/x-alpha"]
x-beta = ["keyway-x-types-1/x-beta"]

[dependencies]
keyway-codec-derive = { version = "=0.1.0", path = "../keyway-codec-derive" }
keyway-runtime = { version = "=0.1.0", path = "../keyway-runtime" }
keyway-x-types = { version = "=0.1.0", path = "../keyway-x-types" }
keyway-x-types-1 = { version = "=0.1.0", path = "../keyway-x-types-1" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[package.metadata.docs.rs]
all-features = true
"#;
        assert_eq!(types_manifest(&api, &part).unwrap(), expected);
    }
}
