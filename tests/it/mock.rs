//! The spec-driven mock server, through the generated client: every fixture is served and
//! decoded, and each misuse the docs describe gets the vendor's error, typed.

use std::time::Duration;

use keyway::Error;
use keyway::mock::MockServer;
use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use keyway::seam::{AccessCodeId, AccessCodeLookup, AccessGrantId, AccessGrantLookup, DeviceId, SeamAuth, SeamClient};
use serde_json::{Value, json};

fn seam(mock: &MockServer) -> SeamClient {
    SeamClient::builder(SeamAuth::api_key("test-key")).base_url(mock.url()).retry_base_delay(Duration::from_millis(1)).build().unwrap()
}

/// A request the typed client cannot make (it would not compile), sent by hand.
async fn raw_post(mock: &MockServer, path: &str, auth: Option<&str>, body: Value) -> (u16, Value) {
    // reqwest is built without a TLS provider of its own; plain http needs none, but
    // building a client asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new().post(format!("{}{path}", mock.url())).header("content-type", "application/json").body(body.to_string());
    if let Some(token) = auth {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap())
}

/// The endpoints of the specs, `<api>.<endpoint id>`, and how many of them document no body
/// for the success the mock serves (its lowest 2xx), read through the generator's IR.
fn spec_endpoints() -> (Vec<String>, usize) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let sources = generator::sources::read_specs(&root).unwrap().sources;
    let apis = generator::lower_all(&sources).unwrap_or_else(|d| panic!("{d}"));
    let mut ids = Vec::new();
    let mut undocumented = 0;
    for api in &apis {
        for endpoint in api.endpoints() {
            ids.push(format!("{}.{}", api.name, endpoint.id));
            let served = endpoint.responses.iter().filter(|r| (200..300).contains(&r.status)).min_by_key(|r| r.status);
            undocumented += usize::from(served.is_none_or(|r| r.example.is_none()));
        }
    }
    ids.sort();
    (ids, undocumented)
}

/// Every endpoint of every API, from the generated crate's table (one entry per endpoint of
/// the specs, so a new spec file is covered with no edit here): called through the typed
/// client against its API's mock server, it decodes the documented success fixture. A list
/// answers a page of the documented items; an endpoint that gives `()` only succeeds.
#[tokio::test]
async fn every_endpoint_serves_its_documented_success_through_the_client() {
    let calls = keyway::fixtures::endpoint_calls();
    let (spec_ids, undocumented) = spec_endpoints();
    let mut table_ids: Vec<String> = calls.iter().map(|c| format!("{}.{}", c.api, c.endpoint)).collect();
    table_ids.sort();
    assert_eq!(table_ids, spec_ids, "the generated table lists every endpoint of the specs, once");

    let (mut called, mut skipped) = (0, 0);
    for entry in calls {
        let name = format!("{}.{}", entry.api, entry.endpoint);
        let Some(success) = entry.success else {
            skipped += 1;
            continue;
        };
        let mock = (entry.mock_server)().await.unwrap();
        let value = (entry.call)(&mock).await.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let (_, documented) = success().unwrap_or_else(|e| panic!("{name}: the fixture decodes: {e:?}"));
        match entry.items {
            // The mock sets the paging fields and serves a page of the documented items.
            Some(key) => {
                let page = value[key].as_array().unwrap_or_else(|| panic!("{name}: `{key}` is the page's items: {value}"));
                let items = documented[key].as_array().unwrap_or_else(|| panic!("{name}: `{key}` in the fixture"));
                assert!(!page.is_empty() || items.is_empty(), "{name}: an empty first page of a documented list");
                assert!(items.starts_with(page), "{name}: the page is not the documented items: {value}");
            }
            // `()` is `null` on both sides.
            None => {
                assert_eq!(without_started_action(value, entry.started_action), without_started_action(documented, entry.started_action), "{name}")
            }
        }
        let requests = mock.requests();
        assert_eq!(requests.len(), 1, "{name}: one request, answered at once: {requests:?}");
        assert_eq!(requests[0].endpoint, Some(entry.endpoint), "{name}: routed to itself");
        called += 1;
    }
    assert_eq!(skipped, undocumented, "skipped exactly the endpoints whose spec documents no success body");
    assert_eq!(called + skipped, spec_ids.len());
}

/// The value without what the mock sets in an action it starts (a fresh id, its first
/// status; `tests/it/actions.rs` checks them).
fn without_started_action(mut value: serde_json::Value, started: Option<(Option<&str>, &[&str], &[&str])>) -> serde_json::Value {
    if let Some((key, id, status)) = started {
        let action = match key {
            Some(key) => &mut value[key],
            None => &mut value,
        };
        for path in [id, status] {
            let (last, parents) = path.split_last().unwrap();
            let parent = parents.iter().fold(&mut *action, |v, k| &mut v[*k]);
            parent.as_object_mut().unwrap().remove(*last);
        }
    }
    value
}

/// The other lookup of a one-of group serves the same success, and a path parameter reaches
/// the path.
#[tokio::test]
async fn other_lookups_and_path_parameters_reach_the_documented_success() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam(&mock);
    let code = keyway::fixtures::seam::access_codes::get_200().value().unwrap();
    let by_device = AccessCodeLookup::DeviceIdAndCode { device_id: DeviceId::new("any-device"), code: "1988".into() };
    assert_eq!(client.access_codes().get(by_device).await.unwrap(), code);
    let grant = keyway::fixtures::seam::access_grants::get_200().value().unwrap();
    let by_key = client.access_grants().get(AccessGrantLookup::AccessGrantKey("any-key".into())).await.unwrap();
    assert_eq!(by_key, grant);

    let mock = keyway::nexudus::mock_server().await.unwrap();
    let nexudus = NexudusClient::builder(NexudusAuth::oauth2("test-token")).base_url(mock.url()).build().unwrap();
    let token = nexudus.access_tokens().get(AccessTokenId::new(87654321)).await.unwrap();
    assert_eq!(token, keyway::fixtures::nexudus::access_tokens::get_200().value().unwrap());
    assert_eq!(mock.requests()[0].path, "/api/spaces/accesstokens/87654321");
}

#[tokio::test]
async fn an_unknown_id_gets_the_documented_404() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let error = seam(&mock).access_codes().get(AccessCodeId::new("no-such-code")).await.unwrap_err();
    let api = error.api_error().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!((api.status, api.kind.as_str(), api.message.as_str()), (404, "device_not_found", "Device not found"));
    assert!(error.is_not_found());

    let mock = keyway::nexudus::mock_server().await.unwrap();
    let nexudus = NexudusClient::builder(NexudusAuth::oauth2("t")).base_url(mock.url()).build().unwrap();
    assert!(nexudus.access_tokens().get(AccessTokenId::new(1)).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn no_auth_gets_a_401_in_the_vendor_shape_which_the_client_types_as_unauthorized() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let (status, body) = raw_post(&mock, "/access_codes/get", None, json!({"access_code_id": "x"})).await;
    assert_eq!(status, 401);
    assert_eq!(body["ok"], false, "the documented envelope keeps Seam's `ok`");
    assert_eq!(body["error"]["type"], "unauthorized");

    mock.on("access_codes.get").times(1).respond(401, body);
    let error = seam(&mock).access_codes().get(AccessCodeId::new("x")).await.unwrap_err();
    let Error::Unauthorized(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.kind, "unauthorized");
}

#[tokio::test]
async fn a_missing_lookup_and_both_lookups_get_invalid_input() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let (status, missing) = raw_post(&mock, "/access_codes/get", Some("k"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(missing["error"]["type"], "invalid_input");
    let (status, both) = raw_post(
        &mock,
        "/access_grants/get",
        Some("k"),
        json!({"access_grant_id": "704eadf0-a0a2-4715-b0e1-2f002dc1b6e0", "access_grant_key": "key"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(both["error"]["validation_errors"]["_errors"][0].as_str().is_some_and(|m| m.contains("Only one")), "{both}");
    let (status, partial) = raw_post(&mock, "/access_codes/get", Some("k"), json!({"device_id": "d"})).await;
    assert_eq!(status, 400);

    // The same bodies, through the client, are typed with their per-parameter messages.
    mock.on("access_codes.get").times(1).respond(400, partial);
    let error = seam(&mock).access_codes().get(AccessCodeId::new("x")).await.unwrap_err();
    let Error::InvalidInput(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.validation_errors_for("code"), ["Required"]);
    mock.on("access_grants.get").times(1).respond(400, both);
    let error = seam(&mock).access_grants().get(AccessGrantId::new("g")).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
}

#[tokio::test]
async fn overrides_faults_and_recorded_requests() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam(&mock);
    let id = AccessCodeId::new("26d6138c-6524-4f3c-ac96-43cc3bea0a8d");

    mock.on("access_codes.get").with_param("access_code_id", "special").respond(
        200,
        json!({"ok": true, "access_code": {
            "access_code_id": "special", "code": "4242", "type": "ongoing", "status": "set", "created_at": "2025-01-01T00:00:00Z"
        }}),
    );
    let special = client.access_codes().get(AccessCodeId::new("special")).await.unwrap();
    assert_eq!(special.code.as_deref(), Some("4242"));

    mock.on("access_codes.get").respond_with_statuses(&[503, 500]);
    client.access_codes().get(id.clone()).await.expect("retried past the faults");

    mock.on("access_codes.get").times(1).delay(Duration::from_millis(500));
    let error = client.access_codes().get(id.clone()).attempt_timeout(Duration::from_millis(100)).no_retries().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    let requests = mock.requests();
    assert_eq!(requests.len(), 5, "special, two faults, the retry that passed, the slow one");
    assert!(requests.iter().all(|r| r.endpoint == Some("access_codes.get") && r.method == "POST"));
    assert_eq!(requests[0].body, Some(json!({"access_code_id": "special"})));
    assert_eq!(requests[0].header("authorization"), Some("Bearer test-key"));
    assert!(!format!("{:?}", requests[0]).contains("test-key"), "recorded requests redact credentials");
}

/// Every endpoint fixture, documented or synthesized, success or error, is served by the mock
/// and comes back through the client as the typed value or the typed error. The fixtures and
/// the calls come from the generated crate's table of every endpoint.
#[tokio::test]
async fn every_fixture_is_served_and_decoded_by_the_client() {
    let mut served = 0;
    let calls = keyway::fixtures::endpoint_calls();
    for entry in &calls {
        let mock = (entry.mock_server)().await.unwrap();
        for (status, raw, round_trip) in &entry.fixtures {
            let name = format!("{}.{}.{status}", entry.api, entry.endpoint);
            let raw: Value = serde_json::from_str(raw).unwrap();
            mock.on(entry.endpoint).times(1).respond(*status, raw);
            match (entry.call)(&mock).await {
                Ok(value) => {
                    assert!((200..300).contains(status), "{name}: decoded an error status");
                    // That the decoded value keeps every documented key is `fixtures.rs`'s round trip.
                    let (_, decoded) = round_trip().unwrap_or_else(|e| panic!("{name}: {e:?}"));
                    assert_eq!(value, decoded, "{name}: the client decodes what the fixture decodes to");
                }
                Err(error) => {
                    assert_eq!(error.status(), Some(*status), "{name}: {error:?}");
                    assert!(error.api_error().is_some(), "{name}: the documented error body is typed: {error:?}");
                }
            }
            served += 1;
        }
    }
    // One file per endpoint fixture in the generated crate (model examples are in `models/`).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/fixtures");
    let files = std::fs::read_dir(dir).unwrap().flat_map(|api| std::fs::read_dir(api.unwrap().path()).unwrap());
    let fixtures = files.filter(|f| f.as_ref().unwrap().path().extension().is_some_and(|e| e == "json")).count();
    assert_eq!(served, fixtures, "every fixture file of the generated crate");
}
