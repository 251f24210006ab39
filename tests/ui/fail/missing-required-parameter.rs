use keyway::nexudus::NexudusClient;

async fn get(client: &NexudusClient) {
    let _ = client.access_tokens().get().await;
}

fn main() {}
