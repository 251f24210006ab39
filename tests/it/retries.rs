//! Retries and timeouts against a real server: which failures are repeated, how often,
//! how long the client waits, and when it gives up.

use std::time::{Duration, Instant};

use keyway::Error;
use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use keyway::seam::{AccessCode, AccessCodeId, SeamAuth, SeamClient};
use serde_json::json;

use crate::fixtures::body;
use crate::server::{Reply, Scripted, serve};

const CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";

fn ok() -> Reply {
    Reply::json(200, &body("seam/access_codes.get.200.json"))
}

fn seam_error(status: u16, kind: &str) -> Reply {
    Reply::json(status, &json!({"error": {"type": kind, "message": kind}, "ok": false}))
}

/// A builder at the server with a fast backoff and otherwise default settings.
fn builder(server: &Scripted) -> keyway::ClientBuilder<SeamClient> {
    SeamClient::builder(SeamAuth::api_key("k")).base_url(&server.url).retry_base_delay(Duration::from_millis(10))
}

fn get(client: &SeamClient) -> keyway::Call<AccessCode> {
    client.access_codes().get(AccessCodeId::new(CODE_ID))
}

// ---- transient failures ----------------------------------------------------------------

#[tokio::test]
async fn status_429_then_200_succeeds_after_waiting_retry_after() {
    let server = serve(vec![seam_error(429, "rate_limited").header("retry-after", "1"), ok()]).await;
    let client = builder(&server).build().unwrap();

    let started = Instant::now();
    let code = get(&client).await.unwrap();
    let elapsed = started.elapsed();

    assert_eq!(code.access_code_id.as_str(), CODE_ID);
    assert_eq!(server.count(), 2);
    assert!(elapsed >= Duration::from_millis(950), "Retry-After: 1 was not respected: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn status_503_then_200_succeeds_after_one_retry() {
    let server = serve(vec![Reply::raw(503, "text/html", "<h1>Service Unavailable</h1>"), ok()]).await;
    let client = builder(&server).build().unwrap();

    get(&client).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body, "the retry repeats the same request");
    assert_eq!(requests[1].header("authorization"), Some("Bearer k"));
}

#[tokio::test]
async fn three_500s_end_in_an_api_error_after_exactly_three_attempts() {
    let server = serve(vec![seam_error(500, "internal_server_error")]).await;
    let client = builder(&server).build().unwrap();

    let err = get(&client).await.unwrap_err();

    assert!(matches!(&err, Error::Api(api) if api.status == 500 && api.kind == "internal_server_error"), "{err:?}");
    assert_eq!(server.count(), 3, "one attempt and the default 2 retries");
}

#[tokio::test]
async fn nexudus_get_is_retried_on_502() {
    let server =
        serve(vec![Reply::raw(502, "text/html", "<html>Bad Gateway</html>"), Reply::json(200, &body("nexudus/access_tokens.get.200.json"))]).await;
    let client = NexudusClient::builder(NexudusAuth::oauth2("t")).base_url(&server.url).retry_base_delay(Duration::from_millis(10)).build().unwrap();

    let token = client.access_tokens().get(AccessTokenId::new(87654321)).await.unwrap();

    assert_eq!(token.id.get(), 87654321);
    assert_eq!(server.count(), 2);
}

// ---- how many attempts ---------------------------------------------------------------

#[tokio::test]
async fn no_retries_on_a_call_makes_one_attempt() {
    let server = serve(vec![seam_error(503, "service_unavailable")]).await;
    let err = get(&builder(&server).build().unwrap()).no_retries().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn max_retries_zero_on_a_call_makes_one_attempt() {
    let server = serve(vec![seam_error(503, "service_unavailable")]).await;
    let err = get(&builder(&server).build().unwrap()).max_retries(0).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn max_retries_on_the_builder_sets_the_default_and_a_call_overrides_it() {
    let server = serve(vec![seam_error(500, "internal_server_error")]).await;
    let client = builder(&server).max_retries(0).build().unwrap();

    get(&client).await.unwrap_err();
    assert_eq!(server.count(), 1);

    get(&client).max_retries(3).await.unwrap_err();
    assert_eq!(server.count(), 1 + 4);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = serve(vec![seam_error(status, "client_error")]).await;
        let err = get(&builder(&server).build().unwrap()).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.count(), 1, "HTTP {status} was retried");
    }
}

#[tokio::test]
async fn undecodable_success_is_not_retried() {
    let server = serve(vec![Reply::json(200, &json!({"ok": true, "access_code": {"access_code_id": 5}}))]).await;
    let err = get(&builder(&server).build().unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

// ---- timeouts ------------------------------------------------------------------------

const SLOW: Duration = Duration::from_secs(2);
const SHORT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn builder_timeout_ends_a_slow_call_in_a_timeout_error() {
    let server = serve(vec![ok().delayed(SLOW)]).await;
    let client = builder(&server).attempt_timeout(SHORT).max_retries(0).build().unwrap();

    let started = Instant::now();
    let err = get(&client).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(matches!(err, Error::Timeout { endpoint: "access_codes.get", after } if after == SHORT), "{err:?}");
    assert!(err.is_timeout() && !err.is_call_timeout());
    assert_eq!(err.to_string(), "access_codes.get: an attempt timed out after 300ms (the attempt timeout)");
    assert!(elapsed >= SHORT - Duration::from_millis(10), "gave up early: {elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn attempt_timeout_on_a_call_overrides_the_builders() {
    let server = serve(vec![ok().delayed(SLOW)]).await;
    let client = builder(&server).attempt_timeout(Duration::from_secs(30)).build().unwrap();

    let started = Instant::now();
    let err = get(&client).attempt_timeout(SHORT).no_retries().await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(matches!(err, Error::Timeout { endpoint: "access_codes.get", after } if after == SHORT), "{err:?}");
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn timeouts_of_read_only_calls_are_retried() {
    let server = serve(vec![ok().delayed(SLOW)]).await;
    let per_attempt = Duration::from_millis(200);
    let client = builder(&server).attempt_timeout(per_attempt).build().unwrap();

    let started = Instant::now();
    let err = get(&client).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.count(), 3);
    assert!(elapsed >= per_attempt * 3 - Duration::from_millis(30), "{elapsed:?}");
    assert!(elapsed < SLOW, "gave up only after the server answered: {elapsed:?}");
}

#[tokio::test]
async fn a_timed_out_attempt_can_be_followed_by_a_successful_retry() {
    let server = serve(vec![ok().delayed(SLOW), ok()]).await;
    let client = builder(&server).attempt_timeout(SHORT).build().unwrap();

    let started = Instant::now();
    get(&client).await.unwrap();

    assert_eq!(server.count(), 2);
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
}

// ---- the deadline of the whole call ------------------------------------------------------

const DEADLINE: Duration = Duration::from_secs(1);
/// How late a deadline may end the call: the 100 ms.
const DEADLINE_SLACK: Duration = Duration::from_millis(100);

fn assert_ends_at_the_deadline(elapsed: Duration) {
    assert!(elapsed >= DEADLINE, "ended before the deadline: {elapsed:?}");
    assert!(elapsed <= DEADLINE + DEADLINE_SLACK, "ended {:?} after the deadline", elapsed - DEADLINE);
}

#[tokio::test]
async fn a_stalled_server_with_retries_ends_at_the_call_timeout() {
    let server = serve(vec![ok().delayed(Duration::from_secs(10))]).await;
    let per_attempt = Duration::from_millis(250);
    let client = builder(&server).attempt_timeout(per_attempt).max_retries(10).call_timeout(DEADLINE).build().unwrap();

    let started = Instant::now();
    let err = get(&client).await.unwrap_err();
    let elapsed = started.elapsed();
    println!("deadline {DEADLINE:?}: the call ended after {elapsed:?} ({} attempts)", server.count());

    assert_ends_at_the_deadline(elapsed);
    let Error::CallTimeout { endpoint: "access_codes.get", after, attempts } = err else { panic!("expected Error::CallTimeout, got {err:?}") };
    assert_eq!(after, DEADLINE);
    // Attempts end at 0.25, 0.5 and 0.75 s (plus up to 10, 20, 40 ms of backoff); the fourth is cut off.
    assert_eq!(attempts, 4);
    assert_eq!(server.count(), 4);
    assert!(err.is_timeout() && err.is_call_timeout());
    assert_eq!(err.to_string(), "access_codes.get: the call timed out after 1s (the call timeout), during attempt 4");
}

#[tokio::test]
async fn a_call_timeout_on_the_call_bounds_one_stalled_attempt_too() {
    let server = serve(vec![ok().delayed(Duration::from_secs(10))]).await;
    // The default 30 s attempt timeout would let the attempt run on.
    let client = builder(&server).build().unwrap();

    let started = Instant::now();
    let err = get(&client).call_timeout(DEADLINE).await.unwrap_err();

    assert_ends_at_the_deadline(started.elapsed());
    assert!(matches!(err, Error::CallTimeout { after: DEADLINE, attempts: 1, .. }), "{err:?}");
}

#[tokio::test]
async fn a_retry_whose_wait_would_outlast_the_deadline_is_not_made() {
    let server = serve(vec![seam_error(503, "service_unavailable").header("retry-after", "5"), ok()]).await;
    let client = builder(&server).call_timeout(DEADLINE).build().unwrap();

    let started = Instant::now();
    let err = get(&client).await.unwrap_err();

    // The real failure, at once, rather than a timeout a second later.
    assert!(started.elapsed() < DEADLINE / 2, "{:?}", started.elapsed());
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_call_within_its_deadline_succeeds_after_retries() {
    let server = serve(vec![seam_error(503, "service_unavailable"), ok()]).await;
    let client = builder(&server).call_timeout(Duration::from_secs(5)).build().unwrap();
    let response = get(&client).send_with_metadata().await.unwrap();
    assert_eq!(response.attempts(), 2);
}
