//! Stage `render_*`: the Markdown documentation site (`generated/docs/`, an mdbook), from
//! the IR through askama templates in `generator/templates/`. The views are prepared here;
//! the templates only lay them out.

use askama::Template;
use serde_json::Value;

use crate::CRATE_NAME;
use crate::file::{OutputFile, REGENERATE};
use crate::ir::{Api, Endpoint, Field, TypeDef, TypeRef};
use endpoint_page::endpoint_page;
use type_page::{shared_payloads, type_page};

mod endpoint_page;
mod type_page;

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
        TypeRef::Map(inner) => format!("map&lt;{}&gt;", type_link(api, inner, to_types)),
        // `\|`: the docs show types in table cells, which a bare `|` would split.
        TypeRef::OneOf(members) => members.iter().map(|m| format!("`{}`", m.spec_name())).collect::<Vec<_>>().join(" \\| "),
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
