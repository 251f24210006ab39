use keyway::seam::{AccessGrantId, SeamClient};

async fn get(client: &SeamClient) {
    let _ = client.access_codes().get(AccessGrantId::new("grant-id")).await;
}

fn main() {}
