//! An endpoint's page: what it does, its parameters, a Rust and a cURL example, and its
//! documented responses.

use askama::Template;
use serde_json::Value;

use super::{AuthRow, FieldRow, REGENERATE, auth_rows, field_rows, filters, pretty_json, type_link};
use crate::emit;
use crate::fixtures::fixtures_of;
use crate::ir::{Api, Endpoint, PageStyle, Pagination, Response, TypeDef, TypeRef};
use crate::spec::ParamLocation;

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
    pagination: Option<String>,
    success: Option<ResponseView>,
    fields: Vec<FieldRow>,
    errors: Vec<ResponseView>,
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
    let form: Vec<String> = values
        .iter()
        .filter(|(name, _)| location(name) == Some(ParamLocation::Form))
        .map(|(name, value)| match value {
            Value::String(s) => format!("  --data-urlencode '{name}={s}'"),
            other => format!("  --data-urlencode '{name}={other}'"),
        })
        .collect();
    if !form.is_empty() {
        lines.extend(form);
    } else if endpoint.method.has_body() {
        lines.push(format!("  --json '{}'", Value::Object(body)));
    }
    lines.join(" \\\n")
}

pub(super) fn endpoint_page(api: &Api, endpoint: &Endpoint) -> Result<String, askama::Error> {
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
    let mut resource_type = endpoint.response_type();
    while let Some(TypeRef::Array(inner)) = resource_type {
        resource_type = Some(inner);
    }
    let fields = match resource_type {
        Some(TypeRef::Named(name)) => match api.type_def(name) {
            Some(TypeDef::Model(model)) => field_rows(api, &model.fields, "types/"),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let returns = match &endpoint.response {
        Response::Empty => match &api.success_flag {
            Some(flag) => format!("nothing (`()`): a `204`, or a body holding only `\"{flag}\": true`"),
            None => "nothing (`()`): a `204`, or a body the client does not read".to_owned(),
        },
        Response::Value { ty, envelope: Some(key) } => {
            format!("{}, under the `{key}` key of the body (the client unwraps it)", type_link(api, ty, "types/"))
        }
        Response::Value { ty, envelope: None } => type_link(api, ty, "types/"),
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
        params: param_rows(api, endpoint),
        one_of: group_views(endpoint),
        rust_example: emit::example_source(api, endpoint),
        curl_example: curl_example(api, endpoint),
        returns,
        pagination: endpoint.pagination.as_ref().map(pagination_text),
        success,
        fields,
        errors,
    };
    page.render()
}

fn param_rows(api: &Api, endpoint: &Endpoint) -> Vec<ParamRow> {
    endpoint
        .params
        .iter()
        .map(|p| ParamRow {
            name: p.wire_name.clone(),
            location: match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Body => "body",
                ParamLocation::Header => "header",
                ParamLocation::Form => "form",
            },
            ty: type_link(api, &p.ty, "types/"),
            required: match p.group {
                Some(_) => "one of a group",
                None if p.required => "yes",
                None => "no",
            },
            description: param_description(p),
        })
        .collect()
}

/// The description with what else the spec says of the parameter.
fn param_description(p: &crate::ir::Param) -> String {
    let mut text = p.description.trim().to_owned();
    if let Some(note) = &p.deprecated {
        text = format!("**Deprecated:** {} {text}", note.trim());
    }
    if p.nullable {
        text.push_str(" May be sent as `null` to clear it.");
    }
    if let Some(default) = &p.default {
        text.push_str(&format!(" Default: `{default}`."));
    }
    if let Some(style) = p.array_style {
        text.push_str(match style {
            crate::spec::ArrayStyle::Repeat => " Sent as `name=a&name=b`.",
            crate::spec::ArrayStyle::Comma => " Sent as `name=a,b`.",
            crate::spec::ArrayStyle::Brackets => " Sent as `name[]=a&name[]=b`.",
        });
    }
    text
}

fn group_views(endpoint: &Endpoint) -> Vec<GroupView> {
    endpoint
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
        .collect()
}

/// What the page says of a list's paging, in a paragraph.
fn pagination_text(pagination: &Pagination) -> String {
    let items = &pagination.items.wire;
    let mut text = match &pagination.style {
        PageStyle::Cursor { param, next } => format!(
            "Paginated by cursor: each page holds its items under `{items}` and gives the cursor of the next page at `{}`, which the next request sends as `{param}` with the same filters.",
            next.dotted()
        ),
        PageStyle::Number { param, first } => {
            format!(
                "Paginated by page number: each page holds its items under `{items}`; pages are numbered from {first} and the number is sent as `{param}`."
            )
        }
    };
    if let Some(has_more) = &pagination.has_more {
        text.push_str(&format!(" `{}` says whether there is a next page.", has_more.dotted()));
    }
    if let Some(size) = &pagination.size {
        text.push_str(&format!(" The page size is set with `{}`", size.param));
        match size.default {
            Some(default) => text.push_str(&format!(" (default {default}).")),
            None => text.push('.'),
        }
    }
    text.push_str(" In Rust, awaiting the call gives one page; `.items()` streams every item and `.pages()` every page, fetching each page only when it is needed.");
    text
}
