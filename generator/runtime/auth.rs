//! Credentials, their redaction, and the headers they become.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::descriptor::AuthModeDescriptor;
use super::error::Error;
use super::oauth::{OAuth2Source, PasswordGrant};

/// A secret string, such as an API key or token.
///
/// `Debug` and `Display` print `***`, so a secret cannot leak through logs or error
/// messages by accident; [`Secret::expose`] is the one way to read it. Response fields the
/// spec types `secret` (a client session token in a body, say) decode into it too; it
/// serializes as the plain string, because a round trip must not lose the value.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret text. Don't log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A caller-provided source of an expiring token, such as an OAuth2 access token that
/// the caller refreshes.
///
/// The client asks for the token before every attempt, retries included, so the source
/// decides when to refresh; it should cache the token while it is valid. An error it
/// returns ends the call (use [`Error::TokenSource`] for your own failures).
///
/// Asking counts against the attempt's timeout: a source that has not answered when it
/// elapses is dropped at its current `.await` and the call ends with
/// [`Error::TokenSource`], without a retry. So the future must be safe to drop part-way,
/// and must not block the thread (run blocking work on `tokio::task::spawn_blocking`).
///
/// A closure returning a future implements it:
///
/// ```
/// # extern crate keyway_runtime as keyway; // shown as it reads through `keyway`
/// use keyway::{Error, Secret, TokenSource};
///
/// fn takes_source(_: impl TokenSource) {}
/// takes_source(|| async { Ok::<_, Error>(Secret::from("token from your refresh logic")) });
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// The current token.
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + '_>>;

    /// The API answered 401 to a request sent with `token`: a source that caches tokens
    /// should stop giving this one (it was revoked, or expired early). The call then asks
    /// for a token again and makes one more attempt. By default nothing is done.
    fn rejected(&self, token: &Secret) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let _ = token;
        Box::pin(std::future::ready(()))
    }
}

impl<F, Fut> TokenSource for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, Error>> + Send + 'static,
{
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + '_>> {
        Box::pin(self())
    }
}

/// The value of one credential.
#[derive(Clone)]
pub enum CredentialValue {
    /// A value that is not secret, such as a workspace id.
    Plain(String),
    /// A fixed secret.
    Secret(Secret),
    /// A token fetched from the source before every attempt.
    Source(Arc<dyn TokenSource>),
    /// An OAuth2 token the client gets from the API's token endpoint with the password
    /// grant, and refreshes.
    Grant(Arc<PasswordGrant>),
}

impl fmt::Debug for CredentialValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialValue::Plain(value) => f.debug_tuple("Plain").field(value).finish(),
            CredentialValue::Secret(secret) => f.debug_tuple("Secret").field(secret).finish(),
            CredentialValue::Source(_) => f.write_str("Source(..)"),
            CredentialValue::Grant(grant) => f.debug_tuple("Grant").field(grant).finish(),
        }
    }
}

/// An auth mode together with the caller's values for its credentials.
#[derive(Clone)]
pub struct Credentials {
    /// The auth mode.
    pub mode: &'static AuthModeDescriptor,
    /// One value per credential, in `mode.credentials` order.
    pub values: Vec<CredentialValue>,
}

impl fmt::Debug for Credentials {
    /// Shows the mode and the values that are neither marked secret by the API nor given
    /// as a secret or a token source.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Credentials");
        s.field("mode", &self.mode.name);
        for (descriptor, value) in self.mode.credentials.iter().zip(&self.values) {
            match value {
                CredentialValue::Plain(value) if !descriptor.secret => s.field(descriptor.name, value),
                _ => s.field(descriptor.name, &format_args!("***")),
            };
        }
        s.finish()
    }
}

/// The auth headers of a client, checked and built once; only token-source values are
/// filled in per attempt.
pub(crate) struct AuthHeaders {
    fixed: HeaderMap,
    sourced: Vec<SourcedHeader>,
    sources: Vec<Arc<dyn TokenSource>>,
}

/// A header whose value comes from a token source.
struct SourcedHeader {
    name: HeaderName,
    prefix: &'static str,
    suffix: &'static str,
    /// Index into `AuthHeaders::sources`.
    source: usize,
}

impl AuthHeaders {
    /// Checks the credentials against their mode and builds the fixed headers. An OAuth2
    /// grant becomes a token source that asks the token endpoint below `base_url` through
    /// `http`.
    pub(crate) fn prepare(
        credentials: &Credentials,
        http: &reqwest::Client,
        base_url: &reqwest::Url,
        user_agent: &'static str,
    ) -> Result<Self, Error> {
        let mode = credentials.mode;
        if credentials.values.len() != mode.credentials.len() {
            let names: Vec<&str> = mode.credentials.iter().map(|c| c.name).collect();
            return Err(Error::Config(format!(
                "the `{}` auth mode takes {} credential(s) ({}), but {} were given",
                mode.name,
                names.len(),
                names.join(", "),
                credentials.values.len()
            )));
        }
        // Each token source is asked once per attempt even if several headers use it
        // (a client session token goes in two headers).
        let mut sources = Vec::new();
        let mut source_index = vec![None; credentials.values.len()];
        for (i, (descriptor, value)) in mode.credentials.iter().zip(&credentials.values).enumerate() {
            match value {
                CredentialValue::Plain(v) if v.is_empty() => {}
                CredentialValue::Secret(v) if v.expose().is_empty() => {}
                CredentialValue::Source(source) => {
                    source_index[i] = Some(sources.len());
                    sources.push(Arc::clone(source));
                    continue;
                }
                CredentialValue::Grant(grant) => {
                    source_index[i] = Some(sources.len());
                    sources.push(Arc::new(OAuth2Source::new(Arc::clone(grant), http.clone(), base_url, user_agent)));
                    continue;
                }
                _ => continue,
            }
            return Err(Error::Config(format!("the credential `{}` is empty", descriptor.name)));
        }

        let mut fixed = HeaderMap::new();
        let mut sourced = Vec::new();
        for template in mode.headers {
            let name = HeaderName::from_bytes(template.name.as_bytes())
                .map_err(|_| Error::Config(format!("`{}` is not a valid header name", template.name)))?;
            let Some(i) = mode.credentials.iter().position(|c| c.name == template.credential) else {
                return Err(Error::Config(format!(
                    "header `{}` of the `{}` auth mode refers to unknown credential `{}`",
                    template.name, mode.name, template.credential
                )));
            };
            let (value, sensitive) = match &credentials.values[i] {
                CredentialValue::Plain(v) => (v.as_str(), mode.credentials[i].secret),
                CredentialValue::Secret(v) => (v.expose(), true),
                CredentialValue::Source(_) | CredentialValue::Grant(_) => {
                    if let Some(source) = source_index[i] {
                        sourced.push(SourcedHeader { name, prefix: template.prefix, suffix: template.suffix, source });
                    }
                    continue;
                }
            };
            let value = header_value(template.prefix, value, template.suffix, sensitive).ok_or_else(|| {
                Error::Config(format!("the credential `{}` contains characters not allowed in an HTTP header", template.credential))
            })?;
            fixed.insert(name, value);
        }
        Ok(AuthHeaders { fixed, sourced, sources })
    }

    /// Whether a token source fills any header: only then can a 401 mean a stale token.
    pub(crate) fn has_sources(&self) -> bool {
        !self.sources.is_empty()
    }

    /// Tells each token source that the API refused the tokens it gave for an attempt.
    pub(crate) async fn rejected(&self, tokens: &[Secret]) {
        for (source, token) in self.sources.iter().zip(tokens) {
            source.rejected(token).await;
        }
    }

    /// The headers for one attempt, asking each token source for its current token; with
    /// the tokens, one per source, to hand back to [`rejected`](Self::rejected).
    pub(crate) async fn headers(&self) -> Result<(HeaderMap, Vec<Secret>), Error> {
        let mut headers = self.fixed.clone();
        if self.sources.is_empty() {
            return Ok((headers, Vec::new()));
        }
        let mut tokens = Vec::with_capacity(self.sources.len());
        for source in &self.sources {
            let token = source.token().await?;
            if token.expose().is_empty() {
                return Err(Error::TokenSource("the token source returned an empty token".into()));
            }
            tokens.push(token);
        }
        for header in &self.sourced {
            let token = tokens[header.source].expose();
            let value = header_value(header.prefix, token, header.suffix, true)
                .ok_or_else(|| Error::TokenSource("the token contains characters not allowed in an HTTP header".into()))?;
            headers.insert(header.name.clone(), value);
        }
        Ok((headers, tokens))
    }
}

/// `prefix + value + suffix` as a header value, marked sensitive so that HTTP/2 keeps it
/// out of header compression tables and `Debug` output hides it.
fn header_value(prefix: &str, value: &str, suffix: &str, sensitive: bool) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("{prefix}{value}{suffix}")).ok()?;
    value.set_sensitive(sensitive);
    Some(value)
}
