// Handling `keyway::Error`: it is `#[non_exhaustive]`, so a match needs a wildcard arm.

use keyway::Error;
use keyway::seam::{AccessCodeId, SeamClient};

fn describe(error: &Error) -> String {
    match error {
        Error::Api(api) | Error::Unauthorized(api) | Error::InvalidInput(api) => {
            format!("{} {}: {}", api.status, api.kind, api.message)
        }
        Error::UnexpectedResponse { status, body_snippet, .. } => {
            format!("HTTP {status}: {body_snippet}")
        }
        Error::Decode { path, message, .. } => format!("at {path}: {message}"),
        Error::Timeout { endpoint, after } => format!("{endpoint} after {after:?}"),
        Error::CallTimeout { endpoint, after, attempts } => {
            format!("{endpoint} after {after:?} and {attempts} attempts")
        }
        Error::ResponseTooLarge { limit, content_length, .. } => {
            format!("over {limit} bytes (declared {content_length:?})")
        }
        Error::Connect { message, .. } | Error::Transport { message, .. } => message.clone(),
        Error::AuthModeNotAccepted { mode, accepted, .. } => {
            format!("{mode} not in {}", accepted.join(", "))
        }
        Error::Config(message) | Error::TokenSource(message) => message.clone(),
        _ => error.to_string(),
    }
}

async fn get(client: &SeamClient) -> Option<String> {
    match client.access_codes().get(AccessCodeId::new("id")).await {
        Ok(code) => Some(code.access_code_id.to_string()),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            let _: Option<u16> = e.status();
            let _: Option<&str> = e.request_id();
            let _: Option<&keyway::ApiError> = e.api_error();
            let _ = e.is_timeout();
            let _ = (e.is_call_timeout(), e.is_http_404(), e.is_response_too_large());
            Some(describe(&e))
        }
    }
}

// It is a std error, so `?` works into `Box<dyn Error>`.
async fn boxed(client: &SeamClient) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    client.access_codes().get(AccessCodeId::new("id")).await?;
    Ok(())
}

fn main() {
    let _ = (get, boxed);
}
