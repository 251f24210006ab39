//! What a downstream crate's test looks like with `keyway = { features = ["mock"] }`.

use keyway::seam::{AccessCodeId, AccessCodeStatus, SeamAuth, SeamClient};

async fn seam_for(mock: &keyway::mock::MockServer) -> SeamClient {
    SeamClient::builder(SeamAuth::api_key("test-key")).base_url(mock.url()).build().unwrap()
}

#[tokio::test]
async fn reads_the_documented_access_code() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam_for(&mock).await;

    let expected = keyway::fixtures::seam::access_codes::get_200().value().unwrap();
    let code = client.access_codes().get(expected.access_code_id.clone()).await.unwrap();

    assert_eq!(code, expected);
    assert_eq!(code.status, AccessCodeStatus::Setting);
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn handles_an_unknown_access_code() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam_for(&mock).await;

    let error = client.access_codes().get(AccessCodeId::new("no-such-code")).await.unwrap_err();

    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn survives_an_outage() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.on("access_codes.get").respond_with_statuses(&[503]);
    let client = SeamClient::builder(SeamAuth::api_key("test-key"))
        .base_url(mock.url())
        .retry_base_delay(std::time::Duration::from_millis(1))
        .build()
        .unwrap();

    let id = keyway::fixtures::seam::access_codes::get_200().value().unwrap().access_code_id;
    client.access_codes().get(id).await.unwrap();

    assert_eq!(mock.requests().len(), 2, "one 503, then the retry");
}
