//! `response.write_envelope`: an endpoint whose body is the API's write envelope (a success
//! flag, the value under a key, per-property errors on failure).

use super::{Lowerer, Site};
use crate::ir::Response;
use crate::spec::{EndpointSpec, WriteEnvelopeSpec};

/// An endpoint in the write envelope needs the API's `write_envelope`, a `type`, and nothing
/// else that says where the value is.
pub(crate) fn check(lw: &mut Lowerer, site: &Site, spec: &EndpointSpec, api: Option<&WriteEnvelopeSpec>) {
    let Some(response) = spec.response.as_ref().filter(|r| r.write_envelope) else {
        return;
    };
    let at = site.at("response");
    if api.is_none() {
        lw.error_help(
            &at.at("write_envelope"),
            "the response is in the API's write envelope, but the API declares none",
            "describe it under `api.write_envelope` (`success_field`, `value_field`, …), or drop `write_envelope`",
        );
    }
    for (key, given) in [("envelope", response.envelope.is_some()), ("keys", response.keys.is_some())] {
        if given {
            lw.error_help(
                &at.at(key),
                format!("`response.{key}` cannot be given with `write_envelope`"),
                "the value sits under the write envelope's `value_field`: give its `type` only",
            );
        }
    }
    if spec.pagination.is_some() {
        lw.error_help(&site.at("pagination"), "a list cannot be in the write envelope", "drop `write_envelope` or `pagination`");
    }
}

/// The response as the value under the envelope's `value_field`, and the envelope, for an
/// endpoint that [`check`] accepted.
pub(crate) fn apply(spec: &EndpointSpec, api: Option<&WriteEnvelopeSpec>, response: Response) -> (Response, Option<WriteEnvelopeSpec>) {
    match (spec.response.as_ref().is_some_and(|r| r.write_envelope), api, response) {
        (true, Some(envelope), Response::Value { ty, envelope: None }) => {
            (Response::Value { ty, envelope: Some(envelope.value_field.clone()) }, Some(envelope.clone()))
        }
        (_, _, response) => (response, None),
    }
}
