//! Client configuration: the builder, configuration from the environment, and the shared
//! core every generated client wraps.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderMap;

use super::auth::{AuthHeaders, CredentialValue, Credentials, Secret};
use super::descriptor::{ApiDescriptor, AuthModeDescriptor};
use super::error::Error;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_MAX_RETRIES: u32 = 2;
/// 10 MiB: far more than any documented response, far less than would strain a process.
pub(crate) const DEFAULT_MAX_RESPONSE_SIZE: u64 = 10 << 20;
const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(500);

/// Implemented by each generated client so that [`ClientBuilder::build`] can make it.
pub trait FromCore {
    /// Wraps a configured core.
    fn from_core(core: ClientCore) -> Self;
}

/// The configured state shared by a client and every request made from it. Cloning is
/// cheap (an `Arc`).
#[derive(Clone)]
pub struct ClientCore {
    inner: Arc<CoreInner>,
}

struct CoreInner {
    api: &'static ApiDescriptor,
    base_url: Url,
    credentials: Credentials,
    auth_headers: AuthHeaders,
    http: reqwest::Client,
    timeout: Duration,
    call_timeout: Option<Duration>,
    max_retries: u32,
    retry_base_delay: Duration,
    max_response_size: u64,
}

impl ClientCore {
    /// The API this client talks to.
    pub fn api(&self) -> &'static ApiDescriptor {
        self.inner.api
    }

    /// The base URL endpoint paths are appended to. Its path has no trailing `/` (other
    /// than the root path `/` itself).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    pub(crate) fn auth_mode(&self) -> &'static AuthModeDescriptor {
        self.inner.credentials.mode
    }

    /// The auth headers of one attempt, and the tokens sources gave for them.
    pub(crate) async fn auth_headers(&self) -> Result<(HeaderMap, Vec<Secret>), Error> {
        self.inner.auth_headers.headers().await
    }

    /// Whether a token source fills an auth header.
    pub(crate) fn has_token_sources(&self) -> bool {
        self.inner.auth_headers.has_sources()
    }

    /// The API refused these tokens (a 401): their sources drop them.
    pub(crate) async fn tokens_rejected(&self, tokens: &[Secret]) {
        self.inner.auth_headers.rejected(tokens).await;
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    pub(crate) fn call_timeout(&self) -> Option<Duration> {
        self.inner.call_timeout
    }

    pub(crate) fn max_response_size(&self) -> u64 {
        self.inner.max_response_size
    }

    pub(crate) fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    pub(crate) fn retry_base_delay(&self) -> Duration {
        self.inner.retry_base_delay
    }
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("ClientCore")
            .field("api", &inner.api.name)
            .field("base_url", &inner.base_url.as_str())
            .field("credentials", &inner.credentials)
            .field("attempt_timeout", &inner.timeout)
            .field("call_timeout", &inner.call_timeout)
            .field("max_retries", &inner.max_retries)
            .field("retry_base_delay", &inner.retry_base_delay)
            .field("max_response_size", &inner.max_response_size)
            .finish_non_exhaustive()
    }
}

/// Configures and builds a client (`C`, such as `SeamClient`).
///
/// Defaults: the API's production base URL, a 30 s timeout per attempt and no deadline for
/// the whole call, 2 retries of read-only requests with a 500 ms base delay, responses of
/// at most 10 MiB, and `https` only (plain `http` is allowed to loopback addresses).
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C> {
    api: &'static ApiDescriptor,
    credentials: Credentials,
    base_url: Option<String>,
    timeout: Duration,
    call_timeout: Option<Duration>,
    max_retries: u32,
    retry_base_delay: Duration,
    max_response_size: u64,
    allow_insecure_http: bool,
    http_client: Option<reqwest::Client>,
    // `fn() -> C` keeps the builder `Send + Sync` whatever `C` is.
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &self.api.name)
            .field("credentials", &self.credentials)
            // Unchecked yet: a URL with userinfo may hold a password.
            .field("base_url", &self.base_url.as_deref().map(|u| if u.contains('@') { "(redacted)" } else { u }))
            .field("attempt_timeout", &self.timeout)
            .field("call_timeout", &self.call_timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_base_delay", &self.retry_base_delay)
            .field("max_response_size", &self.max_response_size)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl<C> ClientBuilder<C> {
    /// A builder for `api` with these credentials. Generated clients wrap this.
    #[doc(hidden)]
    pub fn new(api: &'static ApiDescriptor, credentials: Credentials) -> Self {
        ClientBuilder {
            api,
            credentials,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            call_timeout: None,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_base_delay: DEFAULT_RETRY_BASE_DELAY,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            allow_insecure_http: false,
            http_client: None,
            client: PhantomData,
        }
    }

    /// A builder configured from environment variables read through `lookup`. Generated
    /// clients wrap this with `std::env::var`.
    ///
    /// The base URL comes from the API's base-URL variable if set. The auth mode is the one
    /// whose secret credential's variable is set; every other credential of that mode must
    /// then be set too. Empty values count as unset.
    #[doc(hidden)]
    pub fn from_env_with(api: &'static ApiDescriptor, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let credentials = credentials_from_env(api, &get)?;
        let mut builder = Self::new(api, credentials);
        builder.base_url = api.base_url_env.and_then(get);
        Ok(builder)
    }

    /// Overrides the base URL (for a staging server or a local mock).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The longest one attempt may take, from asking the token source (if the auth has one)
    /// and connecting to reading the whole body (default 30 s). An attempt that times out is
    /// retried like a connection error; when none is left the call fails with
    /// [`Error::Timeout`]. With retries, a call can take several times this long: bound the
    /// whole call with [`call_timeout`](Self::call_timeout).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The old name of [`attempt_timeout`](Self::attempt_timeout): it bounds each attempt,
    /// not the call.
    #[deprecated(note = "bounds each attempt, not the call: use `attempt_timeout`, or `call_timeout` for the whole call")]
    pub fn timeout(self, timeout: Duration) -> Self {
        self.attempt_timeout(timeout)
    }

    /// The deadline of a whole call: every attempt, the waits between them (backoff and
    /// `Retry-After`) and asking the token source (default: none, so a call is bounded only
    /// by its attempts). When it expires the call ends at once with
    /// [`Error::CallTimeout`]; a retry whose wait would outlast it is not made, and the call
    /// ends early with the last attempt's error.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// The largest response body accepted, in bytes (default 10 MiB). A success larger than
    /// this fails with [`Error::ResponseTooLarge`]: refused from its `Content-Length` before
    /// any of it is read, or as soon as the bytes read pass the limit, so at most this much
    /// is held in memory. An error response larger than this is reported from its first
    /// `max_response_size` bytes.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// How many times a read-only request is repeated after a connection error, timeout,
    /// 429 or 5xx (default 2). Requests with side effects are never repeated.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The base of the exponential backoff between retries (default 500 ms). The wait
    /// before retry `n` (from 0) is random between zero and `base * 2^n`, at most 20 s,
    /// unless the server sends `Retry-After`.
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry_base_delay = delay;
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback (default false).
    /// Credentials then travel unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses this `reqwest` client (for proxies, custom roots or connection pools) instead
    /// of building one. Its own timeouts and redirect policy apply in addition to ours.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    pub fn build(self) -> Result<C, Error>
    where
        C: FromCore,
    {
        let core = self.build_core()?;
        Ok(C::from_core(core))
    }

    fn build_core(self) -> Result<ClientCore, Error> {
        let api = self.api;
        if api.auth_mode(self.credentials.mode.name).is_none() {
            return Err(Error::Config(format!("{} has no `{}` auth mode", api.title, self.credentials.mode.name)));
        }
        let base = self.base_url.as_deref().unwrap_or(api.default_base_url);
        let base_url = parse_base_url(base, self.allow_insecure_http)?;
        let http = match self.http_client {
            Some(client) => client,
            None => default_http_client()?,
        };
        let auth_headers = AuthHeaders::prepare(&self.credentials, &http, &base_url, api.user_agent)?;
        Ok(ClientCore {
            inner: Arc::new(CoreInner {
                api,
                base_url,
                credentials: self.credentials,
                auth_headers,
                http,
                timeout: self.timeout,
                call_timeout: self.call_timeout,
                max_retries: self.max_retries,
                retry_base_delay: self.retry_base_delay,
                max_response_size: self.max_response_size,
            }),
        })
    }
}

/// The `reqwest` client used when the caller supplies none.
fn default_http_client() -> Result<reqwest::Client, Error> {
    // reqwest is built with `rustls-no-provider` so that only `ring` is compiled (aws-lc-rs
    // roughly doubles the cold build). reqwest then uses the process-wide default provider,
    // so install `ring` as that; an `Err` only means some provider is installed already,
    // which reqwest will use just as well. (A preconfigured `rustls::ClientConfig` would
    // avoid the global, but would also need us to supply root certificates, which reqwest
    // otherwise takes from the platform verifier.)
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The user agent is set per request, so that it is sent by a caller's client too.
    reqwest::Client::builder()
        // Redirects are off: the APIs do not use them, and following one to another host
        // would forward custom credential headers (reqwest strips only `authorization`).
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))
}

/// Parses and checks a base URL; the result's path has no trailing `/`.
pub(crate) fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    // A URL with userinfo may carry a password: don't quote those.
    let shown = if raw.contains('@') { "(redacted)" } else { raw };
    let mut url = Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL `{shown}`: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            if !allow_insecure_http && !is_loopback(&url) {
                return Err(Error::Config(format!(
                    "refusing plain http to `{}`: credentials would travel unencrypted; use \
                     https, or call allow_insecure_http(true)",
                    url.host_str().unwrap_or_default()
                )));
            }
        }
        other => {
            return Err(Error::Config(format!("invalid base URL `{shown}`: the scheme must be http or https, not `{other}`")));
        }
    }
    if url.host().is_none() {
        return Err(Error::Config(format!("invalid base URL `{shown}`: no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "invalid base URL: it must not contain a user name or password; credentials are \
             sent as headers"
                .into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("invalid base URL `{shown}`: it must not have a query or fragment")));
    }
    // Endpoint paths start with `/`; dropping the trailing one avoids `//` when joining.
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// Whether the URL's host is a loopback address or `localhost`.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come bracketed (`[::1]`).
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Picks the auth mode and its values from environment variables.
fn credentials_from_env(api: &'static ApiDescriptor, get: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, Error> {
    // Only modes whose every credential has a variable can be configured this way, and a
    // mode is selected by its secret variables.
    let eligible: Vec<&'static AuthModeDescriptor> =
        api.auth_modes.iter().filter(|mode| mode.credentials.iter().all(|c| c.env.is_some()) && mode.credentials.iter().any(|c| c.secret)).collect();
    if eligible.is_empty() {
        return Err(Error::Config(format!(
            "{} cannot be configured from the environment: none of its auth modes has \
             environment variables for all its credentials",
            api.title
        )));
    }

    // (mode, the first of its secret variables that is set)
    let chosen: Vec<(&'static AuthModeDescriptor, &'static str)> = eligible
        .iter()
        .filter_map(|mode| mode.credentials.iter().filter(|c| c.secret).filter_map(|c| c.env).find(|var| get(var).is_some()).map(|var| (*mode, var)))
        .collect();

    let (mode, trigger) = match chosen.as_slice() {
        [] => {
            let options: Vec<String> = eligible
                .iter()
                .map(|mode| {
                    let vars: Vec<&str> = mode.credentials.iter().filter_map(|c| c.env).collect();
                    format!("{} ({})", vars.join(" and "), mode.title)
                })
                .collect();
            return Err(Error::Config(format!("no {} credentials in the environment; set {}", api.title, options.join(", or "))));
        }
        [one] => *one,
        [first, rest @ ..] => {
            // Two different secret variables are set: refuse to guess which was meant.
            if let Some((_, other)) = rest.iter().find(|(_, var)| *var != first.1) {
                return Err(Error::Config(format!("both {} and {} are set; set only one", first.1, other)));
            }
            // Modes sharing one secret variable: the first whose variables are all set.
            *chosen.iter().find(|(mode, _)| mode.credentials.iter().all(|c| c.env.and_then(get).is_some())).unwrap_or(first)
        }
    };

    let mut values = Vec::with_capacity(mode.credentials.len());
    for credential in mode.credentials {
        let var = credential.env.unwrap_or_default();
        let Some(value) = get(var) else {
            return Err(Error::Config(format!("{trigger} is set but {var} is not")));
        };
        values.push(if credential.secret { CredentialValue::Secret(Secret::from(value)) } else { CredentialValue::Plain(value) });
    }
    Ok(Credentials { mode, values })
}
