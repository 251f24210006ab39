use keyway::nexudus::AccessToken;

fn renamed(token: &AccessToken) -> AccessToken {
    AccessToken {
        description: Some("lobby".to_owned()),
        ..token.clone()
    }
}

fn main() {}
