//! A scripted HTTP server on 127.0.0.1: it answers with the replies it was given, in order
//! (the last one repeats), and records every request it receives.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};

/// One reply of the script.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply { status, headers: vec![("content-type".into(), "application/json".into())], body: body.to_string(), delay: Duration::ZERO }
    }

    /// A reply whose body is sent as is: HTML from a proxy, plain text, truncated JSON.
    pub fn raw(status: u16, content_type: &str, body: impl Into<String>) -> Self {
        Reply { status, headers: vec![("content-type".into(), content_type.into())], body: body.into(), delay: Duration::ZERO }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The server waits this long (after recording the request) before answering.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

#[derive(Default)]
struct State {
    replies: Vec<Reply>,
    served: usize,
    requests: Vec<Recorded>,
}

pub struct Scripted {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Scripted {
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn count(&self) -> usize {
        self.state.lock().unwrap().requests.len()
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests[0].clone()
    }
}

pub async fn serve(replies: Vec<Reply>) -> Scripted {
    let state = Arc::new(Mutex::new(State { replies, ..State::default() }));
    let shared = state.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let state = shared.clone();
        async move {
            let reply = {
                let mut state = state.lock().unwrap();
                state.requests.push(Recorded { method, path: uri.path().to_owned(), query: uri.query().map(str::to_owned), headers, body });
                let index = state.served.min(state.replies.len().saturating_sub(1));
                state.served += 1;
                state.replies.get(index).cloned()
            };
            let reply = reply.unwrap_or_else(|| Reply::json(500, &serde_json::json!({"error": "no reply scripted"})));
            tokio::time::sleep(reply.delay).await;
            let mut response = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
            for (name, value) in &reply.headers {
                response = response.header(name, value);
            }
            response.body(Body::from(reply.body)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Scripted { url, state }
}

/// An address on 127.0.0.1 that refuses connections: the port is bound but not listening,
/// and stays reserved (no other test's server can get it) while the socket is kept.
pub fn refusing_address() -> (tokio::net::TcpSocket, std::net::SocketAddr) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    (socket, address)
}
