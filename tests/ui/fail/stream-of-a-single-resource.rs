// `.items()` and `.pages()` exist only for list endpoints: a call that gives one access code
// has no pages to walk.
use keyway::seam::{AccessCodeId, SeamClient};

async fn walk(client: &SeamClient) {
    let _ = client.access_codes().get(AccessCodeId::new("x")).items();
}

fn main() {}
