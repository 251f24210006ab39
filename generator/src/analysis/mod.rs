//! Facts about the IR that several outputs need, computed once per run: which resources
//! reach each type (`TypeUse`) and which types crate holds each type (`TypeCrate`). The
//! emitters and the plan of files share them through a [`Context`] (one [`Analysis`] per
//! API), so they cannot disagree.

mod type_crates;
mod type_use;

#[cfg(test)]
pub(crate) use type_crates::CrateDep;
pub(crate) use type_crates::{TypeCrate, type_crates};
pub(crate) use type_use::TypeUse;

use crate::ir::Api;

/// One API and what the generator worked out about it.
pub struct Analysis<'a> {
    /// The lowered API.
    pub api: &'a Api,
    /// For each type, the resources that reach it.
    pub(crate) type_use: TypeUse<'a>,
    /// The API's types crates, each after those it uses; every type is in exactly one.
    pub(crate) type_crates: Vec<TypeCrate>,
}

/// The analyses of one run: every API, and what the generator worked out about each.
pub struct Context<'a> {
    /// The lowered APIs, sorted by name.
    pub apis: &'a [Api],
    /// One per API, in the same order.
    pub(crate) analyses: Vec<Analysis<'a>>,
}

/// Analyses every API, once per run.
pub fn analyze(apis: &[Api]) -> Context<'_> {
    let analyses = apis
        .iter()
        .map(|api| {
            let type_use = TypeUse::of(api);
            let type_crates = type_crates(api, &type_use);
            Analysis { api, type_use, type_crates }
        })
        .collect();
    Context { apis, analyses }
}
