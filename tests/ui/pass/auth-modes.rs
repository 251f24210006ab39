// Every endpoint, called with every auth mode it accepts.

use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use keyway::seam::{AccessCodeId, AccessGrantId, SeamAuth, SeamClient};
use keyway::{Error, Secret};

async fn seam(auth: SeamAuth) -> Result<(), Error> {
    let client = SeamClient::new(auth)?;
    let code: keyway::seam::AccessCode =
        client.access_codes().get(AccessCodeId::new("code-id")).await?;
    let grant: keyway::seam::AccessGrant =
        client.access_grants().get(AccessGrantId::new("grant-id")).await?;
    let _ = (code, grant);
    Ok(())
}

async fn seam_every_mode() -> Result<(), Error> {
    seam(SeamAuth::api_key("seam_key")).await?;
    seam(SeamAuth::api_key(String::from("seam_key"))).await?;
    seam(SeamAuth::client_session_token("seam_cst_token")).await?;
    seam(SeamAuth::personal_access_token("seam_at_token", "workspace-id")).await?;
    seam(SeamAuth::console_session_token("console-token", String::from("workspace-id"))).await?;
    Ok(())
}

async fn nexudus(auth: NexudusAuth) -> Result<(), Error> {
    let client = NexudusClient::new(auth)?;
    let token: keyway::nexudus::AccessToken =
        client.access_tokens().get(AccessTokenId::new(87654321)).await?;
    // The id also converts from the raw integer.
    let again = client.access_tokens().get(87654321).await?;
    let _ = (token, again);
    Ok(())
}

async fn nexudus_every_mode() -> Result<(), Error> {
    nexudus(NexudusAuth::oauth2("access-token")).await?;
    // A token source asked before every attempt, for tokens the caller refreshes.
    nexudus(NexudusAuth::oauth2_from_source(|| async {
        Ok::<_, Error>(Secret::from("refreshed-token"))
    }))
    .await?;
    Ok(())
}

fn main() {
    let _ = (seam_every_mode(), nexudus_every_mode());
}
