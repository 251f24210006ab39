//! The OAuth2 token source of an auth mode with a `token_endpoint` (Nexudus'
//! `NexudusAuth::oauth2_password`), against a token endpoint and an API on 127.0.0.1 that
//! count what they are asked: the password grant first, form-encoded; one refresh for many
//! concurrent calls; refreshing before `expires_in` runs out; typed errors when the endpoint
//! refuses; no secret in `Debug`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use keyway::Error;
use keyway::nexudus::{AccessTokenId, NexudusAuth, NexudusClient};
use serde_json::json;

/// The token endpoint `specs/nexudus/api.yaml` declares.
const TOKEN_PATH: &str = "/api/token";
const USER: &str = "admin@example.com";
/// Characters the form encoding must escape.
const PASSWORD: &str = "p&ss=w rd+%";

/// One request to the token endpoint.
#[derive(Clone, Debug)]
struct TokenRequest {
    content_type: Option<String>,
    form: Vec<(String, String)>,
    at: Instant,
}

impl TokenRequest {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// How the token endpoint answers.
#[derive(Clone)]
struct Script {
    password_expires_in: u64,
    refresh_expires_in: u64,
    /// The status of a refresh's answer; anything but 200 answers an OAuth2 error.
    refresh_status: u16,
    /// The status of the password grant's answer after the first.
    later_password_status: u16,
    /// How long the endpoint takes, so that concurrent calls overlap.
    delay: Duration,
    /// The API refuses the first this many tokens with a 401, as if they had been revoked.
    revoked: usize,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            password_expires_in: 3600,
            refresh_expires_in: 3600,
            refresh_status: 200,
            later_password_status: 200,
            delay: Duration::from_millis(100),
            revoked: 0,
        }
    }
}

#[derive(Default)]
struct Seen {
    tokens: Vec<TokenRequest>,
    /// The `Authorization` header of each API request.
    api: Vec<Option<String>>,
}

struct Endpoint {
    url: String,
    seen: Arc<Mutex<Seen>>,
}

impl Endpoint {
    fn tokens(&self) -> Vec<TokenRequest> {
        self.seen.lock().unwrap().tokens.clone()
    }

    fn grants(&self) -> Vec<String> {
        self.tokens().iter().map(|t| t.field("grant_type").unwrap_or("?").to_owned()).collect()
    }

    fn api(&self) -> Vec<Option<String>> {
        self.seen.lock().unwrap().api.clone()
    }
}

async fn serve(script: Script) -> Endpoint {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = seen.clone();
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let (seen, script) = (shared.clone(), script.clone());
        async move {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            if uri.path() != TOKEN_PATH {
                seen.lock().unwrap().api.push(header("authorization"));
                let token_number = header("authorization").and_then(|h| h.strip_prefix("Bearer access-").and_then(|n| n.parse::<usize>().ok()));
                if token_number.is_some_and(|n| n <= script.revoked) {
                    return (StatusCode::UNAUTHORIZED, [("content-type", "application/json")], json!({"Message": "token revoked"}).to_string())
                        .into_response();
                }
                return (StatusCode::OK, [("content-type", "application/json")], json!({"Id": 87654321}).to_string()).into_response();
            }
            let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
            let request = TokenRequest { content_type: header("content-type"), form, at: Instant::now() };
            let grant = request.field("grant_type").unwrap_or_default().to_owned();
            let (number, earlier_passwords) = {
                let mut seen = seen.lock().unwrap();
                let earlier = seen.tokens.iter().filter(|t| t.field("grant_type") == Some("password")).count();
                seen.tokens.push(request);
                (seen.tokens.len(), earlier)
            };
            tokio::time::sleep(script.delay).await;
            let (status, expires_in) = match grant.as_str() {
                "password" if earlier_passwords == 0 => (200, script.password_expires_in),
                "password" => (script.later_password_status, script.password_expires_in),
                "refresh_token" => (script.refresh_status, script.refresh_expires_in),
                _ => (400, 0),
            };
            let body = if status == 200 {
                json!({
                    "access_token": format!("access-{number}"),
                    "token_type": "bearer",
                    "expires_in": expires_in,
                    "refresh_token": format!("refresh-{number}"),
                })
            } else {
                json!({"error": "invalid_grant", "error_description": format!("the {grant} grant is refused")})
            };
            (StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body.to_string()).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Endpoint { url, seen }
}

fn client(endpoint: &Endpoint) -> NexudusClient {
    NexudusClient::builder(NexudusAuth::oauth2_password(USER, PASSWORD)).base_url(&endpoint.url).build().unwrap()
}

async fn get(client: &NexudusClient) -> Result<keyway::nexudus::AccessToken, Error> {
    client.access_tokens().get(AccessTokenId::new(87654321)).await
}

#[tokio::test]
async fn the_password_grant_comes_first_form_encoded_and_its_token_is_reused() {
    let endpoint = serve(Script::default()).await;
    let client = client(&endpoint);
    for _ in 0..3 {
        get(&client).await.unwrap();
    }
    let tokens = endpoint.tokens();
    assert_eq!(tokens.len(), 1, "{tokens:#?}");
    assert_eq!(tokens[0].content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    let mut fields: Vec<(&str, &str)> = tokens[0].form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.sort();
    assert_eq!(fields, [("grant_type", "password"), ("password", PASSWORD), ("username", USER)]);
    assert_eq!(endpoint.api(), vec![Some("Bearer access-1".to_owned()); 3]);
}

#[tokio::test]
async fn twenty_concurrent_calls_with_an_expired_token_refresh_it_once() {
    let endpoint = serve(Script { password_expires_in: 1, ..Script::default() }).await;
    let client = client(&endpoint);
    get(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(endpoint.grants(), ["password", "refresh_token"]);
    let refresh = &endpoint.tokens()[1];
    assert_eq!(refresh.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(refresh.field("refresh_token"), Some("refresh-1"));
    assert_eq!(refresh.form.len(), 2, "{:?}", refresh.form);
    let api = endpoint.api();
    assert_eq!(api.len(), 21);
    assert!(api[1..].iter().all(|h| h.as_deref() == Some("Bearer access-2")), "{api:?}");
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    // A 2 s token is renewed once half of it is left.
    let endpoint = serve(Script { password_expires_in: 2, delay: Duration::ZERO, ..Script::default() }).await;
    let client = client(&endpoint);
    get(&client).await.unwrap();
    get(&client).await.unwrap();
    assert_eq!(endpoint.grants(), ["password"], "a fresh token is not renewed");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    get(&client).await.unwrap();
    let tokens = endpoint.tokens();
    assert_eq!(endpoint.grants(), ["password", "refresh_token"]);
    let age = tokens[1].at - tokens[0].at;
    assert!(age < Duration::from_secs(2), "refreshed {age:?} after the 2 s token was given, once it had expired");
    assert_eq!(endpoint.api().last().cloned().flatten().as_deref(), Some("Bearer access-2"));
}

#[tokio::test]
async fn a_failing_refresh_is_a_typed_error_and_sends_nothing() {
    let endpoint = serve(Script { password_expires_in: 0, refresh_status: 500, delay: Duration::ZERO, ..Script::default() }).await;
    let client = client(&endpoint);
    get(&client).await.unwrap();
    let error = get(&client).await.unwrap_err();
    match &error {
        Error::TokenEndpoint { grant, status, code, description } => {
            assert_eq!((*grant, *status, code.as_deref()), ("refresh_token", Some(500), Some("invalid_grant")));
            assert_eq!(description, "the refresh_token grant is refused");
        }
        other => panic!("expected Error::TokenEndpoint, got {other:?}"),
    }
    assert_eq!(endpoint.grants(), ["password", "refresh_token"]);
    assert_eq!(endpoint.api().len(), 1, "the call whose token failed sent nothing");
}

#[tokio::test]
async fn a_refused_refresh_token_falls_back_to_the_password() {
    let endpoint = serve(Script { password_expires_in: 0, refresh_status: 400, delay: Duration::ZERO, ..Script::default() }).await;
    let client = client(&endpoint);
    get(&client).await.unwrap();
    get(&client).await.unwrap();
    assert_eq!(endpoint.grants(), ["password", "refresh_token", "password"]);
    assert_eq!(endpoint.api().last().cloned().flatten().as_deref(), Some("Bearer access-3"));
}

#[tokio::test]
async fn a_refused_password_is_a_typed_error() {
    let endpoint =
        serve(Script { password_expires_in: 0, refresh_status: 400, later_password_status: 400, delay: Duration::ZERO, ..Script::default() }).await;
    let client = client(&endpoint);
    get(&client).await.unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(
        matches!(&error, Error::TokenEndpoint { grant: "password", status: Some(400), code: Some(code), .. } if code == "invalid_grant"),
        "{error:?}"
    );
    assert!(!error.to_string().contains(PASSWORD), "{error}");
}

#[tokio::test]
async fn no_password_or_token_in_debug_output() {
    let endpoint = serve(Script { password_expires_in: 0, refresh_status: 500, delay: Duration::ZERO, ..Script::default() }).await;
    let auth = NexudusAuth::oauth2_password(USER, PASSWORD);
    let client = NexudusClient::builder(auth.clone()).base_url(&endpoint.url).build().unwrap();
    get(&client).await.unwrap();
    let error = get(&client).await.unwrap_err();
    let shown = [format!("{auth:?}"), format!("{client:?}"), format!("{error:?}"), error.to_string()];
    for text in &shown {
        for secret in [PASSWORD, "access-1", "refresh-1"] {
            assert!(!text.contains(secret), "`{secret}` shown in {text}");
        }
    }
}

#[tokio::test]
async fn the_mock_server_answers_the_token_endpoint() {
    let mock = keyway::nexudus::mock_server().await.unwrap();
    let client = NexudusClient::builder(NexudusAuth::oauth2_password(USER, PASSWORD)).base_url(mock.url()).build().unwrap();
    let token = get(&client).await.unwrap();
    assert_eq!(token, keyway::fixtures::nexudus::access_tokens::get_200().value().unwrap());
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "the token request is not an API request: {requests:?}");
    assert!(requests[0].header("authorization").is_some_and(|h| h.starts_with("Bearer ")), "{requests:?}");

    let refused = NexudusClient::builder(NexudusAuth::oauth2_password(USER, "")).base_url(mock.url()).build().unwrap();
    let error = get(&refused).await.unwrap_err();
    assert!(matches!(&error, Error::TokenEndpoint { grant: "password", status: Some(400), .. }), "{error:?}");
}

#[tokio::test]
async fn a_token_the_api_refuses_is_renewed_once_and_the_call_sent_again() {
    let endpoint = serve(Script { revoked: 1, ..Script::default() }).await;
    let client = client(&endpoint);

    get(&client).await.unwrap();
    get(&client).await.unwrap();

    assert_eq!(endpoint.grants(), ["password", "refresh_token"], "the refused token is renewed with the refresh grant");
    let api = endpoint.api();
    let sent: Vec<Option<&str>> = api.iter().map(|h| h.as_deref()).collect();
    assert_eq!(sent, [Some("Bearer access-1"), Some("Bearer access-2"), Some("Bearer access-2")]);
}

#[tokio::test]
async fn a_second_refusal_is_the_calls_error_not_a_loop() {
    let endpoint = serve(Script { revoked: 2, ..Script::default() }).await;
    let client = client(&endpoint);

    let error = get(&client).await.unwrap_err();

    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert_eq!(endpoint.grants(), ["password", "refresh_token"], "one renewal");
    assert_eq!(endpoint.api().len(), 2, "the first token, then the renewed one, and no more");
}
