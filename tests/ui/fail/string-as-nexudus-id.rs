use keyway::nexudus::NexudusClient;

async fn get(client: &NexudusClient) {
    let _ = client.access_tokens().get("87654321").await;
}

fn main() {}
