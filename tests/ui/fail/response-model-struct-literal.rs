use keyway::nexudus::{AccessToken, AccessTokenId};

fn fake() -> AccessToken {
    AccessToken {
        id: AccessTokenId::new(1),
        description: Some("lobby".to_owned()),
    }
}

fn main() {}
