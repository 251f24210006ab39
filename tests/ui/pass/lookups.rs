// "Exactly one of" parameters are enums: each way of naming the resource is one variant.

use keyway::Error;
use keyway::seam::{
    AccessCodeId, AccessCodeLookup, AccessGrantId, AccessGrantLookup, DeviceId, SeamClient,
};

async fn access_grants(client: &SeamClient) -> Result<(), Error> {
    // By id: the id converts into the lookup.
    client.access_grants().get(AccessGrantId::new("grant-id")).await?;
    client
        .access_grants()
        .get(AccessGrantLookup::AccessGrantId(AccessGrantId::new("grant-id")))
        .await?;
    // By key.
    client
        .access_grants()
        .get(AccessGrantLookup::AccessGrantKey("grant-key".to_owned()))
        .await?;
    Ok(())
}

async fn access_codes(client: &SeamClient) -> Result<(), Error> {
    // By id.
    client.access_codes().get(AccessCodeId::new("code-id")).await?;
    // By device and code, given together.
    client
        .access_codes()
        .get(AccessCodeLookup::DeviceIdAndCode {
            device_id: DeviceId::new("device-id"),
            code: "1234".to_owned(),
        })
        .await?;
    Ok(())
}

fn main() {
    let _ = (access_grants, access_codes);
}
