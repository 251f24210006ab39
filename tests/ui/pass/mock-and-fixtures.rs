// A downstream test with the `mock` feature: a fixture as the expected value, the mock
// server as the API, overrides and recorded requests.
use keyway::seam::{SeamAuth, SeamClient};

#[allow(dead_code)]
async fn offline_test() -> Result<(), keyway::Error> {
    let mock = keyway::seam::mock_server().await?;
    let expected = keyway::fixtures::seam::access_codes::get_200().value()?;
    let raw: &'static str = keyway::fixtures::seam::access_codes::GET_200_JSON;
    let client = SeamClient::builder(SeamAuth::api_key("test")).base_url(mock.url()).build()?;
    mock.on("access_codes.get").times(1).respond_with_statuses(&[503]);
    let code = client.access_codes().get(expected.access_code_id.clone()).await?;
    assert_eq!(code, expected);
    assert!(raw.contains("access_code"));
    let _requests: Vec<keyway::mock::MockRequest> = mock.requests();
    Ok(())
}

fn main() {}
