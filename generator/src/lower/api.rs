//! The `api:` section: the API's name, base URL and auth modes, and the Rust names of its
//! client and auth types.

use std::collections::BTreeSet;

use super::names::{RESERVED_API_NAMES, is_snake_ident};
use super::{Lowerer, Site};
use crate::ir::{Api, AuthMode, Credential, HeaderTemplate, TokenEndpoint, TypeDef};
use crate::load::{LoadedApi, LoadedFile};
use crate::names;
use crate::spec::{ApiSpec, AuthModeSpec, GrantSpec};

/// The lowered `api:` section, and the file that holds it.
pub(crate) struct Header<'a> {
    pub(crate) file: &'a LoadedFile,
    pub(crate) spec: &'a ApiSpec,
    /// `SeamClient`.
    pub(crate) client_name: String,
    /// `SeamAuth`.
    pub(crate) auth_name: String,
    pub(crate) auth_modes: Vec<AuthMode>,
}

impl<'a> Header<'a> {
    /// The site of `api:` in its file.
    pub(crate) fn site(&self) -> Site<'a> {
        Site::root(self.file).at("api")
    }

    /// The API, with its types and no resources yet.
    pub(crate) fn into_api(self, types: Vec<TypeDef>) -> Api {
        let spec = self.spec;
        Api {
            name: spec.name.clone(),
            source: self.file.path.clone(),
            title: spec.title.clone(),
            description: spec.description.clone(),
            base_url: spec.base_url.trim_end_matches('/').to_owned(),
            base_url_env: spec.base_url_env.clone(),
            docs_url: spec.docs_url.clone(),
            client_name: self.client_name,
            auth_name: self.auth_name,
            auth_modes: self.auth_modes,
            errors: spec.errors.clone(),
            success_flag: spec.success_flag.clone(),
            resources: Vec::new(),
            types,
            actions: Vec::new(),
            accepted_drift: Vec::new(),
        }
    }
}

/// Finds the one file with an `api:` section and lowers it; `None` when there is none.
pub(crate) fn lower_header<'a>(lw: &mut Lowerer, api: &'a LoadedApi) -> Option<Header<'a>> {
    let api_files: Vec<&LoadedFile> = api.files.iter().filter(|f| f.spec.api.is_some()).collect();
    let Some(&file) = api_files.first() else {
        lw.unresolved(
            &Site::root(&api.files[0]),
            format!("the API folder `{}` has no file with an `api:` section", api.dir),
            "add `api.yaml` with `api: { name, title, description, base_url, auth_modes, errors }`",
        );
        return None;
    };
    for extra in &api_files[1..] {
        lw.error_help(
            &Site::root(extra).at("api"),
            format!("a second `api:` section for `{}`", api.dir),
            format!("the API is already described in {}; keep one", file.path),
        );
    }
    let spec = file.spec.api.as_ref()?;
    let site = Site::root(file).at("api");
    if !is_snake_ident(&spec.name) {
        lw.error_help(
            &site.at("name"),
            format!("API name `{}` is not a snake_case identifier", spec.name),
            format!("use `{}`", names::snake(&spec.name)),
        );
    } else if RESERVED_API_NAMES.contains(&spec.name.as_str()) {
        lw.error_help(
            &site.at("name"),
            format!("API name `{}` is taken by the generated crate (module or cargo feature)", spec.name),
            format!("choose another name, e.g. `{}_api`", spec.name),
        );
    }
    check_url(lw, &site.at("base_url"), &spec.base_url);
    let auth_modes = lower_auth_modes(lw, &site, spec);
    Some(Header {
        file,
        spec,
        client_name: format!("{}Client", names::pascal(&spec.name)),
        auth_name: format!("{}Auth", names::pascal(&spec.name)),
        auth_modes,
    })
}

/// The rules the runtime applies to a base URL before it sends a bearer token, so a spec
/// cannot produce a client that refuses its own default.
fn check_url(lw: &mut Lowerer, site: &Site, url: &str) {
    let Some(rest) = url.strip_prefix("https://") else {
        lw.error_help(
            site,
            format!("`{url}` is not an https URL"),
            "production base URLs must be `https://…`; a test server is set with `.base_url(…)`",
        );
        return;
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#', '@']) {
        lw.error_help(
            site,
            format!("`{url}` is not a usable base URL"),
            "give a host and optionally a path, with no query, fragment or user info, like `https://api.example.com/v1`",
        );
    }
}

fn lower_auth_modes(lw: &mut Lowerer, site: &Site, spec: &ApiSpec) -> Vec<AuthMode> {
    if spec.auth_modes.is_empty() {
        lw.error_help(&site.at("auth_modes"), "the API defines no auth mode", "list at least one mode");
    }
    let mut seen = BTreeSet::new();
    let mut modes = Vec::new();
    for (index, mode) in spec.auth_modes.iter().enumerate() {
        let site = site.at("auth_modes").at(index);
        check_mode_name(lw, &site, spec, mode);
        if !seen.insert(mode.name.clone()) {
            lw.error(&site.at("name"), format!("auth mode `{}` is defined twice", mode.name));
        }
        check_credentials(lw, &site, mode);
        let headers = lower_headers(lw, &site, mode);
        let refreshable = mode.credentials.iter().any(|c| c.refreshable);
        let token_endpoint = lower_token_endpoint(lw, &site, spec, mode);
        modes.push(AuthMode {
            name: mode.name.clone(),
            source_constructor: refreshable.then(|| format!("{}_from_source", mode.name)),
            title: mode.title.clone(),
            description: mode.description.clone(),
            credentials: mode
                .credentials
                .iter()
                .map(|c| Credential {
                    name: c.name.clone(),
                    description: c.description.clone(),
                    secret: c.secret,
                    refreshable: c.refreshable,
                    env: c.env.clone(),
                })
                .collect(),
            headers,
            token_endpoint,
        });
    }
    modes
}

/// `token_endpoint:` of a mode: its credential is a refreshable secret of the mode, the
/// password grant is there to get the first token, and the constructor's name is free.
fn lower_token_endpoint(lw: &mut Lowerer, site: &Site, spec: &ApiSpec, mode: &AuthModeSpec) -> Option<TokenEndpoint> {
    let endpoint = mode.token_endpoint.as_ref()?;
    let mode_site = site;
    let site = site.at("token_endpoint");
    let mut ok = true;
    if !endpoint.path.starts_with('/') || endpoint.path.contains(['?', '#', '{', '}']) || endpoint.path.chars().any(char::is_whitespace) {
        lw.error_help(
            &site.at("path"),
            format!("token endpoint path `{}` is not a plain path", endpoint.path),
            "give the path below the base URL, starting with `/`, without query or placeholders, like `/oauth/token`",
        );
        ok = false;
    }
    let credential = mode.credentials.iter().position(|c| c.name == endpoint.credential);
    match credential.map(|i| &mode.credentials[i]) {
        None => {
            lw.error_help(
                &site.at("credential"),
                format!("`{}` is not a credential of `{}`", endpoint.credential, mode.name),
                format!(
                    "name the credential the token fills: one of {}",
                    mode.credentials.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", ")
                ),
            );
            ok = false;
        }
        Some(c) if !(c.secret && c.refreshable) => {
            lw.error_help(
                &site.at("credential"),
                format!("credential `{}` gets its token from the token endpoint but is not a refreshable secret", c.name),
                "add `secret: true` and `refreshable: true` to the credential",
            );
            ok = false;
        }
        Some(_) => {}
    }
    if !endpoint.grants.contains(&GrantSpec::Password) {
        lw.error_help(
            &site.at("grants"),
            "the token endpoint has no `password` grant, the one way the client can get a first token",
            "list `password` (and `refresh_token` if the endpoint renews tokens)",
        );
        ok = false;
    }
    if let Some(index) = endpoint.grants.iter().enumerate().position(|(i, g)| endpoint.grants[..i].contains(g)) {
        lw.error(&site.at("grants").at(index), "a grant is listed twice");
        ok = false;
    }
    // The constructor takes `username` and `password`, then the mode's other credentials.
    for (index, c) in mode.credentials.iter().enumerate() {
        if Some(index) != credential && (c.name == "username" || c.name == "password") {
            lw.error_help(
                &mode_site.at("credentials").at(index).at("name"),
                format!("credential `{}` of `{}` clashes with the `{}` argument of the password constructor", c.name, mode.name, c.name),
                "rename the credential",
            );
            ok = false;
        }
    }
    let constructor = format!("{}_password", mode.name);
    if spec.auth_modes.iter().any(|m| m.name == constructor) {
        lw.error_help(&site, format!("the password constructor `{constructor}` clashes with the auth mode of that name"), "rename one of the modes");
        ok = false;
    }
    let credential = credential?;
    ok.then(|| TokenEndpoint { constructor, path: endpoint.path.clone(), credential, refresh: endpoint.grants.contains(&GrantSpec::RefreshToken) })
}

/// A mode's name is the auth type's constructor: it must not clash with the type's own
/// methods or another mode's token-source constructor.
fn check_mode_name(lw: &mut Lowerer, site: &Site, spec: &ApiSpec, mode: &AuthModeSpec) {
    let site = site.at("name");
    if !is_snake_ident(&mode.name) {
        lw.error_help(&site, format!("auth mode name `{}` is not a snake_case identifier", mode.name), format!("use `{}`", names::snake(&mode.name)));
    }
    if mode.name == "mode" {
        lw.error_help(&site, "auth mode name `mode` is taken: the generated auth type has a `mode()` method", "choose another name");
    }
    if let Some(stem) = mode.name.strip_suffix("_from_source")
        && spec.auth_modes.iter().any(|m| m.name == stem && m.credentials.iter().any(|c| c.refreshable))
    {
        lw.error_help(&site, format!("auth mode `{}` clashes with the token-source constructor of `{stem}`", mode.name), "choose another name");
    }
}

fn check_credentials(lw: &mut Lowerer, site: &Site, mode: &AuthModeSpec) {
    let mut credential_names = BTreeSet::new();
    for (index, credential) in mode.credentials.iter().enumerate() {
        let site = site.at("credentials").at(index);
        if !is_snake_ident(&credential.name) || !credential_names.insert(credential.name.clone()) {
            lw.error_help(
                &site.at("name"),
                format!("credential name `{}` is not a unique snake_case identifier", credential.name),
                "give each credential of a mode its own snake_case name",
            );
        }
    }
    if mode.headers.is_empty() {
        lw.error_help(&site.at("headers"), format!("auth mode `{}` sends no header", mode.name), "list the headers that carry its credentials");
    }
    for (index, credential) in mode.credentials.iter().enumerate() {
        let site = site.at("credentials").at(index);
        let placeholder = format!("{{{}}}", credential.name);
        if !mode.headers.iter().any(|h| h.value.contains(&placeholder)) {
            lw.error_help(
                &site.at("name"),
                format!("credential `{}` is never sent: no header of `{}` uses `{placeholder}`", credential.name, mode.name),
                "use it in a header value, or remove it",
            );
        }
        if credential.refreshable && !credential.secret {
            lw.error_help(
                &site.at("refreshable"),
                format!("credential `{}` is refreshable but not secret", credential.name),
                "a refreshable token is a secret: add `secret: true`",
            );
        }
    }
}

fn lower_headers(lw: &mut Lowerer, site: &Site, mode: &AuthModeSpec) -> Vec<HeaderTemplate> {
    let credential_names: BTreeSet<&str> = mode.credentials.iter().map(|c| c.name.as_str()).collect();
    let mut header_names = BTreeSet::new();
    let mut headers = Vec::new();
    for (index, header) in mode.headers.iter().enumerate() {
        let site = site.at("headers").at(index);
        if !header_names.insert(header.name.to_ascii_lowercase()) {
            lw.error(&site.at("name"), format!("header `{}` is sent twice by `{}`", header.name, mode.name));
        }
        match parse_header_template(&header.value) {
            Some((prefix, credential, suffix)) if credential_names.contains(credential.as_str()) => {
                headers.push(HeaderTemplate { name: header.name.clone(), prefix, credential, suffix })
            }
            Some((_, credential, _)) => lw.error_help(
                &site.at("value"),
                format!("header template names `{credential}`, which is not a credential of `{}`", mode.name),
                format!("use one of: {}", mode.credentials.iter().map(|c| format!("{{{}}}", c.name)).collect::<Vec<_>>().join(", ")),
            ),
            None => lw.error_help(
                &site.at("value"),
                format!("header value `{}` must contain exactly one `{{credential}}` placeholder", header.value),
                "for example `Bearer {api_key}`",
            ),
        }
        if header.name.is_empty() || !header.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            lw.error(&site.at("name"), format!("`{}` is not a valid HTTP header name", header.name));
        }
    }
    headers
}

/// `Bearer {api_key}` → (`Bearer `, `api_key`, ``).
fn parse_header_template(value: &str) -> Option<(String, String, String)> {
    let (prefix, rest) = value.split_once('{')?;
    let (name, suffix) = rest.split_once('}')?;
    if suffix.contains(['{', '}']) || prefix.contains('}') || name.is_empty() {
        return None;
    }
    Some((prefix.to_owned(), name.to_owned(), suffix.to_owned()))
}
