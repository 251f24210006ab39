//! OAuth2 access tokens from a token endpoint of the API (RFC 6749): the password grant
//! (section 4.3) for the first token, the refresh grant (section 6) before it expires.
//!
//! The token is cached and shared by every call of a client (and its clones). One lock
//! guards it, held while a token is requested: when many calls find the token stale at
//! once, the first asks the endpoint and the others wait for its answer instead of asking
//! again. Dropping a call part-way releases the lock and leaves the cache as it was.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{self, HeaderValue};
use tokio::time::Instant;

use super::auth::{Secret, TokenSource};
use super::error::Error;

/// The most of a token endpoint's answer that is read, in bytes.
const TOKEN_RESPONSE_LIMIT: usize = 64 * 1024;
/// How long before `expires_in` runs out a token is refreshed, at most; a token that lives
/// less than twice this is refreshed at half its life.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How a client gets its OAuth2 access token: a user's name and password, exchanged at a
/// token endpoint of the API. Made by the generated `<Api>Auth::<mode>_password`
/// constructors; `Debug` shows the user name and the endpoint, never the password.
pub struct PasswordGrant {
    /// The token endpoint's path below the client's base URL (`/api/token`).
    path: &'static str,
    /// Whether the endpoint accepts the refresh grant; without it a stale token is replaced
    /// with the password grant again.
    refresh: bool,
    username: String,
    password: Secret,
}

impl PasswordGrant {
    /// The grant of `username` and `password` at `path`; `refresh` says whether the endpoint
    /// also takes the refresh grant.
    pub fn new(path: &'static str, refresh: bool, username: String, password: Secret) -> Self {
        PasswordGrant { path, refresh, username, password }
    }
}

impl fmt::Debug for PasswordGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordGrant")
            .field("path", &self.path)
            .field("refresh", &self.refresh)
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// A token the endpoint gave, and when to stop using it.
struct Token {
    access: Secret,
    refresh: Option<Secret>,
    /// When to ask for the next one; `None` when the endpoint gave no `expires_in`.
    renew_at: Option<Instant>,
}

impl Token {
    fn is_fresh(&self, now: Instant) -> bool {
        self.renew_at.is_none_or(|at| now < at)
    }
}

/// The grant of one request to the token endpoint.
enum Grant<'a> {
    Password,
    Refresh(&'a Secret),
}

impl Grant<'_> {
    fn name(&self) -> &'static str {
        match self {
            Grant::Password => "password",
            Grant::Refresh(_) => "refresh_token",
        }
    }
}

/// A [`PasswordGrant`] bound to a client's HTTP client and base URL: the token source the
/// client asks before every attempt.
pub(crate) struct OAuth2Source {
    grant: Arc<PasswordGrant>,
    http: reqwest::Client,
    url: Url,
    user_agent: &'static str,
    token: tokio::sync::Mutex<Option<Token>>,
}

impl OAuth2Source {
    pub(crate) fn new(grant: Arc<PasswordGrant>, http: reqwest::Client, base_url: &Url, user_agent: &'static str) -> Self {
        let url = token_url(base_url, grant.path);
        OAuth2Source { grant, http, url, user_agent, token: tokio::sync::Mutex::new(None) }
    }

    async fn current(&self) -> Result<Secret, Error> {
        let mut cached = self.token.lock().await;
        let now = Instant::now();
        if let Some(token) = cached.as_ref().filter(|token| token.is_fresh(now)) {
            return Ok(token.access.clone());
        }
        let refresh_token = cached.as_ref().and_then(|token| token.refresh.clone()).filter(|_| self.grant.refresh);
        let token = match refresh_token {
            Some(refresh_token) => match self.request(Grant::Refresh(&refresh_token)).await {
                // A refresh answer without a refresh token leaves the old one valid (RFC 6749
                // section 6): it is kept for the next renewal.
                Ok(token) => Token { refresh: token.refresh.or(Some(refresh_token)), ..token },
                // The refresh token was refused (expired or revoked): start again from the
                // password, which the endpoint documents as the way out.
                // The cache is replaced only once a token came, so a call dropped here leaves
                // it as it was.
                Err(Error::TokenEndpoint { status: Some(400 | 401), .. }) => self.request(Grant::Password).await?,
                Err(error) => return Err(error),
            },
            None => self.request(Grant::Password).await?,
        };
        let access = token.access.clone();
        *cached = Some(token);
        Ok(access)
    }

    /// One form-encoded request to the token endpoint.
    async fn request(&self, grant: Grant<'_>) -> Result<Token, Error> {
        let name = grant.name();
        // Built in a block: the serializer is not `Send`, so it must not live across an await.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", name);
            match grant {
                Grant::Password => {
                    form.append_pair("username", &self.grant.username);
                    form.append_pair("password", self.grant.password.expose());
                }
                Grant::Refresh(token) => {
                    form.append_pair("refresh_token", token.expose());
                }
            }
            form.finish()
        };
        tracing::debug!(target: "keyway", grant = name, "requesting an OAuth2 token");
        let failed = |status: Option<u16>, code: Option<String>, description: String| Error::TokenEndpoint { grant: name, status, code, description };
        let started = Instant::now();
        let mut response = self
            .http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
            .header(header::ACCEPT, HeaderValue::from_static("application/json"))
            .header(header::USER_AGENT, HeaderValue::from_static(self.user_agent))
            .body(form)
            .send()
            .await
            .map_err(|e| failed(None, None, e.without_url().to_string()))?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| failed(Some(status.as_u16()), None, e.without_url().to_string()))? {
            if body.len() + chunk.len() > TOKEN_RESPONSE_LIMIT {
                return Err(failed(Some(status.as_u16()), None, format!("the answer is larger than {TOKEN_RESPONSE_LIMIT} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            // RFC 6749 section 5.2: `error` and `error_description`. Nothing else of the body
            // is kept: a token endpoint's answers can carry tokens.
            let refused: Option<Refusal> = serde_json::from_slice(&body).ok();
            let (code, description) = match refused {
                Some(refusal) => (Some(refusal.error), refusal.error_description.unwrap_or_default()),
                None => (None, "the answer is not an OAuth2 error".to_owned()),
            };
            return Err(failed(Some(status.as_u16()), code, description));
        }
        // serde_json's message names what was wrong, never the value (a token) itself.
        let granted: Granted = serde_json::from_slice(&body).map_err(|e| {
            let message = e.to_string();
            failed(Some(status.as_u16()), None, format!("could not read the token: {}", message.split(" at line").next().unwrap_or(&message)))
        })?;
        if granted.access_token.expose().is_empty() {
            return Err(failed(Some(status.as_u16()), None, "the answer holds an empty access_token".to_owned()));
        }
        // Counted from when the request was sent, so the token is never kept past its life.
        let renew_at = granted.expires_in.and_then(|seconds| {
            let life = Duration::from_secs(seconds);
            started.checked_add(life - REFRESH_MARGIN.min(life / 2))
        });
        Ok(Token { access: granted.access_token, refresh: granted.refresh_token, renew_at })
    }
}

/// The token endpoint's URL: `path` below the base URL's path, as endpoints' paths are.
fn token_url(base_url: &Url, path: &str) -> Url {
    let mut url = base_url.clone();
    let base_path = base_url.path().trim_end_matches('/');
    url.set_path(&format!("{base_path}{path}"));
    url
}

impl TokenSource for OAuth2Source {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + '_>> {
        Box::pin(self.current())
    }

    /// The API refused the token: it is renewed at the next ask (with the refresh grant,
    /// which falls back to the password). Only if it is still the cached one: calls that
    /// fail together with one stale token renew it once.
    fn rejected(&self, token: &Secret) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let token = token.clone();
        Box::pin(async move {
            let mut cached = self.token.lock().await;
            if let Some(current) = cached.as_mut().filter(|current| current.access == token) {
                current.renew_at = Some(Instant::now());
            }
        })
    }
}

/// A token endpoint's success (RFC 6749 section 5.1); `token_type` is not checked, since
/// the auth mode's header template says how the token is sent.
#[derive(serde::Deserialize)]
struct Granted {
    access_token: Secret,
    expires_in: Option<u64>,
    refresh_token: Option<Secret>,
}

/// A token endpoint's refusal (RFC 6749 section 5.2).
#[derive(serde::Deserialize)]
struct Refusal {
    error: String,
    error_description: Option<String>,
}

/// The mock server's answer to a request at an auth mode's token endpoint, `None` for any
/// other path: a token for a password grant with a user name and password, or a refresh
/// grant with a refresh token; `invalid_grant` otherwise.
#[cfg(feature = "mock")]
pub(crate) fn mock_token(api: &crate::ApiDescriptor, path: &str, body: &[u8]) -> Option<(u16, String)> {
    api.auth_modes.iter().filter_map(|mode| mode.token_endpoint).find(|endpoint| *endpoint == path)?;
    let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str()).filter(|value| !value.is_empty());
    let granted = match field("grant_type") {
        Some("password") => field("username").is_some() && field("password").is_some(),
        Some("refresh_token") => field("refresh_token").is_some(),
        _ => false,
    };
    let answer = if granted {
        serde_json::json!({
            "access_token": "mock-access-token",
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": "mock-refresh-token",
        })
    } else {
        serde_json::json!({
            "error": "invalid_grant",
            "error_description": "the mock token endpoint needs grant_type password with username and password, or refresh_token with refresh_token",
        })
    };
    Some((if granted { 200 } else { 400 }, answer.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let grant = PasswordGrant::new("/api/token", true, "user@example.com".into(), "hunter2".into());
        let shown = format!("{grant:?}");
        assert!(shown.contains("user@example.com"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn token_url_is_below_the_base_path() {
        let url = |base: &str| token_url(&Url::parse(base).expect("url"), "/api/token").to_string();
        assert_eq!(url("https://h.test/v1/"), "https://h.test/v1/api/token");
        assert_eq!(url("https://h.test"), "https://h.test/api/token");
    }
}
