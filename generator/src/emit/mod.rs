//! Stage 3: IR → token trees. Nothing here builds Rust source as text: items are `quote!`d
//! and only `format` (prettyplease) turns them into a string.

mod client;
mod endpoints;
mod example;
mod fixtures;
mod type_crates;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, TypeRef};

pub(crate) use client::emit_api_module;
pub use endpoints::emit_resource_module;
pub(crate) use endpoints::request_struct_name;
pub use example::{example_call, example_source, example_values, quickstart};
pub use fixtures::emit_fixtures_module;
pub(crate) use fixtures::{emit_mock_api, emit_mock_endpoint};
pub(crate) use type_crates::{TypeCrate, type_crates};
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

/// The Rust type of a field or parameter, before any `Option`.
pub(crate) fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String | TypeRef::Url | TypeRef::Uuid => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        // Through the runtime, which the types crates name `crate::runtime` as `keyway` does.
        TypeRef::Timestamp => quote!(crate::runtime::Timestamp),
        TypeRef::Secret => quote!(crate::runtime::Secret),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::vec::Vec<#inner>)
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

/// For each type, the resources whose parameters or responses reach it (through fields,
/// array items and union variants). Computed once per API: one walk per resource.
pub(crate) struct TypeUse<'a> {
    api: &'a Api,
    resources_of: std::collections::BTreeMap<String, Vec<String>>,
    /// For a model the spec names as union variants' payload: those variants
    /// (`AccessCodeError::DeviceOffline`), for its docs.
    payload_of: std::collections::BTreeMap<String, Vec<String>>,
}

impl<'a> TypeUse<'a> {
    pub(crate) fn of(api: &'a Api) -> Self {
        let mut resources_of: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
        for resource in &api.resources {
            let roots = resource.endpoints.iter().flat_map(|e| e.params.iter().map(|p| &p.ty).chain(std::iter::once(&e.response)));
            for name in Self::reached(api, roots) {
                resources_of.entry(name).or_default().push(resource.name.clone());
            }
        }
        // A type no endpoint reaches is compiled with the API module (no cfg), so whatever it
        // names must be too: everything reached from such a type counts as used by every
        // resource.
        let unused: Vec<TypeRef> =
            api.types.iter().filter(|t| !resources_of.contains_key(t.name())).map(|t| TypeRef::Named(t.name().to_owned())).collect();
        let every: Vec<String> = api.resources.iter().map(|r| r.name.clone()).collect();
        for name in Self::reached(api, unused.iter()) {
            if resources_of.contains_key(&name) {
                resources_of.insert(name, every.clone());
            }
        }
        let payload_of = api
            .shared_payloads()
            .into_iter()
            .map(|(model, variants)| (model.to_owned(), variants.iter().map(|(union, v)| format!("{}::{}", union.name, v.variant)).collect()))
            .collect();
        TypeUse { api, resources_of, payload_of }
    }

    /// The named types reached from `roots` (themselves included) through fields, array items
    /// and union variants.
    pub(crate) fn reached<'t>(api: &Api, roots: impl IntoIterator<Item = &'t TypeRef>) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<&TypeRef> = roots.into_iter().collect();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Array(inner) => stack.push(inner),
                TypeRef::Named(name) if seen.insert(name.clone()) => match api.type_def(name) {
                    Some(crate::ir::TypeDef::Model(model)) => stack.extend(model.fields.iter().map(|f| &f.ty)),
                    Some(crate::ir::TypeDef::Union(union)) => {
                        for variant in &union.variants {
                            seen.insert(variant.model.clone());
                            if let Some(crate::ir::TypeDef::Model(model)) = api.type_def(&variant.model) {
                                stack.extend(model.fields.iter().map(|f| &f.ty));
                            }
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        seen
    }

    /// The union variants whose payload is this (declared) model.
    pub(crate) fn payload_of(&self, model: &str) -> &[String] {
        self.payload_of.get(model).map(Vec::as_slice).unwrap_or_default()
    }

    /// `#[cfg(any(feature = …))]` over the resources that use the type, so a crate built for
    /// some resources compiles only their types. A type every resource (or none) uses
    /// follows the API module itself: no attribute.
    pub(crate) fn cfg(&self, type_name: &str) -> TokenStream {
        match self.gating_resources(type_name) {
            Some(resources) => cfg_any(resources.iter().map(|r| resource_feature(self.api, r)).collect()),
            None => quote!(),
        }
    }

    /// The resources that reach the type, in the API's order (everything named by a type no
    /// endpoint reaches counts as reached by every resource).
    pub(crate) fn resources(&self, type_name: &str) -> &[String] {
        self.resources_of.get(type_name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The resources whose features compile the type, or `None` when it follows the API
    /// module (every resource uses it, or none does).
    pub(crate) fn gating_resources(&self, type_name: &str) -> Option<&[String]> {
        let resources = self.resources(type_name);
        (!resources.is_empty() && resources.len() != self.api.resources.len()).then_some(resources)
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

    /// `alpha` returns a `Color`, `beta` a string; `Orphan` names `Color` but no endpoint
    /// reaches it.
    const ORPHAN: &str = "enums:\n  Color:\n    description: A color.\n    values:\n      - { value: red }\nmodels:\n  Orphan:\n    description: Used by nothing.\n    fields:\n      - { name: color, type: Color, description: Its color. }\n";
    const TWO_RESOURCES: &str = "endpoints:\n  - { resource: alpha, operation: get, title: A, description: A., method: GET, path: /a, read_only: true, auth: [token], response: { type: Color } }\n  - { resource: beta, operation: get, title: B, description: B., method: GET, path: /b, read_only: true, auth: [token], response: { type: string } }\n";

    /// A type no endpoint reaches is compiled with the API module, so what it names must not
    /// be behind one resource's feature (or `--features x-beta` would not build).
    #[test]
    fn what_an_unused_type_names_is_compiled_with_every_resource() {
        let api = small_api(ORPHAN, TWO_RESOURCES);
        let type_use = super::TypeUse::of(&api);
        assert_eq!(type_use.gating_resources("Orphan"), None);
        assert_eq!(type_use.gating_resources("Color"), None, "Color is named by the ungated Orphan");
        let no_orphan = small_api("enums:\n  Color:\n    description: A color.\n    values:\n      - { value: red }\n", TWO_RESOURCES);
        assert_eq!(super::TypeUse::of(&no_orphan).gating_resources("Color"), Some(&["alpha".to_owned()][..]));
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
