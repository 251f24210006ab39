//! Lists against the spec-driven mock server, through the generated client: the mock pages
//! what a test seeds, the streams walk it to the end with the first request's filters, and a
//! cursor only works with the filters it was made for.

use keyway::PagePosition;
use keyway::nexudus::{AccessToken, NexudusAuth, NexudusClient};
use keyway::seam::{AccessCode, AccessCodeId, DeviceId, SeamAuth, SeamClient};

fn seam(url: &str) -> SeamClient {
    SeamClient::builder(SeamAuth::api_key("test-key")).base_url(url).build().unwrap()
}

/// `n` copies of the documented access code on device `d-1`, each with its own id.
fn codes(n: usize) -> Vec<AccessCode> {
    let documented = keyway::fixtures::seam::access_codes::list_200().value().unwrap().access_codes.remove(0);
    (0..n)
        .map(|i| {
            let mut code = documented.clone();
            code.access_code_id = AccessCodeId::new(format!("code-{i}"));
            code.device_id = Some(DeviceId::new("d-1"));
            code
        })
        .collect()
}

#[tokio::test]
async fn every_seeded_access_code_comes_through_pages_of_the_requested_size() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let mut elsewhere = codes(2);
    elsewhere.iter_mut().for_each(|code| code.device_id = Some(DeviceId::new("d-2")));
    mock.seed("access_codes.list", codes(7).into_iter().chain(elsewhere));
    let client = seam(&mock.url());

    let items = client.access_codes().list().device_id(DeviceId::new("d-1")).limit(3).items().collect_all().await.unwrap();

    let ids: Vec<String> = items.iter().map(|c| c.access_code_id.to_string()).collect();
    assert_eq!(ids, (0..7).map(|i| format!("code-{i}")).collect::<Vec<_>>(), "the codes of device d-1 only");
    let requests = mock.requests();
    assert_eq!(requests.len(), 3, "7 items in pages of 3");
    for request in &requests {
        let body = request.body.as_ref().unwrap();
        assert_eq!((body["device_id"].as_str(), body["limit"].as_i64()), (Some("d-1"), Some(3)), "the filters on every page");
    }
    assert!(requests[0].body.as_ref().unwrap().get("page_cursor").is_none());
    assert_ne!(requests[1].body.as_ref().unwrap()["page_cursor"], requests[2].body.as_ref().unwrap()["page_cursor"]);
}

#[tokio::test]
async fn an_unseeded_list_serves_its_documented_page_and_ends() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let client = seam(&mock.url());
    let documented = keyway::fixtures::seam::access_codes::list_200().value().unwrap();

    let page = client.access_codes().list().await.unwrap();

    assert_eq!(page.access_codes, documented.access_codes);
    assert!(!page.pagination.has_next_page && page.pagination.next_page_cursor.is_none());
    assert_eq!(client.access_codes().list().pages().collect_all().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_saved_position_resumes_and_a_cursor_for_other_filters_is_invalid_input() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.seed("access_codes.list", codes(5));
    let client = seam(&mock.url());
    let mut pages = client.access_codes().list().device_id(DeviceId::new("d-1")).limit(2).pages().max_pages(1);
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.access_codes.len(), 2);
    assert!(pages.next().await.is_none(), "max_pages(1)");
    let position = pages.next_position().cloned().unwrap();
    assert!(matches!(position, PagePosition::Cursor(_)));

    let rest = client.access_codes().list().device_id(DeviceId::new("d-1")).limit(2).resume_at(position.clone()).items().collect_all().await.unwrap();
    assert_eq!(rest.iter().map(|c| c.access_code_id.to_string()).collect::<Vec<_>>(), ["code-2", "code-3", "code-4"]);

    let error = client.access_codes().list().device_id(DeviceId::new("d-2")).limit(2).resume_at(position).await.unwrap_err();
    let keyway::Error::InvalidInput(api) = &error else { panic!("{error:?}") };
    assert!(api.message.contains("other filters"), "{}", api.message);
}

#[tokio::test]
async fn a_numbered_search_walks_every_page_and_says_how_many() {
    let mock = keyway::nexudus::mock_server().await.unwrap();
    let documented: AccessToken = keyway::fixtures::nexudus::access_tokens::get_200().value().unwrap();
    mock.seed(
        "access_tokens.search",
        (0..5).map(|i| {
            let mut token = documented.clone();
            token.id = keyway::nexudus::AccessTokenId::new(i);
            token
        }),
    );
    let client = NexudusClient::builder(NexudusAuth::oauth2("t")).base_url(mock.url()).build().unwrap();

    let pages = client.access_tokens().search().size(2).pages().collect_all().await.unwrap();

    assert_eq!(pages.iter().map(|p| p.records.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(pages.iter().map(|p| p.current_page).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(pages.iter().all(|p| p.total_pages == 3 && p.total_items == 5));
    let numbers: Vec<Option<String>> = mock.requests().iter().map(|r| r.query_param("page").map(str::to_owned)).collect();
    assert_eq!(numbers, [None, Some("2".to_owned()), Some("3".to_owned())]);
}

#[tokio::test]
async fn an_empty_list_is_one_request_and_no_items() {
    let mock = keyway::seam::mock_server().await.unwrap();
    mock.seed("access_codes.list", Vec::<AccessCode>::new());
    let client = seam(&mock.url());

    let items = client.access_codes().list().device_id(DeviceId::new("d-1")).items().collect_all().await.unwrap();

    assert!(items.is_empty());
    assert_eq!(mock.requests().len(), 1, "the empty page says there is no next one");
}
