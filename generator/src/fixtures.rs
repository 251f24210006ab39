//! Mock fixtures: one per documented response and per declared model, taken from the
//! spec's examples or, where the docs give none, synthesized from the declared types.
//!
//! They are written twice, from one list: as JSON files for any language (a small record
//! whose first key carries the `@generated` notice, `body` being the response exactly as
//! documented) and as Rust functions in `keyway::fixtures`.

use serde_json::{Map, Value, json};

use crate::file::{OutputFile, REGENERATE};
use crate::ir::{Api, Endpoint, ModelDef, TypeDef};
use crate::synth;

pub(crate) struct EndpointFixture<'a> {
    pub endpoint: &'a Endpoint,
    pub status: u16,
    pub description: &'a str,
    pub body: Value,
    pub synthesized: bool,
}

pub(crate) struct ModelFixture<'a> {
    pub model: &'a ModelDef,
    /// Position among the model's examples (0 for a synthesized one).
    pub index: usize,
    pub body: Value,
    pub synthesized: bool,
}

pub(crate) fn endpoint_fixtures(api: &Api) -> Vec<EndpointFixture<'_>> {
    api.endpoints().flat_map(|endpoint| fixtures_of(api, endpoint)).collect()
}

/// One endpoint's fixtures: what per-endpoint outputs use, so the whole API is not
/// synthesized again for each endpoint.
pub(crate) fn fixtures_of<'a>(api: &Api, endpoint: &'a Endpoint) -> Vec<EndpointFixture<'a>> {
    let mut out = Vec::new();
    {
        for response in &endpoint.responses {
            let (body, synthesized) = match &response.example {
                Some(body) => (body.clone(), false),
                None if (200..300).contains(&response.status) => (synth::success_body(api, endpoint), true),
                None => (synth::error_body(api, response.status, &response.description), true),
            };
            out.push(EndpointFixture { endpoint, status: response.status, description: &response.description, body, synthesized });
        }
    }
    out
}

pub(crate) fn model_fixtures(api: &Api) -> Vec<ModelFixture<'_>> {
    let mut out = Vec::new();
    for def in &api.types {
        let TypeDef::Model(model) = def else { continue };
        // A response's struct is shown by its endpoint's fixtures, as the body it is.
        if !model.declared || model.response_of.is_some() {
            continue;
        }
        if model.examples.is_empty() {
            let body = synth::synthesize(api, &crate::ir::TypeRef::Named(model.name.clone()), &model.name);
            out.push(ModelFixture { model, index: 0, body, synthesized: true });
        }
        for (index, example) in model.examples.iter().enumerate() {
            out.push(ModelFixture { model, index, body: example.clone(), synthesized: false });
        }
    }
    out
}

fn notice(source: &str) -> Value {
    json!(format!("by `{REGENERATE}` from {source}. Do not edit: change the spec and regenerate."))
}

pub(crate) fn fixture_files(api: &Api) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for fixture in endpoint_fixtures(api) {
        let endpoint = fixture.endpoint;
        let mut record = Map::new();
        record.insert("@generated".into(), notice(&endpoint.source));
        record.insert("endpoint".into(), json!(endpoint.id));
        record.insert("method".into(), json!(endpoint.method.as_str()));
        record.insert("path".into(), json!(endpoint.path));
        record.insert("status".into(), json!(fixture.status));
        record.insert("description".into(), json!(fixture.description));
        record.insert("synthesized".into(), json!(fixture.synthesized));
        record.insert("body".into(), fixture.body);
        files.push(pretty(format!("fixtures/{}/{}.{}.json", api.name, endpoint.id, fixture.status), record));
    }
    for fixture in model_fixtures(api) {
        let mut record = Map::new();
        record.insert("@generated".into(), notice(&format!("specs/{}/", api.name)));
        record.insert("model".into(), json!(fixture.model.name));
        record.insert("synthesized".into(), json!(fixture.synthesized));
        record.insert("body".into(), fixture.body);
        files.push(pretty(format!("fixtures/{}/models/{}.{}.json", api.name, fixture.model.name, fixture.index), record));
    }
    files
}

fn pretty(path: String, record: Map<String, Value>) -> OutputFile {
    let mut contents = serde_json::to_string_pretty(&Value::Object(record)).unwrap_or_default();
    contents.push('\n');
    OutputFile { path, contents }
}
