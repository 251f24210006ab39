//! Mock fixtures: one JSON file per documented response, for downstream tests.
//!
//! JSON has no comments, so each file is a small record whose first key carries the
//! `@generated` notice and whose `body` is the response exactly as documented.

use serde_json::{Map, Value, json};

use crate::ir::Api;
use crate::output::{OutputFile, REGENERATE};

pub(crate) fn fixture_files(api: &Api) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for endpoint in api.endpoints() {
        for response in &endpoint.responses {
            let Some(body) = &response.example else { continue };
            let mut record = Map::new();
            record.insert(
                "@generated".into(),
                json!(format!("by `{REGENERATE}` from {}. Do not edit: change the spec and regenerate.", endpoint.source)),
            );
            record.insert("endpoint".into(), json!(endpoint.id));
            record.insert("method".into(), json!(endpoint.method.as_str()));
            record.insert("path".into(), json!(endpoint.path));
            record.insert("status".into(), json!(response.status));
            record.insert("description".into(), json!(response.description));
            record.insert("body".into(), body.clone());
            files.push(pretty(format!("fixtures/{}/{}.{}.json", api.name, endpoint.id, response.status), record));
        }
    }
    for def in &api.types {
        let crate::ir::TypeDef::Model(model) = def else { continue };
        for (index, example) in model.examples.iter().enumerate() {
            let mut record = Map::new();
            record.insert(
                "@generated".into(),
                json!(format!("by `{REGENERATE}` from specs/{}/. Do not edit: change the spec and regenerate.", api.name)),
            );
            record.insert("model".into(), json!(model.name));
            record.insert("body".into(), example.clone());
            files.push(pretty(format!("fixtures/{}/models/{}.{index}.json", api.name, model.name), record));
        }
    }
    files
}

fn pretty(path: String, record: Map<String, Value>) -> OutputFile {
    let mut contents = serde_json::to_string_pretty(&Value::Object(record)).unwrap_or_default();
    contents.push('\n');
    OutputFile { path, contents }
}
