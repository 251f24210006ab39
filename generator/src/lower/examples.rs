//! Every documented example checked against the lowered types: model examples, and each
//! endpoint's response examples (success bodies against the response type inside its
//! envelope, error bodies against the API's error format).

use super::endpoints::Located;
use super::types::TypeSites;
use super::{Lowerer, Site};
use crate::diagnostics::PathSeg;
use crate::examples::{Problem, check_example};
use crate::ir::{Api, Endpoint, TypeRef};
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
    for Located { endpoint, site } in endpoints {
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
