//! Usage examples for rustdoc (and the Markdown docs): built as tokens like everything
//! else, printed by prettyplease. Argument values come from the spec's own examples, and
//! from the declared types where the docs give none, so every example compiles.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::CRATE_NAME;
use crate::ir::{Api, Endpoint, Param, TypeDef, TypeRef};
use crate::names::ident;

/// A value for `param` from the endpoint's documented success responses (what the mock
/// server treats as the one id it knows), else from any documented response.
pub(crate) fn documented_success_value<'a>(endpoint: &'a Endpoint, param: &Param) -> Option<&'a Value> {
    let successes = endpoint.responses.iter().filter(|r| (200..300).contains(&r.status));
    successes.filter_map(|r| r.example.as_ref()).find_map(|e| find_scalar(e, &param.wire_name))
}

fn documented_value<'a>(endpoint: &'a Endpoint, param: &Param) -> Option<&'a Value> {
    documented_success_value(endpoint, param)
        .or_else(|| endpoint.responses.iter().filter_map(|r| r.example.as_ref()).find_map(|e| find_scalar(e, &param.wire_name)))
}

fn find_scalar<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null() && !v.is_object() && !v.is_array())
            .map(|(_, v)| v)
            .or_else(|| map.values().find_map(|v| find_scalar(v, key))),
        Value::Array(items) => items.iter().find_map(|v| find_scalar(v, key)),
        _ => None,
    }
}

/// The example value of a parameter as JSON: documented when a response names it and its
/// JSON kind fits the type, otherwise synthesized from the type.
fn param_value(api: &Api, endpoint: &Endpoint, param: &Param) -> Value {
    let synthesized = crate::synth::synthesize(api, &param.ty, &param.wire_name);
    match documented_value(endpoint, param) {
        Some(value) if std::mem::discriminant(value) == std::mem::discriminant(&synthesized) => value.clone(),
        _ => synthesized,
    }
}

/// The parameters an example sends (required ones and the first alternative of each
/// group) with their values as JSON, the same values the Rust example uses.
pub fn example_values(api: &Api, endpoint: &Endpoint) -> Vec<(String, Value)> {
    example_params(endpoint).into_iter().map(|p| (p.wire_name.clone(), param_value(api, endpoint, p))).collect()
}

fn example_params(endpoint: &Endpoint) -> Vec<&Param> {
    let mut params: Vec<&Param> = endpoint.params.iter().filter(|p| p.required).collect();
    for group in &endpoint.one_of {
        if let Some(first) = group.alternatives.first() {
            params.extend(first.params.iter().map(|i| &endpoint.params[*i]));
        }
    }
    params
}

/// A Rust expression of type `ty` (the API module's types imported) for `value`, which
/// is valid for the type by construction.
fn value_expr(api: &Api, ty: &TypeRef, value: &Value) -> TokenStream {
    let text = || match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match ty {
        TypeRef::String | TypeRef::Url | TypeRef::Uuid | TypeRef::Secret => {
            let text = text();
            quote!(#text)
        }
        TypeRef::Integer => {
            let n = Literal::i64_unsuffixed(value.as_i64().unwrap_or(1));
            quote!(#n)
        }
        // A bare literal (arguments take `impl Into<Number>`): an integer stays one.
        TypeRef::Number => match value.as_i64() {
            Some(n) => {
                let n = Literal::i64_unsuffixed(n);
                quote!(#n)
            }
            None => {
                let n = Literal::f64_unsuffixed(value.as_f64().unwrap_or(1.0));
                quote!(#n)
            }
        },
        TypeRef::Boolean => {
            let b = value.as_bool().unwrap_or(true);
            quote!(#b)
        }
        // The member the value's kind picks, as a bare literal (arguments take `impl Into`).
        TypeRef::OneOf(members) => {
            let member = match value {
                Value::String(_) => TypeRef::String,
                Value::Bool(_) => TypeRef::Boolean,
                Value::Number(n) if n.is_i64() && members.contains(&TypeRef::Integer) => TypeRef::Integer,
                _ => TypeRef::Number,
            };
            value_expr(api, &member, value)
        }
        TypeRef::Timestamp => {
            let krate = ident(CRATE_NAME);
            let text = text();
            quote!(#text.parse::<#krate::Timestamp>().expect("a valid timestamp"))
        }
        TypeRef::Json => {
            let json = value.to_string();
            quote!(::serde_json::from_str::<::serde_json::Value>(#json).expect("valid JSON"))
        }
        TypeRef::Array(inner) => {
            let items = value.as_array().cloned().unwrap_or_default();
            let items = items.iter().map(|v| owned_expr(api, inner, v));
            quote!(vec![#(#items),*])
        }
        TypeRef::Map(inner) => {
            let entries = value.as_object().cloned().unwrap_or_default();
            let entries = entries.iter().map(|(key, v)| {
                let v = owned_expr(api, inner, v);
                quote!((#key.to_owned(), #v))
            });
            quote!(::std::collections::BTreeMap::from([#(#entries),*]))
        }
        TypeRef::Named(name) => {
            let ty_ident = ident(name);
            match api.type_def(name) {
                Some(TypeDef::Id(id)) if id.integer => {
                    let n = Literal::i64_unsuffixed(value.as_i64().unwrap_or(1));
                    quote!(#ty_ident::new(#n))
                }
                Some(TypeDef::Id(_)) => {
                    let text = text();
                    quote!(#ty_ident::new(#text))
                }
                Some(TypeDef::Enum(def)) => {
                    let variant =
                        def.values.iter().find(|v| Some(v.value.as_str()) == value.as_str()).or(def.values.first()).map(|v| ident(&v.variant));
                    quote!(#ty_ident::#variant)
                }
                _ => {
                    let json = value.to_string();
                    let expect = format!("a valid {name}");
                    quote!(::serde_json::from_str::<#ty_ident>(#json).expect(#expect))
                }
            }
        }
    }
}

/// Like [`value_expr`], for a place that takes the type itself (a struct field, a `vec!`
/// item) rather than an `impl Into<…>` argument.
fn owned_expr(api: &Api, ty: &TypeRef, value: &Value) -> TokenStream {
    let expr = value_expr(api, ty, value);
    match ty {
        TypeRef::String | TypeRef::Url | TypeRef::Uuid => quote!(#expr.to_owned()),
        TypeRef::Secret => quote!(#expr.into()),
        TypeRef::Number => {
            let krate = ident(CRATE_NAME);
            quote!(#krate::Number::from(#expr))
        }
        TypeRef::OneOf(members) => {
            let krate = ident(CRATE_NAME);
            let name = ident(&TypeRef::scalar_union_name(members));
            quote!(#krate::#name::from(#expr))
        }
        _ => expr,
    }
}

/// The names an example uses from the API module.
fn named_types(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_types(inner, out),
        TypeRef::Named(name) => out.push(name.clone()),
        _ => {}
    }
}

/// The types an example must import from the API module: only what the call names.
pub(crate) fn imports(api: &Api, endpoint: &Endpoint) -> Vec<TokenStream> {
    let mut names = vec![api.client_name.clone(), api.auth_name.clone()];
    for param in example_params(endpoint) {
        named_types(&param.ty, &mut names);
    }
    for group in &endpoint.one_of {
        if group.alternatives.first().is_some_and(|alt| !super::endpoints::converts_into_group(api, endpoint, group, alt)) {
            names.push(group.name.clone());
        }
    }
    names.sort();
    names.dedup();
    names
        .iter()
        .map(|n| {
            let n = ident(n);
            quote!(#n)
        })
        .collect()
}

/// The call expression, e.g. `client.access_codes().get(AccessCodeId::new("…"))`.
pub fn example_call(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let resource = ident(&endpoint.resource);
    let operation = ident(&endpoint.names.method);
    let mut args: Vec<TokenStream> =
        endpoint.params.iter().filter(|p| p.required).map(|p| value_expr(api, &p.ty, &param_value(api, endpoint, p))).collect();
    for group in &endpoint.one_of {
        let Some(first) = group.alternatives.first() else { continue };
        let enum_name = ident(&group.name);
        let variant = ident(&first.variant);
        if let [only] = first.params.as_slice() {
            let param = &endpoint.params[*only];
            let value = param_value(api, endpoint, param);
            if super::endpoints::converts_into_group(api, endpoint, group, first) {
                args.push(value_expr(api, &param.ty, &value));
            } else {
                let value = owned_expr(api, &param.ty, &value);
                args.push(quote!(#enum_name::#variant(#value)));
            }
        } else {
            let fields = first.params.iter().map(|i| {
                let param = &endpoint.params[*i];
                let name = ident(&param.rust_name);
                let value = owned_expr(api, &param.ty, &param_value(api, endpoint, param));
                quote!(#name: #value)
            });
            args.push(quote!(#enum_name::#variant { #(#fields),* }));
        }
    }
    quote!(client.#resource().#operation(#(#args),*))
}

/// A complete, compiling example: build a client, call the endpoint, print the result.
pub fn example_source(api: &Api, endpoint: &Endpoint) -> String {
    let krate = ident(CRATE_NAME);
    let module = ident(&api.name);
    let client = ident(&api.client_name);
    let auth = ident(&api.auth_name);
    let imports = imports(api, endpoint);
    let mode = endpoint.auth_modes.first().and_then(|m| api.auth_modes.iter().find(|mode| &mode.name == m));
    let auth_args = mode
        .map(|mode| {
            mode.credentials
                .iter()
                .map(|c| {
                    let placeholder = format!("YOUR_{}", c.name.to_uppercase());
                    quote!(#placeholder)
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let constructor = ident(mode.map(|m| m.name.as_str()).unwrap_or("new"));
    let call = example_call(api, endpoint);
    // Named after the response type when that is a plain identifier (format strings cannot
    // take `r#match`).
    let name = match endpoint.response_type() {
        Some(TypeRef::Named(name)) if endpoint.pagination.is_some() => format!("{}_page", crate::names::snake(&endpoint.resource)),
        Some(ty @ TypeRef::Named(_)) => crate::names::snake(&ty.spec_name()),
        _ => "result".to_owned(),
    };
    let name = if crate::names::is_plain_ident(&name) { name } else { "result".to_owned() };
    let result = ident(&name);
    let function = ident(&format!("{}_{}", endpoint.operation, endpoint.resource));
    let print = format!("{{{result}:?}}");
    let call_and_print = match endpoint.response_type() {
        Some(_) => quote! {
            let #result = #call.await?;
            println!(#print);
        },
        None => quote!(#call.await?;),
    };
    let tokens = quote! {
        use #krate::#module::{#(#imports),*};

        async fn #function() -> Result<(), #krate::Error> {
            let client = #client::new(#auth::#constructor(#(#auth_args),*))?;
            #call_and_print
            Ok(())
        }
    };
    crate::file::format_tokens(tokens).unwrap_or_default()
}

/// A doc-test snippet from a function built as tokens and printed by prettyplease like
/// every example: the reader sees its body (a blank line after the imports), while its
/// signature and the final `Ok(())` are hidden (`# `) lines that make it compile.
pub(crate) fn doctest(function: TokenStream) -> String {
    let printed = crate::file::format_tokens(function).unwrap_or_default();
    let lines: Vec<&str> = printed.lines().collect();
    let [signature, body @ .., ok, close] = lines.as_slice() else { return printed };
    let mut out = format!("# {signature}\n");
    for (index, line) in body.iter().enumerate() {
        let line = line.strip_prefix("    ").unwrap_or(line);
        out.push_str(line);
        out.push('\n');
        let next_is_import = body.get(index + 1).is_some_and(|next| next.trim_start().starts_with("use "));
        if line.starts_with("use ") && !next_is_import {
            out.push('\n');
        }
    }
    out.push_str(&format!("# {} {close}\n", ok.trim()));
    out
}

/// `examples/quickstart.rs`: every endpoint of every API called against its mock server,
/// printing what came back. Needs no credentials and no network.
pub fn quickstart(apis: &[Api]) -> TokenStream {
    let krate = ident(CRATE_NAME);
    let blocks = apis.iter().map(|api| {
        let module = ident(&api.name);
        let client = ident(&api.client_name);
        let auth = ident(&api.auth_name);
        let mode = api.auth_modes.first();
        let constructor = ident(mode.map(|m| m.name.as_str()).unwrap_or("new"));
        let args = mode.map(|m| m.credentials.iter().map(|c| format!("test-{}", c.name.replace('_', "-"))).collect::<Vec<_>>()).unwrap_or_default();
        let calls = api.endpoints().map(|endpoint| {
            let call = example_call(api, endpoint);
            let line = format!("{} {}: {{result:#?}}", api.name, endpoint.id);
            let imports = imports(api, endpoint);
            let cfg = super::resource_cfg(api, &endpoint.resource);
            // A call that gives `()` is not bound to a name (clippy's `let_unit_value`).
            let call_and_print = match endpoint.response_type() {
                Some(_) => quote! {
                    let result = #call.await?;
                    println!(#line);
                },
                None => {
                    let line = format!("{} {}: done", api.name, endpoint.id);
                    quote! {
                        #call.await?;
                        println!(#line);
                    }
                }
            };
            quote! {
                #cfg
                {
                    #[allow(unused_imports)]
                    use #krate::#module::{#(#imports),*};
                    #call_and_print
                }
            }
        });
        let title = format!("--- {} (mock at {{}})", api.title);
        let cfg = super::api_cfg(api);
        quote! {
            #cfg
            {
                let mock = #krate::#module::mock_server().await?;
                println!(#title, mock.url());
                let client = #krate::#module::#client::builder(#krate::#module::#auth::#constructor(#(#args),*))
                    .base_url(mock.url())
                    .build()?;
                #(#calls)*
            }
        }
    });
    quote! {
        //! Calls every endpoint through the generated client against the spec-driven mock
        //! server and prints what came back: the way to see the client work without credentials.
        //!
        //! `cargo run -p keyway --example quickstart --features mock`

        #[tokio::main]
        async fn main() -> Result<(), #krate::Error> {
            #(#blocks)*
            Ok(())
        }
    }
}
