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
