// A parameter the spec marks `deprecated` has a `#[deprecated]` setter: using it warns with
// the spec's reason (denied here, so the warning is what fails the build).
#![deny(deprecated)]

use keyway::seam::SeamClient;

async fn list(client: &SeamClient) {
    let _ = client.devices().list().unstable_location_id(None).await;
}

fn main() {}
