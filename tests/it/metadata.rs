//! A successful call's metadata: `send_with_metadata` gives the value with the status,
//! request id and headers, while awaiting the call still gives the value alone.

use std::time::Duration;

use keyway::Response;
use keyway::nexudus::{AccessToken, AccessTokenId, NexudusAuth, NexudusClient};
use keyway::seam::{AccessCode, AccessCodeId, SeamAuth, SeamClient};

use crate::fixtures::body;
use crate::server::{Reply, serve};

const CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";

fn ok() -> Reply {
    Reply::json(200, &body("seam/access_codes.get.200.json"))
}

#[tokio::test]
async fn send_with_metadata_gives_the_value_status_request_id_and_headers() {
    let reply = ok().header("seam-request-id", "req_ok").header("x-ratelimit-remaining", "41").header("set-cookie", "session=s3cr3t");
    let server = serve(vec![reply]).await;
    let client = SeamClient::builder(SeamAuth::api_key("k")).base_url(&server.url).build().unwrap();

    let response: Response<AccessCode> = client.access_codes().get(AccessCodeId::new(CODE_ID)).send_with_metadata().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req_ok"));
    assert_eq!(response.header("X-RateLimit-Remaining"), Some("41"));
    assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
    assert_eq!(response.header("no-such-header"), None);
    assert_eq!(response.attempts(), 1);
    assert_eq!(response.value().access_code_id.as_str(), CODE_ID);
    let debug = format!("{response:?}");
    assert!(debug.contains("req_ok") && debug.contains("set-cookie"), "{debug}");
    assert!(!debug.contains("s3cr3t"), "header values stay out of Debug: {debug}");
    let code = response.into_inner();
    // The common path is unchanged: awaiting the call gives the value.
    assert_eq!(client.access_codes().get(AccessCodeId::new(CODE_ID)).await.unwrap(), code);
}

#[tokio::test]
async fn metadata_after_retries_and_without_a_request_id() {
    let server = serve(vec![Reply::raw(503, "text/plain", "busy"), Reply::json(200, &body("nexudus/access_tokens.get.200.json"))]).await;
    let client = NexudusClient::builder(NexudusAuth::oauth2("t")).base_url(&server.url).retry_base_delay(Duration::from_millis(5)).build().unwrap();

    let response: Response<AccessToken> = client.access_tokens().get(AccessTokenId::new(87654321)).send_with_metadata().await.unwrap();

    assert_eq!((response.status(), response.request_id(), response.attempts()), (200, None, 2));
    assert_eq!(response.into_inner().id.get(), 87654321);
}
