//! Stage 3: IR → token trees. Nothing here builds Rust source as text: items are `quote!`d
//! and only `format` (prettyplease) turns them into a string.

mod client;
mod endpoints;
mod example;
mod fixtures;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, TypeRef};

pub use client::emit_api_module;
pub use endpoints::emit_resource_module;
pub(crate) use endpoints::request_struct_name;
pub use example::{example_call, example_source, example_values, quickstart};
pub use fixtures::emit_fixtures_module;
pub(crate) use fixtures::{emit_mock_api, emit_mock_endpoint};
pub use types::emit_types_module;


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
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().collect();
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(c);
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            let previous = if i > 0 { chars[i - 1] } else { ' ' };
            let end = rest.find(|ch: char| ch.is_whitespace() || ch == ')' || ch == '>').unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            if previous == '(' || previous == '<' {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            i += url.chars().count();
            continue;
        } else if c == '<' {
            // An autolink (`<https://…>`, `<someone@example.com>`) stays; a would-be tag is escaped.
            let end = rest.find('>');
            let inner = end.map(|e| &rest[1..e]).unwrap_or_default();
            let autolink = end.is_some() && !inner.contains(char::is_whitespace) && (inner.starts_with("http") || inner.contains('@'));
            if autolink {
                out.push_str(&rest[..=end.unwrap_or_default()]);
                i += rest[..=end.unwrap_or_default()].chars().count();
                continue;
            }
            out.push_str("&lt;");
        } else if c == '[' {
            // A Markdown link `[text](url)` stays; anything else would be an intra-doc link.
            let close = chars[i..].iter().position(|ch| *ch == ']').map(|p| p + i);
            match close {
                Some(close) if chars.get(close + 1) == Some(&'(') => out.push('['),
                _ => out.push_str("\\["),
            }
        } else if c == ']' && chars.get(i + 1) != Some(&'(') {
            out.push_str("\\]");
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
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
        TypeRef::Timestamp => quote!(crate::Timestamp),
        TypeRef::Secret => quote!(crate::Secret),
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

#[cfg(test)]
mod tests {
    use super::desc;

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
