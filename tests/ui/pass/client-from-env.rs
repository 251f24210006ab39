// Building clients from the environment, or from any lookup of variables.

use std::collections::HashMap;

use keyway::nexudus::NexudusClient;
use keyway::seam::SeamClient;
use keyway::{ClientBuilder, Error};

fn from_env() -> Result<(SeamClient, NexudusClient), Error> {
    Ok((SeamClient::from_env()?, NexudusClient::from_env()?))
}

fn from_lookup(vars: &HashMap<String, String>) -> Result<SeamClient, Error> {
    let builder: ClientBuilder<SeamClient> =
        SeamClient::builder_from_env_with(|name| vars.get(name).cloned())?;
    builder.max_retries(5).build()
}

fn builder_from_env() -> Result<NexudusClient, Error> {
    NexudusClient::builder_from_env()?
        .base_url("http://127.0.0.1:8080")
        .build()
}

fn main() {
    let _ = (from_env, from_lookup, builder_from_env);
}
