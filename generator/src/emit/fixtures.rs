//! `keyway::fixtures::<api>`: every fixture as a typed Rust value and its raw JSON, and the
//! per-endpoint tables the mock server serves from.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, rust_type};
use crate::analysis::Analysis;
use crate::fixtures::{EndpointFixture, endpoint_fixtures, fixtures_of, model_fixtures};
use crate::ir::{Api, Endpoint, TypeDef, TypeRef};
use crate::names::{ident, shouty, snake};

fn const_name(fixture: &EndpointFixture) -> String {
    shouty(&format!("{}_{}_json", fixture.endpoint.operation, fixture.status))
}

/// Path of the raw-JSON constant of a fixture, for the mock tables.
pub(crate) fn fixture_const_path(api: &Api, fixture: &EndpointFixture) -> TokenStream {
    let module = ident(&api.name);
    let resource = ident(&fixture.endpoint.resource);
    let name = ident(&const_name(fixture));
    quote!(crate::fixtures::#module::#resource::#name)
}

fn compact(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `src/fixtures/<api>.rs`.
pub fn emit_fixtures_module(analysis: &Analysis<'_>) -> TokenStream {
    let api = analysis.api;
    let module_doc = format!(
        " Fixtures of the {} API: each documented response (or one synthesized from the declared types where the docs give none), as the typed value and the raw JSON.",
        api.title
    );
    let mut by_resource: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    let mut checks: Vec<TokenStream> = Vec::new();
    for fixture in endpoint_fixtures(api) {
        let endpoint = fixture.endpoint;
        let success = (200..300).contains(&fixture.status);
        let ty = if success { super::response_type(api, endpoint) } else { quote!(::serde_json::Value) };
        let shape = super::response_shape(success.then_some(endpoint));
        let fn_name = ident(&format!("{}_{}", endpoint.operation, fixture.status));
        let const_ident = ident(&const_name(&fixture));
        let origin = if fixture.synthesized { "synthesized from the declared types (the docs give no example)" } else { "as documented" };
        let fn_doc = doc(&format!(
            "The `{}` response of `{}` ({}), {origin}.{}",
            fixture.status,
            endpoint.id,
            super::desc(fixture.description),
            if success { "" } else { " Its value is the whole error body." }
        ));
        let const_doc = doc(&format!("The raw JSON body of [`{fn_name}`]."));
        let status = fixture.status;
        let body = compact(&fixture.body);
        let check_name = format!("{}.{}", endpoint.id, fixture.status);
        let resource_module = ident(&endpoint.resource);
        let cfg = super::resource_cfg(api, &endpoint.resource);
        checks.push(quote! {
            #cfg (#check_name, (|| #resource_module::#fn_name().round_trip()) as RoundTrip)
        });
        by_resource.entry(endpoint.resource.as_str()).or_default().push(quote! {
            #const_doc
            pub const #const_ident: &str = #body;

            #fn_doc
            pub fn #fn_name() -> crate::Fixture<#ty> {
                crate::Fixture::new(#status, #const_ident, #shape)
            }
        });
    }
    let resources = by_resource.into_iter().map(|(resource, items)| {
        let module = ident(resource);
        let docs = doc(&format!("Fixtures of `{resource}` endpoints."));
        let cfg = super::resource_cfg(api, resource);
        quote! {
            #docs
            #cfg
            pub mod #module {
                #(#items)*
            }
        }
    });
    // After the endpoints' checks, so `round_trips` lists endpoints first.
    let models = model_fixture_fns(analysis, &mut checks);
    let calls = emit_endpoint_calls(api);
    quote! {
        #![doc = #module_doc]

        #(#resources)*

        /// Example values of the declared models, outside any envelope.
        pub mod models {
            #(#models)*
        }

        /// Decodes a fixture into its type and encodes it again: `(documented, re-encoded)`.
        pub type RoundTrip = fn() -> ::std::result::Result<(::serde_json::Value, ::serde_json::Value), crate::Error>;

        /// Every fixture of this API by name (`access_codes.get.200`, `models.AccessCode.0`),
        /// with its round trip, so a test can check them all without naming their types.
        pub fn round_trips() -> ::std::vec::Vec<(&'static str, RoundTrip)> {
            ::std::vec::Vec::from([#(#checks),*])
        }

        #calls
    }
}

/// `endpoint_calls()` of `src/fixtures/<api>.rs`: for every endpoint, a call through the typed
/// client with the example's argument values (the ids the mock knows), its fixtures, and
/// the success the mock serves when the docs give it, so the crate's tests can call every
/// endpoint without naming one. Behind `mock`, hidden: default builds compile none of it.
fn emit_endpoint_calls(api: &Api) -> TokenStream {
    let module = ident(&api.name);
    let entries = api.endpoints().map(|endpoint| {
        let cfg = super::resource_cfg(api, &endpoint.resource);
        let id = endpoint.id.as_str();
        let api_name = api.name.as_str();
        let resource = ident(&endpoint.resource);
        let client = ident(&api.client_name);
        let auth = ident(&api.auth_name);
        let imports = super::example::imports(api, endpoint);
        // The endpoint's first auth mode, as its rustdoc example uses.
        let mode = endpoint.auth_modes.first().and_then(|m| api.auth_modes.iter().find(|mode| &mode.name == m)).or(api.auth_modes.first());
        let constructor = ident(mode.map(|m| m.name.as_str()).unwrap_or("new"));
        let credentials = mode.into_iter().flat_map(|m| &m.credentials).map(|c| format!("test-{}", c.name.replace('_', "-")));
        let call = super::example::example_call(api, endpoint);
        let fixtures = fixtures_of(api, endpoint);
        let cases = fixtures.iter().map(|fixture| {
            let status = fixture.status;
            let path = fixture_const_path(api, fixture);
            let fn_name = ident(&format!("{}_{}", endpoint.operation, fixture.status));
            quote!((#status, #path, (|| #resource::#fn_name().round_trip()) as RoundTrip))
        });
        // What the mock serves: the lowest 2xx, and only when the docs give its body.
        let served = fixtures.iter().filter(|f| (200..300).contains(&f.status)).min_by_key(|f| f.status);
        let success = match served {
            Some(fixture) if !fixture.synthesized => {
                let fn_name = ident(&format!("{}_{}", endpoint.operation, fixture.status));
                quote!(::std::option::Option::Some((|| #resource::#fn_name().round_trip()) as RoundTrip))
            }
            _ => quote!(::std::option::Option::None),
        };
        let items = super::opt_str(&endpoint.pagination.as_ref().map(|p| p.items.wire.clone()));
        // A call that starts an action (not the read that polls it): the mock gives the action
        // a fresh id and its first status.
        let started = endpoint.action.as_ref().and_then(|carried| {
            let action = api.actions.iter().find(|a| a.type_name == carried.action && a.poll != endpoint.id)?;
            let key = super::opt_str(&carried.key);
            let (id, status) = (&action.id, &action.status);
            Some(quote!(::std::option::Option::Some((#key, &[#(#id),*], &[#(#status),*]))))
        });
        let started = started.unwrap_or_else(|| quote!(::std::option::Option::None));
        // A call that gives `()` is not bound to a name (clippy's `let_unit_value`).
        let decoded = match endpoint.response_type() {
            Some(_) => quote! {
                let value = #call.await?;
                crate::fixtures::to_json(&value)
            },
            None => quote! {
                #call.await?;
                crate::fixtures::to_json(&())
            },
        };
        quote! {
            #cfg
            {
                fn call(mock: &crate::mock::MockServer) -> crate::fixtures::CallFuture<'_, ::serde_json::Value> {
                    ::std::boxed::Box::pin(async move {
                        // `keyway::Timestamp` in argument values names this crate.
                        #[allow(unused_imports)]
                        use crate as keyway;
                        #[allow(unused_imports)]
                        use crate::#module::{#(#imports),*};
                        // One attempt: what the client decodes is what the mock answered.
                        let client = #client::builder(#auth::#constructor(#(#credentials),*)).base_url(mock.url()).max_retries(0).build()?;
                        #decoded
                    })
                }
                crate::fixtures::EndpointCall {
                    api: #api_name,
                    endpoint: #id,
                    mock_server,
                    call,
                    items: #items,
                    started_action: #started,
                    success: #success,
                    fixtures: ::std::vec::Vec::from([#(#cases),*]),
                }
            }
        }
    });
    quote! {
        /// Every endpoint of this API called through its typed client against its mock
        /// server, for this crate's own tests. Not part of the API: no semver promise.
        #[doc(hidden)]
        #[cfg(feature = "mock")]
        pub fn endpoint_calls() -> ::std::vec::Vec<crate::fixtures::EndpointCall> {
            fn mock_server() -> crate::fixtures::CallFuture<'static, crate::mock::MockServer> {
                ::std::boxed::Box::pin(crate::#module::mock_server())
            }
            ::std::vec::Vec::from([#(#entries),*])
        }
    }
}

/// One function per model fixture (for `pub mod models`), each gated like its model; their
/// round-trip checks are pushed onto `checks`.
fn model_fixture_fns(analysis: &Analysis<'_>, checks: &mut Vec<TokenStream>) -> Vec<TokenStream> {
    let api = analysis.api;
    model_fixtures(api)
        .into_iter()
        .map(|fixture| {
            let cfg = analysis.type_use.cfg(&fixture.model.name);
            let ty = rust_type(api, &TypeRef::Named(fixture.model.name.clone()));
            let suffix = if fixture.index == 0 { String::new() } else { format!("_{}", fixture.index) };
            let fn_name = ident(&format!("{}{suffix}", snake(&fixture.model.name)));
            let origin = if fixture.synthesized { "synthesized from its declared fields" } else { "from the docs" };
            let fn_doc = doc(&format!("An example [`{}`]({ty}), {origin}.", fixture.model.name, ty = ty.to_string().replace(' ', "")));
            let body = compact(&fixture.body);
            let check_name = format!("models.{}.{}", fixture.model.name, fixture.index);
            checks.push(quote! {
                #cfg (#check_name, (|| models::#fn_name().round_trip()) as RoundTrip)
            });
            quote! {
                #fn_doc
                #cfg
                pub fn #fn_name() -> crate::Fixture<#ty> {
                    crate::Fixture::new(200, #body, crate::runtime::ResponseShape::Body)
                }
            }
        })
        .collect()
}

/// The mock table of one endpoint (in its resource module).
pub(crate) fn emit_mock_endpoint(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.names.mock);
    let descriptor = ident(&endpoint.names.descriptor);
    let required = endpoint.params.iter().filter(|p| p.required).map(|p| p.wire_name.as_str());
    let groups = endpoint.one_of.iter().map(|group| {
        let alternatives = group.alternatives.iter().map(|alt| {
            let names = alt.params.iter().map(|i| endpoint.params[*i].wire_name.as_str());
            quote!(&[#(#names),*])
        });
        quote!(&[#(#alternatives),*])
    });
    let fixtures: Vec<EndpointFixture> = fixtures_of(api, endpoint);
    let mut ordered: Vec<&EndpointFixture> = fixtures.iter().collect();
    ordered.sort_by_key(|f| (!(200..300).contains(&f.status), f.status));
    let responses = ordered.iter().map(|f| {
        let status = f.status;
        let path = fixture_const_path(api, f);
        quote!((#status, #path))
    });
    let known_ids = endpoint.params.iter().filter_map(|param| {
        let TypeRef::Named(name) = &param.ty else { return None };
        if !matches!(api.type_def(name), Some(TypeDef::Id(_))) {
            return None;
        }
        let value = super::example::documented_success_value(endpoint, param)?;
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let wire = param.wire_name.as_str();
        Some(quote!((#wire, #text)))
    });
    quote! {
        #[cfg(feature = "mock")]
        pub(super) static #name: crate::runtime::MockEndpoint = crate::runtime::MockEndpoint {
            endpoint: &#descriptor,
            required: &[#(#required),*],
            one_of: &[#(#groups),*],
            responses: &[#(#responses),*],
            known_ids: &[#(#known_ids),*],
        };
    }
}

/// The API's mock table and `mock_server()` (in the API module).
pub(crate) fn emit_mock_api(api: &Api) -> TokenStream {
    let endpoints = api.endpoints().map(|e| {
        let module = ident(&e.resource);
        let name = ident(&e.names.mock);
        let cfg = super::resource_cfg(api, &e.resource);
        quote!(#cfg &#module::#name)
    });
    // Inline rather than a fixture constant: the resource it comes from may be turned off.
    let template = super::opt_str(&endpoint_fixtures(api).iter().find(|f| f.status >= 400 && !f.synthesized).map(|f| compact(&f.body)));
    let (client, auth, krate, module) = (ident(&api.client_name), ident(&api.auth_name), ident(crate::CRATE_NAME), ident(&api.name));
    let first_mode = api.auth_modes.first();
    let mode = ident(first_mode.map(|m| m.name.as_str()).unwrap_or("new"));
    let args = first_mode.into_iter().flat_map(|m| &m.credentials).map(|c| format!("test-{}", c.name.replace('_', "-")));
    let snippet = super::example::doctest(quote! {
        async fn run() -> Result<(), #krate::Error> {
            let mock = #krate::#module::mock_server().await?;
            let client = #krate::#module::#client::builder(#krate::#module::#auth::#mode(#(#args),*)).base_url(mock.url()).build()?;
            Ok(())
        }
    });
    let docs = doc(&format!(
        "Starts a mock of the {} API on 127.0.0.1 (an ephemeral port) that serves every endpoint from the fixtures and checks requests as the API would: auth headers, required parameters, one-of groups, content type, unknown ids. Stops when dropped.\n\n# Errors\n[`crate::Error::Config`] if it cannot bind a port.\n\n```no_run\n{snippet}```",
        api.title,
    ));
    quote! {
        #[cfg(feature = "mock")]
        static MOCK: crate::runtime::MockApi = crate::runtime::MockApi {
            api: &API,
            endpoints: &[#(#endpoints),*],
            error_template: #template,
        };

        #docs
        #[cfg(feature = "mock")]
        pub async fn mock_server() -> ::std::result::Result<crate::mock::MockServer, crate::Error> {
            crate::mock::MockServer::start(&MOCK).await
        }
    }
}
