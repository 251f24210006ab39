//! The API module: `src/<api>/mod.rs` with the descriptor, the auth type and the client.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc, opt_str};
use crate::CRATE_NAME;
use crate::ir::{Api, AuthMode, Credential, TokenEndpoint};
use crate::names::ident;

fn emit_descriptor(api: &Api) -> TokenStream {
    let name = &api.name;
    let title = &api.title;
    let base_url = &api.base_url;
    let base_url_env = opt_str(&api.base_url_env);
    let modes = api.auth_modes.iter().map(|mode| {
        let mode_name = &mode.name;
        let mode_title = &mode.title;
        let credentials = mode.credentials.iter().map(|c| {
            let name = &c.name;
            let secret = c.secret;
            let env = opt_str(&c.env);
            quote!(crate::runtime::CredentialDescriptor { name: #name, secret: #secret, env: #env })
        });
        let headers = mode.headers.iter().map(|h| {
            let (name, prefix, credential, suffix) = (&h.name, &h.prefix, &h.credential, &h.suffix);
            quote!(crate::runtime::HeaderTemplate { name: #name, prefix: #prefix, credential: #credential, suffix: #suffix })
        });
        let token_endpoint = opt_str(&mode.token_endpoint.as_ref().map(|endpoint| endpoint.path.clone()));
        quote! {
            crate::runtime::AuthModeDescriptor {
                name: #mode_name,
                title: #mode_title,
                credentials: &[#(#credentials),*],
                headers: &[#(#headers),*],
                token_endpoint: #token_endpoint,
            }
        }
    });
    let mode_count = Literal::usize_unsuffixed(api.auth_modes.len());
    let e = &api.errors;
    let [
        envelope,
        type_field,
        message_field,
        request_id_field,
        data_field,
        validation_errors_field,
        validation_messages_key,
        request_id_header,
        invalid_input_type,
    ] = [
        &e.envelope,
        &e.type_field,
        &e.message_field,
        &e.request_id_field,
        &e.data_field,
        &e.validation_errors_field,
        &e.validation_messages_key,
        &e.request_id_header,
        &e.invalid_input_type,
    ]
    .map(opt_str);
    quote! {
        static AUTH_MODES: [crate::runtime::AuthModeDescriptor; #mode_count] = [#(#modes),*];

        /// What the runtime needs to know about this API; built from the spec.
        pub(crate) static API: crate::runtime::ApiDescriptor = crate::runtime::ApiDescriptor {
            name: #name,
            title: #title,
            default_base_url: #base_url,
            base_url_env: #base_url_env,
            auth_modes: &AUTH_MODES,
            user_agent: ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION")),
            errors: crate::runtime::ErrorFormat {
                envelope: #envelope,
                type_field: #type_field,
                message_field: #message_field,
                request_id_field: #request_id_field,
                data_field: #data_field,
                validation_errors_field: #validation_errors_field,
                validation_messages_key: #validation_messages_key,
                request_id_header: #request_id_header,
                invalid_input_type: #invalid_input_type,
            },
        };
    }
}

fn mode_doc(api: &Api, mode: &AuthMode) -> String {
    let headers = mode.headers.iter().map(|h| format!("`{}: {}{{{}}}{}`", h.name, h.prefix, h.credential, h.suffix)).collect::<Vec<_>>().join(", ");
    let endpoints: Vec<String> = api.endpoints().filter(|e| e.auth_modes.contains(&mode.name)).map(|e| format!("`{}`", e.id)).collect();
    let credentials = mode
        .credentials
        .iter()
        .map(|c| {
            let env = c.env.as_ref().map(|e| format!(" (environment: `{e}`)")).unwrap_or_default();
            format!("- `{}`: {}{env}", c.name, super::desc(&c.description).split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "{}: {}\n\n{credentials}\n\nSends {headers}. Accepted by {}.",
        mode.title,
        super::desc(&mode.description),
        if endpoints.is_empty() { "no endpoint yet".to_owned() } else { endpoints.join(", ") }
    )
}

/// A constructor's argument for a credential; `from_source` takes refreshable ones as a
/// token source.
fn credential_arg(credential: &Credential, from_source: bool) -> TokenStream {
    let name = ident(&credential.name);
    if from_source && credential.refreshable {
        quote!(#name: impl crate::TokenSource)
    } else if credential.secret {
        quote!(#name: impl ::std::convert::Into<crate::Secret>)
    } else {
        quote!(#name: impl ::std::convert::Into<::std::string::String>)
    }
}

/// The runtime value a constructor stores for a credential (see [`credential_arg`]).
fn credential_value(credential: &Credential, from_source: bool) -> TokenStream {
    let name = ident(&credential.name);
    if from_source && credential.refreshable {
        quote!(crate::runtime::CredentialValue::Source(::std::sync::Arc::new(#name)))
    } else if credential.secret {
        quote!(crate::runtime::CredentialValue::Secret(#name.into()))
    } else {
        quote!(crate::runtime::CredentialValue::Plain(#name.into()))
    }
}

/// `<mode>_password(username, password, …)`: the mode's token from its token endpoint,
/// the other credentials as the plain constructor takes them.
fn emit_password_constructor(mode: &AuthMode, endpoint: &TokenEndpoint, index: &Literal) -> TokenStream {
    let fn_name = ident(&endpoint.constructor);
    let token = &mode.credentials[endpoint.credential].name;
    let renewal = if endpoint.refresh {
        "renews it with the refresh grant before `expires_in` runs out (with the password grant again if the refresh token is refused)"
    } else {
        "asks again with the password grant before `expires_in` runs out"
    };
    let docs = doc(&format!(
        "{}, with the `{token}` from the API's token endpoint (`POST {}` below the base URL): the client gets it with the OAuth2 password grant (a form-urlencoded `username` and `password`) before its first request and {renewal}. Concurrent calls of a client and its clones share one token and one renewal at a time. The password and the tokens are never printed by `Debug` or logged.",
        mode.title, endpoint.path
    ));
    let path = &endpoint.path;
    let refresh = endpoint.refresh;
    let others = mode.credentials.iter().enumerate().filter(|(i, _)| *i != endpoint.credential);
    let args = others.map(|(_, c)| credential_arg(c, false));
    let values = mode.credentials.iter().enumerate().map(|(i, c)| {
        if i == endpoint.credential {
            quote! {
                crate::runtime::CredentialValue::Grant(::std::sync::Arc::new(crate::runtime::PasswordGrant::new(#path, #refresh, username.into(), password.into())))
            }
        } else {
            credential_value(c, false)
        }
    });
    quote! {
        #docs
        pub fn #fn_name(
            username: impl ::std::convert::Into<::std::string::String>,
            password: impl ::std::convert::Into<crate::Secret>,
            #(#args),*
        ) -> Self {
            Self(crate::runtime::Credentials { mode: &AUTH_MODES[#index], values: ::std::vec::Vec::from([#(#values),*]) })
        }
    }
}

fn emit_auth(api: &Api) -> TokenStream {
    let auth = ident(&api.auth_name);
    let auth_doc = doc(&format!(
        "How a [`{}`] authenticates. Each constructor is one of the API's auth modes; secrets are never printed by `Debug`.",
        api.client_name
    ));
    let constructors = api.auth_modes.iter().enumerate().map(|(index, mode)| {
        let index = Literal::usize_unsuffixed(index);
        let fn_name = ident(&mode.name);
        let docs = doc(&mode_doc(api, mode));
        let args = mode.credentials.iter().map(|c| credential_arg(c, false));
        let values = mode.credentials.iter().map(|c| credential_value(c, false));
        // An array, not `vec![…]`: prettyplease prints a macro's body as loose tokens
        // (`crate ::runtime::…`), an expression it lays out.
        let plain = quote! {
            #docs
            pub fn #fn_name(#(#args),*) -> Self {
                Self(crate::runtime::Credentials { mode: &AUTH_MODES[#index], values: ::std::vec::Vec::from([#(#values),*]) })
            }
        };
        let refreshable = mode.source_constructor.as_deref().map(|source_constructor| {
            let fn_name = ident(source_constructor);
            let docs = doc(&format!(
                "{} with a token source asked before every attempt, for tokens that expire and refresh (see [`crate::TokenSource`]).",
                mode.title
            ));
            let args = mode.credentials.iter().map(|c| credential_arg(c, true));
            let values = mode.credentials.iter().map(|c| credential_value(c, true));
            quote! {
                #docs
                pub fn #fn_name(#(#args),*) -> Self {
                    Self(crate::runtime::Credentials { mode: &AUTH_MODES[#index], values: ::std::vec::Vec::from([#(#values),*]) })
                }
            }
        });
        let password = mode.token_endpoint.as_ref().map(|endpoint| emit_password_constructor(mode, endpoint, &index));
        quote!(#plain #refreshable #password)
    });
    quote! {
        #auth_doc
        #[derive(Clone, Debug)]
        pub struct #auth(crate::runtime::Credentials);

        impl #auth {
            #(#constructors)*

            /// The name of this auth mode, as the spec and error messages spell it.
            pub fn mode(&self) -> &'static str {
                self.0.mode.name
            }
        }
    }
}

/// The client's docs, with a doc test that builds one.
fn client_doc(api: &Api) -> TokenStream {
    let (client, auth) = (ident(&api.client_name), ident(&api.auth_name));
    let krate = ident(CRATE_NAME);
    let module = ident(&api.name);
    let first_mode = api.auth_modes.first();
    let mode = ident(first_mode.map(|m| m.name.as_str()).unwrap_or("new"));
    let args = first_mode.into_iter().flat_map(|m| &m.credentials).map(|c| format!("YOUR_{}", c.name.to_uppercase()));
    let snippet = super::example::doctest(quote! {
        fn main() -> Result<(), #krate::Error> {
            use #krate::#module::{#client, #auth};
            let client = #client::new(#auth::#mode(#(#args),*))?;
            Ok(())
        }
    });
    doc(&format!(
        "Client for the {} API (`{}` by default).\n\nCheap to clone: clones share one connection pool. Each request is retried on transient failures when it is safe to, with a timeout per attempt; see [`crate::ClientBuilder`].\n\n```no_run\n{snippet}```",
        api.title, api.base_url,
    ))
}

fn emit_client(api: &Api) -> TokenStream {
    let client = ident(&api.client_name);
    let auth = ident(&api.auth_name);
    let env_names: Vec<String> = api
        .auth_modes
        .iter()
        .flat_map(|m| m.credentials.iter().filter_map(|c| c.env.clone()))
        .chain(api.base_url_env.clone())
        .map(|e| format!("`{e}`"))
        .collect();
    let client_doc = client_doc(api);
    let from_env_doc =
        doc(&format!("A client configured from the environment: {}. Exactly one auth mode's secret must be set.", env_names.join(", ")));
    let resources = resource_accessors(api);
    quote! {
        #client_doc
        #[derive(Clone, Debug)]
        pub struct #client {
            pub(crate) core: crate::runtime::ClientCore,
        }

        impl crate::runtime::FromCore for #client {
            fn from_core(core: crate::runtime::ClientCore) -> Self {
                Self { core }
            }
        }

        impl #client {
            /// A client with the default configuration.
            ///
            /// # Errors
            /// [`crate::Error::Config`] when the configuration is unusable.
            pub fn new(auth: #auth) -> ::std::result::Result<Self, crate::Error> {
                Self::builder(auth).build()
            }

            /// A builder to set the base URL, timeouts and retries before building the client.
            pub fn builder(auth: #auth) -> crate::ClientBuilder<Self> {
                crate::ClientBuilder::new(&API, auth.0)
            }

            #from_env_doc
            ///
            /// # Errors
            /// [`crate::Error::Config`] naming the variables when none, or more than one mode, is set.
            pub fn from_env() -> ::std::result::Result<Self, crate::Error> {
                Self::builder_from_env()?.build()
            }

            /// Like [`Self::from_env`], returning the builder for further settings.
            ///
            /// # Errors
            /// As [`Self::from_env`].
            pub fn builder_from_env() -> ::std::result::Result<crate::ClientBuilder<Self>, crate::Error> {
                Self::builder_from_env_with(|name| ::std::env::var(name).ok())
            }

            /// Like [`Self::builder_from_env`], reading variables through `lookup` (for tests and
            /// configuration systems).
            ///
            /// # Errors
            /// As [`Self::from_env`].
            pub fn builder_from_env_with(
                lookup: impl Fn(&str) -> ::std::option::Option<::std::string::String>,
            ) -> ::std::result::Result<crate::ClientBuilder<Self>, crate::Error> {
                crate::ClientBuilder::from_env_with(&API, lookup)
            }

            #(#resources)*
        }
    }
}

/// The client's method per resource (`client.access_codes()`), each behind its feature.
fn resource_accessors(api: &Api) -> Vec<TokenStream> {
    api.resources
        .iter()
        .map(|resource| {
            let fn_name = ident(&resource.name);
            let handler = ident(&resource.handler_name);
            let module = ident(&resource.name);
            let ops = resource
                .endpoints
                .iter()
                .map(|e| format!("[`{}`]({module}::{}::{})", e.operation, resource.handler_name, e.operation))
                .collect::<Vec<_>>()
                .join(", ");
            let docs = doc(&format!("Operations on `{}`: {ops}.", resource.name));
            let cfg = super::resource_cfg(api, &resource.name);
            quote! {
                #docs
                #cfg
                pub fn #fn_name(&self) -> #module::#handler<'_> {
                    #module::#handler { client: self }
                }
            }
        })
        .collect()
}

/// `src/<api>/mod.rs`; `type_crates` are the crates of the API's types, which it re-exports.
pub(crate) fn emit_api_module(api: &Api, type_crates: &[crate::analysis::TypeCrate]) -> TokenStream {
    let mut module_doc = vec![format!("# {}", api.title), super::desc(&api.description)];
    module_doc.push(format!("Base URL: `{}`.", api.base_url));
    if let Some(url) = &api.docs_url {
        module_doc.push(format!("Vendor documentation: <{url}>."));
    }
    let modes = api
        .auth_modes
        .iter()
        .map(|m| format!("- [`{}::{}`](crate::{}::{}::{}): {}", api.auth_name, m.name, api.name, api.auth_name, m.name, m.title))
        .collect::<Vec<_>>()
        .join("\n");
    module_doc.push(format!("Auth modes:\n\n{modes}"));
    let endpoints = api
        .resources
        .iter()
        .flat_map(|r| r.endpoints.iter().map(move |e| (r, e)))
        .map(|(r, e)| {
            let alpha = e.stability.banner().map(|_| format!(" ({})", e.stability.as_str())).unwrap_or_default();
            format!(
                "- [`{}::{}`](crate::{}::{}::{}::{}): {}{alpha}",
                e.resource, e.operation, api.name, e.resource, r.handler_name, e.names.method, e.title
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    module_doc.push(format!("Endpoints:\n\n{endpoints}"));
    let module_doc = module_doc.join("\n\n");
    let module_doc_attr = module_doc.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });

    let resource_mods = api.resources.iter().map(|r| {
        let module = ident(&r.name);
        let mut exports = vec![ident(&r.handler_name)];
        for endpoint in &r.endpoints {
            exports.extend(endpoint.one_of.iter().map(|g| ident(&g.name)));
            exports.extend(endpoint.names.request.as_deref().map(ident));
        }
        let docs = doc(&format!("Operations on `{}` (cargo feature `{}`).", r.name, super::resource_feature(api, &r.name)));
        let cfg = super::resource_cfg(api, &r.name);
        quote! {
            #docs
            #cfg
            pub mod #module;
            #cfg
            pub use self::#module::{#(#exports),*};
        }
    });
    let descriptor = emit_descriptor(api);
    let auth = emit_auth(api);
    let client = emit_client(api);
    let mock = super::emit_mock_api(api);
    let actions = super::actions::emit_actions(api);
    let module = ident(&api.name);
    let types = type_crates.iter().map(|krate| {
        let cfg = super::cfg_any(krate.features.clone());
        let krate = ident(&krate.rust_name());
        quote! {
            #cfg
            pub use crate::#krate::#module::*;
        }
    });
    quote! {
        #(#module_doc_attr)*

        #(#types)*

        #(#resource_mods)*

        #descriptor
        #actions
        #auth
        #client
        #mock
    }
}
