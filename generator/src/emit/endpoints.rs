//! One resource module, `src/<api>/<resource>.rs`: the handler, one method per endpoint,
//! the one-of enums, and a static descriptor per endpoint. The request path itself is in
//! the non-generic runtime, so each endpoint adds little code.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, rust_type};
use crate::ir::{Api, Endpoint, EndpointAction, FieldPath, OneOf, PageStyle, Pagination, Param, PathPart, Resource, TypeDef, TypeRef};
use crate::names::ident;
use crate::spec::{ArrayStyle, ParamLocation};

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Argument type for a value the caller passes: conversions where they cannot mix up ids
/// (`impl Into<String>`, `impl Into<AccessCodeId>`, `impl Into<Timestamp>`), and any
/// iterable of those for a list.
fn arg_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Array(inner) => {
            let item = arg_type(api, inner);
            quote!(impl ::std::iter::IntoIterator<Item = #item>)
        }
        _ if converts(ty, api) => {
            let concrete = rust_type(api, ty);
            quote!(impl ::std::convert::Into<#concrete>)
        }
        _ => rust_type(api, ty),
    }
}

/// Whether an argument of this type is taken as `impl Into<…>`.
fn converts(ty: &TypeRef, api: &Api) -> bool {
    match ty {
        TypeRef::String | TypeRef::Url | TypeRef::Uuid | TypeRef::Secret | TypeRef::Timestamp | TypeRef::Number | TypeRef::OneOf(_) => true,
        TypeRef::Named(name) => matches!(api.type_def(name), Some(TypeDef::Id(_))),
        _ => false,
    }
}

/// `value` (of the argument type of `ty`, see [`arg_type`]) converted to a `ty`; `None` when
/// it already is one.
fn converted(api: &Api, ty: &TypeRef, value: TokenStream) -> Option<TokenStream> {
    Some(match ty {
        TypeRef::Array(inner) if converts(inner, api) => quote!(#value.into_iter().map(::std::convert::Into::into).collect()),
        TypeRef::Array(inner) => match converted(api, inner, quote!(item)) {
            Some(item) => quote!(#value.into_iter().map(|item| #item).collect()),
            None => quote!(#value.into_iter().collect()),
        },
        _ if converts(ty, api) => quote!(#value.into()),
        _ => return None,
    })
}

fn emit_params_struct(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.names.params);
    let fields = endpoint.params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = rust_type(api, &p.ty);
        let wire = p.wire_name.as_str();
        let rename = (field.to_string().trim_start_matches("r#") != wire).then(|| quote!(#[serde(rename = #wire)]));
        if p.required {
            quote!(#rename #field: #ty,)
        } else if p.nullable {
            // Outer `None`: left out; `Some(None)`: an explicit `null`.
            quote!(#rename #[serde(skip_serializing_if = "Option::is_none")] #field: ::std::option::Option<::std::option::Option<#ty>>,)
        } else {
            quote!(#rename #[serde(skip_serializing_if = "Option::is_none")] #field: ::std::option::Option<#ty>,)
        }
    });
    quote! {
        #[derive(::serde::Serialize)]
        struct #name {
            #(#fields)*
        }
    }
}

/// An endpoint's static descriptor. `api_module` is the path from where it is defined to
/// the API module (`super::` in a resource module, nothing in the API module itself).
pub(crate) fn emit_descriptor(api: &Api, endpoint: &Endpoint, api_module: &TokenStream) -> TokenStream {
    let name = ident(&endpoint.names.descriptor);
    let id = &endpoint.id;
    let method = ident(endpoint.method.variant_name());
    let parts = endpoint.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(crate::runtime::PathPart::Literal(#text)),
        PathPart::Param(param) => quote!(crate::runtime::PathPart::Param(#param)),
    });
    let params = endpoint.params.iter().map(|p| {
        let wire = &p.wire_name;
        match (p.location, p.array_style) {
            (ParamLocation::Query, Some(style)) => {
                let style = ident(match style {
                    ArrayStyle::Repeat => "Repeat",
                    ArrayStyle::Comma => "Comma",
                    ArrayStyle::Brackets => "Brackets",
                });
                quote!(crate::runtime::ParamDescriptor::query_array(#wire, crate::runtime::ArrayStyle::#style))
            }
            (location, _) => {
                let constructor = ident(match location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Body => "body",
                    ParamLocation::Header => "header",
                    ParamLocation::Form => "form",
                });
                quote!(crate::runtime::ParamDescriptor::#constructor(#wire))
            }
        }
    });
    let modes = &endpoint.auth_modes;
    let read_only = endpoint.read_only;
    let shape = super::response_shape(Some(endpoint));
    let idempotency = super::opt_str(&endpoint.idempotency_header);
    let pagination = match &endpoint.pagination {
        Some(pagination) => {
            let descriptor = emit_pagination(pagination);
            quote!(::std::option::Option::Some(&#descriptor))
        }
        None => quote!(::std::option::Option::None),
    };
    let action = match &endpoint.action {
        Some(carried) => {
            let action = api.actions.iter().find(|a| a.type_name == carried.action).expect("lowering marks only declared actions");
            let descriptor = ident(&action.descriptor);
            let key = super::opt_str(&carried.key);
            quote!(::std::option::Option::Some(crate::runtime::ActionAt { action: &#api_module #descriptor, key: #key }))
        }
        None => quote!(::std::option::Option::None),
    };
    quote! {
        static #name: crate::runtime::EndpointDescriptor = crate::runtime::EndpointDescriptor {
            api: &#api_module API,
            id: #id,
            method: crate::runtime::HttpMethod::#method,
            path: &[#(#parts),*],
            params: &[#(#params),*],
            auth_modes: &[#(#modes),*],
            read_only: #read_only,
            response: #shape,
            idempotency_header: #idempotency,
            pagination: #pagination,
            action: #action,
        };
    }
}

/// The runtime's `PaginationDescriptor`: the paging parameters and the wire paths of the
/// page's fields.
fn emit_pagination(pagination: &Pagination) -> TokenStream {
    let wire = |path: &Option<FieldPath>| {
        let steps = path.iter().flat_map(|p| p.steps.iter().map(|s| s.wire.as_str()));
        quote!(&[#(#steps),*])
    };
    let style = match &pagination.style {
        PageStyle::Cursor { param, next } => {
            let next = wire(&Some(next.clone()));
            quote!(crate::runtime::PageStyle::Cursor { param: #param, next: #next })
        }
        PageStyle::Number { param, first } => quote!(crate::runtime::PageStyle::Number { param: #param, first: #first }),
    };
    let items = pagination.items.wire.as_str();
    let size = match &pagination.size {
        Some(size) => {
            let param = size.param.as_str();
            let default = match size.default {
                Some(default) => quote!(::std::option::Option::Some(#default)),
                None => quote!(::std::option::Option::None),
            };
            quote!(::std::option::Option::Some((#param, #default)))
        }
        None => quote!(::std::option::Option::None),
    };
    let [has_more, total_items, total_pages, current_page] =
        [&pagination.has_more, &pagination.total_items, &pagination.total_pages, &pagination.current_page].map(wire);
    quote! {
        crate::runtime::PaginationDescriptor {
            style: #style,
            items: #items,
            size: #size,
            has_more: #has_more,
            total_items: #total_items,
            total_pages: #total_pages,
            current_page: #current_page,
        }
    }
}

/// Whether the group's enum has `From<T>` for this alternative: a single id-typed
/// parameter whose type no other alternative uses, so `get(AccessCodeId::new(…))` reads
/// naturally and cannot be ambiguous. Examples pass such values bare.
pub(crate) fn converts_into_group(api: &Api, endpoint: &Endpoint, group: &OneOf, alternative: &crate::ir::Alternative) -> bool {
    let [only] = alternative.params.as_slice() else { return false };
    let param = &endpoint.params[*only];
    let TypeRef::Named(type_name) = &param.ty else { return false };
    matches!(api.type_def(type_name), Some(TypeDef::Id(_)))
        && group.alternatives.iter().filter(|a| matches!(a.params.as_slice(), [i] if endpoint.params[*i].ty == param.ty)).count() == 1
}

fn emit_one_of(api: &Api, endpoint: &Endpoint, group: &OneOf) -> TokenStream {
    let name = ident(&group.name);
    let alternatives_text = group
        .alternatives
        .iter()
        .map(|a| a.params.iter().map(|i| format!("`{}`", endpoint.params[*i].wire_name)).collect::<Vec<_>>().join(" and "))
        .collect::<Vec<_>>()
        .join(", or ");
    let docs =
        doc(&format!("{}\n\nExactly one of: {alternatives_text}. An enum, so giving two at once does not compile.", super::desc(&group.description)));
    let variants = group.alternatives.iter().map(|alt| {
        let variant = ident(&alt.variant);
        if let [only] = alt.params.as_slice() {
            let param = &endpoint.params[*only];
            let ty = rust_type(api, &param.ty);
            let docs = doc(&format!("By `{}`: {}", param.wire_name, super::desc(&param.description)));
            quote!(#docs #variant(#ty),)
        } else {
            let fields = alt.params.iter().map(|i| {
                let param = &endpoint.params[*i];
                let field = ident(&param.rust_name);
                let ty = rust_type(api, &param.ty);
                let docs = doc(&super::desc(&param.description));
                quote!(#docs #field: #ty,)
            });
            let names = alt.params.iter().map(|i| format!("`{}`", endpoint.params[*i].wire_name)).collect::<Vec<_>>().join(" and ");
            let docs = doc(&format!("By {names}."));
            quote!(#docs #variant { #(#fields)* },)
        }
    });
    let conversions = group.alternatives.iter().filter(|alt| converts_into_group(api, endpoint, group, alt)).map(|alt| {
        let param = &endpoint.params[alt.params[0]];
        let ty = rust_type(api, &param.ty);
        let variant = ident(&alt.variant);
        quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(value)
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
        #(#conversions)*
    }
}

fn method_doc(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let mut paragraphs = vec![format!("{}.", super::desc(endpoint.title.trim_end_matches('.'))), super::desc(&endpoint.description)];
    if let Some(label) = endpoint.stability.banner() {
        let note = endpoint.stability_note.as_deref().map(super::desc).unwrap_or_else(|| "Expect breaking changes.".to_owned());
        paragraphs.push(format!("**{label}.** {note}"));
    }
    let alternates = if endpoint.alternate_methods.is_empty() {
        String::new()
    } else {
        format!(
            " (the API also documents {} for this path)",
            endpoint.alternate_methods.iter().map(|m| format!("`{}`", m.as_str())).collect::<Vec<_>>().join(", ")
        )
    };
    let retry =
        if endpoint.is_retryable() { "Read-only: retried on connection errors, timeouts, 429 and 5xx." } else { "Not retried: it may change state." };
    paragraphs.push(format!("`{} {}`{alternates}. {retry}", endpoint.method.as_str(), endpoint.path));
    let modes =
        endpoint.auth_modes.iter().map(|m| format!("[`{}::{m}`](super::{}::{m})", api.auth_name, api.auth_name)).collect::<Vec<_>>().join(", ");
    paragraphs.push(format!("Accepted auth modes: {modes}."));
    if let Some(role) = &endpoint.required_role {
        paragraphs.push(format!("The caller must hold the `{role}` role."));
    }
    let arguments: Vec<String> = endpoint
        .params
        .iter()
        .filter(|p| p.required)
        // One line per item: a continuation line would need indenting (clippy's doc_lazy_continuation).
        .map(|p| format!("- `{}`: {}", p.rust_name, one_line(&super::desc(&p.description))))
        .chain(endpoint.one_of.iter().map(|g| format!("- `{}` ([`{}`]): {}", g.arg_name, g.name, one_line(&super::desc(&g.description)))))
        .collect();
    if !arguments.is_empty() {
        paragraphs.push(format!("# Arguments\n\n{}", arguments.join("\n")));
    }
    let statuses = endpoint.responses.iter().filter(|r| r.status >= 400).map(|r| r.status.to_string()).collect::<Vec<_>>();
    let documented = if statuses.is_empty() { String::new() } else { format!(" The API documents {} responses.", statuses.join(", ")) };
    paragraphs.push(format!(
        "# Errors\n\nAwaiting the call gives [`crate::Error`]: the API's error (with status and request id), an undecodable body, a timeout or a connection failure.{documented}"
    ));
    paragraphs.push(format!("# Example\n\n```no_run\n{}```", super::example_source(api, endpoint)));
    doc(&paragraphs.join("\n\n"))
}

fn emit_method(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let fn_name = ident(&endpoint.names.method);
    let params_struct = ident(&endpoint.names.params);
    let response = super::response_type(api, endpoint);
    let docs = method_doc(api, endpoint);

    let required: Vec<&Param> = endpoint.params.iter().filter(|p| p.required).collect();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            let ty = arg_type(api, &p.ty);
            quote!(#name: #ty)
        })
        .collect();
    let group_args: Vec<_> = endpoint.one_of.iter().map(|g| ident(&g.arg_name)).collect();
    for (group, arg) in endpoint.one_of.iter().zip(&group_args) {
        let ty = ident(&group.name);
        args.push(quote!(#arg: impl ::std::convert::Into<#ty>));
    }
    let inits = endpoint.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if p.required {
            match converted(api, &p.ty, quote!(#name)) {
                Some(value) => quote!(#name: #value),
                // Shorthand where nothing converts: `filter`, not `filter: filter`.
                None => quote!(#name),
            }
        } else {
            quote!(#name: ::std::option::Option::None)
        }
    });
    let selections = endpoint.one_of.iter().zip(&group_args).map(|(group, arg)| {
        let ty = ident(&group.name);
        let arms = group.alternatives.iter().map(|alt| {
            let variant = ident(&alt.variant);
            let names: Vec<_> = alt.params.iter().map(|i| ident(&endpoint.params[*i].rust_name)).collect();
            if let [only] = names.as_slice() {
                quote!(#ty::#variant(#only) => { params.#only = ::std::option::Option::Some(#only); })
            } else {
                quote!(#ty::#variant { #(#names),* } => { #( params.#names = ::std::option::Option::Some(#names); )* })
            }
        });
        quote! {
            match #arg.into() {
                #(#arms)*
            }
        }
    });
    let binding = if endpoint.one_of.is_empty() { quote!(let params) } else { quote!(let mut params) };
    let build_params = quote! {
        #binding = #params_struct { #(#inits),* };
        #(#selections)*
    };
    // Required parameters are arguments, never optional setters; many of them is the API's shape.
    let allow_many = (args.len() >= 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    if let Some(request) = &endpoint.names.request {
        let request = ident(request);
        quote! {
            #docs
            #allow_many
            pub fn #fn_name(&self, #(#args),*) -> #request {
                #build_params
                #request { core: self.client.core.clone(), params }
            }
        }
    } else {
        let descriptor = ident(&endpoint.names.descriptor);
        quote! {
            #docs
            #allow_many
            pub fn #fn_name(&self, #(#args),*) -> crate::Call<#response> {
                #build_params
                crate::runtime::Call::new(&self.client.core, &#descriptor, params)
            }
        }
    }
}

/// For endpoints with optional parameters: a builder with one setter per parameter.
fn emit_request_builder(api: &Api, endpoint: &Endpoint, request: &str) -> TokenStream {
    let request = ident(request);
    let params_struct = ident(&endpoint.names.params);
    let descriptor = ident(&endpoint.names.descriptor);
    let response = super::response_type(api, endpoint);
    let paging = endpoint.pagination.as_ref().map(|pagination| emit_paging_methods(pagination, &response));
    let wait = endpoint.action.as_ref().map(|carried| emit_wait_method(carried, &response));
    let what = if endpoint.optional_params().next().is_some() { "set optional parameters, then " } else { "" };
    let waiting = if endpoint.action.is_some() { ", or `.wait()` for the action it starts to finish" } else { "" };
    let docs =
        doc(&format!("A prepared `{}` request: {what}`.await` it{waiting} (or turn it into a [`crate::Call`] to set a timeout).", endpoint.id));
    let setters = endpoint.optional_params().map(|p| {
        let name = ident(&p.rust_name);
        let docs = doc(&setter_doc(p));
        let deprecated = p.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        if p.nullable {
            // `None` sends `null`; not calling the setter sends nothing.
            let ty = rust_type(api, &p.ty);
            return quote! {
                #docs
                #deprecated
                pub fn #name(mut self, #name: ::std::option::Option<#ty>) -> Self {
                    self.params.#name = ::std::option::Option::Some(#name);
                    self
                }
            };
        }
        let ty = arg_type(api, &p.ty);
        let value = converted(api, &p.ty, quote!(#name)).unwrap_or_else(|| quote!(#name));
        quote! {
            #docs
            #deprecated
            pub fn #name(mut self, #name: #ty) -> Self {
                self.params.#name = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let id = &endpoint.id;
    quote! {
        #docs
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #request {
            core: crate::runtime::ClientCore,
            params: #params_struct,
        }

        // Parameters can be secrets: `Debug` names the request only, like `Call`'s.
        impl ::std::fmt::Debug for #request {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#request)).field("endpoint", &#id).finish_non_exhaustive()
            }
        }

        impl #request {
            #(#setters)*

            /// The request as a [`crate::Call`], to set per-request options before awaiting it.
            pub fn into_call(self) -> crate::Call<#response> {
                crate::runtime::Call::new(&self.core, &#descriptor, self.params)
            }

            #paging
            #wait
        }

        impl ::std::future::IntoFuture for #request {
            type Output = ::std::result::Result<#response, crate::Error>;
            type IntoFuture = <crate::Call<#response> as ::std::future::IntoFuture>::IntoFuture;

            fn into_future(self) -> Self::IntoFuture {
                self.into_call().into_future()
            }
        }
    }
}

/// A setter's docs: the parameter's description, what `None` sends for a nullable one, the
/// API's default, and why it is deprecated.
fn setter_doc(p: &Param) -> String {
    let mut paragraphs = vec![super::desc(&p.description)];
    if p.nullable {
        paragraphs.push(format!("`None` sends `\"{}\": null` (to clear it); leaving the setter out sends nothing.", p.wire_name));
    }
    if let Some(default) = &p.default {
        paragraphs.push(format!("Default (the API's, when it is left out): `{default}`."));
    }
    if let Some(note) = &p.deprecated {
        paragraphs.push(format!("**Deprecated.** {}", super::desc(note)));
    }
    paragraphs.join("\n\n")
}

/// The request builder of a call that carries an action: waiting for it to finish.
fn emit_wait_method(carried: &EndpointAction, response: &TokenStream) -> TokenStream {
    let what = match &carried.key {
        Some(key) => format!("the response with its `{key}` finished"),
        None => "the finished action".to_owned(),
    };
    let docs = doc(&format!(
        "Sends the request, then polls the asynchronous action it starts (`{}`) until it finishes: gives {what}, \
         [`crate::Error::ActionFailed`] when it fails, or [`crate::Error::ActionTimeout`] after the wait's timeout (10 s unless set, \
         see [`crate::Wait`]). Awaiting the request without `wait` gives the action as the API first answers it.",
        carried.action
    ));
    quote! {
        #docs
        pub fn wait(self) -> crate::Wait<#response> {
            crate::runtime::Wait::new(self.into_call())
        }
    }
}

/// A list's request builder: its pages and items as streams, and resuming.
fn emit_paging_methods(pagination: &Pagination, page: &TokenStream) -> TokenStream {
    let items_doc = doc(&format!(
        "Every item of the list (each a `{}`), page after page, each page fetched only when the items before it are taken.",
        pagination.item_type.spec_name()
    ));
    quote! {
        /// Every page of the list, fetched one at a time as the stream is polled, with these
        /// parameters (the filters) on every request.
        pub fn pages(self) -> crate::Pages<#page> {
            self.into_call().pages()
        }

        #items_doc
        pub fn items(self) -> crate::Items<#page> {
            self.into_call().items()
        }

        /// Starts at a position saved from [`crate::Pages::next_position`] instead of the first page.
        pub fn resume_at(self, position: crate::PagePosition) -> crate::Call<#page> {
            self.into_call().resume_at(position)
        }
    }
}

/// `src/<api>/<resource>.rs`.
pub fn emit_resource_module(api: &Api, resource: &Resource) -> TokenStream {
    let handler = ident(&resource.handler_name);
    let client = ident(&api.client_name);
    let module_doc = format!(" Operations on `{}`.", resource.name);
    let handler_doc = doc(&format!(
        "Operations on `{}`; get one from [`{}::{}`](super::{}::{}).",
        resource.name, api.client_name, resource.name, api.client_name, resource.name
    ));
    let methods = resource.endpoints.iter().map(|e| emit_method(api, e));
    let per_endpoint = resource.endpoints.iter().map(|e| {
        let params = emit_params_struct(api, e);
        let descriptor = if api.actions.iter().any(|a| a.poll == e.id) {
            // Defined in the API module: the resources waiting on the action it reads need
            // it whether or not this resource is compiled.
            let name = ident(&e.names.descriptor);
            quote!(use super::#name;)
        } else {
            emit_descriptor(api, e, &quote!(super::))
        };
        let groups = e.one_of.iter().map(|g| emit_one_of(api, e, g));
        let builder = e.names.request.as_deref().map(|request| emit_request_builder(api, e, request));
        let mock = super::emit_mock_endpoint(api, e);
        quote!(#(#groups)* #builder #params #descriptor #mock)
    });
    quote! {
        #![doc = #module_doc]

        #handler_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handler<'a> {
            pub(super) client: &'a super::#client,
        }

        impl #handler<'_> {
            #(#methods)*
        }

        #(#per_endpoint)*
    }
}
