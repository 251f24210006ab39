//! Each endpoint called through the generated client against a real HTTP server on
//! 127.0.0.1: the request carries what the spec says, the documented reply decodes.

use keyway::Error;
use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use keyway::seam::{
    AccessCodeId, AccessCodeLookup, AccessCodeStatus, AccessGrantId, AccessGrantLookup, AccessMethodMode, DeviceId, SeamAuth, SeamClient,
};
use serde_json::json;

use crate::fixtures::body;
use crate::server::{Reply, serve};

fn seam(url: &str, auth: SeamAuth) -> SeamClient {
    SeamClient::builder(auth).base_url(url).build().unwrap()
}

#[tokio::test]
async fn access_codes_get_by_id_posts_json_and_unwraps_the_envelope() {
    let server = serve(vec![Reply::json(200, &body("seam/access_codes.get.200.json"))]).await;
    let client = seam(&server.url, SeamAuth::api_key("seam_test_key"));

    let code = client.access_codes().get(AccessCodeId::new("26d6138c-6524-4f3c-ac96-43cc3bea0a8d")).await.unwrap();

    assert_eq!(code.access_code_id.as_str(), "26d6138c-6524-4f3c-ac96-43cc3bea0a8d");
    assert_eq!(code.status, AccessCodeStatus::Setting);
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/access_codes/get");
    assert_eq!(request.query, None);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("authorization"), Some("Bearer seam_test_key"));
    assert!(request.header("user-agent").is_some_and(|ua| ua.starts_with("keyway/")));
    assert_eq!(request.json(), json!({"access_code_id": "26d6138c-6524-4f3c-ac96-43cc3bea0a8d"}));
}

#[tokio::test]
async fn access_codes_get_by_device_and_code_sends_both() {
    let server = serve(vec![Reply::json(200, &body("seam/access_codes.get.200.json"))]).await;
    let client = seam(&server.url, SeamAuth::api_key("seam_test_key"));

    let lookup = AccessCodeLookup::DeviceIdAndCode { device_id: DeviceId::new("device-1"), code: "1988".into() };
    client.access_codes().get(lookup).await.unwrap();

    assert_eq!(server.only_request().json(), json!({"device_id": "device-1", "code": "1988"}));
}

#[tokio::test]
async fn each_seam_auth_mode_sends_its_headers() {
    let cases = [
        (SeamAuth::api_key("key_1"), vec![("authorization", "Bearer key_1")], vec!["client-session-token", "seam-workspace"]),
        (SeamAuth::client_session_token("cst_1"), vec![("authorization", "Bearer cst_1"), ("client-session-token", "cst_1")], vec!["seam-workspace"]),
        (
            SeamAuth::personal_access_token("pat_1", "ws_1"),
            vec![("authorization", "Bearer pat_1"), ("seam-workspace", "ws_1")],
            vec!["client-session-token"],
        ),
        (
            SeamAuth::console_session_token("console_1", "ws_2"),
            vec![("authorization", "Bearer console_1"), ("seam-workspace", "ws_2")],
            vec!["client-session-token"],
        ),
    ];
    for (auth, expected, absent) in cases {
        let mode = auth.mode();
        let server = serve(vec![Reply::json(200, &body("seam/access_grants.get.200.json"))]).await;
        seam(&server.url, auth).access_grants().get(AccessGrantId::new("g-1")).await.unwrap();
        let request = server.only_request();
        for (name, value) in expected {
            assert_eq!(request.header(name), Some(value), "{mode}: header {name}");
        }
        for name in absent {
            assert_eq!(request.header(name), None, "{mode}: unexpected header {name}");
        }
    }
}

#[tokio::test]
async fn access_grants_get_by_id_and_by_key() {
    let server = serve(vec![Reply::json(200, &body("seam/access_grants.get.200.json"))]).await;
    let client = seam(&server.url, SeamAuth::api_key("seam_test_key"));

    let grant = client.access_grants().get(AccessGrantId::new("704eadf0-a0a2-4715-b0e1-2f002dc1b6e0")).await.unwrap();
    client.access_grants().get(AccessGrantLookup::AccessGrantKey("my-key".into())).await.unwrap();

    assert_eq!(grant.access_grant_id.as_str(), "704eadf0-a0a2-4715-b0e1-2f002dc1b6e0");
    assert_eq!(grant.display_name, "My Access Grant");
    assert_eq!(grant.requested_access_methods.len(), 3);
    assert_eq!(grant.requested_access_methods[2].mode, AccessMethodMode::MobileKey);
    assert_eq!(grant.space_ids.len(), 2);
    assert_eq!(grant.instant_key_url.as_deref(), Some("https://ik.seam.co/ABCXYZ"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "POST" && r.path == "/access_grants/get"));
    assert_eq!(requests[0].json(), json!({"access_grant_id": "704eadf0-a0a2-4715-b0e1-2f002dc1b6e0"}));
    assert_eq!(requests[1].json(), json!({"access_grant_key": "my-key"}));
}

#[tokio::test]
async fn nexudus_access_token_get_uses_the_path_parameter() {
    let server = serve(vec![Reply::json(200, &body("nexudus/access_tokens.get.200.json"))]).await;
    let client = NexudusClient::builder(NexudusAuth::oauth2("oauth_token")).base_url(&server.url).build().unwrap();

    let token = client.access_tokens().get(AccessTokenId::new(87654321)).await.unwrap();

    assert_eq!(token.id, AccessTokenId::new(87654321));
    assert_eq!(token.minutes_included, Some(0));
    assert_eq!(token.is_new, Some(false));
    assert_eq!(token.updated_on.map(|t| t.to_string()).as_deref(), Some("2025-01-15T10:30:00Z"));
    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/spaces/accesstokens/87654321");
    assert_eq!(request.header("authorization"), Some("Bearer oauth_token"));
    assert!(request.body.is_empty(), "a GET carries no body");
}

#[tokio::test]
async fn documented_seam_errors_become_typed_api_errors() {
    let server = serve(vec![
        Reply::json(404, &body("seam/access_codes.get.404.json")).header("seam-request-id", "from-header"),
        Reply::json(400, &body("seam/access_codes.get.400.json")),
    ])
    .await;
    let client = seam(&server.url, SeamAuth::api_key("seam_test_key"));

    let not_found = client.access_codes().get(AccessCodeId::new("missing")).await.unwrap_err();
    let Error::Api(api) = &not_found else { panic!("expected an API error, got {not_found:?}") };
    assert_eq!(api.status, 404);
    assert_eq!(api.kind, "device_not_found");
    assert_eq!(api.message, "Device not found");
    // The body's request id wins over the header's.
    assert_eq!(api.request_id.as_deref(), Some("bf6643a3-a102-4f3b-b4c3-bd8cd1119ba2"));
    assert!(not_found.is_not_found());

    let bad_request = client.access_codes().get(AccessCodeId::new("bad")).await.unwrap_err();
    assert_eq!(bad_request.status(), Some(400));
    assert_eq!(bad_request.request_id(), Some("cd32ef1e-6e14-4bcb-ab34-b88bfb5c1a1b"));
    assert_eq!(bad_request.api_error().map(|e| e.kind.as_str()), Some("internal_server_error"));
}
