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
    // A part of a split API passes each feature on to the base crate, which has the shared
    // types its types name.
    let features = krate
        .features
        .iter()
        .map(|f| Feature {
            name: f.clone(),
            enables: match &krate.base {
                Some(base) if base.features.contains(f) => vec![quoted(&format!("{}/{f}", base.package))],
                _ => Vec::new(),
            },
        })
        .collect();
    let mut generated = vec![
        Dependency { name: DERIVE_CRATE.into(), path: format!("../{DERIVE_CRATE}"), optional: false },
        Dependency { name: RUNTIME_CRATE.into(), path: format!("../{RUNTIME_CRATE}"), optional: false },
    ];
    if let Some(base) = &krate.base {
        generated.push(Dependency { name: base.package.clone(), path: format!("../{}", base.package), optional: false });
    }
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

    /// A part of a split API depends on the base crate and passes on the features the base
    /// crate has; a title's quotes are escaped. (Today's specs have no split API, so
    /// `generated/` does not show this.)
    #[test]
    fn a_part_names_its_base_crate() {
        let mut api = crate::emit::tests::small_api("", "");
        api.title = "Say \"hi\"".into();
        let crate_of = |package: &str, features: &[&str], base: Option<TypeCrate>| TypeCrate {
            package: package.into(),
            types: Vec::new(),
            features: features.iter().map(|f| f.to_string()).collect(),
            base: base.map(Box::new),
        };
        let part = crate_of("keyway-x-types-1", &["x-alpha", "x-beta"], Some(crate_of("keyway-x-types", &["x-alpha"], None)));
        let expected = r#"[package]
name = "keyway-x-types-1"
version = "0.1.0"
edition = "2024"
rust-version = "1.88"
license = "MIT OR Apache-2.0"
description = "Types of the Say \"hi\" API for `keyway`; use them through `keyway`."
keywords = ["api", "sdk", "x"]
categories = ["api-bindings", "web-programming::http-client"]

[features]
x-alpha = ["keyway-x-types/x-alpha"]
x-beta = []

[dependencies]
keyway-codec-derive = { version = "=0.1.0", path = "../keyway-codec-derive" }
keyway-runtime = { version = "=0.1.0", path = "../keyway-runtime" }
keyway-x-types = { version = "=0.1.0", path = "../keyway-x-types" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[package.metadata.docs.rs]
all-features = true
"#;
        assert_eq!(types_manifest(&api, &part).unwrap(), expected);
    }
}
