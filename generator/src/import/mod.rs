//! `cargo xtask import`: spec YAML for operations of a vendor's OpenAPI document, written as
//! a person would (named types, nothing defined twice, the folder's own types reused), for a
//! maintainer to review. A pure function like the rest of the generator: xtask reads the
//! document and the API folder, and writes what this returns.
//!
//! What it recognises: the method to send (the one with a JSON body when several are
//! accepted; the others become `alternate_methods`), resource and operation names (from
//! `x-fern-sdk-group-name`/`-method-name` when present, else the path), parameters from the
//! JSON body or the query, path and headers, the response (nothing, one key as an
//! `envelope`, or `keys`), cursor pagination (an array key beside an object with a cursor
//! field, and a cursor parameter), auth modes (through `api.auth_modes[].openapi_schemes`),
//! and the types it reaches ([`types`]). What it cannot decide is listed as [`Decision`]s, and
//! lowering then locates what is left.

mod types;

use std::collections::BTreeSet;

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use crate::names;
use crate::spec::SpecFile;
use crate::vendor_doc::required_of;
use types::{Converter, Known, description};

/// What to import.
pub struct Import<'a> {
    /// The vendor's OpenAPI document (3.0 or 3.1), parsed.
    pub openapi: &'a Json,
    /// Its file name, for the headers of the written files.
    pub openapi_name: &'a str,
    /// The API folder's existing files, as (file name, text).
    pub existing: &'a [(String, String)],
    /// The paths to import (`/access_codes/list`).
    pub paths: &'a [String],
}

/// Something the import could not decide, for the maintainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Where: an operation (`POST /locks/unlock_door`) or a schema path (`access_code.errors`).
    pub place: String,
    pub what: String,
}

/// The files to write, as (file name, YAML text), and the decisions left.
#[derive(Debug)]
pub struct Imported {
    pub files: Vec<(String, String)>,
    pub decisions: Vec<Decision>,
}

/// The methods an operation may have, in the order the one to send is preferred after a
/// method with a JSON body.
const METHODS: [&str; 5] = ["post", "get", "put", "patch", "delete"];

/// Imports `paths`; `Err` when one is not in the document or the folder has no `api:`.
pub fn import(request: &Import) -> Result<Imported, String> {
    let mut operations = Vec::new();
    for path in request.paths {
        let item = request
            .openapi
            .pointer(&format!("/paths/{}", path.replace('~', "~0").replace('/', "~1")))
            .ok_or(format!("`{path}` is not a path of {}", request.openapi_name))?;
        let (method, op) = operation(path, item)?;
        let (resource, operation) = names_of(op, path, method);
        operations.push((path, item, format!("{resource}.{operation}.yaml")));
    }
    // A file imported again is replaced, so what it defined is not the folder's any more.
    let kept = request.existing.iter().filter(|(name, _)| !operations.iter().any(|(_, _, file)| file == name));
    let folder: Vec<SpecFile> = kept.filter_map(|(_, text)| serde_yaml::from_str(text).ok()).collect();
    let api = folder.iter().find_map(|file| file.api.as_ref()).ok_or("the API folder has no readable file with an `api:` section")?;
    let known = known(&folder);

    let mut survey = Converter::surveying(request.openapi, &known);
    for (path, item, _) in &operations {
        endpoint(&mut survey, api, path, item)?;
    }
    let mut converter = Converter::new(request.openapi, &known).with_recurring(survey.survey());
    let mut files = Vec::new();
    let mut written_names = BTreeSet::new();
    for (path, item, file_name) in operations {
        let before = converter.defined.order.len();
        let decisions_before = converter.decisions.len();
        let endpoint = endpoint(&mut converter, api, path, item)?;
        if !written_names.insert(file_name.clone()) {
            return Err(format!("`{path}` gives `{file_name}`, which another imported path gives too"));
        }
        let new_types: Vec<String> = converter.defined.order[before..].to_vec();
        let decisions = converter.decisions[decisions_before..].to_vec();
        let text = file_text(request.openapi_name, &endpoint, &new_types, &converter, &decisions);
        files.push((file_name, text));
    }
    Ok(Imported { files, decisions: converter.decisions })
}

/// The operation to send of a path: the one with a JSON body when several methods are
/// accepted, else the first of [`METHODS`].
fn operation<'j>(path: &str, item: &'j Json) -> Result<(&'static str, &'j Json), String> {
    let methods: Vec<&str> = METHODS.into_iter().filter(|m| item.get(*m).is_some()).collect();
    let has_body = |m: &&str| item.pointer(&format!("/{m}/requestBody/content")).is_some();
    let method = methods.iter().find(|m| has_body(m)).or(methods.first()).copied().ok_or(format!("`{path}` has no operation"))?;
    Ok((method, &item[method]))
}

/// What the folder defines already.
fn known(folder: &[SpecFile]) -> Known {
    let mut known = Known::default();
    for file in folder {
        for name in file.ids.keys() {
            known.ids.insert(names::snake(name), name.clone());
        }
        known.types.extend(file.ids.keys().chain(file.enums.keys()).chain(file.models.keys()).chain(file.unions.keys()).cloned());
        for (name, spec) in &file.enums {
            known.enums.insert(name.clone(), spec.values.iter().map(|v| v.value.clone()).collect());
        }
        // Objects declared in place are types too, named by `type_name` or after their place.
        for (name, model) in &file.models {
            inline_names(name, &model.fields, &mut known.inline);
        }
        for endpoint in &file.endpoints {
            if let Some(keys) = endpoint.response.as_ref().and_then(|r| r.keys.as_ref()) {
                let owner = format!("{}{}Response", names::pascal(&endpoint.resource), names::pascal(&endpoint.operation));
                inline_names(&owner, keys, &mut known.inline);
            }
        }
    }
    known
}

fn inline_names(owner: &str, fields: &[crate::spec::FieldSpec], names_seen: &mut BTreeSet<String>) {
    for field in fields {
        if let Some(inner) = &field.fields {
            let name = field.type_name.clone().unwrap_or_else(|| format!("{owner}{}", names::pascal(&field.name)));
            inline_names(&name, inner, names_seen);
            names_seen.insert(name);
        }
    }
}

/// One endpoint, ready to print.
struct Endpoint {
    method: String,
    path: String,
    mapping: Mapping,
}

fn endpoint(converter: &mut Converter, api: &crate::spec::ApiSpec, path: &str, item: &Json) -> Result<Endpoint, String> {
    let (method, op) = operation(path, item)?;
    let methods: Vec<&str> = METHODS.into_iter().filter(|m| item.get(*m).is_some()).collect();
    let place = format!("{} {path}", method.to_uppercase());
    let (resource, operation) = names_of(op, path, method);

    let mut mapping = Mapping::new();
    mapping.insert("resource".into(), resource.as_str().into());
    mapping.insert("operation".into(), operation.as_str().into());
    let title =
        op.get("x-title").or(op.get("summary")).and_then(Json::as_str).filter(|t| !t.starts_with('/')).map_or_else(|| place.clone(), str::to_owned);
    mapping.insert("title".into(), title.as_str().into());
    mapping.insert("description".into(), description(op, &format!("{title}.")).into());
    mapping.insert("method".into(), method.to_uppercase().into());
    mapping.insert("path".into(), path.into());
    let alternates: Vec<Yaml> = methods.iter().filter(|m| **m != method).map(|m| m.to_uppercase().into()).collect();
    if !alternates.is_empty() {
        mapping.insert("alternate_methods".into(), Yaml::Sequence(alternates));
    }
    if methods.contains(&"get") && method != "delete" {
        mapping.insert("read_only".into(), true.into());
    }
    mapping.insert("auth".into(), Yaml::Sequence(auth(converter, api, op, &place)));

    let owner = format!("{}{}", names::pascal(&resource), names::pascal(&operation));
    let params = params(converter, op, &owner, &place);
    if !params.is_empty() {
        mapping.insert("params".into(), Yaml::Sequence(params.iter().cloned().map(Yaml::Mapping).collect()));
    }
    let (response, keys) = response(converter, api, op, &resource);
    if let Some(response) = response {
        mapping.insert("response".into(), Yaml::Mapping(response));
    }
    if let Some(pagination) = pagination(&keys, &params, converter) {
        mapping.insert("pagination".into(), Yaml::Mapping(pagination));
    }
    let mut statuses: Vec<(u16, String)> = op
        .get("responses")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(status, response)| Some((status.parse().ok()?, description(response, "Response.").to_owned())))
        .collect();
    statuses.sort();
    let responses: Vec<Yaml> = statuses
        .into_iter()
        .map(|(status, text)| Yaml::Mapping(map([("status", Yaml::Number(status.into())), ("description", text.into())])))
        .collect();
    if !responses.is_empty() {
        mapping.insert("responses".into(), Yaml::Sequence(responses));
    }
    Ok(Endpoint { method: method.to_uppercase(), path: path.to_owned(), mapping })
}

/// Resource and operation: the SDK group and method names the document gives, else the path
/// (`/widgets/{id}` GET is `widgets.get`, `/widgets` POST `widgets.create`, `/widgets/list`
/// `widgets.list`).
fn names_of(op: &Json, path: &str, method: &str) -> (String, String) {
    let group: Vec<&str> = op.get("x-fern-sdk-group-name").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str).collect();
    if let (false, Some(operation)) = (group.is_empty(), op.get("x-fern-sdk-method-name").and_then(Json::as_str)) {
        return (names::snake(&group.join("_")), names::snake(operation));
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let literals: Vec<&str> = segments.iter().copied().filter(|s| !s.starts_with('{')).collect();
    let ends_with_param = segments.last().is_some_and(|s| s.starts_with('{'));
    let by_method = match (method, ends_with_param) {
        ("get", true) => "get",
        ("get", false) => "list",
        ("post", _) => "create",
        ("put" | "patch", _) => "update",
        _ => "delete",
    };
    match literals.as_slice() {
        [.., resource, operation] if !ends_with_param && method == "post" => (names::snake(resource), names::snake(operation)),
        [.., resource] => (names::snake(resource), by_method.to_owned()),
        [] => ("root".to_owned(), by_method.to_owned()),
    }
}

/// The spec's auth modes the operation's `security` names, through each mode's
/// `openapi_schemes` (or its own name).
fn auth(converter: &mut Converter, api: &crate::spec::ApiSpec, op: &Json, place: &str) -> Vec<Yaml> {
    let schemes: Vec<&str> = op
        .get("security")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_object)
        .flat_map(|o| o.keys())
        .map(String::as_str)
        .collect();
    let modes: Vec<Yaml> = api
        .auth_modes
        .iter()
        .filter(|mode| {
            let names: Vec<&str> =
                if mode.openapi_schemes.is_empty() { vec![mode.name.as_str()] } else { mode.openapi_schemes.iter().map(String::as_str).collect() };
            schemes.is_empty() || names.iter().any(|n| schemes.contains(n))
        })
        .map(|mode| mode.name.as_str().into())
        .collect();
    if modes.is_empty() {
        converter.decisions.push(Decision {
            place: place.to_owned(),
            what: format!("its security schemes ({}) match no auth mode: list them in `api.auth_modes[].openapi_schemes`", schemes.join(", ")),
        });
    }
    modes
}

/// Parameters: the JSON body's properties, then the query, path and header parameters.
fn params(converter: &mut Converter, op: &Json, owner: &str, place: &str) -> Vec<Mapping> {
    let mut params = Vec::new();
    let json = op.pointer("/requestBody/content/application~1json/schema").map(|body| (body, "body"));
    let form = op.pointer("/requestBody/content/application~1x-www-form-urlencoded/schema").map(|body| (body, "form"));
    if let Some((body, location)) = json.or(form) {
        let document = converter.doc;
        let (properties, alternatives) = document.body_properties(body);
        if alternatives {
            converter.decisions.push(Decision {
                place: place.to_owned(),
                what: "the body is a oneOf: its alternatives' properties are imported as optional parameters; write the `one_of` groups by hand"
                    .into(),
            });
        }
        for property in properties {
            params.push(param(converter, owner, property.name, property.schema, location, property.required));
        }
    }
    for parameter in op.get("parameters").and_then(Json::as_array).into_iter().flatten() {
        let parameter = converter.doc.deref(parameter).clone();
        let (Some(name), Some(location)) = (parameter.get("name").and_then(Json::as_str), parameter.get("in").and_then(Json::as_str)) else {
            continue;
        };
        let mut schema = parameter.get("schema").cloned().unwrap_or(Json::Null);
        if let (Some(text), Json::Object(object)) = (parameter.get("description"), &mut schema) {
            object.entry("description").or_insert(text.clone());
        }
        let required = parameter.get("required").and_then(Json::as_bool).unwrap_or(location == "path");
        let mut entry = param(converter, owner, name, &schema, location, required);
        if location == "query" && schema.get("type").and_then(Json::as_str) == Some("array") {
            let exploded = parameter.get("explode").and_then(Json::as_bool).unwrap_or(true);
            entry.insert("array_style".into(), if exploded { "repeat" } else { "comma" }.into());
        }
        params.push(entry);
    }
    params
}

fn param(converter: &mut Converter, owner: &str, name: &str, schema: &Json, location: &str, required: bool) -> Mapping {
    converter.object_as_model = true;
    let field = converter.field(owner, name, schema, required);
    converter.object_as_model = false;
    let mut entry = Mapping::new();
    entry.insert("name".into(), name.into());
    entry.insert("in".into(), location.into());
    let ty = field.get("type").cloned().unwrap_or_else(|| "json".into());
    if field.contains_key("fields") {
        // Parameters have no objects declared in place (an object the parameter's own model
        // could not be named for).
        converter.decisions.push(Decision {
            place: format!("{owner}.{name}"),
            what: "an object parameter (parameters have no objects declared in place): imported as `json`".into(),
        });
        entry.insert("type".into(), "json".into());
    } else {
        entry.insert("type".into(), ty);
    }
    if required {
        entry.insert("required".into(), true.into());
    }
    entry.insert("description".into(), field.get("description").cloned().unwrap_or_else(|| "".into()));
    if let Some(default) = schema.get("default").filter(|d| !d.is_object() && !d.is_array() && !d.is_null()) {
        entry.insert("default".into(), serde_yaml::to_value(default).unwrap_or(Yaml::Null));
    }
    for key in ["nullable", "deprecated"] {
        if let Some(value) = field.get(key) {
            entry.insert(key.into(), value.clone());
        }
    }
    entry
}

/// The response, from the 2xx JSON body without the success flag: nothing, one key as an
/// envelope, or `keys`; with the keys as fields (for pagination).
fn response(converter: &mut Converter, api: &crate::spec::ApiSpec, op: &Json, resource: &str) -> (Option<Mapping>, Vec<Mapping>) {
    let schema = ["200", "201", "202"].iter().find_map(|status| op.pointer(&format!("/responses/{status}/content/application~1json/schema")));
    let Some(schema) = schema else {
        return (None, Vec::new());
    };
    let schema = converter.doc.deref(schema).clone();
    let flag = api.success_flag.as_deref();
    let required = required_of(&schema);
    let owner = |key: &str| key_owner(resource, key);
    let properties: Vec<(&String, &Json)> =
        schema.get("properties").and_then(Json::as_object).into_iter().flatten().filter(|(name, _)| Some(name.as_str()) != flag).collect();
    match properties.as_slice() {
        [] if schema.get("properties").is_some() => (None, Vec::new()),
        [] => {
            let (ty, _) = converter.type_of(&schema, &names::pascal(resource), "response");
            (Some(map([("type", ty.into())])), Vec::new())
        }
        [(key, value)] => {
            let (ty, _) = converter.type_of(value, &owner(key), key);
            if ty.contains("object:") {
                let field = converter.field(&owner(key), key, value, true);
                return (Some(map([("keys", Yaml::Sequence(vec![Yaml::Mapping(field.clone())]))])), vec![field]);
            }
            let field = converter.field(&owner(key), key, value, true);
            (Some(map([("type", ty.into()), ("envelope", key.as_str().into())])), vec![field])
        }
        many => {
            let keys: Vec<Mapping> =
                many.iter().map(|(key, value)| converter.field(&owner(key), key, value, required.contains(key.as_str()))).collect();
            (Some(map([("keys", Yaml::Sequence(keys.iter().cloned().map(Yaml::Mapping).collect()))])), keys)
        }
    }
}

/// What names the types a response key declares: the resource's words the key does not
/// repeat (`user_identities_unmanaged` and `user_identity`: `Unmanaged`, so the object is an
/// `UnmanagedUserIdentity`), or the whole resource when the key repeats them all.
fn key_owner(resource: &str, key: &str) -> String {
    let key_words: Vec<String> = key.split('_').map(types::singular).collect();
    let rest: Vec<&str> = resource.split('_').filter(|word| !key_words.contains(&types::singular(word))).collect();
    if rest.is_empty() { names::pascal(resource) } else { names::pascal(&rest.join("_")) }
}

/// Cursor pagination: one array key, an optional string parameter whose name says cursor,
/// and a string field saying cursor in an object key (with a `has_…` boolean beside it, and a
/// size parameter, if there are).
fn pagination(keys: &[Mapping], params: &[Mapping], converter: &Converter) -> Option<Mapping> {
    let text = |m: &Mapping, k: &str| m.get(k).and_then(Yaml::as_str).map(str::to_owned);
    let arrays: Vec<String> =
        keys.iter().filter(|k| text(k, "type").is_some_and(|t| t.starts_with("array<"))).filter_map(|k| text(k, "name")).collect();
    let [items] = arrays.as_slice() else { return None };
    let optional = |p: &&Mapping| p.get("required").is_none();
    let cursor = params
        .iter()
        .filter(optional)
        .find(|p| text(p, "name").is_some_and(|n| n.contains("cursor")) && text(p, "type").as_deref() == Some("string"))?;
    let (holder, fields) = keys.iter().find_map(|key| {
        let ty = text(key, "type")?;
        let fields = match key.get("fields") {
            Some(Yaml::Sequence(fields)) => fields.clone(),
            _ => {
                let schema = converter.doc.resolve(&format!("#/components/schemas/{}", names::snake(&ty)))?;
                schema
                    .get("properties")?
                    .as_object()?
                    .iter()
                    .map(|(name, s)| {
                        Yaml::Mapping(map([("name", name.as_str().into()), ("type", s.get("type").and_then(Json::as_str).unwrap_or("").into())]))
                    })
                    .collect()
            }
        };
        Some((text(key, "name")?, fields))
    })?;
    let field_named = |test: &dyn Fn(&str) -> bool, ty: &str| {
        fields
            .iter()
            .filter_map(Yaml::as_mapping)
            .find(|f| text(f, "name").is_some_and(|n| test(&n)) && text(f, "type").as_deref() == Some(ty))
            .and_then(|f| text(f, "name"))
    };
    let next = field_named(&|n| n.contains("cursor"), "string")?;
    let mut pagination = map([("items", items.as_str().into())]);
    pagination.insert("cursor".into(), Yaml::Mapping(map([("param", text(cursor, "name")?.into()), ("next", format!("{holder}.{next}").into())])));
    if let Some(has_more) = field_named(&|n| n.starts_with("has_"), "boolean") {
        pagination.insert("has_more".into(), format!("{holder}.{has_more}").into());
    }
    let size = params.iter().filter(optional).find(|p| {
        text(p, "name").is_some_and(|n| ["limit", "page_size", "per_page", "size"].contains(&n.as_str()))
            && text(p, "type").as_deref() == Some("integer")
    });
    if let Some(size) = size {
        let mut entry = map([("param", text(size, "name")?.into())]);
        if let Some(default) = size.get("default") {
            entry.insert("default".into(), default.clone());
        }
        pagination.insert("size".into(), Yaml::Mapping(entry));
    }
    Some(pagination)
}

/// A file: its header, the endpoint, and the types it is the first to need.
fn file_text(source: &str, endpoint: &Endpoint, new_types: &[String], converter: &Converter, decisions: &[Decision]) -> String {
    let mut file = Mapping::new();
    file.insert("endpoints".into(), Yaml::Sequence(vec![Yaml::Mapping(endpoint.mapping.clone())]));
    let defined = &converter.defined;
    for (section, table) in [("enums", &defined.enums), ("models", &defined.models), ("unions", &defined.unions)] {
        let entries: Mapping = new_types.iter().filter_map(|name| Some((name.as_str().into(), Yaml::Mapping(table.get(name)?.clone())))).collect();
        if !entries.is_empty() {
            file.insert(section.into(), Yaml::Mapping(entries));
        }
    }
    let mut header = vec![
        "# yaml-language-server: $schema=../../generated/spec.schema.json".to_owned(),
        format!("# Imported by `cargo xtask import` from {source}: {} {}.", endpoint.method, endpoint.path),
        "# Review by hand: titles and descriptions, lookups that are one-of groups, ids that deserve".to_owned(),
        "# newtypes, examples from the vendor's docs pages, and the decisions below.".to_owned(),
    ];
    if !decisions.is_empty() {
        header.push("#".to_owned());
        header.push("# Decisions left to a person:".to_owned());
        header.extend(decisions.iter().map(|d| format!("# - {}: {}", d.place, d.what)));
    }
    let body = serde_yaml::to_string(&Yaml::Mapping(file)).unwrap_or_default();
    format!("{}\n\n{body}", header.join("\n"))
}

/// A mapping from keys and values, in order.
pub(crate) fn map<const N: usize>(entries: [(&str, Yaml); N]) -> Mapping {
    entries.into_iter().map(|(key, value)| (Yaml::from(key), value)).collect()
}
