// Client-wide settings, through the builder.

use std::time::Duration;

use keyway::nexudus::{NexudusAuth, NexudusClient};
use keyway::seam::{SeamAuth, SeamClient};
use keyway::{ClientBuilder, Error};

fn seam() -> Result<SeamClient, Error> {
    SeamClient::builder(SeamAuth::api_key("seam_key"))
        .base_url("https://connect.getseam.com")
        .attempt_timeout(Duration::from_secs(10))
        .call_timeout(Duration::from_secs(25))
        .max_response_size(50 << 20)
        .max_retries(3)
        .retry_base_delay(Duration::from_millis(100))
        .build()
}

fn nexudus() -> Result<NexudusClient, Error> {
    let builder: ClientBuilder<NexudusClient> =
        NexudusClient::builder(NexudusAuth::oauth2("token"));
    builder
        .base_url(String::from("http://staging.internal"))
        .allow_insecure_http(true)
        // A caller's own reqwest client (proxies, custom roots).
        .http_client(reqwest::Client::new())
        .build()
}

// Clients are cheap to clone and can be shared across tasks.
fn assert_send_sync_clone<T: Send + Sync + Clone + std::fmt::Debug>() {}

fn main() {
    let _ = (seam, nexudus);
    assert_send_sync_clone::<SeamClient>();
    assert_send_sync_clone::<NexudusClient>();
}
