//! `cargo xtask synth --endpoints N --out DIR`: a valid spec set of N endpoints, made by
//! replicating the documented endpoints, to measure how the generator and the generated crate
//! scale.
//!
//! The templates are the spec files that define an endpoint: first the three seeds
//! (`seam/access_codes.get.yaml`, `seam/access_grants.get.yaml`,
//! `nexudus/accesstokens.get.yaml`, which define the types the others use), then every other
//! endpoint file of `specs/` in path order, so a new spec joins the bench by itself; a file
//! comes after the files whose types it names (or whose endpoints its actions poll), so that
//! fewer endpoints than templates are still a spec set that lowers. Endpoint
//! `i` (0-based) is copy `k = i / T` of template `i % T`. Copy 0 is the template itself, so
//! `synth(T)` is exactly the real spec set; copy `k ≥ 1` renames, on the parsed YAML (never
//! on text):
//!
//! - the resource `access_codes` → `access_codes_k{k}`, and its path segment
//!   (`/access_codes_k{k}/get`; when no segment is named after the resource, the last literal
//!   segment: `/api/spaces/accesstokens_k{k}/{id}`);
//! - every type the file defines (`ids`, `enums`, `models`, `unions`) and every one-of enum
//!   name: `AccessCode` → `AccessCodeK{k}`;
//! - every reference to those names: parameter, field, variant-field, response and
//!   response-key `type`s (also inside `array<…>`) and variant `model`s;
//! - the `actions` of the types it renames, polled through its own copy of the poll endpoint
//!   (an action on a type it does not define is left to copy 0), and it drops `drift`, whose
//!   places are the originals'.
//!
//! Types the file does not define (the ids of `api.yaml`, the models of a seed that a list
//! returns) stay shared. Files that define no endpoint (each folder's `api.yaml`) are copied
//! once.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use generator::SourceFile;
use serde_yaml::{Mapping, Value};

/// The seeds, as (API folder, file name): the first templates, in this order.
pub const SEEDS: [(&str, &str); 3] = [("seam", "access_codes.get.yaml"), ("seam", "access_grants.get.yaml"), ("nexudus", "accesstokens.get.yaml")];

/// `cargo xtask synth --endpoints N --out DIR`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let mut endpoints = None;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--endpoints" => {
                let value = rest.next().ok_or("--endpoints needs a number")?;
                endpoints = Some(value.parse::<usize>().map_err(|e| format!("--endpoints {value}: {e}"))?);
            }
            "--out" => out = Some(rest.next().ok_or("--out needs a directory")?.to_string()),
            other => return Err(format!("unknown argument `{other}` (usage: cargo xtask synth --endpoints N --out DIR)")),
        }
    }
    let (Some(endpoints), Some(out)) = (endpoints, out) else {
        return Err("usage: cargo xtask synth --endpoints N --out DIR".into());
    };
    let sources = synth(&crate::project_root().join("specs"), endpoints)?;
    let out = Path::new(&out);
    write(&sources, out)?;
    println!("synth: {endpoints} endpoints in {} spec files under {}", sources.len(), out.display());
    Ok(())
}

/// Writes `sources` as `DIR/<api>/<file>`.
pub fn write(sources: &[SourceFile], out: &Path) -> Result<(), String> {
    for source in sources {
        let name = source.path.rsplit('/').next().unwrap_or(&source.path);
        let dir = out.join(&source.api_dir);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join(name);
        fs::write(&path, &source.text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The spec set of `endpoints` endpoints, in memory, with display paths `specs/<api>/<file>`.
pub fn synth(specs: &Path, endpoints: usize) -> Result<Vec<SourceFile>, String> {
    let (templates, support) = templates(specs)?;
    let mut sources = Vec::new();
    let mut apis = BTreeSet::new();
    for i in 0..endpoints {
        let (source, value) = &templates[i % templates.len()];
        let k = i / templates.len();
        apis.insert(source.api_dir.clone());
        if k == 0 {
            sources.push(source.clone());
            continue;
        }
        let file = source.path.rsplit('/').next().unwrap_or(&source.path);
        let renamed = rename_copy(value, k)?;
        let text = serde_yaml::to_string(&renamed).map_err(|e| format!("cannot write copy {k} of {file}: {e}"))?;
        // `access_codes.get.yaml` → `access_codes_k1.get.yaml`
        let (stem, tail) = file.split_once('.').unwrap_or((file, "yaml"));
        sources.push(SourceFile { path: format!("specs/{}/{stem}_k{k}.{tail}", source.api_dir), api_dir: source.api_dir.clone(), text });
    }
    sources.extend(support.into_iter().filter(|source| apis.contains(&source.api_dir)));
    // The order `read_specs` gives: by API folder, then by file name.
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

/// An endpoint file and its parsed YAML.
type Template = (SourceFile, Value);

/// The templates, seeds first, and the files that define no endpoint.
fn templates(specs: &Path) -> Result<(Vec<Template>, Vec<SourceFile>), String> {
    let all = generator::sources::read_specs(specs).map_err(|e| format!("cannot read {}: {e}", specs.display()))?.sources;
    let mut templates = Vec::new();
    let mut support = Vec::new();
    for source in all {
        let value: Value = serde_yaml::from_str(&source.text).map_err(|e| format!("{}: {e}", source.path))?;
        let defines_endpoint = value.get("endpoints").and_then(Value::as_sequence).is_some_and(|e| !e.is_empty());
        if defines_endpoint { templates.push((source, value)) } else { support.push(source) }
    }
    let seed_rank = |source: &SourceFile| SEEDS.iter().position(|(api, file)| source.path == format!("specs/{api}/{file}")).unwrap_or(SEEDS.len());
    // Stable: after the seeds, the files keep the path order `read_specs` gives.
    templates.sort_by_key(|(source, _)| seed_rank(source));
    if templates.is_empty() {
        return Err(format!("{} holds no endpoint to replicate", specs.display()));
    }
    Ok((needed_first(templates), support))
}

/// The templates with each one's needs before it (the files defining the types it names and
/// the endpoints its actions poll), else in the order given: so any first `n` of them are a
/// spec set that lowers on its own.
fn needed_first(templates: Vec<Template>) -> Vec<Template> {
    let mut definer = std::collections::BTreeMap::new();
    for (i, (_, value)) in templates.iter().enumerate() {
        for name in defined_names(value) {
            definer.entry(name).or_insert(i);
        }
        for endpoint in value.get("endpoints").and_then(Value::as_sequence).into_iter().flatten() {
            if let (Some(resource), Some(operation)) =
                (endpoint.get("resource").and_then(Value::as_str), endpoint.get("operation").and_then(Value::as_str))
            {
                definer.entry(format!("{resource}.{operation}")).or_insert(i);
            }
        }
    }
    let needs: Vec<BTreeSet<usize>> = templates
        .iter()
        .enumerate()
        .map(|(i, (_, value))| {
            let mut named = BTreeSet::new();
            collect_needs(value, &mut named);
            named.iter().filter_map(|name| definer.get(name).copied()).filter(|&j| j != i).collect()
        })
        .collect();
    // Depth first, each template after what it needs (a cycle is cut where it closes).
    fn visit(i: usize, needs: &[BTreeSet<usize>], state: &mut [u8], order: &mut Vec<usize>) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        for &j in &needs[i] {
            visit(j, needs, state, order);
        }
        state[i] = 2;
        order.push(i);
    }
    let mut state = vec![0; templates.len()];
    let mut order = Vec::new();
    for i in 0..templates.len() {
        visit(i, &needs, &mut state, &mut order);
    }
    let mut slots: Vec<Option<Template>> = templates.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The type names a file defines: its type sections, `type_name`s and one-of names.
fn defined_names(value: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for section in TYPE_SECTIONS {
        names.extend(value.get(section).and_then(Value::as_mapping).into_iter().flat_map(|m| m.keys()).filter_map(Value::as_str).map(str::to_owned));
    }
    collect_type_names(value, &mut names);
    names
}

/// Every type name a file's `type`s and variant `model`s mention (`map<array<AccessCode>>`
/// gives `AccessCode`), and every endpoint its actions `poll`.
fn collect_needs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, item) in map {
                match (key.as_str(), item.as_str()) {
                    (Some("type" | "model"), Some(ty)) => {
                        out.extend(
                            ty.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| w.starts_with(char::is_uppercase)).map(str::to_owned),
                        );
                    }
                    (Some("poll"), Some(endpoint)) => {
                        out.insert(endpoint.to_owned());
                    }
                    _ => collect_needs(item, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_needs(item, out)),
        _ => {}
    }
}

const TYPE_SECTIONS: [&str; 4] = ["ids", "enums", "models", "unions"];

/// Copy `k` of one endpoint file, with its resource, path and own type names suffixed.
fn rename_copy(template: &Value, k: usize) -> Result<Value, String> {
    let mut value = template.clone();
    let root = value.as_mapping_mut().ok_or("a spec file must be a mapping")?;
    let suffix = format!("K{k}");

    // Every name the file defines, including one-of enum names.
    let mut defined = BTreeSet::new();
    for section in TYPE_SECTIONS {
        if let Some(types) = root.get(section).and_then(Value::as_mapping) {
            defined.extend(types.keys().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    // Objects declared in place under a `type_name` are defined by the file too (the others
    // are named after their owner, which is renamed).
    for value in root.values() {
        collect_type_names(value, &mut defined);
    }
    let rename = |name: &str| -> Option<String> { defined.contains(name).then(|| format!("{name}{suffix}")) };

    // Type definitions: rename the keys, then the references inside.
    for section in TYPE_SECTIONS {
        let Some(types) = root.get_mut(section).and_then(Value::as_mapping_mut) else { continue };
        let renamed: Mapping = std::mem::take(types)
            .into_iter()
            .map(|(key, mut def)| {
                rename_fields(&mut def, "fields", &rename);
                if let Some(variants) = def.get_mut("variants").and_then(Value::as_sequence_mut) {
                    for variant in variants {
                        rename_fields(variant, "fields", &rename);
                        if let Some(model) = variant.get("model").and_then(Value::as_str) {
                            let model = rename_type(model, &rename);
                            set_str(variant, "model", model);
                        }
                    }
                }
                let key = match key.as_str().and_then(&rename) {
                    Some(new) => Value::String(new),
                    None => key,
                };
                (key, def)
            })
            .collect();
        *types = renamed;
    }

    // Actions: a copy declares the actions of the types it renames, polled through its own
    // copy of the poll endpoint; an action on a shared type is declared once, by copy 0.
    let own_operations: BTreeSet<String> = root
        .get("endpoints")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|e| Some(format!("{}.{}", e.get("resource")?.as_str()?, e.get("operation")?.as_str()?)))
        .collect();
    if let Some(actions) = root.get_mut("actions").and_then(Value::as_mapping_mut) {
        let renamed: Mapping = std::mem::take(actions)
            .into_iter()
            .filter_map(|(key, mut action)| {
                let new_key = key.as_str().and_then(&rename)?;
                let poll = action.get("poll").and_then(Value::as_str).filter(|p| own_operations.contains(*p))?;
                let (resource, operation) = poll.split_once('.')?;
                let poll = format!("{resource}_k{k}.{operation}");
                set_str(&mut action, "poll", poll);
                Some((Value::String(new_key), action))
            })
            .collect();
        *actions = renamed;
    }
    // Accepted drift names the originals' places, which a copy does not have.
    root.remove("drift");

    // Endpoints: resource, path, parameter and response types, one-of names.
    if let Some(endpoints) = root.get_mut("endpoints").and_then(Value::as_sequence_mut) {
        for endpoint in endpoints {
            let resource = endpoint.get("resource").and_then(Value::as_str).ok_or("an endpoint without `resource`")?.to_owned();
            let new_resource = format!("{resource}_k{k}");
            let path = endpoint.get("path").and_then(Value::as_str).ok_or("an endpoint without `path`")?;
            let new_path = rename_path(path, &resource, &new_resource, k);
            set_str(endpoint, "resource", new_resource);
            set_str(endpoint, "path", new_path);
            rename_fields(endpoint, "params", &rename);
            if let Some(response) = endpoint.get_mut("response") {
                rename_type_key(response, &rename);
                rename_fields(response, "keys", &rename);
            }
            if let Some(groups) = endpoint.get_mut("one_of").and_then(Value::as_sequence_mut) {
                for group in groups {
                    if let Some(name) = group.get("name").and_then(Value::as_str) {
                        let name = format!("{name}{suffix}");
                        set_str(group, "name", name);
                    }
                }
            }
        }
    }
    Ok(value)
}

/// `/access_codes/get` → `/access_codes_k1/get`: the segment named after the resource, or
/// else the last literal one (`/api/spaces/accesstokens/{id}` → `…/accesstokens_k1/{id}`).
fn rename_path(path: &str, resource: &str, new_resource: &str, k: usize) -> String {
    let mut segments: Vec<String> = path.split('/').map(str::to_owned).collect();
    if let Some(segment) = segments.iter_mut().find(|s| *s == resource) {
        *segment = new_resource.to_owned();
    } else if let Some(segment) = segments.iter_mut().rev().find(|s| !s.is_empty() && !s.starts_with('{')) {
        segment.push_str(&format!("_k{k}"));
    }
    segments.join("/")
}

/// Renames the `type` of each item of the list under `key` (fields or params).
fn rename_fields(owner: &mut Value, key: &str, rename: &impl Fn(&str) -> Option<String>) {
    if let Some(items) = owner.get_mut(key).and_then(Value::as_sequence_mut) {
        for item in items {
            rename_type_key(item, rename);
            // An object declared in place: its name, and its own fields.
            if let Some(name) = item.get("type_name").and_then(Value::as_str).and_then(rename) {
                set_str(item, "type_name", name);
            }
            rename_fields(item, "fields", rename);
        }
    }
}

/// Every `type_name` anywhere in `value`.
fn collect_type_names(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, item) in map {
                if key.as_str() == Some("type_name")
                    && let Some(name) = item.as_str()
                {
                    out.insert(name.to_owned());
                }
                collect_type_names(item, out);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_type_names(item, out)),
        _ => {}
    }
}

fn rename_type_key(owner: &mut Value, rename: &impl Fn(&str) -> Option<String>) {
    if let Some(ty) = owner.get("type").and_then(Value::as_str) {
        let ty = rename_type(ty, rename);
        set_str(owner, "type", ty);
    }
}

/// `AccessCode` → `AccessCodeK1`, `array<AccessCodeError>` → `array<AccessCodeErrorK1>`;
/// built-in types and names defined elsewhere are kept.
fn rename_type(ty: &str, rename: &impl Fn(&str) -> Option<String>) -> String {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_prefix("array<").and_then(|t| t.strip_suffix('>')) {
        return format!("array<{}>", rename_type(inner, rename));
    }
    rename(ty).unwrap_or_else(|| ty.to_owned())
}

fn set_str(owner: &mut Value, key: &str, value: String) {
    if let Some(map) = owner.as_mapping_mut() {
        map.insert(Value::String(key.to_owned()), Value::String(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::surface::{SURFACE_PATH, Surface};

    fn endpoints_of(files: &[generator::OutputFile]) -> Surface {
        let surface = files.iter().find(|f| f.path == SURFACE_PATH).expect("api-surface.json");
        Surface::from_json(&surface.contents).expect("a readable surface")
    }

    /// How many templates the real specs give (each endpoint file is one).
    fn template_count() -> usize {
        templates(&crate::project_root().join("specs")).unwrap().0.len()
    }

    #[test]
    fn thirty_endpoints_generate_without_diagnostics() {
        let sources = synth(&crate::project_root().join("specs"), 30).unwrap();
        let files = generator::generate(&sources).unwrap_or_else(|d| panic!("{}", generator::render(&d, &sources)));
        let surface = endpoints_of(&files);
        assert_eq!(surface.endpoints.len(), 30, "{:?}", surface.endpoints.keys().collect::<Vec<_>>());
        // The seeds are the first templates: endpoints 0, 1, 2 of each round.
        // (Copy 0 is the resource itself, the only copy while there are more templates than 30.)
        let templates = template_count();
        let module = |resource: &str, seed: usize| match (30 - 1 - seed) / templates {
            0 => format!("{resource}.rs"),
            k => format!("{resource}_k{k}.rs"),
        };
        let (access_codes, access_tokens) =
            (format!("src/seam/{}", module("access_codes", 0)), format!("src/nexudus/{}", module("access_tokens", 2)));
        assert!(files.iter().any(|f| f.path == access_codes), "the last copy of access_codes");
        assert!(files.iter().any(|f| f.path == access_tokens), "the last copy of access_tokens");
    }

    #[test]
    fn a_count_not_divisible_by_the_templates_goes_round_robin() {
        let templates = template_count();
        let sources = synth(&crate::project_root().join("specs"), 2 * templates + 1).unwrap();
        let files = generator::generate(&sources).unwrap_or_else(|d| panic!("{}", generator::render(&d, &sources)));
        let endpoints: Vec<String> = endpoints_of(&files).endpoints.into_keys().collect();
        assert_eq!(endpoints.len(), 2 * templates + 1, "{endpoints:?}");
        assert!(files.iter().any(|f| f.path == "src/seam/access_codes_k2.rs"), "the last endpoint is copy 2 of the first seed");
        assert!(!files.iter().any(|f| f.path == "src/seam/access_grants_k2.rs"), "the second seed has no copy 2");
    }

    #[test]
    fn one_copy_of_each_template_is_the_real_specs() {
        let root = crate::project_root();
        let real = generator::sources::read_specs(&root.join("specs")).unwrap().sources;
        let endpoints: usize = generator::generate(&real).map(|files| endpoints_of(&files).endpoints.len()).unwrap();
        let synthesized = synth(&root.join("specs"), endpoints).unwrap();
        let names = |s: &[SourceFile]| s.iter().map(|f| (f.path.clone(), f.text.clone())).collect::<Vec<_>>();
        assert_eq!(names(&synthesized), names(&real));
    }

    #[test]
    fn the_seeds_come_first() {
        let sources = synth(&crate::project_root().join("specs"), 3).unwrap();
        let endpoint_files: Vec<&str> = sources.iter().map(|s| s.path.as_str()).filter(|p| !p.ends_with("/api.yaml")).collect();
        let seeds: Vec<String> = SEEDS.iter().map(|(api, file)| format!("specs/{api}/{file}")).collect();
        let mut expected: Vec<&str> = seeds.iter().map(String::as_str).collect();
        expected.sort();
        assert_eq!(endpoint_files, expected);
    }

    #[test]
    fn a_copy_renames_definitions_and_references_only() {
        let yaml = "
endpoints:
  - resource: access_codes
    path: /access_codes/get
    params:
      - { name: access_code_id, type: AccessCodeId }
      - { name: code, type: string }
    one_of:
      - { name: AccessCodeLookup, alternatives: [[access_code_id]] }
    response: { type: AccessCode, envelope: access_code }
    responses:
      - { status: 200, example: { access_code: { type: AccessCode } } }
enums:
  AccessCodeType: { values: [{ value: AccessCode }] }
models:
  AccessCode:
    fields:
      - { name: type, type: AccessCodeType }
      - { name: errors, type: array<AccessCodeError> }
      - { name: workspace_id, type: WorkspaceId }
unions:
  AccessCodeError:
    tag: error_code
    variants:
      - { tag: x, fields: [{ name: nested, type: 'array<array<AccessCode>>' }] }
      - { tag: y, model: AccessCode }
";
        let copy = rename_copy(&serde_yaml::from_str(yaml).unwrap(), 7).unwrap();
        let at = |path: &[&str]| {
            let mut value = &copy;
            for key in path {
                value = match key.parse::<usize>() {
                    Ok(i) => &value[i],
                    Err(_) => &value[*key],
                };
            }
            value.as_str().unwrap_or_else(|| panic!("{path:?} in {copy:?}")).to_owned()
        };
        assert_eq!(at(&["endpoints", "0", "resource"]), "access_codes_k7");
        assert_eq!(at(&["endpoints", "0", "path"]), "/access_codes_k7/get");
        assert_eq!(at(&["endpoints", "0", "params", "0", "type"]), "AccessCodeId", "api.yaml ids stay shared");
        assert_eq!(at(&["endpoints", "0", "params", "1", "type"]), "string");
        assert_eq!(at(&["endpoints", "0", "one_of", "0", "name"]), "AccessCodeLookupK7");
        assert_eq!(at(&["endpoints", "0", "response", "type"]), "AccessCodeK7");
        assert_eq!(at(&["endpoints", "0", "response", "envelope"]), "access_code");
        assert_eq!(at(&["endpoints", "0", "responses", "0", "example", "access_code", "type"]), "AccessCode", "examples are data");
        assert_eq!(at(&["enums", "AccessCodeTypeK7", "values", "0", "value"]), "AccessCode");
        assert_eq!(at(&["models", "AccessCodeK7", "fields", "0", "type"]), "AccessCodeTypeK7");
        assert_eq!(at(&["models", "AccessCodeK7", "fields", "1", "type"]), "array<AccessCodeErrorK7>");
        assert_eq!(at(&["models", "AccessCodeK7", "fields", "2", "type"]), "WorkspaceId");
        assert_eq!(at(&["unions", "AccessCodeErrorK7", "variants", "0", "fields", "0", "type"]), "array<array<AccessCodeK7>>");
        assert_eq!(at(&["unions", "AccessCodeErrorK7", "variants", "1", "model"]), "AccessCodeK7");
        assert_eq!(rename_path("/api/spaces/accesstokens/{id}", "access_tokens", "access_tokens_k2", 2), "/api/spaces/accesstokens_k2/{id}");
    }
}
