//! Stage 2: validate the specs of one API and lower them into the IR, with every Rust name
//! decided. Every problem becomes a located diagnostic; lowering continues past errors so
//! one run reports them all.
//!
//! One file per concern: the `api:` section and auth modes (`api`), types (`types`),
//! endpoints and resources (`endpoints`), documented examples (`examples`), and the
//! registry of the Rust names generated modules define (`names`). A problem's place is a
//! [`Site`].

mod actions;
mod api;
mod endpoints;
mod examples;
mod names;
mod responses;
mod site;
mod types;
mod write_envelope;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Api, TypeDef};
use crate::load::LoadedApi;
use names::{Claim, RUNTIME_TYPE_NAMES, Registry, Scope};
pub(crate) use site::Site;

/// Collects the diagnostics of one API.
#[derive(Default)]
pub(crate) struct Lowerer {
    diagnostics: Diagnostics,
    /// A file of the API could not be read (see [`LoadedApi::incomplete`]).
    incomplete: bool,
}

impl Lowerer {
    /// A name that resolves to nothing: reported unless a file that could define it was
    /// unreadable, where the report would likely be false.
    fn unresolved(&mut self, site: &Site, message: impl Into<String>, help: impl Into<String>) {
        if !self.incomplete {
            self.error_help(site, message, help);
        }
    }

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

/// Lowers every API read; `unreadable` are the problems of the files that could not be read
/// ([`crate::load::load_all`]), reported with the others, all sorted by place.
pub fn lower_all(loaded: &[LoadedApi], unreadable: Diagnostics) -> Result<Vec<Api>, Diagnostics> {
    let mut diagnostics = unreadable;
    let mut apis: Vec<Api> = Vec::new();
    if loaded.is_empty() && diagnostics.is_empty() {
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
    let mut lw = Lowerer { incomplete: api.incomplete, ..Lowerer::default() };
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
    let mut types = types::lower_types(&mut lw, api, &sites, &mut registry);
    let cx = responses::ResponseContext {
        sites: &sites,
        types: &types,
        success_flag: header.spec.success_flag.as_deref(),
        idempotency_header: header.spec.idempotency_header.as_deref(),
        write_envelope: header.spec.write_envelope.as_ref(),
    };
    let mut endpoints = endpoints::lower_endpoints(&mut lw, api, &header.spec.name, &header.auth_modes, &cx);
    types.extend(endpoints.iter().filter_map(|located| located.response_model.clone().map(TypeDef::Model)));
    types.sort_by(|a, b| a.name().cmp(b.name()));
    let actions = actions::lower_actions(&mut lw, api, &types, &mut endpoints, &mut registry);
    let inline = endpoints::claim_names(&mut lw, &endpoints, &mut registry);
    types.extend(inline.into_iter().map(TypeDef::Model));
    types.sort_by(|a, b| a.name().cmp(b.name()));
    let mut lowered = header.into_api(types);
    lowered.actions = actions;
    lowered.accepted_drift = accepted_drift(&mut lw, api);
    examples::check_examples(&mut lw, api, &sites, &lowered, &endpoints);
    lowered.resources = endpoints::group_into_resources(endpoints);
    if lw.diagnostics.is_empty() { Ok(lowered) } else { Err(lw.diagnostics) }
}

/// The `drift:` entries of every file; each needs a place and a reason.
fn accepted_drift(lw: &mut Lowerer, api: &LoadedApi) -> Vec<crate::ir::AcceptedDrift> {
    let mut accepted = Vec::new();
    for file in &api.files {
        for (index, entry) in file.spec.drift.iter().enumerate() {
            let site = Site::root(file).at("drift").at(index);
            for (key, value) in [("at", &entry.at), ("reason", &entry.reason)] {
                if value.trim().is_empty() {
                    lw.error_help(
                        &site.at(key),
                        format!("an accepted difference needs `{key}`"),
                        "say where the spec differs from the vendor's document, and why",
                    );
                }
            }
            accepted.push(crate::ir::AcceptedDrift { at: entry.at.clone(), reason: entry.reason.clone(), source: file.path.clone() });
        }
    }
    accepted
}

#[cfg(test)]
mod tests {
    /// A one-file API `x` with these endpoint lines (and `tail`: types) after its header.
    fn lower(endpoints: &str, tail: &str) -> Result<Vec<crate::ir::Api>, crate::Diagnostics> {
        let text = format!(
            "api:\n  name: x\n  title: X\n  description: X.\n  base_url: https://x.test\n  auth_modes:\n    - name: token\n      title: Token\n      description: A token.\n      credentials:\n        - {{ name: token, description: The token., secret: true }}\n      headers:\n        - {{ name: X-Token, value: \"{{token}}\" }}\n  errors:\n    message_field: detail\n{tail}endpoints:\n{endpoints}"
        );
        crate::lower_all(&[crate::SourceFile { path: "specs/x/api.yaml".into(), api_dir: "x".into(), text }])
    }

    fn endpoint(resource: &str, operation: &str, path: &str) -> String {
        format!(
            "  - {{ resource: {resource}, operation: {operation}, title: T, description: D., method: GET, path: {path}, read_only: true, auth: [token], response: {{ type: json }} }}\n"
        )
    }

    /// Names are claimed in the module that defines them: the same private params struct in
    /// two resource modules, or a spec type named like one, compile fine and are accepted.
    #[test]
    fn names_clash_only_within_the_module_that_defines_them() {
        let endpoints = [endpoint("a_b", "c", "/1"), endpoint("a", "b_c", "/2"), endpoint("items", "get", "/3")].concat();
        let types =
            "models:\n  ItemsGetParams:\n    description: Named like a params struct.\n    fields: [{ name: id, type: string, description: Id. }]\n";
        let apis = lower(&endpoints, types).unwrap_or_else(|d| panic!("{d}"));
        let params: Vec<&str> = apis[0].endpoints().map(|e| e.names.params.as_str()).collect();
        assert_eq!(params, ["ABCParams", "ABCParams", "ItemsGetParams"]);
    }

    /// Handlers are re-exported into the API module: two resources whose names differ only
    /// by a separator are one diagnostic, at the second, naming the first.
    #[test]
    fn resources_that_differ_by_a_separator_are_refused() {
        let diagnostics = lower(&[endpoint("res2", "get", "/1"), endpoint("res_2", "get", "/2")].concat(), "").unwrap_err();
        let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].starts_with("the handler `Res2` of resource `res_2` clashes with the handler `Res2` of resource `res2`"), "{messages:?}");
    }
}
