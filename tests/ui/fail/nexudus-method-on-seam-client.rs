use keyway::seam::SeamClient;

async fn get(seam_client: &SeamClient) {
    let _ = seam_client.access_tokens().get(87654321).await;
}

fn main() {}
