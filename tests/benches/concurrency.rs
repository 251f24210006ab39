//! 1,000 concurrent requests through one generated client against the mock server
//! (`keyway::seam::mock_server()` on 127.0.0.1): throughput, p50/p99 latency, errors.
//!
//! One warm-up burst, then `ROUNDS` bursts of `CONCURRENCY` `access_codes.get` calls, each
//! its own Tokio task sharing one `SeamClient` (one connection pool). A call's latency runs
//! from the task's first poll to its result; throughput is all measured calls over the
//! time the bursts took. Bounded: `ROUNDS × CONCURRENCY` requests to loopback, then it stops.
//!
//! `cargo bench -p keyway-tests --bench concurrency [-- --out FILE]`; `--out` writes the
//! figures as JSON for `cargo xtask bench`.

use std::time::{Duration, Instant};

use keyway::seam::{AccessCodeId, SeamAuth, SeamClient};
use tokio::task::JoinSet;

const CONCURRENCY: usize = 1_000;
const ROUNDS: usize = 5;
const ACCESS_CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";

struct Burst {
    latencies: Vec<Duration>,
    errors: Vec<String>,
    elapsed: Duration,
}

async fn burst(client: &SeamClient) -> Burst {
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        tasks.spawn(async move {
            let sent = Instant::now();
            let result = client.access_codes().get(AccessCodeId::new(ACCESS_CODE_ID)).await;
            (sent.elapsed(), result.map(|_| ()).map_err(|e| e.to_string()))
        });
    }
    let mut latencies = Vec::with_capacity(CONCURRENCY);
    let mut errors = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((latency, Ok(()))) => latencies.push(latency),
            Ok((_, Err(error))) => errors.push(error),
            Err(error) => errors.push(format!("task failed: {error}")),
        }
    }
    Burst { latencies, errors, elapsed: start.elapsed() }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).cloned();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a Tokio runtime");
    let (bursts, received) = runtime.block_on(async {
        let mock = keyway::seam::mock_server().await.expect("the mock server starts");
        let client = SeamClient::builder(SeamAuth::api_key("bench-key")).base_url(mock.url()).build().expect("a client");
        let warm_up = burst(&client).await;
        assert!(warm_up.errors.is_empty(), "warm-up burst failed: {:?}", &warm_up.errors[..warm_up.errors.len().min(5)]);
        let mut bursts = Vec::new();
        let mut received = 0;
        for _ in 0..ROUNDS {
            mock.reset();
            bursts.push(burst(&client).await);
            received += mock.requests().len();
        }
        (bursts, received)
    });

    let mut latencies: Vec<Duration> = bursts.iter().flat_map(|b| b.latencies.iter().copied()).collect();
    latencies.sort();
    let errors: Vec<&String> = bursts.iter().flat_map(|b| &b.errors).collect();
    let elapsed: Duration = bursts.iter().map(|b| b.elapsed).sum();
    let calls = ROUNDS * CONCURRENCY;
    let throughput = latencies.len() as f64 / elapsed.as_secs_f64();
    let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "concurrency: {ROUNDS} bursts of {CONCURRENCY} calls through one client: {throughput:.0} calls/s, \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} errors; the server received {received} requests for {calls} calls",
        ms(p50),
        ms(p99),
        ms(latencies.last().copied().unwrap_or_default()),
        errors.len(),
    );
    for error in errors.iter().take(5) {
        println!("  error: {error}");
    }
    if let Some(path) = out {
        let json = serde_json::json!({
            "concurrency": CONCURRENCY,
            "rounds": ROUNDS,
            "calls": calls,
            "server_received": received,
            "errors": errors.len(),
            "throughput_per_s": throughput,
            "p50_ms": ms(p50),
            "p99_ms": ms(p99),
            "max_ms": ms(latencies.last().copied().unwrap_or_default()),
        });
        std::fs::write(&path, format!("{json:#}\n")).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
}
