//! Authentication through the public API: the headers each auth mode sends, token sources,
//! configuration from (simulated) environment variables, base URL rules, the user agent,
//! and that no secret shows in `Debug` output or errors.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use keyway::seam::{AccessCodeId, AccessGrantId, SeamAuth, SeamClient};
use keyway::{Error, Secret, TokenSource};
use serde_json::json;

use crate::fixtures::body;
use crate::server::{Recorded, Reply, Scripted, refusing_address, serve};

const CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";

async fn seam_ok() -> Scripted {
    serve(vec![Reply::json(200, &body("seam/access_codes.get.200.json"))]).await
}

async fn nexudus_ok() -> Scripted {
    serve(vec![Reply::json(200, &body("nexudus/access_tokens.get.200.json"))]).await
}

async fn get_code(client: &SeamClient) -> Result<keyway::seam::AccessCode, Error> {
    client.access_codes().get(AccessCodeId::new(CODE_ID)).await
}

async fn get_token(client: &NexudusClient) -> Result<keyway::nexudus::AccessToken, Error> {
    client.access_tokens().get(AccessTokenId::new(87654321)).await
}

fn seam_at(url: &str, auth: SeamAuth) -> SeamClient {
    SeamClient::builder(auth).base_url(url).retry_base_delay(Duration::from_millis(10)).build().unwrap()
}

fn nexudus_at(url: &str, auth: NexudusAuth) -> NexudusClient {
    NexudusClient::builder(auth).base_url(url).retry_base_delay(Duration::from_millis(10)).build().unwrap()
}

/// Every header of the request except those every request carries whatever the auth
/// (`host`, `accept`, `user-agent`, `content-type`, `content-length`), sorted; repeated
/// headers appear once per value.
fn auth_headers(request: &Recorded) -> Vec<(String, String)> {
    const ORDINARY: [&str; 5] = ["host", "accept", "user-agent", "content-type", "content-length"];
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !ORDINARY.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    headers
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    pairs.sort();
    pairs
}

fn config_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

// ---- headers of each auth mode -------------------------------------------------------

#[tokio::test]
async fn seam_api_key_sends_only_a_bearer_authorization_header() {
    let server = seam_ok().await;
    get_code(&seam_at(&server.url, SeamAuth::api_key("seam_key_1"))).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer seam_key_1")]));
}

#[tokio::test]
async fn seam_client_session_token_sends_bearer_and_client_session_token() {
    let server = seam_ok().await;
    get_code(&seam_at(&server.url, SeamAuth::client_session_token("seam_cst_1"))).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer seam_cst_1"), ("client-session-token", "seam_cst_1")]));
}

#[tokio::test]
async fn seam_personal_access_token_sends_bearer_and_seam_workspace() {
    let server = seam_ok().await;
    get_code(&seam_at(&server.url, SeamAuth::personal_access_token("seam_at_1", "ws_1"))).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer seam_at_1"), ("seam-workspace", "ws_1")]));
}

#[tokio::test]
async fn seam_console_session_token_sends_bearer_and_seam_workspace() {
    let server = seam_ok().await;
    get_code(&seam_at(&server.url, SeamAuth::console_session_token("console_1", "ws_2"))).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer console_1"), ("seam-workspace", "ws_2")]));
}

#[tokio::test]
async fn nexudus_oauth2_sends_only_a_bearer_authorization_header() {
    let server = nexudus_ok().await;
    get_token(&nexudus_at(&server.url, NexudusAuth::oauth2("oauth_1"))).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer oauth_1")]));
}

#[test]
fn auth_values_name_their_mode() {
    assert_eq!(SeamAuth::api_key("k").mode(), "api_key");
    assert_eq!(SeamAuth::client_session_token("t").mode(), "client_session_token");
    assert_eq!(SeamAuth::personal_access_token("t", "w").mode(), "personal_access_token");
    assert_eq!(SeamAuth::console_session_token("t", "w").mode(), "console_session_token");
    assert_eq!(NexudusAuth::oauth2("t").mode(), "oauth2");
    assert_eq!(NexudusAuth::oauth2_from_source(|| async { Ok::<_, Error>(Secret::from("t")) }).mode(), "oauth2");
}

#[test]
fn empty_or_header_breaking_credentials_are_refused_at_build_without_echoing_them() {
    let message = config_message(SeamClient::new(SeamAuth::api_key("")));
    assert!(message.contains("api_key") && message.contains("empty"), "{message}");
    let message = config_message(SeamClient::new(SeamAuth::personal_access_token("seam_at_1", "")));
    assert!(message.contains("workspace_id"), "{message}");
    let message = config_message(SeamClient::new(SeamAuth::api_key("bad\nSECRET-key")));
    assert!(message.contains("api_key") && !message.contains("SECRET"), "{message}");
}

// ---- token sources -------------------------------------------------------------------

/// A token source that "refreshes" on every call: `token_1`, `token_2`, …
struct Refreshing {
    asked: Arc<AtomicUsize>,
}

impl TokenSource for Refreshing {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + '_>> {
        Box::pin(async move {
            let n = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Secret::from(format!("token_{n}")))
        })
    }
}

fn bearers(server: &Scripted) -> Vec<String> {
    server.requests().iter().map(|r| r.header("authorization").unwrap_or("(none)").to_owned()).collect()
}

#[tokio::test]
async fn token_source_struct_is_asked_before_every_attempt_and_the_retry_uses_the_refreshed_token() {
    let server = serve(vec![Reply::json(503, &json!({"Message": "busy"})), Reply::json(200, &body("nexudus/access_tokens.get.200.json"))]).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let client = nexudus_at(&server.url, NexudusAuth::oauth2_from_source(Refreshing { asked: asked.clone() }));
    assert_eq!(asked.load(Ordering::SeqCst), 0, "building the client does not ask for a token");

    get_token(&client).await.unwrap();

    assert_eq!(bearers(&server), ["Bearer token_1", "Bearer token_2"]);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert_eq!(auth_headers(&server.requests()[1]), pairs(&[("authorization", "Bearer token_2")]));
}

#[tokio::test]
async fn token_source_closure_is_asked_once_per_attempt() {
    let server = serve(vec![Reply::json(500, &json!({"Message": "boom"}))]).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let source = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Ok::<_, Error>(Secret::from(format!("closure_{n}"))) }
    };
    let client = nexudus_at(&server.url, NexudusAuth::oauth2_from_source(source));

    let err = get_token(&client).await.unwrap_err();

    assert_eq!(err.status(), Some(500));
    assert_eq!(bearers(&server), ["Bearer closure_1", "Bearer closure_2", "Bearer closure_3"]);
    assert_eq!(asked.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn token_source_error_ends_the_call_before_anything_is_sent() {
    let server = nexudus_ok().await;
    let source = || async { Err::<Secret, _>(Error::TokenSource("refresh failed".into())) };
    let client = nexudus_at(&server.url, NexudusAuth::oauth2_from_source(source));

    let err = get_token(&client).await.unwrap_err();

    assert!(matches!(&err, Error::TokenSource(m) if m == "refresh failed"), "{err:?}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn token_source_that_never_answers_fails_the_call_at_the_attempt_timeout() {
    let server = nexudus_ok().await;
    let hanging = || std::future::pending::<Result<Secret, Error>>();
    let client = NexudusClient::builder(NexudusAuth::oauth2_from_source(hanging))
        .base_url(&server.url)
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    // The guard only turns a hang into a failure; the call must end well before it.
    let err = tokio::time::timeout(Duration::from_secs(10), get_token(&client)).await.expect("the call hung").unwrap_err();

    assert!(matches!(&err, Error::TokenSource(m) if m == "no token within the attempt's 100ms timeout"), "{err:?}");
    assert_eq!(server.count(), 0, "nothing is sent without a token");
}

#[tokio::test]
async fn token_source_that_never_answers_ends_at_the_call_timeout() {
    let server = nexudus_ok().await;
    let hanging = || std::future::pending::<Result<Secret, Error>>();
    let client = NexudusClient::builder(NexudusAuth::oauth2_from_source(hanging)).base_url(&server.url).build().unwrap();

    let started = std::time::Instant::now();
    let err =
        tokio::time::timeout(Duration::from_secs(10), client.access_tokens().get(AccessTokenId::new(1)).call_timeout(Duration::from_millis(300)))
            .await
            .expect("the call hung")
            .unwrap_err();

    assert!(matches!(err, Error::CallTimeout { endpoint: "access_tokens.get", attempts: 1, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn time_spent_on_the_token_counts_against_the_attempt_timeout() {
    // Token 300 ms + response 600 ms exceeds the 800 ms attempt; either alone would not, and
    // the 500 ms left after the token are plenty to connect over loopback.
    let server = serve(vec![Reply::json(200, &body("nexudus/access_tokens.get.200.json")).delayed(Duration::from_millis(600))]).await;
    let slow = || async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok::<_, Error>(Secret::from("slow_token"))
    };
    let client = NexudusClient::builder(NexudusAuth::oauth2_from_source(slow))
        .base_url(&server.url)
        .attempt_timeout(Duration::from_millis(800))
        .max_retries(0)
        .build()
        .unwrap();

    let err = get_token(&client).await.unwrap_err();

    assert!(matches!(err, Error::Timeout { endpoint: "access_tokens.get", after } if after == Duration::from_millis(800)), "{err:?}");
    assert_eq!(server.count(), 1, "the request was sent with the time left");
}

#[tokio::test]
async fn token_source_giving_an_empty_or_header_breaking_token_is_refused_without_echoing_it() {
    let server = nexudus_ok().await;
    let empty = nexudus_at(&server.url, NexudusAuth::oauth2_from_source(|| async { Ok::<_, Error>(Secret::from("")) }));
    let err = get_token(&empty).await.unwrap_err();
    assert!(matches!(&err, Error::TokenSource(m) if m.contains("empty")), "{err:?}");

    let broken = || async { Ok::<_, Error>(Secret::from("bad\r\nSECRET-token")) };
    let err = get_token(&nexudus_at(&server.url, NexudusAuth::oauth2_from_source(broken))).await.unwrap_err();
    assert!(matches!(err, Error::TokenSource(_)), "{err:?}");
    assert!(!format!("{err:?}").contains("SECRET") && !err.to_string().contains("SECRET"), "{err:?}");

    assert_eq!(server.count(), 0, "nothing is sent without a usable token");
}

// ---- configuration from the environment ---------------------------------------------

/// A lookup over these variables only; the real environment is never read or changed.
fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| map.get(name).cloned()
}

#[tokio::test]
async fn env_seam_api_key_alone_configures_bearer_auth() {
    let server = seam_ok().await;
    let client =
        SeamClient::builder_from_env_with(env(&[("SEAM_API_KEY", "seam_env_key"), ("SEAM_ENDPOINT", server.url.as_str())])).unwrap().build().unwrap();
    get_code(&client).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer seam_env_key")]));
}

#[tokio::test]
async fn env_seam_api_key_ignores_a_stray_workspace_id() {
    let server = seam_ok().await;
    let vars = [("SEAM_API_KEY", "seam_env_key"), ("SEAM_WORKSPACE_ID", "ws_stray"), ("SEAM_ENDPOINT", server.url.as_str())];
    let client = SeamClient::builder_from_env_with(env(&vars)).unwrap().build().unwrap();
    get_code(&client).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer seam_env_key")]));
}

#[tokio::test]
async fn env_seam_personal_access_token_with_workspace_sends_seam_workspace() {
    let server = seam_ok().await;
    let vars = [
        ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at_env"),
        ("SEAM_WORKSPACE_ID", "ws_env"),
        ("SEAM_API_KEY", ""), // empty counts as unset
        ("SEAM_ENDPOINT", server.url.as_str()),
    ];
    let client = SeamClient::builder_from_env_with(env(&vars)).unwrap().build().unwrap();
    get_code(&client).await.unwrap();
    assert_eq!(auth_headers(&server.only_request()), pairs(&[("authorization", "Bearer seam_at_env"), ("seam-workspace", "ws_env")]));
}

#[test]
fn env_seam_key_and_token_both_set_is_an_error_that_says_so() {
    let vars = [("SEAM_API_KEY", "k"), ("SEAM_PERSONAL_ACCESS_TOKEN", "t"), ("SEAM_WORKSPACE_ID", "ws")];
    let message = config_message(SeamClient::builder_from_env_with(env(&vars)));
    assert_eq!(message, "both SEAM_API_KEY and SEAM_PERSONAL_ACCESS_TOKEN are set; set only one");
}

#[test]
fn env_seam_token_without_workspace_is_an_error_naming_seam_workspace_id() {
    for vars in [vec![("SEAM_PERSONAL_ACCESS_TOKEN", "t")], vec![("SEAM_PERSONAL_ACCESS_TOKEN", "t"), ("SEAM_WORKSPACE_ID", "")]] {
        let message = config_message(SeamClient::builder_from_env_with(env(&vars)));
        assert_eq!(message, "SEAM_PERSONAL_ACCESS_TOKEN is set but SEAM_WORKSPACE_ID is not");
    }
}

#[test]
fn env_seam_nothing_set_lists_the_variables() {
    let message = config_message(SeamClient::builder_from_env_with(env(&[("SEAM_WORKSPACE_ID", "ws"), ("SEAM_API_KEY", "")])));
    assert!(message.contains("SEAM_API_KEY"), "{message}");
    assert!(message.contains("SEAM_PERSONAL_ACCESS_TOKEN and SEAM_WORKSPACE_ID"), "{message}");
    assert!(message.contains("Seam Connect"), "{message}");
}

#[tokio::test]
async fn env_seam_endpoint_overrides_the_base_url_path_prefix_included() {
    let server = seam_ok().await;
    let endpoint = format!("{}/seam-proxy/", server.url);
    let vars = [("SEAM_API_KEY", "k"), ("SEAM_ENDPOINT", endpoint.as_str())];
    let client = SeamClient::builder_from_env_with(env(&vars)).unwrap().build().unwrap();
    get_code(&client).await.unwrap();
    assert_eq!(server.only_request().path, "/seam-proxy/access_codes/get");
}

#[test]
fn env_seam_endpoint_is_checked_like_any_base_url() {
    let builder = SeamClient::builder_from_env_with(env(&[("SEAM_API_KEY", "k"), ("SEAM_ENDPOINT", "http://example.invalid")])).unwrap();
    let message = config_message(builder.build());
    assert!(message.contains("example.invalid"), "{message}");
}

#[tokio::test]
async fn env_nexudus_access_token_and_endpoint_configure_the_client() {
    let server = nexudus_ok().await;
    let vars = [("NEXUDUS_ACCESS_TOKEN", "nx_env_token"), ("NEXUDUS_ENDPOINT", server.url.as_str())];
    let client = NexudusClient::builder_from_env_with(env(&vars)).unwrap().build().unwrap();
    get_token(&client).await.unwrap();
    let request = server.only_request();
    assert_eq!(request.path, "/api/spaces/accesstokens/87654321");
    assert_eq!(auth_headers(&request), pairs(&[("authorization", "Bearer nx_env_token")]));
}

#[test]
fn env_nexudus_nothing_set_names_nexudus_access_token() {
    // Seam's variables do not configure Nexudus.
    let message = config_message(NexudusClient::builder_from_env_with(env(&[("SEAM_API_KEY", "k"), ("NEXUDUS_ACCESS_TOKEN", "")])));
    assert!(message.contains("NEXUDUS_ACCESS_TOKEN") && message.contains("Nexudus Spaces"), "{message}");
}

// ---- user agent and base URL --------------------------------------------------------

/// `keyway/<version>`, the version read from the generated crate's manifest.
fn expected_user_agent() -> String {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = "))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .expect("generated/Cargo.toml has a version");
    format!("keyway/{version}")
}

#[tokio::test]
async fn user_agent_names_the_crate_and_its_version() {
    let seam = seam_ok().await;
    get_code(&seam_at(&seam.url, SeamAuth::api_key("k"))).await.unwrap();
    assert_eq!(seam.only_request().header("user-agent"), Some(expected_user_agent().as_str()));

    let nexudus = nexudus_ok().await;
    get_token(&nexudus_at(&nexudus.url, NexudusAuth::oauth2("t"))).await.unwrap();
    assert_eq!(nexudus.only_request().header("user-agent"), Some(expected_user_agent().as_str()));
}

#[tokio::test]
async fn base_url_override_keeps_its_path_prefix() {
    let server = seam_ok().await;
    for prefix in ["/api/v1", "/api/v1/"] {
        get_code(&seam_at(&format!("{}{prefix}", server.url), SeamAuth::api_key("k"))).await.unwrap();
    }
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/v1/access_codes/get", "/api/v1/access_codes/get"]);

    let server = nexudus_ok().await;
    get_token(&nexudus_at(&format!("{}/nexudus", server.url), NexudusAuth::oauth2("t"))).await.unwrap();
    assert_eq!(server.only_request().path, "/nexudus/api/spaces/accesstokens/87654321");
}

#[test]
fn bearer_token_over_plain_http_to_a_remote_host_is_refused_at_build() {
    let message = config_message(SeamClient::builder(SeamAuth::api_key("k")).base_url("http://example.invalid").build());
    assert!(message.contains("example.invalid") && message.contains("allow_insecure_http"), "{message}");
    let message = config_message(NexudusClient::builder(NexudusAuth::oauth2("t")).base_url("http://example.invalid/api").build());
    assert!(message.contains("example.invalid") && message.contains("allow_insecure_http"), "{message}");
}

#[test]
fn allow_insecure_http_permits_plain_http_to_a_remote_host() {
    // Built only: nothing is sent.
    SeamClient::builder(SeamAuth::api_key("k")).base_url("http://example.invalid").allow_insecure_http(true).build().unwrap();
    NexudusClient::builder(NexudusAuth::oauth2("t")).base_url("http://example.invalid").allow_insecure_http(true).build().unwrap();
}

#[test]
fn plain_http_to_loopback_needs_no_opt_in() {
    for url in ["http://127.0.0.1", "http://127.0.0.1:8080/api", "http://localhost", "http://localhost:3000/", "http://[::1]:9"] {
        SeamClient::builder(SeamAuth::api_key("k")).base_url(url).build().unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[test]
fn malformed_base_urls_are_config_errors() {
    for url in ["ftp://example.com", "not a url", "/relative", "https://example.com?x=1", "https://example.com#top"] {
        config_message(SeamClient::builder(SeamAuth::api_key("k")).base_url(url).build());
    }
}

// ---- no secret in Debug output or errors --------------------------------------------

const SECRET: &str = "SECRET";

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows a secret: {text}");
}

#[tokio::test]
async fn debug_of_auth_values_builders_clients_and_calls_shows_no_secret() {
    let seam_auths = [
        SeamAuth::api_key("SECRET-api-key"),
        SeamAuth::client_session_token("SECRET-cst"),
        SeamAuth::personal_access_token("SECRET-pat", "ws_visible"),
        SeamAuth::console_session_token("SECRET-console", "ws_visible"),
    ];
    for auth in seam_auths {
        let mode = auth.mode();
        assert_no_secret(mode, &format!("{auth:?}"));
        let builder = SeamClient::builder(auth).base_url("http://127.0.0.1:9");
        assert_no_secret(mode, &format!("{builder:?}"));
        let client = builder.build().unwrap();
        let debug = format!("{client:?}");
        assert_no_secret(mode, &debug);
        assert!(debug.contains(mode), "the mode is shown: {debug}");
        assert_no_secret(mode, &format!("{:?}", client.access_codes().get(AccessCodeId::new("SECRET-code-id"))));
    }
    let pat = format!("{:?}", SeamClient::new(SeamAuth::personal_access_token("SECRET-pat", "ws_visible")).unwrap());
    assert!(pat.contains("ws_visible"), "a workspace id is not secret: {pat}");

    let source = || async { Ok::<_, Error>(Secret::from("SECRET-from-source")) };
    let nexudus_auths = [NexudusAuth::oauth2("SECRET-oauth"), NexudusAuth::oauth2_from_source(source)];
    for auth in nexudus_auths {
        assert_no_secret("nexudus auth", &format!("{auth:?}"));
        let builder = NexudusClient::builder(auth);
        assert_no_secret("nexudus builder", &format!("{builder:?}"));
        let client = builder.build().unwrap();
        assert_no_secret("nexudus client", &format!("{client:?}"));
        assert_no_secret("nexudus call", &format!("{:?}", client.access_tokens().get(AccessTokenId::new(1))));
    }

    let secret = Secret::from("SECRET-value");
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert_eq!(secret.to_string(), "***");
    assert_eq!(secret.expose(), "SECRET-value");
}

#[test]
fn a_password_in_the_base_url_is_not_shown() {
    let builder = SeamClient::builder(SeamAuth::api_key("k")).base_url("https://user:SECRET-pw@example.com");
    assert_no_secret("builder", &format!("{builder:?}"));
    let err = builder.build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_no_secret("error", &format!("{err:?} {err}"));
}

#[tokio::test]
async fn errors_show_no_secret() {
    let mut errors = Vec::new();

    // 401 in Seam's error shape, and a gateway's plain-text 401.
    let server = serve(vec![
        Reply::json(401, &json!({"error": {"type": "unauthorized", "message": "Unauthorized"}, "ok": false})),
        Reply::raw(401, "text/plain", "Unauthorized"),
    ])
    .await;
    let client = seam_at(&server.url, SeamAuth::personal_access_token("SECRET-pat", "ws"));
    errors.push(get_code(&client).await.unwrap_err());
    errors.push(get_code(&client).await.unwrap_err());
    assert!(errors.iter().all(|e| matches!(e, Error::Unauthorized(_))), "{errors:?}");

    // A token source's own error, and one the runtime raises about a bad token.
    let failing = || async { Err::<Secret, _>(Error::TokenSource("refresh failed".into())) };
    errors.push(get_token(&nexudus_at(&server.url, NexudusAuth::oauth2_from_source(failing))).await.unwrap_err());
    let broken = || async { Ok::<_, Error>(Secret::from("x\nSECRET-token")) };
    errors.push(get_token(&nexudus_at(&server.url, NexudusAuth::oauth2_from_source(broken))).await.unwrap_err());

    // A connection failure and a configuration error.
    let (_reserved, closed) = refusing_address();
    let client = seam_at(&format!("http://{closed}"), SeamAuth::api_key("SECRET-key"));
    errors.push(client.access_codes().get(AccessCodeId::new(CODE_ID)).no_retries().await.unwrap_err());
    errors.push(SeamClient::new(SeamAuth::client_session_token("SECRET\n")).unwrap_err());

    assert!(matches!(errors[4], Error::Connect { endpoint: "access_codes.get", .. }), "{:?}", errors[4]);
    for err in &errors {
        assert_no_secret("error Debug", &format!("{err:?}"));
        assert_no_secret("error Display", &err.to_string());
    }
}

#[tokio::test]
async fn a_token_in_a_response_body_is_not_shown_by_the_decoded_value() {
    let mut grant = body("seam/access_grants.get.200.json");
    grant["access_grant"]["client_session_token"] = "seam_cst_SECRET_from_body".into();
    let server = serve(vec![Reply::json(200, &grant)]).await;

    let grant = seam_at(&server.url, SeamAuth::api_key("k")).access_grants().get(AccessGrantId::new("g")).await.unwrap();

    assert_eq!(grant.client_session_token.as_ref().map(Secret::expose), Some("seam_cst_SECRET_from_body"));
    assert_no_secret("AccessGrant", &format!("{grant:?}"));
}

#[tokio::test]

async fn a_token_in_an_undecodable_response_body_is_not_shown_by_the_decode_error() {
    let mut grant = body("seam/access_grants.get.200.json");
    grant["access_grant"]["client_session_token"] = "seam_cst_SECRET_from_body".into();
    grant["access_grant"]["created_at"] = "not a time".into();
    let server = serve(vec![Reply::json(200, &grant)]).await;

    let err = seam_at(&server.url, SeamAuth::api_key("k")).access_grants().get(AccessGrantId::new("g")).await.unwrap_err();

    assert!(matches!(&err, Error::Decode { path, .. } if path == "access_grant.created_at"), "{err:?}");
    assert_no_secret("Decode error Display", &err.to_string());
    assert_no_secret("Decode error Debug", &format!("{err:?}"));
}
