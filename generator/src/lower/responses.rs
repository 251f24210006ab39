//! Responses: what a success gives (nothing, one value, or a struct of several documented
//! keys) and how a list's pages follow one another (`pagination`).

use super::types::{Inline, TypeSites, lower_fields, resolve_type};
use super::{Lowerer, Site};
use crate::diagnostics::suggest;
use crate::ir::{Field, FieldPath, ModelDef, PageSize, PageStyle, Pagination, Param, PathStep, Response, TypeDef, TypeRef};
use crate::names;
use crate::spec::{EndpointSpec, FieldSpec, PaginationSpec, ParamLocation};

/// An endpoint's response, the model its `keys` make, and its pagination.
pub(crate) struct LoweredResponse<'a> {
    pub(crate) response: Response,
    pub(crate) model: Option<ModelDef>,
    pub(crate) pagination: Option<Pagination>,
    /// Objects its keys declare in place.
    pub(crate) inline: Vec<Inline<'a>>,
}

/// What lowering a response needs to know of the API.
pub(crate) struct ResponseContext<'s, 't> {
    pub(crate) sites: &'s TypeSites<'t>,
    /// The lowered types, sorted by name, for paths through models.
    pub(crate) types: &'s [TypeDef],
    pub(crate) success_flag: Option<&'s str>,
    /// `api.idempotency_header`.
    pub(crate) idempotency_header: Option<&'s str>,
    /// `api.write_envelope`.
    pub(crate) write_envelope: Option<&'s crate::spec::WriteEnvelopeSpec>,
}

/// `None` (with diagnostics) when the response or its pagination is wrong.
pub(crate) fn lower_response<'a>(
    lw: &mut Lowerer,
    site: &Site<'a>,
    spec: &EndpointSpec,
    params: &[Param],
    cx: &ResponseContext,
) -> Option<LoweredResponse<'a>> {
    let before = lw.count();
    let at = site.at("response");
    let mut inline = Vec::new();
    let (response, model) = match &spec.response {
        None => (Response::Empty, None),
        Some(response) => match (&response.keys, &response.ty) {
            (Some(keys), ty) => {
                if ty.is_some() || response.envelope.is_some() {
                    let key = if ty.is_some() { "type" } else { "envelope" };
                    lw.error_help(
                        &at.at(key),
                        format!("`response.{key}` cannot be given with `keys`"),
                        "`keys` describes the whole body: drop `type` and `envelope`",
                    );
                }
                let model = keys_model(lw, &at, spec, keys, cx, &mut inline);
                (Response::Value { ty: TypeRef::Named(model.name.clone()), envelope: None }, Some(model))
            }
            (None, Some(ty)) => {
                let ty = resolve_type(lw, &at.at("type"), ty, cx.sites);
                (Response::Value { ty: ty.unwrap_or(TypeRef::Json), envelope: response.envelope.clone() }, None)
            }
            (None, None) => {
                lw.error_help(
                    &at,
                    "`response` names no type",
                    "give `type` (and maybe `envelope`) or `keys`; leave `response` out when a success gives nothing",
                );
                (Response::Empty, None)
            }
        },
    };
    let mut model = model;
    let mut pagination = None;
    // A key whose type did not resolve (reported, or in a file that could not be read) reads
    // as `json`: its paging would only add false problems.
    let unresolved = spec.response.as_ref().and_then(|r| r.keys.as_ref()).is_some_and(|keys| {
        keys.iter().any(|key| {
            TypeRef::parse(&key.ty).is_none_or(|ty| matches!(ty.leaf(), TypeRef::Named(name) if !cx.sites.contains(name) && key.fields.is_none()))
        })
    });
    if unresolved {
        return None;
    }
    if let Some(paging) = &spec.pagination {
        let site = site.at("pagination");
        match &mut model {
            None => lw.error_help(
                &site,
                "pagination needs `response.keys`",
                "list the body's keys under `response.keys`: the page's items and its paging fields are keys of the body",
            ),
            Some(model) => {
                pagination = lower_pagination(lw, &site, paging, params, &model.fields, cx, &inline);
                model.page = pagination.clone().map(Box::new);
            }
        }
    }
    (lw.count() == before).then_some(LoweredResponse { response, model, pagination, inline })
}

/// The struct of a body's documented keys, `<Resource><Operation>Response`.
fn keys_model<'a>(
    lw: &mut Lowerer,
    at: &Site<'a>,
    spec: &EndpointSpec,
    keys: &[FieldSpec],
    cx: &ResponseContext,
    inline: &mut Vec<Inline<'a>>,
) -> ModelDef {
    if keys.is_empty() {
        lw.error_help(&at.at("keys"), "`response.keys` lists no key", "list the body's keys, or leave `response` out when it gives nothing");
    }
    let name = format!("{}{}Response", names::pascal(&spec.resource), names::pascal(&spec.operation));
    let fields = lower_fields(lw, &at.at("keys"), &name, keys, cx.sites, inline);
    if let Some(flag) = cx.success_flag
        && let Some(index) = keys.iter().position(|k| k.name == flag)
    {
        lw.error_help(
            &at.at("keys").at(index).at("name"),
            format!("`{flag}` is the API's success flag (`api.success_flag`), which no response type holds"),
            "leave it out of `keys`",
        );
    }
    let id = format!("{}.{}", spec.resource, spec.operation);
    let description = format!("The response of `{id}` ({}): every documented key of its body.", spec.title.trim_end_matches('.'));
    ModelDef { name, description, declared: true, fields, examples: Vec::new(), response_of: Some(id), page: None }
}

fn lower_pagination(
    lw: &mut Lowerer,
    site: &Site,
    spec: &PaginationSpec,
    params: &[Param],
    keys: &[Field],
    cx: &ResponseContext,
    inline: &[Inline],
) -> Option<Pagination> {
    let models = Models { types: cx.types, inline };
    let before = lw.count();
    let items = match keys.iter().find(|f| f.wire_name == spec.items) {
        Some(field) => match &field.ty {
            TypeRef::Array(item) => Some((step(field), (**item).clone())),
            other => {
                lw.error_help(
                    &site.at("items"),
                    format!("`{}` has type `{}`, not an array of items", spec.items, other.spec_name()),
                    "name the key holding the page's items",
                );
                None
            }
        },
        None => {
            let help = suggest(&spec.items, keys.iter().map(|f| f.wire_name.as_str()), || "name a key of `response.keys`".to_owned());
            lw.error_help(&site.at("items"), format!("`{}` is not a key of `response.keys`", spec.items), help);
            None
        }
    };
    let mut path = |key: &'static str, dotted: &Option<String>, leaf: TypeRef| {
        dotted.as_ref().and_then(|dotted| resolve_path(lw, &site.at(key), dotted, keys, &models, &leaf))
    };
    let has_more = path("has_more", &spec.has_more, TypeRef::Boolean);
    let total_items = path("total_items", &spec.total_items, TypeRef::Integer);
    let total_pages = path("total_pages", &spec.total_pages, TypeRef::Integer);
    let current_page = path("current_page", &spec.current_page, TypeRef::Integer);
    let style = match (&spec.cursor, &spec.page) {
        (Some(cursor), None) => {
            check_param(lw, &site.at("cursor").at("param"), &cursor.param, params, &TypeRef::String);
            let next = resolve_path(lw, &site.at("cursor").at("next"), &cursor.next, keys, &models, &TypeRef::String);
            next.map(|next| PageStyle::Cursor { param: cursor.param.clone(), next })
        }
        (None, Some(page)) => {
            check_param(lw, &site.at("page").at("param"), &page.param, params, &TypeRef::Integer);
            Some(PageStyle::Number { param: page.param.clone(), first: page.first })
        }
        (cursor, _) => {
            let message = if cursor.is_some() { "pagination gives both `cursor` and `page`" } else { "pagination gives neither `cursor` nor `page`" };
            lw.error_help(site, message, "give `cursor: { param, next }` for cursor paging or `page: { param, first }` for numbered pages");
            None
        }
    };
    let size = spec.size.as_ref().map(|size| {
        check_param(lw, &site.at("size").at("param"), &size.param, params, &TypeRef::Integer);
        PageSize { param: size.param.clone(), default: size.default }
    });
    if let Some(size) = &spec.size
        && size.default == Some(0)
    {
        lw.error(&site.at("size").at("default"), "a page size of 0 would never advance");
    }
    if lw.count() > before {
        return None;
    }
    let (items, item_type) = items?;
    Some(Pagination { items, item_type, style: style?, size, has_more, total_items, total_pages, current_page })
}

fn step(field: &Field) -> PathStep {
    PathStep { wire: field.wire_name.clone(), rust: field.rust_name.clone(), option: field.is_option() }
}

/// A paging parameter: declared, optional, not in the path, of the expected type.
fn check_param(lw: &mut Lowerer, site: &Site, name: &str, params: &[Param], expected: &TypeRef) {
    let Some(param) = params.iter().find(|p| p.wire_name == name) else {
        let help = suggest(name, params.iter().map(|p| p.wire_name.as_str()), || "declare it under `params`, not required".to_owned());
        lw.error_help(site, format!("`{name}` is not a parameter of the endpoint"), help);
        return;
    };
    if param.required || param.group.is_some() || param.location == ParamLocation::Path {
        lw.error_help(
            site,
            format!("paging parameter `{name}` must be optional"),
            "the client sets it page by page: declare it without `required` and outside `one_of`",
        );
    }
    if &param.ty != expected {
        lw.error_help(
            site,
            format!("paging parameter `{name}` has type `{}`, not `{}`", param.ty.spec_name(), expected.spec_name()),
            format!("declare it as `type: {}`", expected.spec_name()),
        );
    }
}

/// `pagination.next_page_cursor`: a response key, then fields of models, to a `leaf`.
/// The models a path may go through: the API's, and those the response declares in place.
struct Models<'m, 'a> {
    types: &'m [TypeDef],
    inline: &'m [Inline<'a>],
}

impl Models<'_, '_> {
    fn model(&self, name: &str) -> Option<&ModelDef> {
        let declared = self.types.binary_search_by(|t| t.name().cmp(name)).ok().and_then(|i| match &self.types[i] {
            TypeDef::Model(model) => Some(model),
            _ => None,
        });
        declared.or_else(|| self.inline.iter().map(|i| &i.model).find(|m| m.name == name))
    }
}

fn resolve_path(lw: &mut Lowerer, site: &Site, dotted: &str, keys: &[Field], models: &Models, leaf: &TypeRef) -> Option<FieldPath> {
    let mut fields = keys;
    let mut steps = Vec::new();
    let mut ty: Option<&TypeRef> = None;
    for (index, segment) in dotted.split('.').enumerate() {
        if let Some(previous) = ty {
            let model = match previous {
                TypeRef::Named(name) => models.model(name),
                _ => None,
            };
            let Some(model) = model else {
                let walked = dotted.split('.').take(index).collect::<Vec<_>>().join(".");
                lw.error_help(
                    site,
                    format!("`{walked}` has type `{}`, which has no fields", previous.spec_name()),
                    "a path goes through models only",
                );
                return None;
            };
            fields = &model.fields;
        }
        let Some(field) = fields.iter().find(|f| f.wire_name == segment) else {
            let help = suggest(segment, fields.iter().map(|f| f.wire_name.as_str()), || {
                format!("the fields there: {}", fields.iter().map(|f| f.wire_name.as_str()).collect::<Vec<_>>().join(", "))
            });
            lw.error_help(site, format!("`{dotted}`: there is no `{segment}`"), help);
            return None;
        };
        steps.push(step(field));
        ty = Some(&field.ty);
    }
    let ty = ty?;
    if ty != leaf {
        lw.error_help(
            site,
            format!("`{dotted}` has type `{}`, not `{}`", ty.spec_name(), leaf.spec_name()),
            format!("name a field of type `{}`", leaf.spec_name()),
        );
        return None;
    }
    Some(FieldPath { steps, leaf: leaf.clone() })
}
