// Lists as README.md documents them: a page, every item, every page, limits, resuming, and a
// mock seeded with items to page through.
use keyway::nexudus::{AccessTokensSearchResponse, NexudusClient};
use keyway::seam::{AccessCode, AccessCodesListResponse, DeviceId, SeamClient};
use keyway::{Items, Page, PagePosition, Pages};

async fn readme(client: SeamClient) -> Result<(), keyway::Error> {
    let mut codes = client.access_codes().list().device_id(DeviceId::new("f5197f50-…")).items();
    while let Some(code) = codes.next().await {
        let code = code?;
        println!("{} {}", code.access_code_id, code.status);
    }
    Ok(())
}

async fn more(client: SeamClient, nexudus: NexudusClient) -> Result<(), keyway::Error> {
    let page: AccessCodesListResponse = client.access_codes().list().limit(10).await?;
    let _: &[AccessCode] = page.items();
    let _: bool = page.pagination.has_next_page;
    let mut pages: Pages<AccessCodesListResponse> = client.access_codes().list().pages().max_pages(2);
    while let Some(page) = pages.next().await {
        let _: Vec<AccessCode> = page?.access_codes;
    }
    if let Some(position) = pages.next_position().cloned() {
        let saved: String = serde_json::to_string(&position).unwrap();
        let position: PagePosition = serde_json::from_str(&saved).unwrap();
        let _: Vec<AccessCode> = client.access_codes().list().resume_at(position).items().collect_all().await?;
    }
    let _: Items<AccessTokensSearchResponse> = nexudus.access_tokens().search().size(50).items().max_items(120);
    Ok(())
}

async fn seeded() {
    let mock = keyway::seam::mock_server().await.unwrap();
    let code = keyway::fixtures::seam::access_codes::list_200().value().unwrap().access_codes.remove(0);
    mock.seed("access_codes.list", vec![code; 7]);
}

fn main() {
    let _ = (readme, more, seeded);
}
