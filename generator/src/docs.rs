//! Stage `render_*`: the Markdown documentation site (`generated/docs/`, an mdbook), from
//! the IR through askama templates in `generator/templates/`. The views are prepared here;
//! the templates only lay them out.

use std::collections::BTreeMap;

use askama::Template;
use serde_json::Value;

use crate::file::{OutputFile, REGENERATE};
use crate::fixtures::fixtures_of;
use crate::ir::{Api, Endpoint, Field, TypeDef, TypeRef};
use crate::spec::ParamLocation;
use crate::{CRATE_NAME, emit};

/// Markdown escaping for the templates.
mod filters {
    use std::fmt::Display;

    /// Text for one table cell: one line, `|` escaped, `<`/`>` escaped outside code spans
    /// (so `<T>` shows instead of vanishing as an HTML tag), backticks kept when balanced.
    #[askama::filter_fn]
    pub fn md_cell<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::escape_cell(&value.to_string()))
    }
}

pub(crate) fn escape_cell(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let balanced = text.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' if balanced => {
                in_code = !in_code;
                out.push('`');
            }
            '`' => out.push_str("\\`"),
            '|' => out.push_str("\\|"),
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The type as Markdown, linked to its page; `to_types` is the path from the page to the
/// API's `types/` folder (`types/` or ``).
fn type_link(api: &Api, ty: &TypeRef, to_types: &str) -> String {
    match ty {
        TypeRef::Array(inner) => format!("array&lt;{}&gt;", type_link(api, inner, to_types)),
        TypeRef::Named(name) => match api.type_def(name) {
            Some(_) => format!("[`{name}`]({to_types}{name}.md)"),
            None => format!("`{name}`"),
        },
        other => format!("`{}`", other.spec_name()),
    }
}

fn presence(field: &Field) -> &'static str {
    match (field.optional, field.nullable) {
        (true, true) => "may be absent or null",
        (true, false) => "may be absent",
        (false, true) => "may be null",
        (false, false) => "no",
    }
}

struct FieldRow {
    name: String,
    ty: String,
    presence: &'static str,
    description: String,
}

fn field_rows(api: &Api, fields: &[Field], to_types: &str) -> Vec<FieldRow> {
    fields
        .iter()
        .map(|f| FieldRow {
            name: f.wire_name.clone(),
            ty: type_link(api, &f.ty, to_types),
            presence: presence(f),
            description: match &f.deprecated {
                Some(reason) => format!("**Deprecated:** {} {}", reason.trim(), f.description.trim()),
                None => f.description.clone(),
            },
        })
        .collect()
}

struct AuthRow {
    name: String,
    title: String,
    credentials: String,
    headers: String,
}

fn auth_rows(api: &Api, names: Option<&[String]>) -> Vec<AuthRow> {
    api.auth_modes
        .iter()
        .filter(|m| names.is_none_or(|names| names.contains(&m.name)))
        .map(|m| AuthRow {
            name: m.name.clone(),
            title: m.title.clone(),
            credentials: m
                .credentials
                .iter()
                .map(|c| match &c.env {
                    Some(env) => format!("`{}` (`{env}`)", c.name),
                    None => format!("`{}`", c.name),
                })
                .collect::<Vec<_>>()
                .join(", "),
            headers: m.headers.iter().map(|h| format!("`{}: {}{{{}}}{}`", h.name, h.prefix, h.credential, h.suffix)).collect::<Vec<_>>().join(", "),
        })
        .collect()
}

struct ParamRow {
    name: String,
    location: &'static str,
    ty: String,
    required: &'static str,
    description: String,
}

struct GroupView {
    name: String,
    alternatives: String,
    description: String,
}

struct ResponseView {
    status: u16,
    description: String,
    synthesized: bool,
    json: String,
}

#[derive(Template)]
#[template(path = "endpoint.md")]
struct EndpointPage {
    regenerate: &'static str,
    source: String,
    title: String,
    stability: Option<String>,
    description: String,
    method: &'static str,
    path: String,
    alternates: String,
    retry: &'static str,
    auth: Vec<AuthRow>,
    role: Option<String>,
    params: Vec<ParamRow>,
    one_of: Vec<GroupView>,
    rust_example: String,
    curl_example: String,
    returns: String,
    success: Option<ResponseView>,
    fields: Vec<FieldRow>,
    errors: Vec<ResponseView>,
}

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

struct EndpointLink {
    title: String,
    link: String,
    link_from_root: String,
    method: &'static str,
    path: String,
    stability: &'static str,
}

struct TypeLink {
    name: String,
    link_from_root: String,
}

#[derive(Template)]
#[template(path = "api.md")]
struct ApiPage<'a> {
    regenerate: &'static str,
    source: String,
    name: &'a str,
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_url_env: Option<&'a str>,
    docs_url: Option<&'a str>,
    client: &'a str,
    endpoints: Vec<EndpointLink>,
    auth: Vec<AuthRow>,
    types: Vec<String>,
}

struct ApiSummary {
    name: String,
    title: String,
    base_url: String,
    endpoints: Vec<EndpointLink>,
    types: Vec<TypeLink>,
}

#[derive(Template)]
#[template(path = "summary.md")]
struct SummaryPage<'a> {
    apis: &'a [ApiSummary],
}

#[derive(Template)]
#[template(path = "introduction.md")]
struct IntroductionPage<'a> {
    regenerate: &'static str,
    source: &'static str,
    crate_name: &'static str,
    apis: &'a [ApiSummary],
}

fn pretty_json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A cURL command for the endpoint, with the same example values as the Rust example.
fn curl_example(api: &Api, endpoint: &Endpoint) -> String {
    let values = emit::example_values(api, endpoint);
    let mut path = String::new();
    for part in &endpoint.path_parts {
        match part {
            crate::ir::PathPart::Literal(text) => path.push_str(text),
            crate::ir::PathPart::Param(name) => {
                let value = values.iter().find(|(p, _)| p == name).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
                path.push_str(&match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                });
            }
        }
    }
    let location = |name: &str| endpoint.params.iter().find(|p| p.wire_name == name).map(|p| p.location);
    let query: Vec<String> = values
        .iter()
        .filter(|(name, _)| location(name) == Some(ParamLocation::Query))
        .map(|(name, value)| match value {
            Value::String(s) => format!("{name}={s}"),
            other => format!("{name}={other}"),
        })
        .collect();
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let mut lines = vec![format!("curl --request {} \"{}{path}\"", endpoint.method.as_str(), api.base_url)];
    if let Some(mode) = endpoint.auth_modes.first().and_then(|m| api.auth_modes.iter().find(|a| &a.name == m)) {
        for header in &mode.headers {
            let credential = mode.credentials.iter().find(|c| c.name == header.credential);
            let value = match credential.and_then(|c| c.env.as_ref()) {
                Some(env) => format!("${env}"),
                None => format!("$YOUR_{}", header.credential.to_uppercase()),
            };
            lines.push(format!("  --header \"{}: {}{value}{}\"", header.name, header.prefix, header.suffix));
        }
    }
    let body: serde_json::Map<String, Value> =
        values.iter().filter(|(name, _)| location(name) == Some(ParamLocation::Body)).map(|(name, value)| (name.clone(), value.clone())).collect();
    if endpoint.method.has_body() {
        lines.push(format!("  --json '{}'", Value::Object(body)));
    }
    lines.join(" \\\n")
}

fn endpoint_page(api: &Api, endpoint: &Endpoint) -> Result<String, askama::Error> {
    let stability = endpoint
        .stability
        .banner()
        .map(|label| format!("**{label}.** {}", endpoint.stability_note.as_deref().unwrap_or("Expect breaking changes.").trim()));
    let fixtures = fixtures_of(api, endpoint);
    let fixtures: Vec<_> = fixtures.iter().collect();
    let view = |f: &&crate::fixtures::EndpointFixture| ResponseView {
        status: f.status,
        description: f.description.to_owned(),
        synthesized: f.synthesized,
        json: pretty_json(&f.body),
    };
    let success = fixtures.iter().find(|f| (200..300).contains(&f.status)).map(view);
    let errors = fixtures.iter().filter(|f| f.status >= 400).map(view).collect();
    let mut resource_type = &endpoint.response;
    while let TypeRef::Array(inner) = resource_type {
        resource_type = inner;
    }
    let fields = match resource_type {
        TypeRef::Named(name) => match api.type_def(name) {
            Some(TypeDef::Model(model)) => field_rows(api, &model.fields, "types/"),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let returns = match &endpoint.envelope {
        Some(key) => format!("{}, under the `{key}` key of the body (the client unwraps it)", type_link(api, &endpoint.response, "types/")),
        None => type_link(api, &endpoint.response, "types/"),
    };
    let page = EndpointPage {
        regenerate: REGENERATE,
        source: endpoint.source.clone(),
        title: endpoint.title.clone(),
        stability,
        description: endpoint.description.trim().to_owned(),
        method: endpoint.method.as_str(),
        path: endpoint.path.clone(),
        alternates: if endpoint.alternate_methods.is_empty() {
            String::new()
        } else {
            format!(" (also documented as {})", endpoint.alternate_methods.iter().map(|m| format!("`{}`", m.as_str())).collect::<Vec<_>>().join(", "))
        },
        retry: if endpoint.is_retryable() { "read-only: the client retries it on transient failures" } else { "changes state: never retried" },
        auth: auth_rows(api, Some(&endpoint.auth_modes)),
        role: endpoint.required_role.clone(),
        params: endpoint
            .params
            .iter()
            .map(|p| ParamRow {
                name: p.wire_name.clone(),
                location: match p.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Body => "body",
                },
                ty: type_link(api, &p.ty, "types/"),
                required: match p.group {
                    Some(_) => "one of a group",
                    None if p.required => "yes",
                    None => "no",
                },
                description: p.description.clone(),
            })
            .collect(),
        one_of: endpoint
            .one_of
            .iter()
            .map(|g| GroupView {
                name: g.name.clone(),
                alternatives: g
                    .alternatives
                    .iter()
                    .map(|a| a.params.iter().map(|i| format!("`{}`", endpoint.params[*i].wire_name)).collect::<Vec<_>>().join(" and "))
                    .collect::<Vec<_>>()
                    .join(", or "),
                description: g.description.trim().to_owned(),
            })
            .collect(),
        rust_example: emit::example_source(api, endpoint),
        curl_example: curl_example(api, endpoint),
        returns,
        success,
        fields,
        errors,
    };
    page.render()
}

/// For each model named as union variants' payload: per union, a link to it and the tags
/// (`[`AccessCodeError`](AccessCodeError.md): `device_offline`, `device_removed``).
fn shared_payloads(api: &Api) -> BTreeMap<&str, Vec<String>> {
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

fn type_page(api: &Api, def: &TypeDef, payload_of: Vec<String>) -> Result<String, askama::Error> {
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
                    tag: v.tag.clone(),
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

/// Types with a page of their own: all but union variant payloads, shown in their union.
fn page_types(api: &Api) -> impl Iterator<Item = &TypeDef> {
    api.types.iter().filter(|t| !matches!(t, TypeDef::Model(m) if !m.declared))
}

fn endpoint_file(endpoint: &Endpoint) -> String {
    format!("{}.md", endpoint.id)
}

fn summary_of(api: &Api) -> ApiSummary {
    ApiSummary {
        name: api.name.clone(),
        title: api.title.clone(),
        base_url: api.base_url.clone(),
        endpoints: api
            .endpoints()
            .map(|e| EndpointLink {
                title: e.title.clone(),
                link: endpoint_file(e),
                link_from_root: format!("{}/{}", api.name, endpoint_file(e)),
                method: e.method.as_str(),
                path: e.path.clone(),
                stability: e.stability.as_str(),
            })
            .collect(),
        types: page_types(api)
            .map(|t| TypeLink { name: t.name().to_owned(), link_from_root: format!("{}/types/{}.md", api.name, t.name()) })
            .collect(),
    }
}

/// Every file of `generated/docs/`.
pub(crate) fn render_docs(apis: &[Api]) -> Result<Vec<OutputFile>, String> {
    let fail = |what: &str, e: askama::Error| format!("internal error: rendering {what}: {e}");
    let mut files = vec![book_toml(apis)];
    let summaries: Vec<ApiSummary> = apis.iter().map(summary_of).collect();
    let summary = SummaryPage { apis: &summaries }.render().map_err(|e| fail("SUMMARY.md", e))?;
    files.push(OutputFile {
        path: "docs/src/SUMMARY.md".into(),
        contents: format!("<!-- @generated by `{REGENERATE}` from specs/. Do not edit. -->\n{summary}\n"),
    });
    let intro = IntroductionPage { regenerate: REGENERATE, source: "specs/", crate_name: CRATE_NAME, apis: &summaries };
    files.push(OutputFile { path: "docs/src/README.md".into(), contents: intro.render().map_err(|e| fail("README.md", e))? });
    for (api, summary) in apis.iter().zip(summaries) {
        let page = ApiPage {
            regenerate: REGENERATE,
            source: api.source.clone(),
            name: &api.name,
            title: &api.title,
            description: api.description.trim(),
            base_url: &api.base_url,
            base_url_env: api.base_url_env.as_deref(),
            docs_url: api.docs_url.as_deref(),
            client: &api.client_name,
            endpoints: summary.endpoints,
            auth: auth_rows(api, None),
            types: page_types(api).map(|t| format!("[`{0}`](types/{0}.md)", t.name())).collect(),
        };
        files.push(OutputFile { path: format!("docs/src/{}/README.md", api.name), contents: page.render().map_err(|e| fail(&api.name, e))? });
        for endpoint in api.endpoints() {
            files.push(OutputFile {
                path: format!("docs/src/{}/{}", api.name, endpoint_file(endpoint)),
                contents: endpoint_page(api, endpoint).map_err(|e| fail(&endpoint.id, e))?,
            });
        }
        let mut shared = shared_payloads(api);
        for def in page_types(api) {
            let payload_of = shared.remove(def.name()).unwrap_or_default();
            files.push(OutputFile {
                path: format!("docs/src/{}/types/{}.md", api.name, def.name()),
                contents: type_page(api, def, payload_of).map_err(|e| fail(def.name(), e))?,
            });
        }
    }
    for file in &mut files {
        // One trailing newline, whatever the templates' whitespace.
        let trimmed = file.contents.trim_end().to_owned();
        file.contents = trimmed + "\n";
    }
    Ok(files)
}

fn book_toml(apis: &[Api]) -> OutputFile {
    let titles = apis.iter().map(|a| a.title.as_str()).collect::<Vec<_>>().join(", ");
    OutputFile {
        path: "docs/book.toml".into(),
        contents: format!(
            "# @generated by `{REGENERATE}` from specs/. Do not edit.\n[book]\ntitle = \"{CRATE_NAME}: {titles}\"\nlanguage = \"en\"\nsrc = \"src\"\n\n# Built pages go to the workspace's target/, never into generated/ (which holds only\n# what the generator writes).\n[build]\nbuild-dir = \"../../target/book\"\n\n[output.html]\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::escape_cell;

    #[test]
    fn cells_escape_what_breaks_tables() {
        assert_eq!(escape_cell("a | b"), "a \\| b");
        assert_eq!(escape_cell("Vec<T> and `Vec<T>`"), "Vec&lt;T&gt; and `Vec<T>`");
        assert_eq!(escape_cell("odd ` tick"), "odd \\` tick");
        assert_eq!(escape_cell("two\nlines"), "two lines");
    }
}
