//! Planning: every file of the generated crates, each with its header and how its body is
//! made. Nothing is emitted or rendered here; [`super::render`] does that on every core.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;

use super::manifests::{self, DERIVE_CRATE, RUNTIME_CRATE};
use crate::analysis::{Analysis, Context};
use crate::emit;
use crate::file::{OutputFile, REGENERATE, rust_header, toml_header};

/// One piece of a Rust file, emitted on whichever thread prints it: token trees are not
/// `Send`, so emitting and printing a piece happen together.
pub(crate) type Part<'a> = Box<dyn Fn() -> TokenStream + Send + Sync + 'a>;

/// Renders the body of one file (a template, a serializer); an error is a generator bug.
pub(crate) type Render<'a> = Box<dyn Fn() -> Result<String, String> + Send + Sync + 'a>;

/// Renders a set of files whose paths come with their contents; each writes its own headers.
pub(crate) type Group<'a> = Box<dyn Fn() -> Result<Vec<OutputFile>, String> + Send + Sync + 'a>;

/// How a planned file's body is made.
pub(crate) enum Body<'a> {
    /// Known when planning: a verbatim copy.
    Text(&'static str),
    /// Rendered on some core.
    Rendered(Render<'a>),
    /// Emitted and printed part by part, joined in order. prettyplease puts no blank line
    /// between items, so printing parts apart gives the same text as printing them together.
    Rust(Vec<Part<'a>>),
}

/// One file: its contents are `header` followed by the body.
pub(crate) struct PlannedFile<'a> {
    pub(crate) path: String,
    pub(crate) header: String,
    pub(crate) body: Body<'a>,
}

/// Every file of the generated crates, still to be made.
pub struct Plan<'a> {
    pub(crate) files: Vec<PlannedFile<'a>>,
    /// The docs site, each API's JSON fixtures and OpenAPI document, the API surface.
    pub(crate) groups: Vec<Group<'a>>,
}

/// The runtime shared by every API, copied verbatim from `generator/runtime/` into its own
/// crate, `crates/keyway-runtime/`.
const RUNTIME_FILES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("../../runtime/lib.rs")),
    ("action.rs", include_str!("../../runtime/action.rs")),
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("call.rs", include_str!("../../runtime/call.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("codec.rs", include_str!("../../runtime/codec.rs")),
    ("descriptor.rs", include_str!("../../runtime/descriptor.rs")),
    ("envelope.rs", include_str!("../../runtime/envelope.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("fixture.rs", include_str!("../../runtime/fixture.rs")),
    ("mock.rs", include_str!("../../runtime/mock.rs")),
    ("mock_actions.rs", include_str!("../../runtime/mock_actions.rs")),
    ("mock_pages.rs", include_str!("../../runtime/mock_pages.rs")),
    ("nullable.rs", include_str!("../../runtime/nullable.rs")),
    ("number.rs", include_str!("../../runtime/number.rs")),
    ("oauth.rs", include_str!("../../runtime/oauth.rs")),
    ("paginate.rs", include_str!("../../runtime/paginate.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("scalars.rs", include_str!("../../runtime/scalars.rs")),
    ("timestamp.rs", include_str!("../../runtime/timestamp.rs")),
];

/// The derive of the models' field tables, copied verbatim from `generator/codec-derive/`
/// into its own crate, `crates/keyway-codec-derive/`, which the runtime re-exports.
const DERIVE_FILES: &[(&str, &str)] = &[("lib.rs", include_str!("../../codec-derive/lib.rs"))];

const RUSTFMT_TOML: &str = "# The crate is printed by prettyplease, whose layout differs slightly from rustfmt's;\n# formatting it again would make `cargo fmt --check` fight the freshness check.\ndisable_all_formatting = true\n";

impl<'a> Plan<'a> {
    fn file(&mut self, path: String, header: String, body: Body<'a>) {
        self.files.push(PlannedFile { path, header, body });
    }

    /// A Rust file made from `sources`, with the blank line after its header.
    fn rust(&mut self, path: String, sources: &str, parts: Vec<Part<'a>>) {
        self.file(path, format!("{}\n", rust_header(sources)), Body::Rust(parts));
    }

    fn rendered(&mut self, path: String, header: String, render: impl Fn() -> Result<String, String> + Send + Sync + 'a) {
        self.file(path, header, Body::Rendered(Box::new(render)));
    }
}

/// The plan of every file the APIs in `cx` give.
pub fn plan<'a>(cx: &'a Context<'a>) -> Plan<'a> {
    let apis = cx.apis;
    // The docs first: the biggest job, so it does not start last.
    let mut plan = Plan {
        files: Vec::new(),
        groups: vec![Box::new(move || crate::docs::render_docs(apis)), Box::new(move || Ok(vec![crate::surface::Surface::of(apis).to_file()]))],
    };
    plan_fixed_files(&mut plan);
    plan.rendered("Cargo.toml".into(), toml_header("specs/"), move || manifests::keyway_manifest(cx));
    plan.rust("src/lib.rs".into(), "specs/", vec![Box::new(move || emit::emit_crate_root(cx))]);
    for analysis in &cx.analyses {
        plan_api(&mut plan, analysis);
    }
    plan.rust("src/fixtures/mod.rs".into(), "specs/", vec![Box::new(move || emit::emit_fixtures_root(apis))]);
    plan.rust("examples/quickstart.rs".into(), "specs/", vec![Box::new(move || emit::quickstart(apis))]);
    plan
}

/// The files that do not depend on the specs: the runtime crate, the models' derive crate,
/// `rustfmt.toml`, the JSON Schema of the spec format.
fn plan_fixed_files(plan: &mut Plan<'_>) {
    plan_copied_crate(plan, RUNTIME_CRATE, "runtime", manifests::runtime_manifest, RUNTIME_FILES);
    plan_copied_crate(plan, DERIVE_CRATE, "codec-derive", manifests::derive_manifest, DERIVE_FILES);
    plan.file("rustfmt.toml".into(), format!("# @generated by `{REGENERATE}`. Do not edit.\n"), Body::Text(RUSTFMT_TOML));
    // The header is inside: a `$comment`.
    plan.rendered("spec.schema.json".into(), String::new(), spec_schema);
}

/// A hand-written crate copied verbatim from `generator/<source>/` into `crates/<package>/`,
/// with its rendered manifest.
fn plan_copied_crate(
    plan: &mut Plan<'_>,
    package: &str,
    source: &str,
    manifest: fn() -> Result<String, String>,
    files: &'static [(&'static str, &'static str)],
) {
    let dir = format!("crates/{package}");
    plan.rendered(format!("{dir}/Cargo.toml"), format!("# @generated by `{REGENERATE}` from generator/{source}/. Do not edit.\n"), manifest);
    for (name, text) in files {
        let header = format!(
            "// @generated by `{REGENERATE}`, a verbatim copy of generator/{source}/{name}. Do not edit: change that file and regenerate.\n\n"
        );
        plan.file(format!("{dir}/src/{name}"), header, Body::Text(text));
    }
}

/// One API's files: its module, resources, types crates, fixtures and OpenAPI document.
fn plan_api<'a>(plan: &mut Plan<'a>, analysis: &'a Analysis<'a>) {
    let api = analysis.api;
    let sources = format!("specs/{}/", api.name);
    plan.rust(format!("src/{}/mod.rs", api.name), &sources, vec![Box::new(move || emit::emit_api_module(api, &analysis.type_crates))]);
    for krate in &analysis.type_crates {
        let dir = format!("crates/{}", krate.package);
        plan.rendered(format!("{dir}/Cargo.toml"), toml_header(&sources), move || manifests::types_manifest(api, krate));
        plan.rust(format!("{dir}/src/lib.rs"), &sources, vec![Box::new(move || emit::emit_types_crate_root(api))]);
        // The biggest files by far: one part per type.
        let mut parts: Vec<Part<'a>> = vec![Box::new(move || emit::emit_types_module_doc(api, krate))];
        for &type_index in &krate.types {
            parts.push(Box::new(move || emit::emit_type(api, &analysis.type_use, &api.types[type_index])));
        }
        plan.rust(format!("{dir}/src/{}.rs", api.name), &sources, parts);
    }
    for resource in &api.resources {
        let files = resource.endpoints.iter().map(|e| e.source.as_str()).collect::<BTreeSet<_>>();
        let files = files.into_iter().collect::<Vec<_>>().join(", ");
        plan.rust(format!("src/{}/{}.rs", api.name, resource.name), &files, vec![Box::new(move || emit::emit_resource_module(api, resource))]);
    }
    plan.groups.push(Box::new(move || Ok(crate::fixtures::fixture_files(api))));
    plan.groups.push(Box::new(move || Ok(vec![crate::openapi::openapi_file(api)])));
    plan.rust(format!("src/fixtures/{}.rs", api.name), &sources, vec![Box::new(move || emit::emit_fixtures_module(analysis))]);
}

/// The JSON Schema of the spec format, derived from the spec types themselves, so editors
/// validate `specs/*.yaml` (through their `yaml-language-server: $schema=` line).
fn spec_schema() -> Result<String, String> {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(crate::spec::SpecFile)).map_err(|e| format!("internal error: the spec schema: {e}"))?;
    if let Some(object) = schema.as_object_mut() {
        object.insert("$comment".into(), format!("@generated by `{REGENERATE}` from generator/src/spec.rs. Do not edit.").into());
    }
    let mut contents = serde_json::to_string_pretty(&schema).map_err(|e| format!("internal error: the spec schema: {e}"))?;
    contents.push('\n');
    Ok(contents)
}
