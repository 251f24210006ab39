use keyway::nexudus::NexudusClient;

// `MinutesIncluded` is a required field of the create: it is an argument, never a setter
// that could be forgotten.
async fn create(client: &NexudusClient) {
    let _ = client.access_tokens().create(12345678, "WIFI-0042").await;
}

fn main() {}
