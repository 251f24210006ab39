// The Nexudus token flow as README.md documents it: the password-grant constructor, a create
// whose required fields are arguments and optional ones setters, and the property errors of a
// refused write.
use keyway::nexudus::{NexudusAuth, NexudusClient};

async fn readme() -> Result<(), keyway::Error> {
    let client = NexudusClient::new(NexudusAuth::oauth2_password("admin@example.com", "password"))?;
    let created = client.access_tokens().create(12345678, "WIFI-0042", 120).description("Lobby").await?;
    let token = client.access_tokens().get(created.id).await?;
    println!("{:?} has {:?} minutes left", token.access_code, token.minutes_left);
    match client.access_tokens().create(12345678, "", 120).await {
        Err(keyway::Error::InvalidInput(error)) => {
            for e in &error.property_errors {
                println!("{}: {} (sent {:?})", e.property, e.message, e.attempted_value);
            }
        }
        other => println!("{other:?}"),
    }
    Ok(())
}

fn main() {
    let _ = readme();
}
