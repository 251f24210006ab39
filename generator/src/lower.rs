//! Stage 2: validate the specs of one API and lower them into the IR. Every problem becomes
//! a located diagnostic; lowering continues past errors so one run reports them all.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostics, PathSeg};
use crate::examples::{Problem, check_example};
use crate::ir::*;
use crate::load::{LoadedApi, LoadedFile};
use crate::names;
use crate::spec::{FieldSpec, IdFormat, ParamLocation};
use crate::yaml_path;

/// Names the generator itself defines in every API module; spec types may not take them.
fn reserved_names(client: &str, auth: &str) -> Vec<String> {
    vec![client.to_owned(), auth.to_owned(), "Error".into(), "Timestamp".into(), "Call".into()]
}

/// Crate-level modules and cargo features the generated crate defines besides the APIs.
const RESERVED_API_NAMES: &[&str] = &["runtime", "fixtures", "mock", "default", "std", "core", "alloc", "crate"];

/// Module names inside an API module (and its fixtures module) that resources may not take.
const RESERVED_RESOURCE_NAMES: &[&str] = &["models", "round_trips", "mock_server"];

/// Methods of the generated client that a resource accessor would clash with.
const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "builder_from_env", "builder_from_env_with"];

struct Lowerer {
    diagnostics: Diagnostics,
}

impl Lowerer {
    fn error(&mut self, file: &LoadedFile, path: Vec<PathSeg>, message: impl Into<String>) {
        self.diagnostics.push(file.diagnostic(&path, message));
    }

    fn error_with_help(&mut self, file: &LoadedFile, path: Vec<PathSeg>, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(file.diagnostic(&path, message).with_help(help));
    }
}

/// Where a named type was defined, for duplicate and reference checks.
struct TypeSite<'a> {
    file: &'a LoadedFile,
    section: &'static str,
}

pub fn lower_api(api: &LoadedApi) -> Result<Api, Diagnostics> {
    let mut lw = Lowerer { diagnostics: Diagnostics::default() };
    let api_files: Vec<&LoadedFile> = api.files.iter().filter(|f| f.spec.api.is_some()).collect();
    let Some(api_file) = api_files.first().copied() else {
        let file = &api.files[0];
        lw.diagnostics.push(
            file.diagnostic(&[], format!("the API folder `{}` has no file with an `api:` section", api.dir))
                .with_help("add `api.yaml` with `api: { name, title, description, base_url, auth_modes, errors }`"),
        );
        return Err(lw.diagnostics);
    };
    for extra in &api_files[1..] {
        lw.error_with_help(
            extra,
            yaml_path!["api"],
            format!("a second `api:` section for `{}`", api.dir),
            format!("the API is already described in {}; keep one", api_file.path),
        );
    }
    let Some(spec) = api_file.spec.api.as_ref() else {
        return Err(lw.diagnostics);
    };

    if !is_snake_ident(&spec.name) {
        lw.error_with_help(
            api_file,
            yaml_path!["api", "name"],
            format!("API name `{}` is not a snake_case identifier", spec.name),
            format!("use `{}`", names::snake(&spec.name)),
        );
    } else if RESERVED_API_NAMES.contains(&spec.name.as_str()) {
        lw.error_with_help(
            api_file,
            yaml_path!["api", "name"],
            format!("API name `{}` is taken by the generated crate (module or cargo feature)", spec.name),
            format!("choose another name, e.g. `{}_api`", spec.name),
        );
    }
    check_url(&mut lw, api_file, yaml_path!["api", "base_url"], &spec.base_url);
    let client_name = format!("{}Client", names::pascal(&spec.name));
    let auth_name = format!("{}Auth", names::pascal(&spec.name));

    let auth_modes = lower_auth_modes(&mut lw, api_file);

    // Collect every type name first so references can be resolved in any order.
    let mut sites: BTreeMap<String, TypeSite> = BTreeMap::new();
    let reserved = reserved_names(&client_name, &auth_name);
    for file in &api.files {
        let sections: [(&'static str, Vec<&String>); 4] = [
            ("ids", file.spec.ids.keys().collect()),
            ("enums", file.spec.enums.keys().collect()),
            ("models", file.spec.models.keys().collect()),
            ("unions", file.spec.unions.keys().collect()),
        ];
        for (section, type_names) in sections {
            for name in type_names {
                let path = yaml_path![section, name];
                if !is_pascal_ident(name) {
                    lw.error_with_help(file, path, format!("type name `{name}` is not PascalCase"), format!("use `{}`", names::pascal(name)));
                } else if reserved.contains(name) || TypeRef::PRIMITIVES.contains(&name.as_str()) {
                    lw.error_with_help(file, path, format!("type name `{name}` is taken by the generated code"), "choose another name");
                } else if let Some(first) = sites.get(name) {
                    lw.error_with_help(
                        file,
                        path,
                        format!("type `{name}` is defined twice"),
                        format!("it is already defined under `{}` in {}", first.section, first.file.path),
                    );
                } else {
                    sites.insert(name.clone(), TypeSite { file, section });
                }
            }
        }
    }
    let known: BTreeSet<String> = sites.keys().cloned().collect();

    let mut types = Vec::new();
    let mut variant_models = Vec::new();
    for file in &api.files {
        for (name, id) in &file.spec.ids {
            types.push(TypeDef::Id(IdDef { name: name.clone(), description: id.description.clone(), integer: id.format == IdFormat::Integer }));
        }
        for (name, spec) in &file.spec.enums {
            types.push(TypeDef::Enum(lower_enum(&mut lw, file, name, spec)));
        }
        for (name, spec) in &file.spec.models {
            let base = yaml_path!["models", name];
            let fields = lower_fields(&mut lw, file, &base, &spec.fields, &known);
            types.push(TypeDef::Model(ModelDef {
                name: name.clone(),
                description: spec.description.clone(),
                declared: true,
                fields,
                examples: spec.examples.clone(),
            }));
        }
        for (name, spec) in &file.spec.unions {
            let (union, models) = lower_union(&mut lw, file, name, spec, &known, &sites);
            types.push(TypeDef::Union(union));
            variant_models.extend(models);
        }
    }
    types.extend(variant_models.into_iter().map(TypeDef::Model));
    types.sort_by(|a, b| a.name().cmp(b.name()));

    let mut endpoints: Vec<Endpoint> = Vec::new();
    let api_name = spec.name.clone();
    let mut seen_ops: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut seen_routes: BTreeMap<(crate::spec::HttpMethod, String), String> = BTreeMap::new();
    // Type names the generator makes up (one-of enums, request builders, resource handlers,
    // union variant payloads), each with what made it, so no two can collide.
    let mut generated_names: BTreeMap<String, String> = BTreeMap::new();
    for file in &api.files {
        for (name, union) in &file.spec.unions {
            for variant in union.variants.iter().filter(|v| v.model.is_none()) {
                generated_names.insert(format!("{name}{}", names::pascal(&variant.tag)), format!("union {name}"));
            }
        }
    }
    for file in &api.files {
        for (index, spec) in file.spec.endpoints.iter().enumerate() {
            let base = yaml_path!["endpoints", index];
            let key = (spec.resource.clone(), spec.operation.clone());
            if let Some(first) = seen_ops.get(&key) {
                lw.error_with_help(
                    file,
                    base.clone(),
                    format!("endpoint `{}.{}` is defined twice", spec.resource, spec.operation),
                    format!("it is already defined in {first}"),
                );
                continue;
            }
            seen_ops.insert(key, file.path.clone());
            let route = (spec.method, spec.path.clone());
            if let Some(first) = seen_routes.get(&route) {
                lw.error_with_help(
                    file,
                    [base.clone(), yaml_path!["path"]].concat(),
                    format!("`{} {}` is already the route of `{first}`", spec.method.as_str(), spec.path),
                    "two endpoints cannot share a method and path",
                );
            }
            seen_routes.insert(route, format!("{}.{}", spec.resource, spec.operation));
            if RESERVED_RESOURCE_NAMES.contains(&spec.resource.as_str()) || CLIENT_METHODS.contains(&spec.resource.as_str()) {
                lw.error_with_help(
                    file,
                    [base.clone(), yaml_path!["resource"]].concat(),
                    format!("resource name `{}` is taken by the generated code", spec.resource),
                    "choose another resource name",
                );
            }
            if spec.resource == api_name {
                lw.error_with_help(
                    file,
                    [base.clone(), yaml_path!["resource"]].concat(),
                    format!("resource `{}` has the API's own name, so its module would repeat the API's", spec.resource),
                    "choose another resource name",
                );
            }
            if let Some(endpoint) = lower_endpoint(&mut lw, file, &base, spec, &auth_modes, &known) {
                let mut made = endpoint.one_of.iter().map(|g| (g.name.clone(), "one_of")).collect::<Vec<_>>();
                if endpoint.has_builder() {
                    made.push((crate::emit::request_struct_name(&endpoint), "request builder"));
                }
                for (name, what) in made {
                    if let Some(first) = known.get(&name).cloned().or_else(|| generated_names.get(&name).cloned()) {
                        lw.error_with_help(
                            file,
                            base.clone(),
                            format!("the {what} `{name}` of `{}` clashes with `{first}`", endpoint.id),
                            "rename the type, resource or operation",
                        );
                    }
                    generated_names.insert(name, endpoint.id.clone());
                }
                endpoints.push(endpoint);
            }
        }
    }

    let mut api_ir = Api {
        name: spec.name.clone(),
        source: api_file.path.clone(),
        title: spec.title.clone(),
        description: spec.description.clone(),
        base_url: spec.base_url.trim_end_matches('/').to_owned(),
        base_url_env: spec.base_url_env.clone(),
        docs_url: spec.docs_url.clone(),
        client_name,
        auth_name,
        auth_modes,
        errors: spec.errors.clone(),
        resources: Vec::new(),
        types,
    };

    let endpoint_index: BTreeMap<(&str, &str), usize> =
        endpoints.iter().enumerate().map(|(i, e)| ((e.resource.as_str(), e.operation.as_str()), i)).collect();
    // Examples are checked against the fully lowered types.
    for file in &api.files {
        for (name, spec) in &file.spec.models {
            for (index, example) in spec.examples.iter().enumerate() {
                let path = yaml_path!["models", name, "examples", index];
                for problem in check_example(&api_ir, &TypeRef::Named(name.clone()), example) {
                    lw.error(file, [path.clone(), problem.path].concat(), format!("example does not match `{name}`: {}", problem.message));
                }
            }
        }
        for (index, spec) in file.spec.endpoints.iter().enumerate() {
            let Some(endpoint) =
                endpoint_index.get(&(spec.resource.as_str(), spec.operation.as_str())).map(|i| &endpoints[*i]).filter(|e| e.source == file.path)
            else {
                continue;
            };
            for (response_index, response) in endpoint.responses.iter().enumerate() {
                let path = yaml_path!["endpoints", index, "responses", response_index, "example"];
                let Some(example) = &response.example else { continue };
                let problems = if (200..300).contains(&response.status) {
                    check_success_example(&api_ir, endpoint, example)
                } else {
                    check_error_example(&api_ir, example)
                };
                for problem in problems {
                    lw.error(
                        file,
                        [path.clone(), problem.path].concat(),
                        format!("{} example of `{}` does not match its declared type: {}", response.status, endpoint.id, problem.message),
                    );
                }
            }
        }
    }

    let mut by_resource: BTreeMap<String, Vec<Endpoint>> = BTreeMap::new();
    for endpoint in endpoints {
        by_resource.entry(endpoint.resource.clone()).or_default().push(endpoint);
    }
    for (name, mut endpoints) in by_resource {
        endpoints.sort_by(|a, b| a.operation.cmp(&b.operation));
        let handler_name = names::pascal(&name);
        if known.contains(&handler_name) {
            let file = endpoints[0].source.clone();
            let file = api.files.iter().find(|f| f.path == file).unwrap_or(api_file);
            lw.error_with_help(
                file,
                yaml_path!["endpoints"],
                format!("resource `{name}` needs the type name `{handler_name}`, which a spec type already uses"),
                "rename the type",
            );
        }
        api_ir.resources.push(Resource { name, handler_name, endpoints });
    }

    if lw.diagnostics.is_empty() { Ok(api_ir) } else { Err(lw.diagnostics) }
}

fn is_snake_ident(name: &str) -> bool {
    names::is_plain_ident(name) && names::snake(name) == name
}

fn is_pascal_ident(name: &str) -> bool {
    names::is_plain_ident(name) && names::pascal(name) == name
}

/// The rules the runtime applies to a base URL before it sends a bearer token, so a spec
/// cannot produce a client that refuses its own default.
fn check_url(lw: &mut Lowerer, file: &LoadedFile, path: Vec<PathSeg>, url: &str) {
    let Some(rest) = url.strip_prefix("https://") else {
        lw.error_with_help(
            file,
            path,
            format!("`{url}` is not an https URL"),
            "production base URLs must be `https://…`; a test server is set with `.base_url(…)`",
        );
        return;
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#', '@']) {
        lw.error_with_help(
            file,
            path,
            format!("`{url}` is not a usable base URL"),
            "give a host and optionally a path, with no query, fragment or user info, like `https://api.example.com/v1`",
        );
    }
}

fn lower_auth_modes(lw: &mut Lowerer, file: &LoadedFile) -> Vec<AuthMode> {
    let Some(spec) = file.spec.api.as_ref() else { return Vec::new() };
    let mut modes = Vec::new();
    let mut seen = BTreeSet::new();
    if spec.auth_modes.is_empty() {
        lw.error_with_help(file, yaml_path!["api", "auth_modes"], "the API defines no auth mode", "list at least one mode");
    }
    for (index, mode) in spec.auth_modes.iter().enumerate() {
        let base = yaml_path!["api", "auth_modes", index];
        if !is_snake_ident(&mode.name) {
            lw.error_with_help(
                file,
                [base.clone(), yaml_path!["name"]].concat(),
                format!("auth mode name `{}` is not a snake_case identifier", mode.name),
                format!("use `{}`", names::snake(&mode.name)),
            );
        }
        if mode.name == "mode" {
            lw.error_with_help(
                file,
                [base.clone(), yaml_path!["name"]].concat(),
                "auth mode name `mode` is taken: the generated auth type has a `mode()` method",
                "choose another name",
            );
        }
        if let Some(stem) = mode.name.strip_suffix("_from_source")
            && spec.auth_modes.iter().any(|m| m.name == stem && m.credentials.iter().any(|c| c.refreshable))
        {
            lw.error_with_help(
                file,
                [base.clone(), yaml_path!["name"]].concat(),
                format!("auth mode `{}` clashes with the token-source constructor of `{stem}`", mode.name),
                "choose another name",
            );
        }
        if !seen.insert(mode.name.clone()) {
            lw.error(file, [base.clone(), yaml_path!["name"]].concat(), format!("auth mode `{}` is defined twice", mode.name));
        }
        let mut credential_names = BTreeSet::new();
        for (c_index, credential) in mode.credentials.iter().enumerate() {
            if !is_snake_ident(&credential.name) || !credential_names.insert(credential.name.clone()) {
                lw.error_with_help(
                    file,
                    [base.clone(), yaml_path!["credentials", c_index, "name"]].concat(),
                    format!("credential name `{}` is not a unique snake_case identifier", credential.name),
                    "give each credential of a mode its own snake_case name",
                );
            }
        }
        if mode.headers.is_empty() {
            lw.error_with_help(
                file,
                [base.clone(), yaml_path!["headers"]].concat(),
                format!("auth mode `{}` sends no header", mode.name),
                "list the headers that carry its credentials",
            );
        }
        for (c_index, credential) in mode.credentials.iter().enumerate() {
            let placeholder = format!("{{{}}}", credential.name);
            if !mode.headers.iter().any(|h| h.value.contains(&placeholder)) {
                lw.error_with_help(
                    file,
                    [base.clone(), yaml_path!["credentials", c_index, "name"]].concat(),
                    format!("credential `{}` is never sent: no header of `{}` uses `{placeholder}`", credential.name, mode.name),
                    "use it in a header value, or remove it",
                );
            }
            if credential.refreshable && !credential.secret {
                lw.error_with_help(
                    file,
                    [base.clone(), yaml_path!["credentials", c_index, "refreshable"]].concat(),
                    format!("credential `{}` is refreshable but not secret", credential.name),
                    "a refreshable token is a secret: add `secret: true`",
                );
            }
        }
        let mut header_names = BTreeSet::new();
        let mut headers = Vec::new();
        for (h_index, header) in mode.headers.iter().enumerate() {
            if !header_names.insert(header.name.to_ascii_lowercase()) {
                lw.error(
                    file,
                    [base.clone(), yaml_path!["headers", h_index, "name"]].concat(),
                    format!("header `{}` is sent twice by `{}`", header.name, mode.name),
                );
            }
            let path = [base.clone(), yaml_path!["headers", h_index, "value"]].concat();
            match parse_header_template(&header.value) {
                Some((prefix, credential, suffix)) if credential_names.contains(&credential) => {
                    headers.push(HeaderTemplate { name: header.name.clone(), prefix, credential, suffix })
                }
                Some((_, credential, _)) => lw.error_with_help(
                    file,
                    path,
                    format!("header template names `{credential}`, which is not a credential of `{}`", mode.name),
                    format!("use one of: {}", mode.credentials.iter().map(|c| format!("{{{}}}", c.name)).collect::<Vec<_>>().join(", ")),
                ),
                None => lw.error_with_help(
                    file,
                    path,
                    format!("header value `{}` must contain exactly one `{{credential}}` placeholder", header.value),
                    "for example `Bearer {api_key}`",
                ),
            }
            if header.name.is_empty() || !header.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                lw.error(
                    file,
                    [base.clone(), yaml_path!["headers", h_index, "name"]].concat(),
                    format!("`{}` is not a valid HTTP header name", header.name),
                );
            }
        }
        modes.push(AuthMode {
            name: mode.name.clone(),
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
        });
    }
    modes
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

fn resolve_type(lw: &mut Lowerer, file: &LoadedFile, path: Vec<PathSeg>, text: &str, known: &BTreeSet<String>) -> Option<TypeRef> {
    let Some(ty) = TypeRef::parse(text) else {
        lw.error_with_help(file, path, format!("`{text}` is not a type"), "write a primitive like `string`, `array<T>`, or a type name");
        return None;
    };
    let mut leaf = &ty;
    while let TypeRef::Array(inner) = leaf {
        leaf = inner;
    }
    if let TypeRef::Named(name) = leaf
        && !known.contains(name)
    {
        let candidates = TypeRef::PRIMITIVES.iter().copied().chain(known.iter().map(String::as_str));
        let help = match names::closest(name, candidates) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "define it under `ids`, `enums`, `models` or `unions`, or use a primitive type".to_owned(),
        };
        lw.error_with_help(file, path, format!("unknown type `{name}`"), help);
        return None;
    }
    Some(ty)
}

fn lower_fields(lw: &mut Lowerer, file: &LoadedFile, base: &[PathSeg], specs: &[FieldSpec], known: &BTreeSet<String>) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut wire_seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rust_seen: BTreeMap<String, &str> = BTreeMap::new();
    for (index, spec) in specs.iter().enumerate() {
        let path = [base.to_vec(), yaml_path!["fields", index]].concat();
        if wire_seen.insert(&spec.name, index).is_some() {
            lw.error(file, [path.clone(), yaml_path!["name"]].concat(), format!("field `{}` is listed twice", spec.name));
            continue;
        }
        let rust_name = match &spec.rust_name {
            Some(name) if !is_snake_ident(name) => {
                lw.error_with_help(
                    file,
                    [path.clone(), yaml_path!["rust_name"]].concat(),
                    format!("rust_name `{name}` is not a snake_case identifier"),
                    format!("use `{}`", names::snake(name)),
                );
                name.clone()
            }
            Some(name) => name.clone(),
            None => names::snake(&spec.name),
        };
        if let Some(other) = rust_seen.insert(rust_name.clone(), &spec.name) {
            lw.error_with_help(
                file,
                [path.clone(), yaml_path!["name"]].concat(),
                format!("fields `{other}` and `{}` both become `{rust_name}` in Rust", spec.name),
                "give one of them a `rust_name`",
            );
        }
        let Some(ty) = resolve_type(lw, file, [path.clone(), yaml_path!["type"]].concat(), &spec.ty, known) else {
            continue;
        };
        fields.push(Field {
            wire_name: spec.name.clone(),
            rust_name,
            ty,
            description: spec.description.clone(),
            optional: spec.optional,
            nullable: spec.nullable,
            deprecated: spec.deprecated.clone(),
        });
    }
    fields
}

fn lower_enum(lw: &mut Lowerer, file: &LoadedFile, name: &str, spec: &crate::spec::EnumSpec) -> EnumDef {
    let base = yaml_path!["enums", name];
    if spec.values.is_empty() {
        lw.error_with_help(file, [base.clone(), yaml_path!["values"]].concat(), format!("enum `{name}` has no values"), "list at least one value");
    }
    let mut values = Vec::new();
    let mut seen_values = BTreeSet::new();
    let mut seen_variants: BTreeMap<String, String> = BTreeMap::new();
    for (index, value) in spec.values.iter().enumerate() {
        let path = [base.clone(), yaml_path!["values", index]].concat();
        if !seen_values.insert(value.value.clone()) {
            lw.error(file, path.clone(), format!("enum value `{}` is listed twice", value.value));
            continue;
        }
        let variant = value.rust_name.clone().unwrap_or_else(|| names::pascal(&value.value));
        if !is_pascal_ident(&variant) {
            lw.error_with_help(file, path.clone(), format!("rust_name `{variant}` is not PascalCase"), format!("use `{}`", names::pascal(&variant)));
        }
        if variant == "Unknown" {
            lw.error_with_help(
                file,
                path.clone(),
                format!("enum value `{}` would be the variant `Unknown`, which holds values this version does not know", value.value),
                "give it a `rust_name`, e.g. `rust_name: StatusUnknown`",
            );
        }
        if let Some(other) = seen_variants.insert(variant.clone(), value.value.clone()) {
            lw.error_with_help(
                file,
                path.clone(),
                format!("enum values `{other}` and `{}` both become the variant `{variant}`", value.value),
                "give one of them a `rust_name`",
            );
        }
        values.push(EnumValue { value: value.value.clone(), variant, description: value.description.clone() });
    }
    EnumDef { name: name.to_owned(), description: spec.description.clone(), values }
}

fn lower_union(
    lw: &mut Lowerer,
    file: &LoadedFile,
    name: &str,
    spec: &crate::spec::UnionSpec,
    known: &BTreeSet<String>,
    sites: &BTreeMap<String, TypeSite>,
) -> (UnionDef, Vec<ModelDef>) {
    let base = yaml_path!["unions", name];
    if spec.variants.is_empty() {
        lw.error_with_help(
            file,
            [base.clone(), yaml_path!["variants"]].concat(),
            format!("union `{name}` has no variants"),
            "list at least one variant",
        );
    }
    let mut variants = Vec::new();
    let mut models = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (index, variant_spec) in spec.variants.iter().enumerate() {
        let path = [base.clone(), yaml_path!["variants", index]].concat();
        let variant = names::pascal(&variant_spec.tag);
        if variant == "Unknown" {
            lw.error(
                file,
                [path.clone(), yaml_path!["tag"]].concat(),
                format!("union tag `{}` would be the variant `Unknown`, which holds tags this version does not know", variant_spec.tag),
            );
        }
        if let Some(other) = seen.insert(variant.clone(), variant_spec.tag.clone()) {
            lw.error(
                file,
                [path.clone(), yaml_path!["tag"]].concat(),
                format!("union tags `{other}` and `{}` both become the variant `{variant}`", variant_spec.tag),
            );
        }
        if let Some(shared) = &variant_spec.model {
            check_variant_model(lw, file, &path, spec, variant_spec, shared, sites);
            variants.push(UnionVariant {
                tag: variant_spec.tag.clone(),
                variant,
                model: shared.clone(),
                shared: true,
                description: variant_spec.description.clone(),
            });
            continue;
        }
        let model = format!("{name}{variant}");
        if let Some(site) = sites.get(&model) {
            lw.error_with_help(
                file,
                [path.clone(), yaml_path!["tag"]].concat(),
                format!("the variant model `{model}` clashes with a type of the same name"),
                format!("rename the type under `{}` in {}", site.section, site.file.path),
            );
        }
        let variant_fields = variant_spec.fields.as_deref().unwrap_or_default();
        if variant_fields.iter().any(|f| f.name == spec.tag) {
            lw.error(file, path.clone(), format!("variant `{}` lists the tag field `{}`; the tag is implied", variant_spec.tag, spec.tag));
        }
        let fields = lower_fields(lw, file, &path, variant_fields, known);
        models.push(ModelDef { name: model.clone(), description: variant_spec.description.clone(), declared: false, fields, examples: Vec::new() });
        variants.push(UnionVariant { tag: variant_spec.tag.clone(), variant, model, shared: false, description: variant_spec.description.clone() });
    }
    (UnionDef { name: name.to_owned(), description: spec.description.clone(), tag: spec.tag.clone(), variants }, models)
}

/// A variant whose payload is a named model: it must be a model of this API, given instead
/// of `fields`, without a field of the tag's name (the tag is written by the union).
fn check_variant_model(
    lw: &mut Lowerer,
    file: &LoadedFile,
    path: &[PathSeg],
    union: &crate::spec::UnionSpec,
    variant: &crate::spec::UnionVariantSpec,
    model: &str,
    sites: &BTreeMap<String, TypeSite>,
) {
    let at_model = [path.to_vec(), yaml_path!["model"]].concat();
    if variant.fields.is_some() {
        lw.error_with_help(
            file,
            at_model.clone(),
            format!("variant `{}` has both `model` and `fields`", variant.tag),
            "keep `model` to share that model's fields, or `fields` for a payload of its own",
        );
    }
    match sites.get(model) {
        Some(site) if site.section == "models" => {
            let fields = site.file.spec.models.get(model).map(|m| m.fields.as_slice()).unwrap_or_default();
            if fields.iter().any(|f| f.name == union.tag) {
                lw.error_with_help(
                    file,
                    at_model,
                    format!("model `{model}` has a field `{}`, the union's tag", union.tag),
                    "the union writes the tag itself: remove that field from the model",
                );
            }
        }
        Some(site) => lw.error_with_help(
            file,
            at_model,
            format!("`{model}` is not a model (it is defined under `{}`)", site.section),
            "a variant's payload is an object: name a model under `models`",
        ),
        None => {
            let models = sites.iter().filter(|(_, site)| site.section == "models").map(|(name, _)| name.as_str());
            let help = match names::closest(model, models) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "define it under `models`".to_owned(),
            };
            lw.error_with_help(file, at_model, format!("unknown model `{model}`"), help);
        }
    }
}

fn lower_endpoint(
    lw: &mut Lowerer,
    file: &LoadedFile,
    base: &[PathSeg],
    spec: &crate::spec::EndpointSpec,
    auth_modes: &[AuthMode],
    known: &BTreeSet<String>,
) -> Option<Endpoint> {
    let at = |segs: Vec<PathSeg>| [base.to_vec(), segs].concat();
    let before = lw.diagnostics.len();
    for (key, value) in [("resource", &spec.resource), ("operation", &spec.operation)] {
        if !is_snake_ident(value) {
            lw.error_with_help(
                file,
                at(yaml_path![key]),
                format!("{key} `{value}` is not a snake_case identifier"),
                format!("use `{}`", names::snake(value)),
            );
        }
    }
    let id = format!("{}.{}", spec.resource, spec.operation);

    for (index, mode) in spec.auth.iter().enumerate() {
        if !auth_modes.iter().any(|m| &m.name == mode) {
            let help = match names::closest(mode, auth_modes.iter().map(|m| m.name.as_str())) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the API defines: {}", auth_modes.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")),
            };
            lw.error_with_help(file, at(yaml_path!["auth", index]), format!("auth mode `{mode}` is not defined by the API"), help);
        }
    }
    if spec.auth.is_empty() {
        lw.error_with_help(
            file,
            at(yaml_path!["auth"]),
            format!("endpoint `{id}` accepts no auth mode"),
            "list the modes from `api.auth_modes` it accepts",
        );
    }

    let path_parts = parse_path(&spec.path);
    let path_ok = spec.path.starts_with('/') && path_parts.is_some();
    if !path_ok {
        lw.error_with_help(
            file,
            at(yaml_path!["path"]),
            format!("`{}` is not a valid path template", spec.path),
            "start with `/` and write parameters as `{name}`",
        );
    }
    let path_parts = path_parts.unwrap_or_default();
    let path_params: Vec<&str> = path_parts
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
        let path = at(yaml_path!["params", index]);
        if !seen_wire.insert(param.name.clone()) {
            lw.error(file, [path.clone(), yaml_path!["name"]].concat(), format!("parameter `{}` is declared twice", param.name));
            continue;
        }
        let rust_name = names::snake(&param.name);
        if let Some(other) = seen_rust.insert(rust_name.clone(), param.name.clone()) {
            lw.error(
                file,
                [path.clone(), yaml_path!["name"]].concat(),
                format!("parameters `{other}` and `{}` both become `{rust_name}` in Rust", param.name),
            );
        }
        match param.location {
            ParamLocation::Path if path_ok && !path_params.contains(&param.name.as_str()) => lw.error_with_help(
                file,
                [path.clone(), yaml_path!["name"]].concat(),
                format!("path parameter `{}` does not appear in the path `{}`", param.name, spec.path),
                format!("add `{{{}}}` to the path or change `in`", param.name),
            ),
            ParamLocation::Path if !param.required => lw.error_with_help(
                file,
                [path.clone(), yaml_path!["required"]].concat(),
                format!("path parameter `{}` must be required", param.name),
                "set `required: true`",
            ),
            ParamLocation::Body if !spec.method.has_body() => lw.error_with_help(
                file,
                [path.clone(), yaml_path!["in"]].concat(),
                format!("`{}` requests carry no body, but `{}` is a body parameter", spec.method.as_str(), param.name),
                "use `in: query`",
            ),
            _ => {}
        }
        let ty = resolve_type(lw, file, [path.clone(), yaml_path!["type"]].concat(), &param.ty, known);
        if ty == Some(TypeRef::Secret) && param.location != ParamLocation::Body {
            lw.error_with_help(
                file,
                [path.clone(), yaml_path!["in"]].concat(),
                format!("secret parameter `{}` would travel in the URL, where proxies and logs keep it", param.name),
                "send secrets in the body (`in: body`) or as an auth-mode header",
            );
        }
        if let Some(ty) = ty {
            params.push(Param {
                wire_name: param.name.clone(),
                rust_name,
                location: param.location,
                ty,
                required: param.required,
                description: param.description.clone(),
                group: None,
            });
        }
    }
    for name in &path_params {
        if !spec.params.iter().any(|p| p.name == *name && p.location == ParamLocation::Path) {
            lw.error_with_help(
                file,
                at(yaml_path!["path"]),
                format!("path parameter `{{{name}}}` is not declared"),
                format!("add `- {{ name: {name}, in: path, type: …, required: true, description: … }}` to `params`"),
            );
        }
    }

    let mut one_of = Vec::new();
    for (group_index, group) in spec.one_of.iter().enumerate() {
        let gpath = at(yaml_path!["one_of", group_index]);
        if !is_pascal_ident(&group.name) {
            lw.error_with_help(
                file,
                [gpath.clone(), yaml_path!["name"]].concat(),
                format!("one_of name `{}` is not PascalCase", group.name),
                format!("use `{}`", names::pascal(&group.name)),
            );
        }
        if group.alternatives.len() < 2 {
            lw.error_with_help(
                file,
                [gpath.clone(), yaml_path!["alternatives"]].concat(),
                "a one_of group needs at least two alternatives",
                "list the alternatives, or make the parameter required",
            );
        }
        let mut alternatives = Vec::new();
        let mut variant_names = BTreeSet::new();
        for (alt_index, alternative) in group.alternatives.iter().enumerate() {
            let apath = [gpath.clone(), yaml_path!["alternatives", alt_index]].concat();
            if alternative.is_empty() {
                lw.error(file, apath.clone(), "an alternative lists no parameter");
            }
            let mut indices = Vec::new();
            for (p_index, name) in alternative.iter().enumerate() {
                let ppath = [apath.clone(), yaml_path![p_index]].concat();
                match params.iter().position(|p| &p.wire_name == name) {
                    None => {
                        let help = match names::closest(name, params.iter().map(|p| p.wire_name.as_str())) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => "declare it under `params`".to_owned(),
                        };
                        lw.error_with_help(file, ppath, format!("one_of names `{name}`, which is not a parameter"), help);
                    }
                    Some(i) if params[i].required || params[i].location == ParamLocation::Path => lw.error_with_help(
                        file,
                        ppath,
                        format!("`{name}` is required on its own, so it cannot be one alternative of a group"),
                        "set `required: false` on the parameter",
                    ),
                    Some(i) if params[i].group.is_some_and(|g| g != group_index) || indices.contains(&i) => {
                        lw.error(file, ppath, format!("`{name}` is already part of an alternative"))
                    }
                    Some(i) => {
                        params[i].group = Some(group_index);
                        indices.push(i);
                    }
                }
            }
            let variant = alternative.iter().map(|p| names::pascal(p)).collect::<Vec<_>>().join("And");
            if !variant_names.insert(variant.clone()) {
                lw.error(file, apath.clone(), format!("two alternatives are both called `{variant}`"));
            }
            alternatives.push(Alternative { variant, params: indices });
        }
        one_of.push(OneOf { name: group.name.clone(), description: group.description.clone(), alternatives });
    }

    let response = resolve_type(lw, file, at(yaml_path!["response", "type"]), &spec.response.ty, known);
    let mut statuses = BTreeSet::new();
    for (index, response) in spec.responses.iter().enumerate() {
        if !(100..600).contains(&response.status) || !statuses.insert(response.status) {
            lw.error(file, at(yaml_path!["responses", index, "status"]), format!("status {} is not a new HTTP status", response.status));
        }
    }
    if lw.diagnostics.len() > before {
        return None;
    }
    Some(Endpoint {
        source: file.path.clone(),
        resource: spec.resource.clone(),
        operation: spec.operation.clone(),
        id,
        title: spec.title.clone(),
        description: spec.description.clone(),
        method: spec.method,
        alternate_methods: spec.alternate_methods.clone(),
        path: spec.path.clone(),
        path_parts,
        read_only: spec.read_only,
        stability: spec.stability,
        stability_note: spec.stability_note.clone(),
        auth_modes: spec.auth.clone(),
        required_role: spec.required_role.clone(),
        params,
        one_of,
        response: response?,
        envelope: spec.response.envelope.clone(),
        responses: spec
            .responses
            .iter()
            .map(|r| ResponseExample { status: r.status, description: r.description.clone(), example: r.example.clone() })
            .collect(),
    })
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

fn check_success_example(api: &Api, endpoint: &Endpoint, example: &serde_json::Value) -> Vec<Problem> {
    match &endpoint.envelope {
        None => check_example(api, &endpoint.response, example),
        Some(key) => match example.get(key) {
            Some(inner) => check_example(api, &endpoint.response, inner)
                .into_iter()
                .map(|p| Problem { path: [yaml_path![key], p.path].concat(), message: format!("under `{key}`: {}", p.message) })
                .collect(),
            None => vec![Problem { path: Vec::new(), message: format!("the body has no `{key}` key, which `response.envelope` names") }],
        },
    }
}

fn check_error_example(api: &Api, example: &serde_json::Value) -> Vec<Problem> {
    let errors = &api.errors;
    let object = match &errors.envelope {
        Some(key) => example.get(key),
        None => Some(example),
    };
    let Some(object) = object.and_then(|o| o.as_object()) else {
        let message = match &errors.envelope {
            Some(key) => format!("an error body must hold an object under `{key}` (api.errors.envelope)"),
            None => "an error body must be a JSON object".to_owned(),
        };
        return vec![Problem { path: Vec::new(), message }];
    };
    let mut problems = Vec::new();
    for field in [&errors.type_field, &errors.message_field].into_iter().flatten() {
        if !object.contains_key(field) {
            let path = errors.envelope.iter().map(PathSeg::from).collect();
            problems.push(Problem { path, message: format!("the error object has no `{field}` (api.errors)") });
        }
    }
    problems
}
