use keyway::seam::{AccessGrantId, SeamClient};

async fn get(client: &SeamClient) {
    let _ = client
        .access_grants()
        .get(AccessGrantId::new("grant-id"), "grant-key")
        .await;
}

fn main() {}
