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

/// A server whose response body is made while it is sent, never held whole: every request
/// gets `status` and `len` bytes of spaces (JSON whitespace) in 64 KiB writes, with a
/// `Content-Length` when `declare_length`, else chunked. Plain TCP rather than axum, so that
/// what is declared and what is sent are exactly as scripted.
pub struct Streaming {
    pub url: String,
    written: Arc<std::sync::atomic::AtomicUsize>,
}

impl Streaming {
    /// Body bytes handed to the socket so far, over all requests.
    pub fn written(&self) -> usize {
        self.written.load(std::sync::atomic::Ordering::Relaxed)
    }
}

pub async fn serve_stream(status: u16, len: usize, declare_length: bool) -> Streaming {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = written.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counter = counter.clone();
            // A client that stops reading closes the connection: the write fails, and that
            // ends this connection's task.
            tokio::spawn(async move {
                let _ = stream_one(socket, status, len, declare_length, &counter).await;
            });
        }
    });
    Streaming { url, written }
}

async fn stream_one(
    mut socket: tokio::net::TcpStream,
    status: u16,
    len: usize,
    declare_length: bool,
    written: &std::sync::atomic::AtomicUsize,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // The request: its head, then as many body bytes as its Content-Length says.
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buffer[..n]);
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let body_len: usize = head.lines().find_map(|line| line.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
    while request.len() < head_end + body_len {
        let n = socket.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buffer[..n]);
    }

    let framing = if declare_length { format!("content-length: {len}") } else { "transfer-encoding: chunked".to_owned() };
    let head =
        format!("HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\nseam-request-id: req_big\r\n{framing}\r\nconnection: close\r\n\r\n");
    socket.write_all(head.as_bytes()).await?;
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < len {
        let n = chunk.len().min(len - sent);
        if declare_length {
            socket.write_all(&chunk[..n]).await?;
        } else {
            socket.write_all(format!("{n:x}\r\n").as_bytes()).await?;
            socket.write_all(&chunk[..n]).await?;
            socket.write_all(b"\r\n").await?;
        }
        sent += n;
        written.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }
    if !declare_length {
        socket.write_all(b"0\r\n\r\n").await?;
    }
    socket.shutdown().await
}
