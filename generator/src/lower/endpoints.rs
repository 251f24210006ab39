//! Endpoints: their routes, auth modes, parameters, one-of groups and responses, the Rust
//! names of what each makes (method, params struct, request builder, descriptor, mock
//! table), and their grouping into resources.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{CLIENT_METHODS, Claim, RESERVED_RESOURCE_NAMES, Registry, Scope, is_pascal_ident, is_snake_ident};
use super::responses::{LoweredResponse, ResponseContext, lower_response};
use super::types::{Inline, TypeSites, claim_inline, resolve_type};
use super::{Lowerer, Site};
use crate::diagnostics::suggest;
use crate::ir::{Alternative, AuthMode, Endpoint, EndpointNames, ModelDef, OneOf, Param, PathPart, Resource, ResponseExample, TypeRef};
use crate::load::LoadedApi;
use crate::names;
use crate::spec::{EndpointSpec, HttpMethod, ParamLocation, ParamSpec};

/// An endpoint and where the spec defines it.
pub(crate) struct Located<'a> {
    pub(crate) endpoint: Endpoint,
    pub(crate) site: Site<'a>,
    /// The struct of its response's keys, if it has them.
    pub(crate) response_model: Option<ModelDef>,
    /// Objects its response's keys declare in place.
    pub(crate) inline: Vec<Inline<'a>>,
}

/// Every endpoint of the API that lowers cleanly, in file order; two endpoints with one
/// name or one route are refused.
pub(crate) fn lower_endpoints<'a>(
    lw: &mut Lowerer,
    api: &'a LoadedApi,
    api_name: &str,
    auth_modes: &[AuthMode],
    cx: &ResponseContext,
) -> Vec<Located<'a>> {
    let mut endpoints = Vec::new();
    let mut seen_ops: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut seen_routes: BTreeMap<(HttpMethod, &str), String> = BTreeMap::new();
    for file in &api.files {
        for (index, spec) in file.spec.endpoints.iter().enumerate() {
            let site = Site::root(file).at("endpoints").at(index);
            if let Some(first) = seen_ops.get(&(spec.resource.as_str(), spec.operation.as_str())) {
                lw.error_help(
                    &site,
                    format!("endpoint `{}.{}` is defined twice", spec.resource, spec.operation),
                    format!("it is already defined in {first}"),
                );
                continue;
            }
            seen_ops.insert((&spec.resource, &spec.operation), &file.path);
            let id = format!("{}.{}", spec.resource, spec.operation);
            if let Some(first) = seen_routes.insert((spec.method, &spec.path), id.clone()) {
                lw.error_help(
                    &site.at("path"),
                    format!("`{} {}` is already the route of `{first}`", spec.method.as_str(), spec.path),
                    "two endpoints cannot share a method and path",
                );
            }
            check_resource_name(lw, &site.at("resource"), &spec.resource, api_name);
            if let Some((endpoint, response_model, inline)) = lower_endpoint(lw, &site, spec, auth_modes, cx) {
                endpoints.push(Located { endpoint, site, response_model, inline });
            }
        }
    }
    endpoints
}

/// A resource is a module of the API module and a method of its client.
fn check_resource_name(lw: &mut Lowerer, site: &Site, resource: &str, api_name: &str) {
    if RESERVED_RESOURCE_NAMES.contains(&resource) || CLIENT_METHODS.contains(&resource) {
        lw.error_help(site, format!("resource name `{resource}` is taken by the generated code"), "choose another resource name");
    }
    if resource == api_name {
        lw.error_help(
            site,
            format!("resource `{resource}` has the API's own name, so its module would repeat the API's"),
            "choose another resource name",
        );
    }
}

fn lower_endpoint<'a>(
    lw: &mut Lowerer,
    site: &Site<'a>,
    spec: &EndpointSpec,
    auth_modes: &[AuthMode],
    cx: &ResponseContext,
) -> Option<(Endpoint, Option<ModelDef>, Vec<Inline<'a>>)> {
    let sites = cx.sites;
    let before = lw.count();
    for (key, value) in [("resource", &spec.resource), ("operation", &spec.operation)] {
        if !is_snake_ident(value) {
            lw.error_help(&site.at(key), format!("{key} `{value}` is not a snake_case identifier"), format!("use `{}`", names::snake(value)));
        }
    }
    let id = format!("{}.{}", spec.resource, spec.operation);
    check_auth(lw, site, spec, &id, auth_modes);
    let path_parts = lower_path(lw, site, spec);
    let mut params = lower_params(lw, site, spec, path_parts.as_deref(), sites);
    let one_of = lower_one_of(lw, site, spec, &mut params);
    check_arguments(lw, site, spec, &params, &one_of);
    let response = lower_response(lw, site, spec, &params, cx);
    super::write_envelope::check(lw, site, spec, cx.write_envelope);
    let mut statuses = BTreeSet::new();
    for (index, response) in spec.responses.iter().enumerate() {
        if !(100..600).contains(&response.status) || !statuses.insert(response.status) {
            lw.error(&site.at("responses").at(index).at("status"), format!("status {} is not a new HTTP status", response.status));
        }
    }
    if lw.count() > before {
        return None;
    }
    let resource = names::pascal(&spec.resource);
    let operation = names::pascal(&spec.operation);
    let has_builder = params.iter().any(|p| !p.required && p.group.is_none());
    let descriptor = names::shouty(&id);
    let LoweredResponse { response, model, pagination, inline } = response?;
    let (response, write_envelope) = super::write_envelope::apply(spec, cx.write_envelope, response);
    let endpoint = Endpoint {
        source: site.file.path.clone(),
        resource: spec.resource.clone(),
        operation: spec.operation.clone(),
        names: EndpointNames {
            method: spec.operation.clone(),
            params: format!("{resource}{operation}Params"),
            request: has_builder.then(|| request_name(&spec.resource, &spec.operation)),
            mock: format!("{descriptor}_MOCK"),
            descriptor,
        },
        id,
        title: spec.title.clone(),
        description: spec.description.clone(),
        method: spec.method,
        alternate_methods: spec.alternate_methods.clone(),
        path: spec.path.clone(),
        path_parts: path_parts.unwrap_or_default(),
        read_only: spec.read_only,
        stability: spec.stability,
        stability_note: spec.stability_note.clone(),
        auth_modes: spec.auth.clone(),
        required_role: spec.required_role.clone(),
        params,
        one_of,
        response,
        // Read-only endpoints need no key: they are retried anyway.
        idempotency_header: spec
            .idempotency_header
            .clone()
            .or_else(|| cx.idempotency_header.filter(|_| !spec.read_only && spec.method != HttpMethod::Get).map(str::to_owned)),
        pagination,
        action: None,
        responses: spec
            .responses
            .iter()
            .map(|r| ResponseExample { status: r.status, description: r.description.clone(), example: r.example.clone() })
            .collect(),
        write_envelope,
    };
    Some((endpoint, model, inline))
}

fn check_auth(lw: &mut Lowerer, site: &Site, spec: &EndpointSpec, id: &str, auth_modes: &[AuthMode]) {
    for (index, mode) in spec.auth.iter().enumerate() {
        if !auth_modes.iter().any(|m| &m.name == mode) {
            let help = suggest(mode, auth_modes.iter().map(|m| m.name.as_str()), || {
                format!("the API defines: {}", auth_modes.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "))
            });
            lw.error_help(&site.at("auth").at(index), format!("auth mode `{mode}` is not defined by the API"), help);
        }
    }
    if spec.auth.is_empty() {
        lw.error_help(&site.at("auth"), format!("endpoint `{id}` accepts no auth mode"), "list the modes from `api.auth_modes` it accepts");
    }
}

/// The path template's parts, or `None` (with a diagnostic) when it is not valid.
fn lower_path(lw: &mut Lowerer, site: &Site, spec: &EndpointSpec) -> Option<Vec<PathPart>> {
    let parts = parse_path(&spec.path).filter(|_| spec.path.starts_with('/'));
    if parts.is_none() {
        lw.error_help(&site.at("path"), format!("`{}` is not a valid path template", spec.path), "start with `/` and write parameters as `{name}`");
    }
    parts
}

/// `path_parts` is `None` when the path itself is invalid (its parameters are not checked
/// against it then).
fn lower_params(lw: &mut Lowerer, site: &Site, spec: &EndpointSpec, path_parts: Option<&[PathPart]>, sites: &TypeSites) -> Vec<Param> {
    let path_params: Vec<&str> = path_parts
        .unwrap_or_default()
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
        .collect();
    let mut params = Vec::new();
    let mut seen_wire = BTreeSet::new();
    let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
    for (index, param) in spec.params.iter().enumerate() {
        let site = site.at("params").at(index);
        if !seen_wire.insert(param.name.clone()) {
            lw.error(&site.at("name"), format!("parameter `{}` is declared twice", param.name));
            continue;
        }
        let rust_name = names::snake(&param.name);
        // Compared as printed: `self` and `self_` are one identifier.
        let printed = names::ident(&rust_name).to_string();
        if let Some(other) = seen_rust.insert(printed.clone(), param.name.clone()) {
            lw.error(&site.at("name"), format!("parameters `{other}` and `{}` both become `{printed}` in Rust", param.name));
        }
        match param.location {
            ParamLocation::Path if path_parts.is_some() && !path_params.contains(&param.name.as_str()) => lw.error_help(
                &site.at("name"),
                format!("path parameter `{}` does not appear in the path `{}`", param.name, spec.path),
                format!("add `{{{}}}` to the path or change `in`", param.name),
            ),
            ParamLocation::Path if !param.required => {
                lw.error_help(&site.at("required"), format!("path parameter `{}` must be required", param.name), "set `required: true`")
            }
            ParamLocation::Body | ParamLocation::Form if !spec.method.has_body() => lw.error_help(
                &site.at("in"),
                format!("`{}` requests carry no body, but `{}` is a {} parameter", spec.method.as_str(), param.name, location_name(param.location)),
                "use `in: query`",
            ),
            // Once, at the first form parameter.
            ParamLocation::Form
                if spec.params.iter().any(|p| p.location == ParamLocation::Body)
                    && spec.params.iter().position(|p| p.location == ParamLocation::Form) == Some(index) =>
            {
                lw.error_help(
                    &site.at("in"),
                    format!("`{}` is a form parameter beside JSON body parameters: a request has one body", param.name),
                    "send every body parameter as `in: form`, or every one as `in: body`",
                )
            }
            _ => {}
        }
        let ty = resolve_type(lw, &site.at("type"), &param.ty, sites);
        if ty == Some(TypeRef::Secret) && !matches!(param.location, ParamLocation::Body | ParamLocation::Form) {
            lw.error_help(
                &site.at("in"),
                format!("secret parameter `{}` would travel in the URL, where proxies and logs keep it", param.name),
                "send secrets in the body (`in: body`) or as an auth-mode header",
            );
        }
        if matches!(ty, Some(TypeRef::Map(_))) && param.location != ParamLocation::Body {
            lw.error_help(
                &site.at("type"),
                format!("map parameter `{}` cannot travel in the {}", param.name, location_name(param.location)),
                "send maps in the body (`in: body`)",
            );
        }
        if param.location == ParamLocation::Form && !ty.as_ref().is_none_or(|t| is_form_field(t, sites)) {
            lw.error_help(
                &site.at("type"),
                format!("form parameter `{}` must be a scalar or a list of scalars", param.name),
                "a form field holds text; send structured values in a JSON body (`in: body`)",
            );
        }
        check_param_extras(lw, &site, param, ty.as_ref());
        if let Some(ty) = ty {
            params.push(Param {
                wire_name: param.name.clone(),
                rust_name,
                location: param.location,
                ty,
                required: param.required,
                description: param.description.clone(),
                group: None,
                default: param.default.clone(),
                nullable: param.nullable,
                deprecated: param.deprecated.clone(),
                array_style: param.array_style,
            });
        }
    }
    for name in &path_params {
        if !spec.params.iter().any(|p| p.name == *name && p.location == ParamLocation::Path) {
            lw.error_help(
                &site.at("path"),
                format!("path parameter `{{{name}}}` is not declared"),
                format!("add `- {{ name: {name}, in: path, type: …, required: true, description: … }}` to `params`"),
            );
        }
    }
    params
}

/// A form field holds text: a scalar, an id or enum, or a list of those (the field repeated).
fn is_form_field(ty: &TypeRef, sites: &TypeSites) -> bool {
    match ty {
        TypeRef::Array(item) => !matches!(**item, TypeRef::Array(_)) && is_form_field(item, sites),
        TypeRef::Json | TypeRef::Map(_) => false,
        TypeRef::Named(name) => sites.is_scalar(name),
        _ => true,
    }
}

/// What a parameter may be beside its type: where it travels decides what it can hold, a
/// required one has no default and cannot be null or deprecated alone, an array in the query
/// states its encoding.
fn check_param_extras(lw: &mut Lowerer, site: &Site, param: &ParamSpec, ty: Option<&TypeRef>) {
    let name = &param.name;
    if param.location == ParamLocation::Header {
        let lower = name.to_ascii_lowercase();
        if ["authorization", "content-type", "content-length", "host", "user-agent", "accept"].contains(&lower.as_str()) {
            lw.error_help(
                &site.at("name"),
                format!("header parameter `{name}` is a header the client sets itself"),
                "auth headers belong to `api.auth_modes`",
            );
        }
        if ty.is_some_and(|t| t.is_collection() || matches!(t, TypeRef::Json)) {
            lw.error_help(&site.at("type"), format!("header parameter `{name}` must be a scalar"), "a header holds one string");
        }
    }
    let is_array = matches!(ty, Some(TypeRef::Array(_)));
    match (param.location, is_array, param.array_style) {
        (ParamLocation::Query, true, None) => lw.error_help(
            &site.at("type"),
            format!("array parameter `{name}` in the query string needs its encoding"),
            "add `array_style: repeat` (ids=a&ids=b), `comma` (ids=a,b) or `brackets` (ids[]=a&ids[]=b), as the vendor documents",
        ),
        (ParamLocation::Query, true, Some(_)) | (_, _, None) => {}
        (_, _, Some(_)) => {
            lw.error_help(&site.at("array_style"), format!("`array_style` is for arrays in the query string, and `{name}` is not one"), "drop it")
        }
    }
    if param.required {
        for (key, given) in [("default", param.default.is_some()), ("nullable", param.nullable), ("deprecated", param.deprecated.is_some())] {
            if given {
                lw.error_help(&site.at(key), format!("required parameter `{name}` cannot have `{key}`"), "make it optional, or drop the key");
            }
        }
    }
    if param.nullable && param.location != ParamLocation::Body {
        lw.error_help(
            &site.at("nullable"),
            format!("`{name}` travels in the {}, where `null` cannot be sent", location_name(param.location)),
            "only body parameters can be null",
        );
    }
    if param.default.as_ref().is_some_and(serde_json::Value::is_null) {
        lw.error_help(&site.at("default"), format!("the default of `{name}` is null"), "leave `default` out: absent already means no value");
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query string",
        ParamLocation::Body => "body",
        ParamLocation::Header => "headers",
        ParamLocation::Form => "form body",
    }
}

/// The one-of groups; marks each member parameter with its group.
fn lower_one_of(lw: &mut Lowerer, site: &Site, spec: &EndpointSpec, params: &mut [Param]) -> Vec<OneOf> {
    let mut one_of = Vec::new();
    for (group_index, group) in spec.one_of.iter().enumerate() {
        let site = site.at("one_of").at(group_index);
        if !is_pascal_ident(&group.name) {
            lw.error_help(
                &site.at("name"),
                format!("one_of name `{}` is not PascalCase", group.name),
                format!("use `{}`", names::pascal(&group.name)),
            );
        }
        if group.alternatives.len() < 2 {
            lw.error_help(
                &site.at("alternatives"),
                "a one_of group needs at least two alternatives",
                "list the alternatives, or make the parameter required",
            );
        }
        let mut alternatives = Vec::new();
        let mut variant_names = BTreeSet::new();
        for (alt_index, alternative) in group.alternatives.iter().enumerate() {
            let site = site.at("alternatives").at(alt_index);
            if alternative.is_empty() {
                lw.error(&site, "an alternative lists no parameter");
            }
            let indices = alternative_params(lw, &site, group_index, alternative, params);
            let variant = alternative.iter().map(|p| names::pascal(p)).collect::<Vec<_>>().join("And");
            if !variant_names.insert(variant.clone()) {
                lw.error(&site, format!("two alternatives are both called `{variant}`"));
            }
            alternatives.push(Alternative { variant, params: indices });
        }
        one_of.push(OneOf { name: group.name.clone(), arg_name: names::snake(&group.name), description: group.description.clone(), alternatives });
    }
    one_of
}

/// The indices of an alternative's parameters, each optional and in no other alternative.
fn alternative_params(lw: &mut Lowerer, site: &Site, group_index: usize, alternative: &[String], params: &mut [Param]) -> Vec<usize> {
    let mut indices = Vec::new();
    for (p_index, name) in alternative.iter().enumerate() {
        let site = site.at(p_index);
        match params.iter().position(|p| &p.wire_name == name) {
            None => {
                let help = suggest(name, params.iter().map(|p| p.wire_name.as_str()), || "declare it under `params`".to_owned());
                lw.error_help(&site, format!("one_of names `{name}`, which is not a parameter"), help);
            }
            Some(i) if params[i].required || params[i].location == ParamLocation::Path => lw.error_help(
                &site,
                format!("`{name}` is required on its own, so it cannot be one alternative of a group"),
                "set `required: false` on the parameter",
            ),
            Some(i) if params[i].group.is_some_and(|g| g != group_index) || indices.contains(&i) => {
                lw.error(&site, format!("`{name}` is already part of an alternative"))
            }
            Some(i) => {
                params[i].group = Some(group_index);
                indices.push(i);
            }
        }
    }
    indices
}

/// The names the endpoint's method and request builder take from the spec, each unique where
/// it lands: the method's arguments (required parameters, one-of groups) beside its local
/// `params`, and the builder's setters (optional parameters) beside `into_call`.
fn check_arguments(lw: &mut Lowerer, site: &Site, spec: &EndpointSpec, params: &[Param], one_of: &[OneOf]) {
    let param_site = |wire: &str| {
        let index = spec.params.iter().position(|p| p.name == wire).unwrap_or_default();
        site.at("params").at(index).at("name")
    };
    let mut arguments: BTreeMap<String, String> = BTreeMap::from([("params".to_owned(), "the method's own `params`".to_owned())]);
    let required = params.iter().filter(|p| p.group.is_none() && p.required);
    let named = required.map(|p| (names::ident(&p.rust_name).to_string(), format!("parameter `{}`", p.wire_name), param_site(&p.wire_name)));
    let groups = one_of
        .iter()
        .enumerate()
        .map(|(i, g)| (names::ident(&g.arg_name).to_string(), format!("one_of `{}`", g.name), site.at("one_of").at(i).at("name")));
    for (name, what, at) in named.chain(groups) {
        if let Some(first) = arguments.insert(name.clone(), what.clone()) {
            lw.error_help(&at, format!("the {what} is the argument `{name}` of `{}`, like {first}", spec.operation), "rename one of them");
        }
    }
    // Two setters of one name are two parameters of one Rust name, reported by
    // `lower_params`.
    let builder_methods: &[&str] = if spec.pagination.is_some() { &["into_call", "pages", "items", "resume_at"] } else { &["into_call"] };
    for param in params.iter().filter(|p| p.group.is_none() && !p.required) {
        let setter = names::ident(&param.rust_name).to_string();
        if builder_methods.contains(&setter.as_str()) {
            lw.error_help(
                &param_site(&param.wire_name),
                format!("the setter of parameter `{}` would be the request builder's own method `{setter}`", param.wire_name),
                "rename the parameter",
            );
        }
    }
}

/// `/api/spaces/accesstokens/{id}` → literal `/api/spaces/accesstokens/`, param `id`.
/// Literals must already be valid URL path text (the mock server matches them as written),
/// and two parameters need a literal between them to be told apart.
fn parse_path(path: &str) -> Option<Vec<PathPart>> {
    let valid_literal = |text: &str| text.chars().all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c));
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let (literal, after) = rest.split_at(open);
        let close = after.find('}')?;
        let name = &after[1..close];
        if !valid_literal(literal) || name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        if literal.is_empty() && matches!(parts.last(), Some(PathPart::Param(_))) {
            return None;
        }
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal.to_owned()));
        }
        parts.push(PathPart::Param(name.to_owned()));
        rest = &after[close + 1..];
    }
    if !valid_literal(rest) {
        return None;
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Some(parts)
}

/// The handler type of a resource: `access_codes` → `AccessCodes`.
fn handler_name(resource: &str) -> String {
    names::pascal(resource)
}

/// The request builder of an endpoint: `AccessCodesListRequest`.
pub(crate) fn request_name(resource: &str, operation: &str) -> String {
    format!("{}{}Request", names::pascal(resource), names::pascal(operation))
}

/// Claims every Rust name a resource module defines, in the order the specs give the
/// endpoints (so the later of two clashing items is the one reported): each resource's
/// handler, and each endpoint's one-of enums, request builder, params struct, descriptor
/// and mock table.
pub(crate) fn claim_names<'a>(lw: &mut Lowerer, endpoints: &[Located<'a>], registry: &mut Registry<'a>) -> Vec<ModelDef> {
    let mut inline_models = Vec::new();
    let mut handlers = BTreeSet::new();
    for Located { endpoint, site, response_model, inline } in endpoints {
        let resource = &endpoint.resource;
        let types = Scope::Resource(resource.clone());
        let values = Scope::ResourceValues(resource.clone());
        let api_and_module = [Scope::Api, types.clone()];
        if handlers.insert(resource) {
            let claim = Claim::at("handler", format!("resource `{resource}`"), site.at("resource"));
            registry.claim(lw, &api_and_module, &handler_name(resource), claim, "rename the resource or the other type");
        }
        let owner = format!("`{}`", endpoint.id);
        let mut claim = |scopes: &[Scope], name: &str, kind: &'static str, at: Site<'a>, help: &str| {
            registry.claim(lw, scopes, name, Claim::at(kind, owner.clone(), at), help);
        };
        for (index, group) in endpoint.one_of.iter().enumerate() {
            claim(&api_and_module, &group.name, "one_of enum", site.at("one_of").at(index).at("name"), "rename the one_of group");
        }
        let rename = "rename the operation or the resource";
        if let Some(model) = response_model {
            claim(&[Scope::Api], &model.name, "response struct", site.at("response").at("keys"), rename);
        }
        if let Some(request) = &endpoint.names.request {
            claim(&api_and_module, request, "request builder", site.at("operation"), rename);
        }
        claim(std::slice::from_ref(&types), &endpoint.names.params, "params struct", site.at("operation"), rename);
        claim(std::slice::from_ref(&values), &endpoint.names.descriptor, "descriptor", site.at("operation"), rename);
        claim(std::slice::from_ref(&values), &endpoint.names.mock, "mock table", site.at("operation"), rename);
        inline_models.extend(claim_inline(lw, inline.clone(), registry));
    }
    inline_models
}

/// The endpoints grouped into resources, sorted by name, their endpoints by operation.
pub(crate) fn group_into_resources(endpoints: Vec<Located>) -> Vec<Resource> {
    let mut by_resource: BTreeMap<String, Vec<Endpoint>> = BTreeMap::new();
    for located in endpoints {
        by_resource.entry(located.endpoint.resource.clone()).or_default().push(located.endpoint);
    }
    by_resource
        .into_iter()
        .map(|(name, mut endpoints)| {
            endpoints.sort_by(|a, b| a.operation.cmp(&b.operation));
            Resource { handler_name: handler_name(&name), name, endpoints }
        })
        .collect()
}
