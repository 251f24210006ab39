// Per-call options, set on the `Call` before it is awaited.

use std::time::Duration;

use keyway::nexudus::{AccessToken, NexudusClient};
use keyway::seam::{AccessCode, AccessCodeId, SeamClient};
use keyway::{Call, Error, Response};

async fn seam(client: &SeamClient) -> Result<(), Error> {
    client
        .access_codes()
        .get(AccessCodeId::new("code-id"))
        .attempt_timeout(Duration::from_secs(5))
        .no_retries()
        .await?;
    client
        .access_codes()
        .get(AccessCodeId::new("code-id"))
        .max_retries(4)
        .send()
        .await?;
    // The value with its metadata.
    let response: Response<AccessCode> = client
        .access_codes()
        .get(AccessCodeId::new("code-id"))
        .call_timeout(Duration::from_secs(20))
        .max_response_size(1 << 20)
        .send_with_metadata()
        .await?;
    let _: (u16, Option<&str>, Option<&str>, u32) = (
        response.status(),
        response.request_id(),
        response.header("x-ratelimit-remaining"),
        response.attempts(),
    );
    let _: &reqwest::header::HeaderMap = response.headers();
    let _: &AccessCode = response.value();
    let _: AccessCode = response.into_inner();
    Ok(())
}

async fn nexudus(client: &NexudusClient) -> Result<AccessToken, Error> {
    // A call is a value: it can be prepared, passed around and awaited later.
    let call: Call<AccessToken> = client.access_tokens().get(1).attempt_timeout(Duration::from_millis(500));
    call.await
}

// Calls can be awaited from spawned tasks.
fn assert_send<T: Send>(_: &T) {}
fn spawnable(client: &SeamClient) {
    let future = client.access_codes().get(AccessCodeId::new("id")).send();
    assert_send(&future);
    assert_send(&std::future::IntoFuture::into_future(
        client.access_codes().get(AccessCodeId::new("id")),
    ));
}

fn main() {
    let _ = (seam, nexudus, spawnable);
}
