use keyway::nexudus::{AccessToken, AccessTokenId};

fn fake() -> AccessToken {
    AccessToken {
        id: AccessTokenId::new(1),
        description: keyway::Nullable::Value("lobby".to_owned()),
    }
}

fn main() {}
