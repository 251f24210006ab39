//! Usage examples for rustdoc (and the Markdown docs): built as tokens like everything
//! else, printed by prettyplease. Argument values come from the spec's own examples.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::ir::{Api, Endpoint, Param, TypeDef, TypeRef};
use crate::names::ident;
use crate::CRATE_NAME;

/// A value for `param` taken from the endpoint's documented examples, when one names it.
fn documented_value<'a>(endpoint: &'a Endpoint, param: &Param) -> Option<&'a Value> {
    endpoint.responses.iter().filter_map(|r| r.example.as_ref()).find_map(|e| find_scalar(e, &param.wire_name))
}

/// A value for `param` from the endpoint's documented success responses only (what the
/// mock server treats as the one id it knows).
pub(crate) fn documented_success_value<'a>(endpoint: &'a Endpoint, param: &Param) -> Option<&'a Value> {
    let successes = endpoint.responses.iter().filter(|r| (200..300).contains(&r.status));
    successes.filter_map(|r| r.example.as_ref()).find_map(|e| find_scalar(e, &param.wire_name))
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

/// An expression of the parameter's type.
fn value_expr(api: &Api, endpoint: &Endpoint, param: &Param) -> TokenStream {
    let documented = documented_value(endpoint, param);
    let text = documented
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("your-{}", param.wire_name.replace('_', "-")));
    let integer = documented.and_then(Value::as_i64).unwrap_or(1);
    match &param.ty {
        TypeRef::Integer => quote!(#integer),
        TypeRef::Number => quote!(1.0),
        TypeRef::Boolean => quote!(true),
        TypeRef::Named(name) => match api.type_def(name) {
            Some(TypeDef::Id(id)) => {
                let ty = ident(name);
                if id.integer { quote!(#ty::new(#integer)) } else { quote!(#ty::new(#text)) }
            }
            Some(TypeDef::Enum(def)) => {
                let ty = ident(name);
                let first = def.values.first().map(|v| ident(&v.variant));
                quote!(#ty::#first)
            }
            _ => quote!(::std::default::Default::default()),
        },
        _ => quote!(#text),
    }
}

/// The parameters an example sends (required ones and the first alternative of each
/// group) with their values as JSON, the same values the Rust example uses.
pub fn example_values(api: &Api, endpoint: &Endpoint) -> Vec<(String, Value)> {
    let mut params: Vec<&Param> = endpoint.params.iter().filter(|p| p.required).collect();
    for group in &endpoint.one_of {
        if let Some(first) = group.alternatives.first() {
            params.extend(first.params.iter().map(|i| &endpoint.params[*i]));
        }
    }
    params
        .into_iter()
        .map(|param| {
            let documented = documented_value(endpoint, param).cloned();
            let value = documented.unwrap_or_else(|| match &param.ty {
                TypeRef::Integer => Value::from(1),
                TypeRef::Number => Value::from(1.0),
                TypeRef::Boolean => Value::Bool(true),
                TypeRef::Named(name) => match api.type_def(name) {
                    Some(TypeDef::Id(id)) if id.integer => Value::from(1),
                    Some(TypeDef::Enum(def)) => def.values.first().map(|v| Value::from(v.value.clone())).unwrap_or(Value::Null),
                    _ => Value::from(format!("your-{}", param.wire_name.replace('_', "-"))),
                },
                _ => Value::from(format!("your-{}", param.wire_name.replace('_', "-"))),
            });
            (param.wire_name.clone(), value)
        })
        .collect()
}

/// The types an example must import from the API module: only what the call names.
fn imports(api: &Api, endpoint: &Endpoint) -> Vec<TokenStream> {
    let mut names = vec![api.client_name.clone(), api.auth_name.clone()];
    let mut used: Vec<&Param> = endpoint.params.iter().filter(|p| p.required).collect();
    for group in &endpoint.one_of {
        let Some(first) = group.alternatives.first() else { continue };
        if first.params.len() > 1 {
            names.push(group.name.clone());
        }
        used.extend(first.params.iter().map(|i| &endpoint.params[*i]));
    }
    for param in used {
        if let TypeRef::Named(name) = &param.ty {
            names.push(name.clone());
        }
    }
    names.sort();
    names.dedup();
    names.iter().map(|n| { let n = ident(n); quote!(#n) }).collect()
}

/// The call expression, e.g. `client.access_codes().get(AccessCodeId::new("…"))`.
pub fn example_call(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let resource = ident(&endpoint.resource);
    let operation = ident(&endpoint.operation);
    let mut args: Vec<TokenStream> = endpoint
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| value_expr(api, endpoint, p))
        .collect();
    for group in &endpoint.one_of {
        let Some(first) = group.alternatives.first() else { continue };
        if let [only] = first.params.as_slice() {
            args.push(value_expr(api, endpoint, &endpoint.params[*only]));
        } else {
            let enum_name = ident(&group.name);
            let variant = ident(&first.variant);
            let fields = first.params.iter().map(|i| {
                let param = &endpoint.params[*i];
                let name = ident(&param.rust_name);
                let value = value_expr(api, endpoint, param);
                let value = match param.ty {
                    TypeRef::String | TypeRef::Url | TypeRef::Uuid => quote!(#value.to_owned()),
                    TypeRef::Secret => quote!(#value.into()),
                    _ => value,
                };
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
    let mode = endpoint
        .auth_modes
        .first()
        .and_then(|m| api.auth_modes.iter().find(|mode| &mode.name == m));
    let auth_args = mode.map(|mode| {
        mode.credentials.iter().map(|c| {
            let placeholder = format!("YOUR_{}", c.name.to_uppercase());
            quote!(#placeholder)
        }).collect::<Vec<_>>()
    }).unwrap_or_default();
    let constructor = ident(mode.map(|m| m.name.as_str()).unwrap_or("new"));
    let call = example_call(api, endpoint);
    let result = ident(&crate::names::snake(&endpoint.response.spec_name().replace(['<', '>'], "_")));
    let result = if endpoint.response.spec_name().starts_with("array") { ident("items") } else { result };
    let function = ident(&format!("{}_{}", endpoint.operation, endpoint.resource));
    let print = format!("{{{result}:?}}");
    let tokens = quote! {
        use #krate::#module::{#(#imports),*};

        async fn #function() -> Result<(), #krate::Error> {
            let client = #client::new(#auth::#constructor(#(#auth_args),*))?;
            let #result = #call.await?;
            println!(#print);
            Ok(())
        }
    };
    crate::output::format_tokens(tokens).unwrap_or_default()
}

/// `examples/quickstart.rs`: every endpoint of every API called against its mock server,
/// printing what came back. Needs no credentials and no network.
pub fn quickstart(apis: &[Api]) -> TokenStream {
    let krate = ident(CRATE_NAME);
    let blocks = apis.iter().map(|api| {
        let module = ident(&api.name);
        let client = ident(&api.client_name);
        let auth = ident(&api.auth_name);
        let feature = &api.name;
        let mode = api.auth_modes.first();
        let constructor = ident(mode.map(|m| m.name.as_str()).unwrap_or("new"));
        let args = mode
            .map(|m| m.credentials.iter().map(|c| format!("test-{}", c.name.replace('_', "-"))).collect::<Vec<_>>())
            .unwrap_or_default();
        let calls = api.endpoints().map(|endpoint| {
            let call = example_call(api, endpoint);
            let line = format!("{} {}: {{result:#?}}", api.name, endpoint.id);
            let imports = imports(api, endpoint);
            quote! {
                {
                    #[allow(unused_imports)]
                    use #krate::#module::{#(#imports),*};
                    let result = #call.await?;
                    println!(#line);
                }
            }
        });
        let title = format!("--- {} (mock at {{}})", api.title);
        quote! {
            #[cfg(feature = #feature)]
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
