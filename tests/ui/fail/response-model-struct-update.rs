use keyway::nexudus::AccessToken;

fn renamed(token: &AccessToken) -> AccessToken {
    AccessToken {
        description: keyway::Nullable::Value("lobby".to_owned()),
        ..token.clone()
    }
}

fn main() {}
