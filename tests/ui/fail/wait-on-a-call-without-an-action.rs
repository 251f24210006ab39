// `.wait()` exists only on calls whose response carries an asynchronous action: reading an
// access code starts nothing to wait for.
use keyway::seam::{AccessCodeId, SeamClient};

async fn read(client: &SeamClient) {
    let _ = client.access_codes().get(AccessCodeId::new("x")).wait().await;
}

fn main() {}
