//! The roots of the generated crates: `keyway`'s `src/lib.rs` and `src/fixtures/mod.rs`, and
//! each types crate's `src/lib.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{api_cfg, cfg_any};
use crate::CRATE_NAME;
use crate::analysis::Context;
use crate::ir::Api;
use crate::names::ident;

/// `src/lib.rs` of `keyway`: the crate docs, the runtime's re-exports, the types crates and
/// one module per API.
pub(crate) fn emit_crate_root(cx: &Context<'_>) -> TokenStream {
    let apis = cx.apis;
    let doc_lines = crate_doc(apis);
    let modules = apis.iter().map(|api| {
        let module = ident(&api.name);
        let cfg = api_cfg(api);
        let docs = format!("The {} API.", api.title);
        quote! {
            #cfg
            #[doc = #docs]
            pub mod #module;
        }
    });
    // Each API module re-exports its types from `crate::<types crate>`.
    let type_crate_uses = cx.analyses.iter().flat_map(|a| &a.type_crates).map(|krate| {
        let cfg = cfg_any(krate.features.clone());
        let name = ident(&krate.rust_name());
        quote! {
            #cfg
            use ::#name;
        }
    });
    quote! {
        #doc_lines
        #![deny(missing_docs)]
        #![cfg_attr(docsrs, feature(doc_cfg))]

        // The runtime is its own crate (built once, shared with the types crates); generated
        // code names it `crate::runtime`.
        use ::keyway_runtime as runtime;

        #[doc(inline)]
        pub use runtime::{
            ActionFailure, ApiError, Call, ClientBuilder, Error, Items, Nullable, Number, Page, PagePosition, Pages, ParseTimestampError, PropertyError, Response, Secret, Timestamp, TokenSource, Wait,
            BooleanOrInteger, BooleanOrNumber, StringOrBoolean, StringOrBooleanOrInteger, StringOrBooleanOrNumber, StringOrInteger, StringOrNumber,
        };

        #[cfg(feature = "fixtures")]
        #[doc(inline)]
        pub use runtime::Fixture;

        /// The runtime's descriptor types, for this crate's own tests of behaviour no spec
        /// exercises (an endpoint that is not read-only, a restricted auth mode, a list that
        /// pages oddly). Not part of the API: no semver promise.
        #[doc(hidden)]
        pub mod __private {
            pub use crate::runtime::{
                ActionAt, ActionDescriptor, ApiDescriptor, ArrayStyle, AuthModeDescriptor, ClientCore, CredentialDescriptor, CredentialValue, Credentials,
                EndpointDescriptor, ErrorFormat, FromCore, HeaderTemplate, HttpMethod, PageStyle, PaginationDescriptor,
                ParamDescriptor, ParamLocation, PathPart, ResponseShape, WriteEnvelope,
            };
            #[cfg(feature = "mock")]
            pub use crate::runtime::{MockApi, MockEndpoint};
        }

        #[cfg(feature = "fixtures")]
        pub mod fixtures;

        /// A spec-driven mock server for tests: start one with `<api>::mock_server()`.
        #[cfg(feature = "mock")]
        pub mod mock {
            #[doc(inline)]
            pub use crate::runtime::{MockActions, MockRequest, MockRule, MockServer};
        }

        #(#type_crate_uses)*

        #(#modules)*
    }
}

/// The crate's docs, as inner doc attributes: what it is and one line per API.
fn crate_doc(apis: &[Api]) -> TokenStream {
    let mut crate_doc = vec![
        format!("# {CRATE_NAME}"),
        "Typed async clients generated from hand-written endpoint specs. Each API is a module behind a cargo feature of the same name (all on by default).".to_owned(),
    ];
    let list =
        apis.iter().map(|api| format!("- [`{}`]: {} — [`{}::{}`]", api.name, api.title, api.name, api.client_name)).collect::<Vec<_>>().join("\n");
    crate_doc.push(list);
    crate_doc.push("Every call returns [`Result<T, Error>`](Error): API errors carry the status and request id; transport problems, timeouts and undecodable bodies are typed too, never panics.".to_owned());
    let crate_doc = crate_doc.join("\n\n");
    let lines = crate_doc.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// `src/fixtures/mod.rs`: one module per API.
pub(crate) fn emit_fixtures_root(apis: &[Api]) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let module = ident(&api.name);
        let cfg = api_cfg(api);
        let docs = format!("Fixtures of the {} API.", api.title);
        quote! {
            #cfg
            #[doc = #docs]
            pub mod #module;
        }
    });
    let calls = apis.iter().map(|api| {
        let module = ident(&api.name);
        let cfg = api_cfg(api);
        quote! {
            #cfg
            calls.extend(#module::endpoint_calls());
        }
    });
    // Some API is enabled: only then is anything called.
    let any_api: Vec<String> = apis.iter().flat_map(|api| api.resources.iter().map(|r| super::resource_feature(api, &r.name))).collect();
    let round_trips = apis.iter().map(|api| {
        let module = ident(&api.name);
        let name = api.name.as_str();
        let cfg = api_cfg(api);
        quote!(#cfg (#name, #module::round_trips()))
    });
    quote! {
        //! Every documented response and model example as a typed value and its raw JSON, so
        //! downstream tests can start from what the vendor's docs show. The same data, as
        //! files, is in the crate's `fixtures/` folder; the mock server serves it.
        #(#modules)*

        /// Every API's `round_trips()`, by API name, for this crate's tests of every fixture.
        /// Not part of the API: no semver promise.
        #[doc(hidden)]
        pub fn round_trips() -> ::std::vec::Vec<(&'static str, ::std::vec::Vec<(&'static str, RoundTrip)>)> {
            ::std::vec::Vec::from([#(#round_trips),*])
        }

        /// Decodes a fixture into its type and encodes it again: `(documented, re-encoded)`;
        /// each API's `RoundTrip`.
        #[doc(hidden)]
        pub type RoundTrip = fn() -> ::std::result::Result<(::serde_json::Value, ::serde_json::Value), crate::Error>;

        /// A future of [`EndpointCall`]'s functions.
        #[doc(hidden)]
        #[cfg(feature = "mock")]
        pub type CallFuture<'a, T> =
            ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ::std::result::Result<T, crate::Error>> + 'a>>;

        /// One endpoint, called through its typed client against its API's mock server, with
        /// its fixtures: what lets this crate's tests cover every endpoint without naming one.
        /// Not part of the API: no semver promise.
        #[doc(hidden)]
        #[cfg(feature = "mock")]
        pub struct EndpointCall {
            /// The API's module name (`seam`).
            pub api: &'static str,
            /// The endpoint's id (`access_codes.get`).
            pub endpoint: &'static str,
            /// Starts the API's mock server.
            pub mock_server: fn() -> CallFuture<'static, crate::mock::MockServer>,
            /// Calls the endpoint through the typed client pointed at the mock (one attempt,
            /// test credentials, the example's argument values: the ids the mock knows); the
            /// decoded value (a list's first page) as JSON.
            pub call: for<'m> fn(&'m crate::mock::MockServer) -> CallFuture<'m, ::serde_json::Value>,
            /// A list's key of its page's items.
            pub items: ::std::option::Option<&'static str>,
            /// A call that starts an asynchronous action: the key of the value holding it
            /// (`None`: the value is the action), and the wire paths of its id and status,
            /// which the mock sets.
            #[allow(clippy::type_complexity)]
            pub started_action: ::std::option::Option<(::std::option::Option<&'static str>, &'static [&'static str], &'static [&'static str])>,
            /// The round trip of the success the mock serves, when the docs give its body.
            pub success: ::std::option::Option<RoundTrip>,
            /// Every fixture of the endpoint: status, raw JSON and round trip.
            pub fixtures: ::std::vec::Vec<(u16, &'static str, RoundTrip)>,
        }

        /// Every endpoint of every API, as [`EndpointCall`]s.
        #[doc(hidden)]
        #[cfg(feature = "mock")]
        pub fn endpoint_calls() -> ::std::vec::Vec<EndpointCall> {
            #[allow(unused_mut)]
            let mut calls = ::std::vec::Vec::new();
            #(#calls)*
            calls
        }

        /// A decoded value as JSON.
        #[cfg(all(feature = "mock", any(#(feature = #any_api),*)))]
        fn to_json<T: ::serde::Serialize>(value: &T) -> ::std::result::Result<::serde_json::Value, crate::Error> {
            ::serde_json::to_value(value).map_err(|e| crate::Error::Config(format!("cannot encode the decoded value: {e}")))
        }
    }
}

/// `crates/keyway-<api>-types/src/lib.rs`: the crate's docs and the API module.
pub(crate) fn emit_types_crate_root(api: &Api) -> TokenStream {
    let doc = format!(
        " Types of the {} API, compiled apart from `{CRATE_NAME}` so that cargo builds an API's types in parallel and with less memory. Use them through `{CRATE_NAME}::{}`, which re-exports every one of them; this crate on its own has no semver promise.",
        api.title, api.name
    );
    let module = ident(&api.name);
    quote! {
        #![doc = #doc]
        #![deny(missing_docs)]
        #![cfg_attr(docsrs, feature(doc_cfg))]

        // Named as in `keyway`, so the types' code is the same in both.
        use ::keyway_runtime as runtime;

        // What the types name `codec`: the runtime's field-table code and, in the macro
        // namespace, the derives that write the tables. The derive crate is a dependency of
        // this crate rather than of the runtime, so cargo builds the two side by side.
        #[allow(unused_imports, reason = "an API may have no union, and features may turn off every type")]
        mod codec {
            pub use ::keyway_codec_derive::{Model, Union};
            pub use crate::runtime::codec::*;
        }

        // Documented by its own inner doc comment.
        pub mod #module;
    }
}
