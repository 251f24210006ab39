use keyway::Error;

fn describe(error: &Error) -> &'static str {
    match error {
        Error::Api(_) | Error::Unauthorized(_) | Error::InvalidInput(_) => "api",
        Error::UnexpectedResponse { .. } | Error::Decode { .. } => "response",
        Error::Timeout { .. } | Error::Connect { .. } | Error::Transport { .. } => "transport",
        Error::AuthModeNotAccepted { .. } | Error::Config(_) | Error::TokenSource(_) => "setup",
    }
}

fn main() {}
