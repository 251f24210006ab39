//! Asynchronous actions (`actions:`): a model or union a call returns unfinished, read again
//! through another endpoint until its status leaves `pending`. Checks every path and status
//! value against the type, and marks the endpoints whose response carries an action.

use std::collections::BTreeSet;

use super::endpoints::{Located, request_name};
use super::names::{Claim, Registry, Scope};
use super::{Lowerer, Site};
use crate::diagnostics::suggest;
use crate::ir::{ActionDef, EndpointAction, TypeDef, TypeRef};
use crate::load::LoadedApi;
use crate::names;
use crate::spec::ActionSpec;

/// The statics the generator defines in every API module, beside the action descriptors and
/// the poll endpoints' descriptors.
const API_STATICS: &[&str] = &["API", "AUTH_MODES", "MOCK"];

/// Every action the API declares (sorted by type name), with the endpoints that carry one
/// marked; the poll endpoints' descriptors move to the API module, so their names are
/// claimed there too.
pub(crate) fn lower_actions<'a>(
    lw: &mut Lowerer,
    api: &'a LoadedApi,
    types: &[TypeDef],
    endpoints: &mut [Located<'a>],
    registry: &mut Registry<'a>,
) -> Vec<ActionDef> {
    for name in API_STATICS {
        registry.claim(lw, &[Scope::ApiValues], name, Claim { kind: "static", owner: String::new(), site: None }, "");
    }
    let mut actions: Vec<ActionDef> = Vec::new();
    let mut declared_at: Vec<(String, Site<'a>)> = Vec::new();
    for file in &api.files {
        for (name, spec) in &file.spec.actions {
            let site = Site::root(file).at("actions").at(name.as_str());
            if let Some((_, first)) = declared_at.iter().find(|(n, _)| n == name) {
                lw.error_help(&site, format!("`{name}` is declared an action twice"), format!("it is already declared at {}", first.place()));
                continue;
            }
            declared_at.push((name.clone(), site.clone()));
            if let Some(action) = lower_action(lw, &site, name, spec, types, endpoints) {
                let claim = |kind| Claim::at(kind, format!("action `{name}`"), site.clone());
                registry.claim(lw, &[Scope::ApiValues], &action.descriptor, claim("action descriptor"), "rename the type");
                registry.claim(lw, &[Scope::ApiValues], &action.poll_descriptor, claim("poll descriptor"), "rename the poll endpoint");
                actions.push(action);
            }
        }
    }
    actions.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    for located in endpoints.iter_mut() {
        mark_endpoint(lw, located, &actions);
    }
    actions
}

fn lower_action(lw: &mut Lowerer, site: &Site, name: &str, spec: &ActionSpec, types: &[TypeDef], endpoints: &[Located]) -> Option<ActionDef> {
    let before = lw.count();
    let shape = Shape { types };
    match shape.get(name) {
        Some(TypeDef::Model(model)) if model.response_of.is_none() => {}
        Some(TypeDef::Union(_)) => {}
        Some(other) => {
            let kind = match other {
                TypeDef::Id(_) => "an id",
                TypeDef::Enum(_) => "an enum",
                _ => "an endpoint's response struct",
            };
            lw.error_help(site, format!("`{name}` is {kind}, not a model or union"), "an action is a model or a union the API declares");
            return None;
        }
        None => {
            let declared = types.iter().filter(|t| matches!(t, TypeDef::Model(_) | TypeDef::Union(_))).map(TypeDef::name);
            lw.unresolved(
                site,
                format!("`{name}` is not a type of this API"),
                suggest(name, declared, || "declare it under `models` or `unions`".into()),
            );
            return None;
        }
    }

    let poll = endpoints.iter().find(|e| e.endpoint.id == spec.poll);
    let poll = match poll {
        Some(poll) if poll.endpoint.response_type() == Some(&TypeRef::Named(name.to_owned())) => Some(poll),
        Some(poll) => {
            let gives = poll.endpoint.response_type().map_or("nothing".to_owned(), |ty| format!("`{}`", ty.spec_name()));
            lw.error_help(
                &site.at("poll"),
                format!("`{}` gives {gives}, not `{name}`", spec.poll),
                "name the endpoint that reads one action by its id and returns it",
            );
            None
        }
        None => {
            let help = suggest(&spec.poll, endpoints.iter().map(|e| e.endpoint.id.as_str()), || "name an endpoint as `resource.operation`".into());
            lw.unresolved(&site.at("poll"), format!("`{}` is not an endpoint of this API", spec.poll), help);
            None
        }
    };

    // Whether the id is a number (`None`: not an id at all).
    let numeric = |ty: &TypeRef| match ty {
        TypeRef::String | TypeRef::Uuid => Some(false),
        TypeRef::Integer => Some(true),
        TypeRef::Named(n) => match shape.get(n) {
            Some(TypeDef::Id(id)) => Some(id.integer),
            _ => None,
        },
        _ => None,
    };
    let mut id_numeric = None;
    let id = shape.path(lw, &site.at("id"), name, &spec.id, None, |leaf| match leaf {
        Leaf::Type(ty) => {
            id_numeric = numeric(ty);
            id_numeric.is_some()
        }
        Leaf::Tag(_) => false,
    });
    let param = spec.param.clone().unwrap_or_else(|| spec.id.rsplit('.').next().unwrap_or_default().to_owned());
    if let Some(poll) = poll {
        let param_site = site.at(if spec.param.is_some() { "param" } else { "id" });
        match poll.endpoint.params.iter().find(|p| p.wire_name == param) {
            // The client sends the id as the action gives it: a number or a string.
            Some(p) if p.required && id_numeric.is_some() && numeric(&p.ty).is_some_and(|n| Some(n) != id_numeric) => lw.error_help(
                &param_site,
                format!(
                    "`{param}` of `{}` has type `{}`, but the action's id is {}",
                    spec.poll,
                    p.ty.spec_name(),
                    if id_numeric == Some(true) { "a number" } else { "a string" }
                ),
                "declare the id and the parameter with the same kind of type",
            ),
            Some(p) if p.required => {}
            Some(_) => lw.error_help(
                &site.at(if spec.param.is_some() { "param" } else { "id" }),
                format!("`{param}` is optional in `{}`", spec.poll),
                "the poll endpoint must require the id: mark the parameter `required: true`",
            ),
            None => {
                let help = suggest(&param, poll.endpoint.params.iter().map(|p| p.wire_name.as_str()), || {
                    "give `param`: the poll endpoint's parameter that takes the id".into()
                });
                lw.error_help(
                    &site.at(if spec.param.is_some() { "param" } else { "id" }),
                    format!("`{}` has no parameter `{param}`", spec.poll),
                    help,
                );
            }
        }
        // A poll sends the id alone.
        for other in poll.endpoint.params.iter().filter(|p| p.required && p.wire_name != param) {
            lw.error_help(
                &site.at("poll"),
                format!("`{}` also requires `{}`, which a poll cannot give", spec.poll, other.wire_name),
                "name an endpoint that reads an action by its id alone",
            );
        }
    }

    let mut values: Option<Vec<String>> = None;
    let status = shape.path(lw, &site.at("status"), name, &spec.status, None, |leaf| match leaf {
        Leaf::Type(TypeRef::String) => true,
        Leaf::Type(TypeRef::Named(n)) => match shape.get(n) {
            Some(TypeDef::Enum(e)) => {
                values = Some(e.values.iter().map(|v| v.value.clone()).collect());
                true
            }
            _ => false,
        },
        Leaf::Tag(tags) => {
            values = Some(tags);
            true
        }
        _ => false,
    });
    let mut seen = BTreeSet::new();
    for (key, list) in [("pending", &spec.pending), ("success", &spec.success), ("failure", &spec.failure)] {
        if list.is_empty() {
            lw.error_help(&site.at(key), format!("`{key}` lists no status"), "list the status values that mean it");
        }
        for (index, value) in list.iter().enumerate() {
            if !seen.insert(value.as_str()) {
                lw.error_help(
                    &site.at(key).at(index),
                    format!("status `{value}` is listed twice"),
                    "a status means one of pending, success or failure",
                );
            } else if let Some(known) = &values
                && !known.contains(value)
            {
                let help = suggest(value, known.iter().map(String::as_str), || format!("the statuses are: {}", known.join(", ")));
                lw.error_help(&site.at(key).at(index), format!("`{value}` is not a value of `{}`", spec.status), help);
            }
        }
    }

    // A union whose tag is the status: a failure's error is read from the failure variants.
    let failed = (status.as_ref().is_some_and(|s| s.tag)).then_some(spec.failure.as_slice());
    let mut error_path = |key: &'static str, dotted: &Option<String>| {
        dotted.as_ref().and_then(|dotted| shape.path(lw, &site.at(key), name, dotted, failed, |leaf| matches!(leaf, Leaf::Type(TypeRef::String))))
    };
    let error_type = error_path("error_type", &spec.error_type);
    let error_message = error_path("error_message", &spec.error_message);

    if lw.count() > before {
        return None;
    }
    let poll = poll?;
    Some(ActionDef {
        type_name: name.to_owned(),
        source: site.file.path.clone(),
        descriptor: format!("{}_ACTION", names::shouty(name)),
        poll: spec.poll.clone(),
        poll_descriptor: poll.endpoint.names.descriptor.clone(),
        param,
        id: id?.wire,
        status: status?.wire,
        pending: spec.pending.clone(),
        success: spec.success.clone(),
        failure: spec.failure.clone(),
        error_type: error_type.map(|p| p.wire),
        error_message: error_message.map(|p| p.wire),
    })
}

/// An endpoint carries an action when its response is one, or holds one under a key;
/// such a call gets a request builder, where `wait` is.
fn mark_endpoint(lw: &mut Lowerer, located: &mut Located, actions: &[ActionDef]) {
    let is_action = |ty: &TypeRef| actions.iter().find(|a| matches!(ty, TypeRef::Named(n) if *n == a.type_name));
    let endpoint = &mut located.endpoint;
    let carried = match &located.response_model {
        Some(model) => {
            let keys: Vec<_> = model.fields.iter().filter_map(|f| Some((f, is_action(&f.ty)?))).collect();
            if let [_, second, ..] = keys.as_slice() {
                lw.error_help(
                    &located.site.at("response").at("keys"),
                    format!("`{}` holds two actions (`{}` and `{}`); a call waits for one", endpoint.id, keys[0].0.wire_name, second.0.wire_name),
                    "type all but one of these keys `json`, or split the endpoint",
                );
                return;
            }
            keys.first().map(|(field, action)| EndpointAction { action: action.type_name.clone(), key: Some(field.wire_name.clone()) })
        }
        None => endpoint.response_type().and_then(is_action).map(|action| EndpointAction { action: action.type_name.clone(), key: None }),
    };
    // The builder's `wait()`: a parameter's setter cannot have the name.
    if carried.is_some()
        && let Some(index) = endpoint.params.iter().position(|p| p.rust_name == "wait" && !p.required && p.group.is_none())
    {
        lw.error_help(
            &located.site.at("params").at(index).at("name"),
            format!(
                "the setter of `{}` would clash with `wait()`, which waits for the action `{}` gives",
                endpoint.params[index].wire_name, endpoint.id
            ),
            "rename the parameter, or make it required",
        );
        return;
    }
    if carried.is_some() && endpoint.names.request.is_none() {
        endpoint.names.request = Some(request_name(&endpoint.resource, &endpoint.operation));
    }
    endpoint.action = carried;
}

/// What a path ends at: a field's type, or a union's tag (with the variants' tags).
enum Leaf<'t> {
    Type(&'t TypeRef),
    Tag(Vec<String>),
}

struct Walked {
    wire: Vec<String>,
    /// The path is a union's tag.
    tag: bool,
}

/// The declared types, for walking paths through models and unions.
struct Shape<'t> {
    types: &'t [TypeDef],
}

impl<'t> Shape<'t> {
    fn get(&self, name: &str) -> Option<&'t TypeDef> {
        self.types.binary_search_by(|t| t.name().cmp(name)).ok().map(|i| &self.types[i])
    }

    /// The fields at a step into `name`: a model's, or those every variant of a union has
    /// (only `variants`, when given, at the first step).
    fn fields(&self, name: &str, variants: Option<&[String]>) -> Option<Vec<&'t crate::ir::Field>> {
        match self.get(name)? {
            TypeDef::Model(model) => Some(model.fields.iter().collect()),
            TypeDef::Union(union) => {
                let chosen: Vec<_> = union.variants.iter().filter(|v| variants.is_none_or(|only| only.contains(&v.tag))).collect();
                let models: Vec<_> = chosen
                    .iter()
                    .filter_map(|v| match self.get(&v.model) {
                        Some(TypeDef::Model(m)) => Some(m),
                        _ => None,
                    })
                    .collect();
                let first = models.first()?;
                Some(
                    first
                        .fields
                        .iter()
                        .filter(|f| models.iter().all(|m| m.fields.iter().any(|g| g.wire_name == f.wire_name && g.ty == f.ty)))
                        .collect(),
                )
            }
            _ => None,
        }
    }

    /// Walks `dotted` from the type `start`; `accept` judges the leaf. `None` (reported)
    /// when a step is missing or the leaf is refused.
    fn path(
        &self,
        lw: &mut Lowerer,
        site: &Site,
        start: &str,
        dotted: &str,
        variants: Option<&[String]>,
        mut accept: impl FnMut(Leaf<'t>) -> bool,
    ) -> Option<Walked> {
        let segments: Vec<&str> = dotted.split('.').collect();
        let mut current = start.to_owned();
        let mut wire = Vec::new();
        for (index, segment) in segments.iter().enumerate() {
            let last = index + 1 == segments.len();
            if let Some(TypeDef::Union(union)) = self.get(&current)
                && union.tag == *segment
                && last
            {
                if !accept(Leaf::Tag(union.variants.iter().map(|v| v.tag.clone()).collect())) {
                    lw.error_help(site, format!("`{dotted}` is the tag of `{}`, which cannot be read here", union.name), LEAF_HELP);
                    return None;
                }
                wire.push(segment.to_string());
                return Some(Walked { wire, tag: index == 0 });
            }
            let Some(fields) = self.fields(&current, if index == 0 { variants } else { None }) else {
                let walked = segments[..index].join(".");
                lw.error_help(site, format!("`{walked}` has type `{current}`, which has no fields"), "a path goes through models and unions only");
                return None;
            };
            let Some(field) = fields.iter().find(|f| f.wire_name == *segment) else {
                let help = suggest(segment, fields.iter().map(|f| f.wire_name.as_str()), || {
                    format!(
                        "the fields there (in every variant, for a union): {}",
                        fields.iter().map(|f| f.wire_name.as_str()).collect::<Vec<_>>().join(", ")
                    )
                });
                lw.error_help(site, format!("`{dotted}`: there is no `{segment}`"), help);
                return None;
            };
            wire.push(field.wire_name.clone());
            if last {
                if !accept(Leaf::Type(&field.ty)) {
                    lw.error_help(site, format!("`{dotted}` has type `{}`, which cannot be read here", field.ty.spec_name()), LEAF_HELP);
                    return None;
                }
                return Some(Walked { wire, tag: false });
            }
            match &field.ty {
                TypeRef::Named(next) => current = next.clone(),
                other => {
                    lw.error_help(
                        site,
                        format!("`{}` has type `{}`, which has no fields", segments[..=index].join("."), other.spec_name()),
                        "a path goes through models and unions only",
                    );
                    return None;
                }
            }
        }
        None
    }
}

const LEAF_HELP: &str = "an id is a string, integer or id type, a status a string, an enum or a union's tag, an error's type and message strings";
