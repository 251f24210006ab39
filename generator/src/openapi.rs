//! An OpenAPI 3.1 document per API (`generated/openapi/<api>.json`), exported from the same
//! IR, so the API can also be browsed in any OpenAPI viewer. JSON has no comments: the
//! `@generated` notice is the `x-generated` extension at the top.

use serde_json::{Map, Value, json};

use crate::file::{OutputFile, REGENERATE};
use crate::fixtures::fixtures_of;
use crate::ir::{Api, Endpoint, Field, PageStyle, Pagination, Param, Response, TypeDef, TypeRef};
use crate::spec::{ArrayStyle, ParamLocation};

fn schema_of(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String | TypeRef::Secret => json!({"type": "string"}),
        TypeRef::Uuid => json!({"type": "string", "format": "uuid"}),
        TypeRef::Url => json!({"type": "string", "format": "uri"}),
        TypeRef::Timestamp => json!({"type": "string", "format": "date-time"}),
        TypeRef::Integer => json!({"type": "integer", "format": "int64"}),
        TypeRef::Number => json!({"type": "number"}),
        TypeRef::Boolean => json!({"type": "boolean"}),
        TypeRef::Json => json!({}),
        TypeRef::Array(inner) => json!({"type": "array", "items": schema_of(inner)}),
        TypeRef::Map(inner) => json!({"type": "object", "additionalProperties": schema_of(inner)}),
        TypeRef::Named(name) => json!({"$ref": format!("#/components/schemas/{name}")}),
        TypeRef::OneOf(members) => json!({"type": members.iter().map(|m| schema_of(m)["type"].clone()).collect::<Vec<_>>()}),
    }
}

fn object_schema(fields: &[Field], extra: Option<(&str, &str)>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    if let Some((tag, value)) = extra {
        properties.insert(tag.to_owned(), json!({"type": "string", "const": value}));
        required.push(json!(tag));
    }
    for field in fields {
        let mut schema = schema_of(&field.ty);
        if field.nullable {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        if let Some(object) = schema.as_object_mut() {
            object.insert("description".into(), json!(field.description.trim()));
            if field.deprecated.is_some() {
                object.insert("deprecated".into(), json!(true));
            }
        }
        properties.insert(field.wire_name.clone(), schema);
        if !field.optional {
            required.push(json!(field.wire_name));
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}

fn component(api: &Api, def: &TypeDef) -> Value {
    match def {
        TypeDef::Id(id) => {
            let base = if id.integer { json!({"type": "integer", "format": "int64"}) } else { json!({"type": "string"}) };
            let mut base = base;
            base["description"] = json!(id.description.trim());
            base
        }
        TypeDef::Enum(def) => json!({
            "type": "string",
            "description": def.description.trim(),
            "enum": def.values.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
        }),
        TypeDef::Model(model) => {
            let mut schema = object_schema(&model.fields, None);
            schema["description"] = json!(model.description.trim());
            schema
        }
        TypeDef::Union(union) => {
            let variants: Vec<Value> = union
                .variants
                .iter()
                .map(|v| {
                    let mut schema = match api.type_def(&v.model) {
                        // A model the spec shares between variants has its own component:
                        // the variant is that model with the tag beside its fields.
                        Some(TypeDef::Model(_)) if v.shared => json!({
                            "allOf": [schema_of(&TypeRef::Named(v.model.clone())), object_schema(&[], Some((&union.tag, &v.tag)))],
                        }),
                        // Several tags: the payload's tag field, limited to them.
                        Some(TypeDef::Model(model)) if !v.also_tags.is_empty() => {
                            let mut schema = object_schema(&model.fields, None);
                            schema["properties"][&union.tag] = json!({"type": "string", "enum": v.tags().collect::<Vec<_>>()});
                            schema
                        }
                        Some(TypeDef::Model(model)) => object_schema(&model.fields, Some((&union.tag, &v.tag))),
                        _ => object_schema(&[], Some((&union.tag, &v.tag))),
                    };
                    schema["description"] = json!(v.description.trim());
                    schema
                })
                .collect();
            json!({"description": union.description.trim(), "oneOf": variants})
        }
    }
}

/// For each auth mode, the names of the security schemes it sends together.
type SchemesByMode = Vec<(String, Vec<String>)>;

fn security_schemes(api: &Api) -> (Map<String, Value>, SchemesByMode) {
    let mut schemes = Map::new();
    let mut by_mode = Vec::new();
    for mode in &api.auth_modes {
        let mut names = Vec::new();
        for header in &mode.headers {
            let name = format!("{}_{}", mode.name, header.name.to_lowercase().replace('-', "_"));
            let bearer = header.name.eq_ignore_ascii_case("authorization") && header.prefix == "Bearer ";
            let from_token_endpoint =
                mode.token_endpoint.as_ref().filter(|endpoint| bearer && mode.credentials[endpoint.credential].name == header.credential);
            let scheme = if let Some(endpoint) = from_token_endpoint {
                // OAuth2's password flow: a bearer token from the token endpoint.
                let url = format!("{}{}", api.base_url, endpoint.path);
                let mut flow = json!({"tokenUrl": url, "scopes": {}});
                if endpoint.refresh {
                    flow["refreshUrl"] = json!(url);
                }
                json!({"type": "oauth2", "flows": {"password": flow}, "description": format!("{}: {}", mode.title, mode.description.trim())})
            } else if bearer {
                json!({"type": "http", "scheme": "bearer", "description": format!("{}: {}", mode.title, mode.description.trim())})
            } else {
                json!({"type": "apiKey", "in": "header", "name": header.name, "description": format!("{}: `{}`", mode.title, header.credential)})
            };
            schemes.insert(name.clone(), scheme);
            names.push(name);
        }
        by_mode.push((mode.name.clone(), names));
    }
    (schemes, by_mode)
}

fn operation(api: &Api, endpoint: &Endpoint, by_mode: &[(String, Vec<String>)]) -> Value {
    let mut parameters = Vec::new();
    let mut body_props = Map::new();
    let mut body_required = Vec::new();
    for param in &endpoint.params {
        let mut schema = schema_of(&param.ty);
        match param.location {
            ParamLocation::Path | ParamLocation::Query | ParamLocation::Header => parameters.push(parameter_object(param, schema)),
            ParamLocation::Body | ParamLocation::Form => {
                if param.nullable {
                    schema = json!({"anyOf": [schema, {"type": "null"}]});
                }
                if let Some(object) = schema.as_object_mut() {
                    object.insert("description".into(), json!(param.description.trim()));
                    if let Some(default) = &param.default {
                        object.insert("default".into(), default.clone());
                    }
                    if param.deprecated.is_some() {
                        object.insert("deprecated".into(), json!(true));
                    }
                }
                body_props.insert(param.wire_name.clone(), schema);
                if param.required {
                    body_required.push(json!(param.wire_name));
                }
            }
        }
    }
    let mut op = json!({
        "operationId": format!("{}_{}", endpoint.resource, endpoint.operation),
        "summary": endpoint.title,
        "description": endpoint.description.trim(),
        "tags": [endpoint.resource],
        "security": endpoint.auth_modes.iter().map(|m| {
            let names = by_mode.iter().find(|(mode, _)| mode == m).map(|(_, n)| n.clone()).unwrap_or_default();
            Value::Object(names.into_iter().map(|n| (n, json!([]))).collect())
        }).collect::<Vec<_>>(),
        "parameters": parameters,
    });
    if !body_props.is_empty() {
        let mut schema = json!({"type": "object", "properties": body_props, "required": body_required});
        if !endpoint.one_of.is_empty() {
            // Each group: exactly one alternative's parameters must all be present.
            let all_of: Vec<Value> = endpoint
                .one_of
                .iter()
                .map(|group| {
                    json!({"oneOf": group.alternatives.iter().map(|alt| json!({
                        "required": alt.params.iter().map(|i| endpoint.params[*i].wire_name.clone()).collect::<Vec<_>>()
                    })).collect::<Vec<_>>()})
                })
                .collect();
            schema["allOf"] = json!(all_of);
        }
        let media =
            if endpoint.params.iter().any(|p| p.location == ParamLocation::Form) { "application/x-www-form-urlencoded" } else { "application/json" };
        op["requestBody"] = json!({"required": true, "content": {media: {"schema": schema}}});
    }
    if endpoint.stability != crate::spec::Stability::Stable {
        op["x-stability"] = json!(endpoint.stability.as_str());
    }
    if let Some(role) = &endpoint.required_role {
        op["x-required-role"] = json!(role);
    }
    let mut responses = Map::new();
    for fixture in fixtures_of(api, endpoint) {
        let schema = if (200..300).contains(&fixture.status) { success_schema(api, endpoint) } else { json!({"$ref": "#/components/schemas/Error"}) };
        responses.insert(
            fixture.status.to_string(),
            json!({"description": fixture.description, "content": {"application/json": {"schema": schema, "example": fixture.body}}}),
        );
    }
    if responses.is_empty() {
        responses.insert("default".into(), json!({"description": "The response."}));
    }
    op["responses"] = Value::Object(responses);
    if let Some(pagination) = &endpoint.pagination {
        op["x-pagination"] = pagination_extension(pagination);
    }
    op
}

/// A path, query or header parameter as an OpenAPI Parameter Object.
fn parameter_object(param: &Param, mut schema: Value) -> Value {
    if let Some(default) = &param.default {
        schema["default"] = default.clone();
    }
    let mut parameter = json!({
        "name": param.wire_name,
        "in": match param.location {
            ParamLocation::Path => "path",
            ParamLocation::Header => "header",
            _ => "query",
        },
        "required": param.required,
        "description": param.description.trim(),
        "schema": schema,
    });
    if let Some(style) = param.array_style {
        // OpenAPI has no style for `ids[]=a&ids[]=b`: it is the repeated form under a
        // bracketed name, said in `x-array-style`.
        let (explode, name) = match style {
            ArrayStyle::Repeat => (true, None),
            ArrayStyle::Comma => (false, None),
            ArrayStyle::Brackets => (true, Some(format!("{}[]", param.wire_name))),
        };
        parameter["style"] = json!("form");
        parameter["explode"] = json!(explode);
        if let Some(name) = name {
            parameter["name"] = json!(name);
            parameter["x-array-style"] = json!("brackets");
        }
    }
    if param.deprecated.is_some() {
        parameter["deprecated"] = json!(true);
    }
    parameter
}

/// A success body: the response type, or an object holding it under the envelope key, or
/// (an endpoint that gives nothing) an object of only the success flag.
fn success_schema(api: &Api, endpoint: &Endpoint) -> Value {
    let mut object = match &endpoint.response {
        Response::Value { ty, envelope: None } => return schema_of(ty),
        Response::Value { ty, envelope: Some(key) } => json!({"type": "object", "properties": {key: schema_of(ty)}, "required": [key]}),
        Response::Empty => json!({"type": "object", "description": "Nothing the client reads."}),
    };
    if let Some(flag) = &api.success_flag {
        object["properties"][flag] = json!({"const": true});
    }
    object
}

/// How the list pages, for tools that generate paginators: `x-pagination`.
fn pagination_extension(pagination: &Pagination) -> Value {
    let mut extension = json!({"items": pagination.items.wire});
    match &pagination.style {
        PageStyle::Cursor { param, next } => {
            extension["style"] = json!("cursor");
            extension["cursor_param"] = json!(param);
            extension["next_cursor"] = json!(next.dotted());
        }
        PageStyle::Number { param, first } => {
            extension["style"] = json!("page_number");
            extension["page_param"] = json!(param);
            extension["first_page"] = json!(first);
        }
    }
    if let Some(size) = &pagination.size {
        extension["size_param"] = json!(size.param);
        if let Some(default) = size.default {
            extension["default_size"] = json!(default);
        }
    }
    for (key, path) in [
        ("has_more", &pagination.has_more),
        ("total_items", &pagination.total_items),
        ("total_pages", &pagination.total_pages),
        ("current_page", &pagination.current_page),
    ] {
        if let Some(path) = path {
            extension[key] = json!(path.dotted());
        }
    }
    extension
}

/// The error body as the API's error format describes it.
fn error_schema(api: &Api) -> Value {
    let e = &api.errors;
    let mut inner = Map::new();
    for (field, schema) in [
        (&e.type_field, json!({"type": "string"})),
        (&e.message_field, json!({"type": "string"})),
        (&e.request_id_field, json!({"type": "string"})),
        (&e.data_field, json!({})),
        (&e.validation_errors_field, json!({})),
    ] {
        if let Some(name) = field {
            inner.insert(name.clone(), schema);
        }
    }
    let object = json!({"type": "object", "properties": inner});
    match &e.envelope {
        Some(key) => json!({"type": "object", "properties": {key: object}, "required": [key], "description": "The API's error body."}),
        None => {
            let mut object = object;
            object["description"] = json!("The API's error body.");
            object
        }
    }
}

pub(crate) fn openapi_file(api: &Api) -> OutputFile {
    let (schemes, by_mode) = security_schemes(api);
    let mut paths: Map<String, Value> = Map::new();
    for endpoint in api.endpoints() {
        let entry = paths.entry(endpoint.path.clone()).or_insert_with(|| json!({}));
        entry[endpoint.method.as_str().to_lowercase()] = operation(api, endpoint, &by_mode);
    }
    let mut schemas: Map<String, Value> =
        api.types.iter().filter(|t| !matches!(t, TypeDef::Model(m) if !m.declared)).map(|t| (t.name().to_owned(), component(api, t))).collect();
    schemas.insert("Error".into(), error_schema(api));
    let mut info = json!({"title": api.title, "version": "0.1.0", "description": api.description.trim()});
    if let Some(url) = &api.docs_url {
        info["x-docs-url"] = json!(url);
    }
    let document = json!({
        "x-generated": format!("by `{REGENERATE}` from specs/{}/. Do not edit: change the spec and regenerate.", api.name),
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": api.base_url}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": schemes},
    });
    let mut contents = serde_json::to_string_pretty(&document).unwrap_or_default();
    contents.push('\n');
    OutputFile { path: format!("openapi/{}.json", api.name), contents }
}
