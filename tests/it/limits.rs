//! The response size limit: bodies over it are refused from their `Content-Length` or while
//! they stream in, with memory bounded by the limit rather than the body.

use std::time::Duration;

use keyway::Error;
use keyway::seam::{AccessCode, AccessCodeId, SeamAuth, SeamClient};

use crate::fixtures::body;
use crate::server::{Reply, serve, serve_stream};

const CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";
const MIB: usize = 1 << 20;
/// The default limit, as documented.
const DEFAULT_LIMIT: u64 = 10 << 20;

fn seam_at(url: &str) -> SeamClient {
    SeamClient::builder(SeamAuth::api_key("k")).base_url(url).retry_base_delay(Duration::from_millis(10)).build().unwrap()
}

fn get(client: &SeamClient) -> keyway::Call<AccessCode> {
    client.access_codes().get(AccessCodeId::new(CODE_ID))
}

fn too_large(err: &Error) -> (u64, Option<u64>) {
    match err {
        Error::ResponseTooLarge { endpoint: "access_codes.get", status: 200, limit, content_length, request_id } => {
            assert_eq!(request_id.as_deref(), Some("req_big"));
            (*limit, *content_length)
        }
        other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_body_is_read() {
    let server = serve_stream(200, 100 * MIB, true).await;
    let err = get(&seam_at(&server.url)).await.unwrap_err();

    assert_eq!(too_large(&err), (DEFAULT_LIMIT, Some(100 * MIB as u64)));
    assert!(err.is_response_too_large() && !err.is_timeout());
    assert_eq!((err.status(), err.request_id()), (Some(200), Some("req_big")));
    assert_eq!(
        err.to_string(),
        "access_codes.get: the HTTP 200 response is larger than the limit of 10 MiB (10485760 bytes) (its Content-Length is \
         104857600) (request id req_big); raise it with ClientBuilder::max_response_size or Call::max_response_size"
    );
    // Only what fit in the socket buffers before the client hung up, and no retry.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.written() < 100 * MIB / 4, "the server wrote {} bytes", server.written());
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_while_it_streams() {
    let server = serve_stream(200, 3 * MIB, false).await;
    let client = seam_at(&server.url);

    let err = get(&client).max_response_size(MIB as u64).await.unwrap_err();
    assert_eq!(too_large(&err), (MIB as u64, None));
    assert!(err.to_string().contains("larger than the limit of 1 MiB (1048576 bytes) (request id req_big)"), "{err}");

    // Raising the limit lets the same body through (it is all whitespace: a decode error).
    let err = get(&client).max_response_size(4 * MIB as u64).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn the_limit_is_set_on_the_builder_and_counts_exact_bytes() {
    let reply = Reply::json(200, &body("seam/access_codes.get.200.json"));
    let size = reply.body.len() as u64;
    let server = serve(vec![reply]).await;
    let at_limit = SeamClient::builder(SeamAuth::api_key("k")).base_url(&server.url).max_response_size(size).build().unwrap();
    get(&at_limit).await.unwrap();
    let below = SeamClient::builder(SeamAuth::api_key("k")).base_url(&server.url).max_response_size(size - 1).build().unwrap();
    let err = get(&below).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit, content_length: Some(length), .. } if limit == size - 1 && length == size), "{err:?}");
}

#[tokio::test]
async fn an_error_response_over_the_limit_is_reported_by_its_status() {
    let html = format!("<html><h1>502 Bad Gateway</h1>{}</html>", "<p>nginx</p>".repeat(1000));
    let server = serve(vec![Reply::raw(502, "text/html", html)]).await;
    let err = get(&seam_at(&server.url)).max_response_size(1024).no_retries().await.unwrap_err();
    let Error::UnexpectedResponse { status: 502, body_snippet, .. } = &err else { panic!("expected Error::UnexpectedResponse, got {err:?}") };
    assert!(body_snippet.starts_with("<html><h1>502 Bad Gateway</h1>"), "{body_snippet}");
}

/// Runs [`memory_of_a_refused_100_mb_body`] in a process of its own, so that the peak
/// memory it reads is that of the one call and not of other tests.
#[test]
#[cfg(target_os = "linux")]
fn a_100_mb_body_is_refused_with_memory_bounded_by_the_limit() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["limits::memory_of_a_refused_100_mb_body", "--exact", "--ignored", "--nocapture", "--test-threads", "1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stdout.contains("1 passed"), "{stdout}\n{stderr}");
    // The figures, for `--nocapture`.
    for line in stdout.lines().filter_map(|line| line.find("memory:").map(|at| &line[at..])) {
        println!("{line}");
    }
}

const CHILD: &str = "KEYWAY_TEST_MEMORY_CHILD";

/// `VmHWM` (peak resident memory) and `VmRSS` of this process, in bytes.
#[cfg(target_os = "linux")]
fn memory() -> (usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| -> usize {
        let line = status.lines().find(|line| line.starts_with(name)).unwrap();
        let kib: usize = line[name.len()..].trim().trim_end_matches("kB").trim().parse().unwrap();
        kib * 1024
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[tokio::test]
#[ignore = "run in its own process by a_100_mb_body_is_refused_with_memory_bounded_by_the_limit"]
#[cfg(target_os = "linux")]
async fn memory_of_a_refused_100_mb_body() {
    if std::env::var_os(CHILD).is_none() {
        eprintln!("skipped: only meaningful in a process of its own");
        return;
    }
    const BODY: usize = 100 * MIB;
    // Chunked, so only the limit enforced while reading can stop it.
    let server = serve_stream(200, BODY, false).await;
    let client = seam_at(&server.url);
    // Warm up everything but the body buffer: connection, TLS-free HTTP stack, runtime.
    let err = get(&client).max_response_size(64 * 1024).await.unwrap_err();
    assert!(err.is_response_too_large(), "{err:?}");

    let (peak_before, rss_before) = memory();
    let err = get(&client).await.unwrap_err();
    let (peak_after, rss_after) = memory();

    let growth = peak_after.saturating_sub(peak_before);
    println!(
        "memory: body {BODY} bytes, limit {DEFAULT_LIMIT} bytes; VmHWM {peak_before} -> {peak_after} (+{growth}); VmRSS {rss_before} -> \
         {rss_after}; server wrote {} bytes",
        server.written()
    );
    assert_eq!(too_large(&err), (DEFAULT_LIMIT, None));
    // The buffer holds at most the limit; a whole body would add 100 MiB or more.
    assert!(growth < BODY / 4, "peak memory grew by {growth} bytes for a {BODY}-byte body");
    assert!(server.written() < BODY / 2, "the server wrote {} bytes", server.written());
}
