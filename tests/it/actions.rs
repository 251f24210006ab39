//! Asynchronous actions against the spec-driven mock server, through the generated client: a
//! call that starts an action answers it pending, `wait()` polls the endpoint the spec names
//! until the action succeeds, fails (the API's error type and message) or the wait times out.

use std::time::{Duration, Instant};

use keyway::Error;
use keyway::mock::{MockActions, MockServer};
use keyway::seam::{ActionAttempt, DeviceId, SeamAuth, SeamClient};

fn seam(url: &str) -> SeamClient {
    SeamClient::builder(SeamAuth::api_key("test-key")).base_url(url).build().unwrap()
}

/// The polls the mock received, with the id each asked for.
fn polls(mock: &MockServer) -> Vec<String> {
    mock.requests()
        .iter()
        .filter(|r| r.endpoint == Some("action_attempts.get"))
        .map(|r| r.body.as_ref().unwrap()["action_attempt_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_pending_action_is_polled_until_it_succeeds() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.actions(MockActions::SucceedAfter(3));
    let client = seam(&mock.url());

    let done = client.locks().unlock_door(DeviceId::new("lock-1")).wait().poll_interval(Duration::from_millis(20)).await.unwrap();

    let ActionAttempt::Success(success) = &done else { panic!("{done:?}") };
    let id = success.action_attempt_id.to_string();
    assert_eq!(polls(&mock), [id.clone(), id.clone(), id], "three polls of the action the call started, the third finding it done");
    let started = &mock.requests()[0];
    assert_eq!(started.endpoint, Some("locks.unlock_door"));
    assert_eq!(started.body.as_ref().unwrap()["device_id"], "lock-1");
}

#[tokio::test]
async fn without_waiting_the_call_gives_the_action_pending() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam(&mock.url());

    let started = client.locks().lock_door(DeviceId::new("lock-1")).await.unwrap();

    assert!(matches!(started, ActionAttempt::Pending(_)), "{started:?}");
    assert!(polls(&mock).is_empty());
    // The id reads back through the poll endpoint, which finishes it (the default outcome).
    let id = started.action_attempt_id().unwrap().clone();
    let read = client.action_attempts().get(id).await.unwrap();
    assert!(matches!(read, ActionAttempt::Success(_)), "{read:?}");
}

#[tokio::test]
async fn a_failed_action_is_the_typed_failure_with_the_apis_error() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.actions(MockActions::FailAfter { polls: 2, error_type: "device_offline".into(), message: "The lock is offline.".into() });
    let client = seam(&mock.url());

    let error = client.locks().unlock_door(DeviceId::new("lock-1")).wait().poll_interval(Duration::from_millis(20)).await.unwrap_err();

    let Some(failure) = error.action_failure() else { panic!("{error:?}") };
    assert_eq!((failure.endpoint, failure.status.as_str()), ("locks.unlock_door", "error"));
    assert_eq!((failure.error_type.as_deref(), failure.message.as_deref()), (Some("device_offline"), Some("The lock is offline.")));
    let id = &failure.action_id;
    assert_eq!(polls(&mock), [id.clone(), id.clone()]);
    assert!(error.request_id().is_some_and(|id| id.starts_with("mock-")), "the failing poll's request id: {error:?}");
    assert_eq!(error.to_string(), format!("locks.unlock_door: action {id} ended `error` (device_offline): The lock is offline."));
}

#[tokio::test]
async fn a_stuck_action_times_out_within_one_poll_interval_naming_its_last_status() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.actions(MockActions::StayPending);
    let client = seam(&mock.url());
    let (timeout, interval) = (Duration::from_millis(600), Duration::from_millis(150));

    let started = Instant::now();
    let error = client.locks().unlock_door(DeviceId::new("lock-1")).wait().timeout(timeout).poll_interval(interval).await.unwrap_err();
    let elapsed = started.elapsed();

    let Error::ActionTimeout { endpoint, last_status, waited, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*endpoint, last_status.as_str()), ("locks.unlock_door", "pending"));
    assert!(*waited >= timeout && elapsed >= timeout, "not before the timeout: {elapsed:?}");
    // One interval late at most, plus scheduling slack on a loaded machine.
    assert!(elapsed < timeout + interval + Duration::from_millis(400), "{elapsed:?}");
    let n = polls(&mock).len();
    assert!((1..=5).contains(&n), "at most one poll per interval until the timeout: {n}");
    assert!(error.is_timeout());
}

#[tokio::test]
async fn an_action_finished_at_once_needs_no_poll_and_waiting_on_a_read_polls_it() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.actions(MockActions::SucceedAfter(0));
    let client = seam(&mock.url());
    let done = client.locks().unlock_door(DeviceId::new("lock-1")).wait().await.unwrap();
    assert!(matches!(done, ActionAttempt::Success(_)), "{done:?}");
    assert!(polls(&mock).is_empty(), "a finished action is not polled");

    mock.actions(MockActions::SucceedAfter(2));
    let started = client.locks().unlock_door(DeviceId::new("lock-1")).await.unwrap();
    let id = started.action_attempt_id().unwrap().clone();
    // Reading an action by id and waiting: the read is the first poll, one more finishes it.
    let done = client.action_attempts().get(id.clone()).wait().poll_interval(Duration::from_millis(10)).await.unwrap();
    assert!(matches!(done, ActionAttempt::Success(_)), "{done:?}");
    assert_eq!(polls(&mock), [id.to_string(), id.to_string()]);
}

#[tokio::test]
async fn a_poll_that_fails_ends_the_wait_with_its_error() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.on("action_attempts.get")
        .respond(404, serde_json::json!({ "error": { "type": "action_attempt_not_found", "message": "gone" }, "ok": false }));
    let client = seam(&mock.url());

    let error = client.locks().unlock_door(DeviceId::new("lock-1")).wait().poll_interval(Duration::from_millis(10)).await.unwrap_err();

    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.api_error().unwrap().kind, "action_attempt_not_found");
    assert_eq!(polls(&mock).len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn reading_an_action_the_mock_did_not_start_serves_the_documented_one() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam(&mock.url());
    let documented = keyway::fixtures::seam::action_attempts::get_200().value().unwrap();
    let id = documented.action_attempt_id().unwrap().clone();

    assert_eq!(client.action_attempts().get(id).await.unwrap(), documented);
}

#[tokio::test]
async fn create_then_wait_then_get_as_the_readme_shows() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.actions(MockActions::SucceedAfter(2));
    let client = seam(&mock.url());

    let created = client
        .access_codes()
        .create(DeviceId::new("d-1"))
        .code("1234")
        .name("Front door")
        .wait()
        .poll_interval(Duration::from_millis(10))
        .await
        .unwrap();
    let code = client.access_codes().get(created.access_code.access_code_id.clone()).await.unwrap();

    // The response keeps every key; only its action is read again until it finished.
    assert!(matches!(created.action_attempt, ActionAttempt::Success(_)), "{:?}", created.action_attempt);
    assert_eq!(code.access_code_id, created.access_code.access_code_id);
    let sent = &mock.requests()[0];
    assert_eq!(sent.endpoint, Some("access_codes.create"));
    let body = sent.body.as_ref().unwrap();
    assert_eq!((body["device_id"].as_str(), body["code"].as_str(), body["name"].as_str()), (Some("d-1"), Some("1234"), Some("Front door")));
    assert_eq!(polls(&mock).len(), 2);
}
