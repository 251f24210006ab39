//! The Rust names a generated module defines, claimed in one registry so that any two items
//! that would get the same name are one diagnostic (and never a crate that fails to compile
//! with E0428), and the identifier rules lowering checks spec names against.

use std::collections::BTreeMap;

use super::{Lowerer, Site};
use crate::names;

/// `snake_case`, and not a keyword.
pub(crate) fn is_snake_ident(name: &str) -> bool {
    names::is_plain_ident(name) && names::snake(name) == name
}

/// `PascalCase`, and not a keyword.
pub(crate) fn is_pascal_ident(name: &str) -> bool {
    names::is_plain_ident(name) && names::pascal(name) == name
}

/// Crate-level modules and cargo features the generated crate defines besides the APIs.
pub(crate) const RESERVED_API_NAMES: &[&str] = &["runtime", "fixtures", "mock", "default", "std", "core", "alloc", "crate"];

/// Module names inside an API module (and its fixtures module) that resources may not take.
pub(crate) const RESERVED_RESOURCE_NAMES: &[&str] = &["models", "round_trips", "mock_server"];

/// Methods of the generated client that a resource accessor would clash with.
pub(crate) const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "builder_from_env", "builder_from_env_with"];

/// Type names every API module uses for the runtime's items besides its client and auth
/// types.
pub(crate) const RUNTIME_TYPE_NAMES: &[&str] = &["Error", "Timestamp", "Call"];

/// A namespace of one generated module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    /// The types of `crate::<api>`: spec types (from the types crate's glob re-export, which
    /// an explicit item would silently shadow), the client, the auth type, and what resource
    /// modules re-export (handlers, one-of enums, request builders).
    Api,
    /// The types of one resource module, `crate::<api>::<resource>`.
    Resource(String),
    /// The statics of one resource module (descriptors, mock tables).
    ResourceValues(String),
    /// The statics of the API module (its descriptor, actions' descriptors and the
    /// descriptors of the endpoints that poll them).
    ApiValues,
}

/// What claims a name: its kind (`type`, `request builder`, …), what made it (`` `a.get` ``,
/// empty for a spec type) and where, for the diagnostic (`None` for what the generator
/// defines in every API, which is claimed first and so never the later claim).
#[derive(Clone)]
pub(crate) struct Claim<'a> {
    pub(crate) kind: &'static str,
    pub(crate) owner: String,
    pub(crate) site: Option<Site<'a>>,
}

impl<'a> Claim<'a> {
    /// A name the spec itself gives or makes, at `site`.
    pub(crate) fn at(kind: &'static str, owner: impl Into<String>, site: Site<'a>) -> Self {
        Claim { kind, owner: owner.into(), site: Some(site) }
    }

    /// `the request builder `X` of `a.get``.
    fn what(&self, name: &str) -> String {
        if self.owner.is_empty() { format!("the {} `{name}`", self.kind) } else { format!("the {} `{name}` of {}", self.kind, self.owner) }
    }

    /// [`Claim::what`], and where, when the spec made it.
    fn describe(&self, name: &str) -> String {
        match &self.site {
            Some(site) => format!("{} ({})", self.what(name), site.place()),
            None => self.what(name),
        }
    }
}

/// Every name claimed so far, per scope, with its first claim.
#[derive(Default)]
pub(crate) struct Registry<'a> {
    claims: BTreeMap<(Scope, String), Claim<'a>>,
}

impl<'a> Registry<'a> {
    /// Claims `name` in each of `scopes`; a name already claimed in any of them is one
    /// diagnostic at the later claim, naming the first, with `help`. Whether the claim won.
    pub(crate) fn claim(&mut self, lw: &mut Lowerer, scopes: &[Scope], name: &str, claim: Claim<'a>, help: &str) -> bool {
        let taken = scopes.iter().find_map(|scope| self.claims.get(&(scope.clone(), name.to_owned())));
        if let (Some(first), Some(site)) = (taken, &claim.site) {
            match &first.site {
                Some(first_site) if first.kind == "type" && claim.kind == "type" => {
                    lw.error_help(site, format!("type `{name}` is defined twice"), format!("it is already defined at {}", first_site.place()))
                }
                _ => lw.error_help(site, format!("{} clashes with {}", claim.what(name), first.describe(name)), help),
            }
            return false;
        }
        for scope in scopes {
            self.claims.insert((scope.clone(), name.to_owned()), claim.clone());
        }
        true
    }
}
