//! Every documented example checked against the lowered types: model examples, and each
//! endpoint's response examples (success bodies against the response type inside its
//! envelope, error bodies against the API's error format).

use super::endpoints::Located;
use super::types::TypeSites;
use super::{Lowerer, Site};
use crate::diagnostics::PathSeg;
use crate::examples::{Problem, check_example};
use crate::ir::{Api, Endpoint, Response, TypeRef};
use crate::load::LoadedApi;
use crate::yaml_path;

pub(crate) fn check_examples(lw: &mut Lowerer, loaded: &LoadedApi, sites: &TypeSites, api: &Api, endpoints: &[Located]) {
    for file in &loaded.files {
        for (name, spec) in file.spec.models.iter().filter(|(name, _)| sites.defined_in(name, file)) {
            for (index, example) in spec.examples.iter().enumerate() {
                let site = Site::root(file).at("models").at(name).at("examples").at(index);
                for problem in check_example(api, &TypeRef::Named(name.clone()), example) {
                    lw.error(&site.join(problem.path), format!("example does not match `{name}`: {}", problem.message));
                }
            }
        }
    }
    for Located { endpoint, site, .. } in endpoints {
        // An endpoint that lowered has every parameter of its spec, in order.
        for (index, param) in endpoint.params.iter().enumerate() {
            let Some(default) = &param.default else { continue };
            for problem in check_example(api, &param.ty, default) {
                let at = site.at("params").at(index).at("default");
                lw.error(
                    &at.join(problem.path),
                    format!("the default of `{}` does not match `{}`: {}", param.wire_name, param.ty.spec_name(), problem.message),
                );
            }
        }
        for (index, response) in endpoint.responses.iter().enumerate() {
            let Some(example) = &response.example else { continue };
            let site = site.at("responses").at(index).at("example");
            let problems =
                if (200..300).contains(&response.status) { check_success_example(api, endpoint, example) } else { check_error_example(api, example) };
            for problem in problems {
                lw.error(
                    &site.join(problem.path),
                    format!("{} example of `{}` does not match its declared type: {}", response.status, endpoint.id, problem.message),
                );
            }
        }
    }
}

fn check_success_example(api: &Api, endpoint: &Endpoint, example: &serde_json::Value) -> Vec<Problem> {
    match &endpoint.response {
        Response::Empty => check_empty_example(api, example),
        Response::Value { ty, envelope: None } => match (&api.success_flag, example) {
            // The flag sits beside the data: it is no field of the response type.
            (Some(flag), serde_json::Value::Object(object)) if object.contains_key(flag) => {
                let mut data = object.clone();
                data.remove(flag);
                check_example(api, ty, &serde_json::Value::Object(data))
            }
            _ => check_example(api, ty, example),
        },
        Response::Value { ty, envelope: Some(key) } => match example.get(key) {
            Some(inner) => check_example(api, ty, inner)
                .into_iter()
                .map(|p| Problem { path: [yaml_path![key], p.path].concat(), message: format!("under `{key}`: {}", p.message) })
                .collect(),
            None => vec![Problem { path: Vec::new(), message: format!("the body has no `{key}` key, which `response.envelope` names") }],
        },
    }
}

/// The body of an endpoint that gives nothing holds nothing but the success flag: data
/// there means the spec forgot its `response`.
fn check_empty_example(api: &Api, example: &serde_json::Value) -> Vec<Problem> {
    let Some(object) = example.as_object() else {
        return if example.is_null() {
            Vec::new()
        } else {
            vec![Problem { path: Vec::new(), message: "the endpoint declares no `response`, but this body holds a value".to_owned() }]
        };
    };
    object
        .keys()
        .filter(|key| api.success_flag.as_ref() != Some(*key))
        .map(|key| Problem {
            path: yaml_path![key],
            message: format!("the endpoint declares no `response`, but the body holds `{key}`: declare `response` (with `type` or `keys`)"),
        })
        .collect()
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
