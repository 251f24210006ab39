//! Stage 3: IR → token trees. Nothing here builds Rust source as text: items are `quote!`d
//! and only `format` (prettyplease) turns them into a string.

mod actions;
mod client;
mod crate_root;
mod endpoints;
mod example;
mod fixtures;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Endpoint, Response, TypeRef};

pub(crate) use client::emit_api_module;
pub(crate) use crate_root::{emit_crate_root, emit_fixtures_root, emit_types_crate_root};
pub use endpoints::emit_resource_module;
pub use example::{example_call, example_source, example_values, quickstart};
pub use fixtures::emit_fixtures_module;
pub(crate) use fixtures::{emit_mock_api, emit_mock_endpoint};
pub(crate) use types::{emit_type, emit_types_module_doc};

/// Vendor text made safe for rustdoc, whose lints (run with `-D warnings`) reject what
/// Markdown forgives: bare URLs become autolinks, `[x]` that is no link and `<T>` outside code
/// are escaped, and an unlabelled code block becomes `text` instead of a doctest.
pub(crate) fn desc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for (index, line) in text.trim().lines().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !in_fence && trimmed.trim_end() == "```" {
                out.push_str(&line.replacen("```", "```text", 1));
            } else {
                out.push_str(line);
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        // Indented code would be a doctest too.
        let line = if line.starts_with("    ") { line.trim_start() } else { line };
        out.push_str(&escape_inline(line));
    }
    out
}

fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut previous = ' ';
    let mut i = 0;
    // Byte offsets on char boundaries; `rest` is a slice, so this stays linear.
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        let mut step = c.len_utf8();
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(c);
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest.find(|ch: char| ch.is_whitespace() || ch == ')' || ch == '>').unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            if previous == '(' || previous == '<' {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            step = url.len();
        } else if c == '<' {
            // An autolink (`<https://…>`, `<someone@example.com>`) stays; a would-be tag is escaped.
            let end = rest.find('>');
            let inner = end.map(|e| &rest[1..e]).unwrap_or_default();
            let autolink = end.is_some() && !inner.contains(char::is_whitespace) && (inner.starts_with("http") || inner.contains('@'));
            match end {
                Some(end) if autolink => {
                    out.push_str(&rest[..=end]);
                    step = end + 1;
                }
                _ => out.push_str("&lt;"),
            }
        } else if c == '[' {
            // A Markdown link `[text](url)` stays; anything else would be an intra-doc link.
            match rest.find(']') {
                Some(close) if rest[close + 1..].starts_with('(') => out.push('['),
                _ => out.push_str("\\["),
            }
        } else if c == ']' && !rest[1..].starts_with('(') {
            out.push_str("\\]");
        } else {
            out.push(c);
        }
        previous = rest[..step].chars().next_back().unwrap_or(c);
        i += step;
    }
    out
}

/// `Some("…")` or `None`, fully qualified, for descriptor fields.
pub(crate) fn opt_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// Doc attributes, one per line, so prettyplease prints them as `///` lines.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|line| {
        let line = line.trim_end();
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `doc` followed by a blank doc line, for appending sections.
pub(crate) fn doc_paragraphs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let text: Vec<&str> = paragraphs.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect();
    doc(&text.join("\n\n"))
}

/// What a success of `endpoint` gives: its response type, or `()`.
pub(crate) fn response_type(api: &Api, endpoint: &Endpoint) -> TokenStream {
    match endpoint.response_type() {
        Some(ty) => rust_type(api, ty),
        None => quote!(()),
    }
}

/// The runtime's `ResponseShape` of a success of `endpoint`, or of an error body (`None`),
/// which is read whole.
pub(crate) fn response_shape(endpoint: Option<&Endpoint>) -> TokenStream {
    if let Some(envelope) = endpoint.and_then(|e| e.write_envelope.as_ref()) {
        return write_envelope_shape(envelope);
    }
    match endpoint.map(|e| &e.response) {
        Some(Response::Empty) => quote!(crate::runtime::ResponseShape::Empty),
        Some(Response::Value { envelope: Some(key), .. }) => quote!(crate::runtime::ResponseShape::Envelope(#key)),
        Some(Response::Value { envelope: None, .. }) | None => quote!(crate::runtime::ResponseShape::Body),
    }
}

/// `ResponseShape::Write(&WriteEnvelope { … })`: a constant, promoted to `'static`.
fn write_envelope_shape(envelope: &crate::spec::WriteEnvelopeSpec) -> TokenStream {
    let (success_field, value_field) = (&envelope.success_field, &envelope.value_field);
    let message_field = opt_str(&envelope.message_field);
    let errors = envelope.errors.as_ref();
    let errors_field = opt_str(&errors.map(|e| e.field.clone()));
    let property_field = opt_str(&errors.map(|e| e.property.clone()));
    let error_message_field = opt_str(&errors.map(|e| e.message.clone()));
    let attempted_value_field = opt_str(&errors.and_then(|e| e.attempted_value.clone()));
    quote! {
        crate::runtime::ResponseShape::Write(&crate::runtime::WriteEnvelope {
            success_field: #success_field,
            value_field: #value_field,
            message_field: #message_field,
            errors_field: #errors_field,
            property_field: #property_field,
            error_message_field: #error_message_field,
            attempted_value_field: #attempted_value_field,
        })
    }
}

/// The Rust type of a field or parameter, before any `Option`.
pub(crate) fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String | TypeRef::Url | TypeRef::Uuid => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        // Keeps an integer an integer when encoded again (`runtime/number.rs`).
        TypeRef::Number => quote!(crate::runtime::Number),
        TypeRef::Boolean => quote!(bool),
        // Through the runtime, which the types crates name `crate::runtime` as `keyway` does.
        TypeRef::Timestamp => quote!(crate::runtime::Timestamp),
        TypeRef::Secret => quote!(crate::runtime::Secret),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        // Sorted keys: encoding again gives the same text whatever order the server used.
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        // One enum per combination, in the runtime (`runtime/scalars.rs`).
        TypeRef::OneOf(members) => {
            let name = crate::names::ident(&TypeRef::scalar_union_name(members));
            quote!(crate::runtime::#name)
        }
        TypeRef::Named(name) => {
            let module = crate::names::ident(&api.name);
            let name = crate::names::ident(name);
            quote!(crate::#module::#name)
        }
    }
}

/// The cargo feature of one resource: `seam-access_codes` (API names are snake_case, so
/// the `-` keeps these apart from API features).
pub(crate) fn resource_feature(api: &Api, resource: &str) -> String {
    format!("{}-{resource}", api.name)
}

/// The API module exists when any of its resources is enabled (the API's own feature
/// enables them all).
pub(crate) fn api_cfg(api: &Api) -> TokenStream {
    cfg_any(api.resources.iter().map(|r| resource_feature(api, &r.name)).collect())
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]` for several.
pub(crate) fn cfg_any(features: Vec<String>) -> TokenStream {
    match features.as_slice() {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// `#[cfg(feature = "seam-access_codes")]`.
pub(crate) fn resource_cfg(api: &Api, resource: &str) -> TokenStream {
    let feature = resource_feature(api, resource);
    quote!(#[cfg(feature = #feature)])
}

impl crate::analysis::TypeUse<'_> {
    /// `#[cfg(any(feature = …))]` over the resources that use the type, so a crate built for
    /// some resources compiles only their types. A type every resource (or none) uses
    /// follows the API module itself: no attribute.
    pub(crate) fn cfg(&self, type_name: &str) -> TokenStream {
        match self.gating_resources(type_name) {
            Some(resources) => cfg_any(resources.iter().map(|r| resource_feature(self.api(), r)).collect()),
            None => quote!(),
        }
    }
}

/// Puts `attr` on every item of `tokens` (all the impls of one type share its cfg).
///
/// Items are split on the token level rather than parsed with syn: an item ends with a
/// top-level `;` or with a top-level `{ … }` (plus a `;` right after it, as in a `const`).
/// Parsing every type's impls only to print them again cost a tenth of codegen time.
pub(crate) fn with_attr_on_items(tokens: TokenStream, attr: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    if attr.is_empty() {
        return tokens;
    }
    let mut out = TokenStream::new();
    let mut item: Vec<TokenTree> = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let ends_item = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        item.push(tree);
        if ends_item {
            if matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                item.extend(trees.next());
            }
            push_with_attr(&mut out, std::mem::take(&mut item), attr);
        }
    }
    if !item.is_empty() {
        push_with_attr(&mut out, item, attr);
    }
    out
}

/// Appends `item` with `attr` after its doc comments, where a reader expects attributes.
fn push_with_attr(out: &mut TokenStream, item: Vec<proc_macro2::TokenTree>, attr: &TokenStream) {
    use proc_macro2::{Delimiter, TokenTree};
    let is_doc = |pair: &[TokenTree]| match pair {
        [TokenTree::Punct(hash), TokenTree::Group(group)] => {
            hash.as_char() == '#'
                && group.delimiter() == Delimiter::Bracket
                && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(name)) if name == "doc")
        }
        _ => false,
    };
    let docs = item.chunks(2).take_while(|pair| is_doc(pair)).count() * 2;
    let mut item = item.into_iter();
    out.extend(item.by_ref().take(docs));
    out.extend(attr.clone());
    out.extend(item);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::desc;

    /// A two-resource API (`alpha`, `beta`) from its `api.yaml` tail (types) and endpoint
    /// lines, lowered.
    pub(crate) fn small_api(types: &str, endpoints: &str) -> crate::ir::Api {
        let sources = small_sources(types, endpoints);
        crate::lower_all(&sources).unwrap_or_else(|d| panic!("{}", crate::render(&d, &sources))).remove(0)
    }

    /// The spec file of [`small_api`].
    pub(crate) fn small_sources(types: &str, endpoints: &str) -> Vec<crate::SourceFile> {
        let api = format!(
            "api:\n  name: x\n  title: X\n  description: X.\n  base_url: https://x.test\n  auth_modes:\n    - name: token\n      title: Token\n      description: A token.\n      credentials:\n        - {{ name: token, description: The token., secret: true }}\n      headers:\n        - {{ name: X-Token, value: \"{{token}}\" }}\n  errors:\n    message_field: detail\n{types}{endpoints}"
        );
        vec![crate::SourceFile { path: "specs/x/api.yaml".into(), api_dir: "x".into(), text: api }]
    }

    #[test]
    fn vendor_text_is_made_safe_for_rustdoc() {
        assert_eq!(desc("See https://docs.example.com."), "See <https://docs.example.com>.");
        assert_eq!(desc("A [link](https://x.test) stays"), "A [link](https://x.test) stays");
        assert_eq!(desc("Vec<T> and `Vec<T>`"), "Vec&lt;T> and `Vec<T>`");
        assert_eq!(desc("Undefined column(s): [device_id]"), "Undefined column(s): \\[device_id\\]");
        assert_eq!(desc("```\nx\n```"), "```text\nx\n```");
        assert_eq!(desc("<support@seam.co> and <T>"), "<support@seam.co> and &lt;T>");
    }
}
