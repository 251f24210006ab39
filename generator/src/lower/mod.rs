//! Stage 2: validate the specs of one API and lower them into the IR, with every Rust name
//! decided. Every problem becomes a located diagnostic; lowering continues past errors so
//! one run reports them all.
//!
//! One file per concern: the `api:` section and auth modes (`api`), types (`types`),
//! endpoints and resources (`endpoints`), documented examples (`examples`), and the
//! registry of the Rust names generated modules define (`names`). A problem's place is a
//! [`Site`].

mod api;
mod endpoints;
mod examples;
mod names;
mod site;
mod types;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::Api;
use crate::load::LoadedApi;
use names::{Claim, RUNTIME_TYPE_NAMES, Registry, Scope};
pub(crate) use site::Site;

/// Collects the diagnostics of one API.
#[derive(Default)]
pub(crate) struct Lowerer {
    diagnostics: Diagnostics,
}

impl Lowerer {
    fn error(&mut self, site: &Site, message: impl Into<String>) {
        self.diagnostics.push(site.diagnostic(message));
    }

    fn error_help(&mut self, site: &Site, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(site.diagnostic(message).with_help(help));
    }

    /// How many problems so far: a pass compares counts to learn whether it added any.
    fn count(&self) -> usize {
        self.diagnostics.len()
    }
}

/// Lowers every API; all problems of all APIs are reported together, sorted by place.
pub fn lower_all(loaded: &[LoadedApi]) -> Result<Vec<Api>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut apis: Vec<Api> = Vec::new();
    if loaded.is_empty() {
        diagnostics.push(Diagnostic {
            file: "specs/".into(),
            line: 0,
            column: 0,
            message: "no spec files found".into(),
            help: Some("add `specs/<api>/api.yaml` (see specs/README.md)".into()),
        });
    }
    for api in loaded {
        match lower_api(api) {
            Ok(lowered) => {
                if let Some(other) = apis.iter().find(|a| a.name == lowered.name) {
                    let site = api.files.iter().find(|f| f.path == lowered.source).map(|file| Site::root(file).at("api").at("name"));
                    let message = format!("API name `{}` is also used by {}", lowered.name, other.source);
                    let diagnostic = match site {
                        Some(site) => site.diagnostic(message),
                        None => Diagnostic { file: lowered.source.clone(), line: 0, column: 0, message, help: None },
                    };
                    diagnostics.push(diagnostic.with_help("give each API folder its own `api.name`"));
                }
                apis.push(lowered);
            }
            Err(problems) => diagnostics.0.extend(problems.0),
        }
    }
    if diagnostics.is_empty() {
        apis.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(apis)
    } else {
        diagnostics.sort();
        Err(diagnostics)
    }
}

/// The passes over one API folder, in order.
pub fn lower_api(api: &LoadedApi) -> Result<Api, Diagnostics> {
    let mut lw = Lowerer::default();
    let Some(header) = api::lower_header(&mut lw, api) else {
        return Err(lw.diagnostics);
    };
    let mut registry = Registry::default();
    // What the generator defines in every API module, claimed before any spec name.
    for (name, kind) in [(&header.client_name, "client type"), (&header.auth_name, "auth type")] {
        registry.claim(&mut lw, &[Scope::Api], name, Claim::at(kind, "", header.site().at("name")), "");
    }
    for name in RUNTIME_TYPE_NAMES {
        registry.claim(&mut lw, &[Scope::Api], name, Claim { kind: "runtime type", owner: String::new(), site: None }, "");
    }
    let sites = types::collect_sites(&mut lw, api, &mut registry);
    let types = types::lower_types(&mut lw, api, &sites, &mut registry);
    let endpoints = endpoints::lower_endpoints(&mut lw, api, &header.spec.name, &header.auth_modes, &sites);
    let mut lowered = header.into_api(types);
    examples::check_examples(&mut lw, api, &lowered, &endpoints);
    lowered.resources = endpoints::group_into_resources(&mut lw, endpoints, &mut registry);
    if lw.diagnostics.is_empty() { Ok(lowered) } else { Err(lw.diagnostics) }
}
