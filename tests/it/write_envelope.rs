//! Endpoints whose body is the API's write envelope (Nexudus' `{Status, Message, Value,
//! WasSuccessful, Errors}`): a success gives the `Value`; `WasSuccessful: false` is
//! `Error::InvalidInput` carrying each property error, whatever the HTTP status. The bodies
//! are the documented examples of `specs/nexudus/accesstokens.create.yaml`.

use std::time::Duration;

use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use keyway::{Error, PropertyError};
use serde_json::{Value, json};

use crate::fixtures::body;
use crate::server::{Reply, serve};

fn client(url: &str) -> NexudusClient {
    NexudusClient::builder(NexudusAuth::oauth2("token")).base_url(url).retry_base_delay(Duration::from_millis(10)).build().unwrap()
}

/// The documented property errors of a refusal, read from the example itself.
fn documented_property_errors(refusal: &Value) -> Vec<PropertyError> {
    refusal["Errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| PropertyError {
            property: e["PropertyName"].as_str().unwrap().to_owned(),
            message: e["Message"].as_str().unwrap().to_owned(),
            attempted_value: Some(e["AttemptedValue"].clone()),
        })
        .collect()
}

#[tokio::test]
async fn a_success_gives_the_value_and_sends_required_and_optional_fields() {
    let success = body("nexudus/access_tokens.create.200.json");
    let server = serve(vec![Reply::json(200, &success)]).await;
    let written = client(&server.url).access_tokens().create(12, "WIFI-1", 90).description("lobby").await.unwrap();
    assert_eq!(written.id, AccessTokenId::new(success["Value"]["Id"].as_i64().unwrap()));
    let request = server.only_request();
    assert_eq!(request.path, "/api/spaces/accesstokens");
    assert_eq!(request.json(), json!({"BusinessId": 12, "AccessCode": "WIFI-1", "MinutesIncluded": 90, "Description": "lobby"}));
}

#[tokio::test]
async fn was_successful_false_is_invalid_input_with_the_property_errors_even_with_http_200() {
    let refusal = body("nexudus/access_tokens.create.400.json");
    assert_eq!(refusal["WasSuccessful"], false, "the documented refusal");
    for status in [200, 400] {
        let server = serve(vec![Reply::json(status, &refusal)]).await;
        let error = client(&server.url).access_tokens().create(12, "", 90).await.unwrap_err();
        let Error::InvalidInput(api) = &error else { panic!("HTTP {status}: expected InvalidInput, got {error:?}") };
        assert_eq!(api.status, status);
        assert_eq!(api.message, refusal["Message"].as_str().unwrap());
        assert_eq!(api.property_errors, documented_property_errors(&refusal), "HTTP {status}");
        let first = &api.property_errors[0];
        assert_eq!(api.validation_errors_for(&first.property), vec![first.message.clone()]);
        assert_eq!(server.count(), 1, "a refused write is not retried");
    }
}

#[tokio::test]
async fn a_refusal_without_a_message_says_which_properties() {
    let refusal = json!({
        "Value": null,
        "WasSuccessful": false,
        "Errors": [
            {"AttemptedValue": -5, "Message": "must be positive", "PropertyName": "MinutesIncluded"},
            {"AttemptedValue": "x", "Message": "is taken", "PropertyName": "AccessCode"}
        ]
    });
    let server = serve(vec![Reply::json(200, &refusal)]).await;
    let error = client(&server.url).access_tokens().create(1, "x", -5).await.unwrap_err();
    let Error::InvalidInput(api) = &error else { panic!("expected InvalidInput, got {error:?}") };
    assert_eq!(api.message, "MinutesIncluded: must be positive; AccessCode: is taken");
    assert_eq!(api.property_errors[0].attempted_value, Some(json!(-5)));
}

#[tokio::test]
async fn the_mock_answers_writes_in_the_documented_envelope() {
    let mock = keyway::nexudus::mock_server().await.unwrap();
    let client = NexudusClient::builder(NexudusAuth::oauth2("test-token")).base_url(mock.url()).build().unwrap();
    let created = client.access_tokens().create(12, "WIFI-1", 90).await.unwrap();
    assert_eq!(created, keyway::fixtures::nexudus::access_tokens::create_200().value().unwrap());
    let updated = client.access_tokens().update(created.id, 12, "WIFI-1", 60).user_limit(2).await.unwrap();
    assert_eq!(updated, keyway::fixtures::nexudus::access_tokens::update_200().value().unwrap());

    // A write missing required properties (which the typed client cannot send) is refused in
    // the envelope, one error per property, and the client reads it back as such.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("{}/api/spaces/accesstokens", mock.url()))
        .bearer_auth("test-token")
        .header("content-type", "application/json")
        .body(json!({"BusinessId": 12}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let refusal: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(refusal["WasSuccessful"], false);
    assert_eq!(refusal["Value"], Value::Null);
    let properties: Vec<&str> = refusal["Errors"].as_array().unwrap().iter().map(|e| e["PropertyName"].as_str().unwrap()).collect();
    assert_eq!(properties, ["AccessCode", "MinutesIncluded"]);

    mock.on("access_tokens.create").respond(200, refusal.clone());
    let error = client.access_tokens().create(12, "WIFI-1", 90).await.unwrap_err();
    let Error::InvalidInput(api) = &error else { panic!("expected InvalidInput, got {error:?}") };
    assert_eq!(api.property_errors, documented_property_errors(&refusal));
}
