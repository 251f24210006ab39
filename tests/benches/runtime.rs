//! Runtime cost of the generated code against what a person would write by hand.
//!
//! - `decode/<fixture>_{generated,handwritten}`: each documented success example
//!   (`keyway::fixtures`) decoded into the generated type and into a hand-written serde
//!   struct with the same fields, through the same `serde_json::from_str` call on the same
//!   `&str` and the same envelope struct.
//! - `decode/<fixture>_{client_path,handwritten_bytes}`: the same example as bytes, as a
//!   client has it off the network. `client_path` is what the client itself does with a
//!   body (`Fixture::value`, the same `response::decode` a call uses: the UTF-8 check, the
//!   envelope seed, and the error position turned into a JSON path only on failure; the
//!   body is not copied, as a call's is once into its response buffer while it is read).
//!   `handwritten_bytes`, its baseline, is the hand-written struct decoded from those bytes
//!   the cheapest way serde_json offers: `std::str::from_utf8` of the whole body, then
//!   `from_str`. (Until 2026-12-03 the client path was compared with `handwritten`, whose
//!   input is already a `str` and so skips the UTF-8 check any decoder of bytes must make:
//!   unequal work, 1.5–3 % of the instructions of these examples. `serde_json::from_slice`,
//!   what a person most often writes for bytes, checks each string on its own and runs
//!   13–26 % more instructions than `from_utf8` + `from_str` here, so it would flatter us.)
//! - `round_trip/{generated_client,plain_reqwest}`: one `access_codes.get` request to a tiny
//!   axum server on 127.0.0.1 that answers the documented 200 body, through the generated
//!   client and with plain reqwest (same method, path, headers and JSON body; the answer
//!   decoded into the hand-written struct). A tiny server rather than the mock server keeps
//!   the server's share of the time small, so the ratio shows the client's overhead.
//!
//! Side by side: on a shared machine the load changes between two Criterion benchmarks, so
//! the ratios are not taken from two separate runs. The `*_generated`, `*_client_path` and
//! `generated_client` benchmarks time their side and the hand-written one alternately, in
//! blocks of a few iterations within each Criterion sample, and record the ratio of each
//! sample; the median of those ratios is printed at the end and, with
//! `KEYWAY_BENCH_PAIRED=FILE`, written as JSON. Criterion's own estimate of each benchmark
//! is its side alone.
//!
//! `cargo xtask bench` runs this with short measurement times and reads
//! `$CRITERION_HOME/<group>/<id>/new/estimates.json` and the paired ratios; run it alone with
//! `cargo bench -p keyway-tests --bench runtime`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::Criterion;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

// ---------------------------------------------------------------------------------------
// Hand-written types with the generated types' fields.
//
// Differences, by design of the generated code:
// - ids (`AccessCodeId`, …) are `#[serde(transparent)]` newtypes there; `String`/`i64` here
//   (decoded identically);
// - `Timestamp` there accepts RFC 3339 and, failing that, the offset-less form; here
//   `time::serde::rfc3339` (RFC 3339 only), into the same `OffsetDateTime`;
// - `Secret` there is a newtype of `String`; `String` here;
// - string enums (`AccessCodeStatus`, `AccessCodeType`, `AccessMethodMode`) there have a
//   hand-rolled `Deserialize` that keeps an unknown value as `Unknown(String)`; here the
//   plain serde derive with `#[serde(other)]`, which drops the unknown value;
// - tagged unions (`errors`, `warnings`, `pending_mutations`) there buffer the object as a
//   `serde_json::Value`, find the tag, then decode the variant; here they are plain
//   `serde_json::Value`s. No documented success example carries any of these fields, so
//   this choice does not change what is measured.

/// `{"access_code": …, "ok": true}`: `ok` is skipped on both sides.
#[derive(Deserialize)]
struct AccessCodeBody<T> {
    access_code: T,
}

/// `{"access_grant": …}`.
#[derive(Deserialize)]
struct AccessGrantBody<T> {
    access_grant: T,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct AccessCode {
    access_code_id: String,
    code: Option<String>,
    common_code_key: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    device_id: Option<String>,
    dormakaba_oracode_metadata: Option<DormakabaOracodeMetadata>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    ends_at: Option<OffsetDateTime>,
    #[serde(default)]
    errors: Vec<Value>,
    is_backup: Option<bool>,
    is_backup_access_code_available: Option<bool>,
    is_external_modification_allowed: Option<bool>,
    is_managed: Option<bool>,
    is_offline_access_code: Option<bool>,
    is_one_time_use: Option<bool>,
    is_scheduled_on_device: Option<bool>,
    is_waiting_for_code_assignment: Option<bool>,
    name: Option<String>,
    #[serde(default)]
    pending_mutations: Vec<Value>,
    pulled_backup_access_code_id: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    starts_at: Option<OffsetDateTime>,
    status: AccessCodeStatus,
    r#type: AccessCodeType,
    #[serde(default)]
    warnings: Vec<Value>,
    workspace_id: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct DormakabaOracodeMetadata {
    is_cancellable: Option<bool>,
    is_early_checkin_able: Option<bool>,
    is_extendable: Option<bool>,
    is_overridable: Option<bool>,
    site_name: Option<String>,
    stay_id: Option<f64>,
    user_level_id: Option<String>,
    user_level_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "decoded to be measured, never read")]
enum AccessCodeStatus {
    Setting,
    Set,
    Unset,
    Removing,
    #[serde(rename = "unknown")]
    StatusUnknown,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "decoded to be measured, never read")]
enum AccessCodeType {
    TimeBound,
    Ongoing,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct AccessGrant {
    access_grant_id: String,
    access_grant_key: Option<String>,
    access_method_ids: Vec<String>,
    client_session_token: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    customization_profile_id: Option<String>,
    display_name: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    ends_at: Option<OffsetDateTime>,
    #[serde(default)]
    errors: Vec<Value>,
    instant_key_url: Option<String>,
    #[serde(default)]
    location_ids: Vec<String>,
    name: Option<String>,
    #[serde(default)]
    pending_mutations: Vec<Value>,
    requested_access_methods: Vec<RequestedAccessMethod>,
    reservation_key: Option<String>,
    space_ids: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    starts_at: OffsetDateTime,
    user_identity_id: String,
    #[serde(default)]
    warnings: Vec<Value>,
    workspace_id: String,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct RequestedAccessMethod {
    code: Option<String>,
    created_access_method_ids: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    display_name: String,
    instant_key_max_use_count: Option<i64>,
    mode: AccessMethodMode,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "decoded to be measured, never read")]
enum AccessMethodMode {
    Code,
    Card,
    MobileKey,
    CloudKey,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct AccessToken {
    business_id: Option<i64>,
    access_code: Option<String>,
    description: Option<String>,
    minutes_included: Option<i64>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    valid_from: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    valid_to: Option<OffsetDateTime>,
    user_limit: Option<i64>,
    minutes_left: Option<i64>,
    mac_address: Option<String>,
    booking_guid: Option<String>,
    visitor_guid: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    last_access: Option<OffsetDateTime>,
    id: i64,
    unique_id: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    created_on: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    updated_on: Option<OffsetDateTime>,
    updated_by: Option<String>,
    is_new: Option<bool>,
    system_id: Option<String>,
    to_string_text: Option<String>,
    localization_details: Option<Value>,
    custom_fields: Option<Value>,
}

// ---------------------------------------------------------------------------------------
// Side-by-side ratios.

/// For each comparison, the ratio ours / hand-written of every Criterion sample.
static PAIRED: Mutex<BTreeMap<&'static str, Vec<f64>>> = Mutex::new(BTreeMap::new());

/// Iterations of one side before switching to the other.
const BLOCK: u64 = 8;

/// For `Bencher::iter_custom`: runs `ours` and `baseline` `iters` times each, alternating in
/// blocks so that both see the same machine load; records the ratio under `name` and returns
/// the time of `ours`.
fn side_by_side<A, B>(name: &'static str, iters: u64, mut ours: impl FnMut() -> A, mut baseline: impl FnMut() -> B) -> Duration {
    let (mut ours_time, mut baseline_time) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < iters {
        let n = BLOCK.min(iters - done);
        let start = Instant::now();
        for _ in 0..n {
            black_box(ours());
        }
        ours_time += start.elapsed();
        let start = Instant::now();
        for _ in 0..n {
            black_box(baseline());
        }
        baseline_time += start.elapsed();
        done += n;
    }
    if !baseline_time.is_zero() {
        let ratio = ours_time.as_secs_f64() / baseline_time.as_secs_f64();
        PAIRED.lock().unwrap_or_else(|e| e.into_inner()).entry(name).or_default().push(ratio);
    }
    ours_time
}

/// Prints the median ratio of each comparison; writes them to `$KEYWAY_BENCH_PAIRED` if set.
fn report_paired() {
    let paired = PAIRED.lock().unwrap_or_else(|e| e.into_inner());
    let mut json = serde_json::Map::new();
    println!("\nside-by-side ratios (median over samples, ours / hand-written):");
    for (name, ratios) in paired.iter() {
        let mut sorted = ratios.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        println!("  {name}: {median:.3} ({} samples)", sorted.len());
        json.insert((*name).to_owned(), serde_json::json!({ "median_ratio": median, "samples": sorted.len() }));
    }
    if let Some(path) = std::env::var_os("KEYWAY_BENCH_PAIRED") {
        let text = format!("{:#}\n", Value::Object(json));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.to_string_lossy()));
    }
}

/// With `KEYWAY_BENCH_REPEAT=<fixture>_<side>:<count>` (`seam_access_codes_client_path:100000`;
/// sides `generated`, `handwritten`, `client_path`, `handwritten_bytes`),
/// runs that one side `count` times and exits, without Criterion: a fixed amount of work
/// for `valgrind --tool=callgrind`, whose instruction counts repeat from run to run where
/// times on a shared machine do not. Called for each fixture before it is benchmarked.
fn repeat_if_asked<A, B, C, D>(fixture: &str, sides: (impl Fn() -> A, impl Fn() -> B, impl Fn() -> C, impl Fn() -> D)) {
    let (generated, hand, client, hand_bytes) = sides;
    let Ok(asked) = std::env::var("KEYWAY_BENCH_REPEAT") else { return };
    let (side, count) = asked.rsplit_once(':').unwrap_or((&asked, "100000"));
    let count: u64 = count.parse().expect("KEYWAY_BENCH_REPEAT=<fixture>_<side>:<count>");
    let Some(side) = side.strip_prefix(fixture).and_then(|rest| rest.strip_prefix('_')) else { return };
    for _ in 0..count {
        match side {
            "generated" => drop(black_box(generated())),
            "handwritten" => drop(black_box(hand())),
            "client_path" => drop(black_box(client())),
            "handwritten_bytes" => drop(black_box(hand_bytes())),
            other => panic!("no side {other}: generated, handwritten, client_path or handwritten_bytes"),
        }
    }
    std::process::exit(0);
}

// ---------------------------------------------------------------------------------------
// (a) Decoding.

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");

    let access_codes = keyway::fixtures::seam::access_codes::get_200();
    let body = access_codes.body();
    // Both sides must accept the example, or the comparison is meaningless.
    serde_json::from_str::<AccessCodeBody<AccessCode>>(body).expect("hand-written AccessCode decodes the example");
    access_codes.value().expect("generated AccessCode decodes the example");
    let generated = || serde_json::from_str::<AccessCodeBody<keyway::seam::AccessCode>>(black_box(body)).map(|b| b.access_code);
    let hand = || serde_json::from_str::<AccessCodeBody<AccessCode>>(black_box(body)).map(|b| b.access_code);
    let client = || black_box(&access_codes).value();
    let bytes = body.as_bytes();
    let hand_bytes = || {
        let text = std::str::from_utf8(black_box(bytes)).map_err(<serde_json::Error as serde::de::Error>::custom)?;
        serde_json::from_str::<AccessCodeBody<AccessCode>>(text).map(|b| b.access_code)
    };
    hand_bytes().expect("hand-written from bytes decodes the example");
    repeat_if_asked("seam_access_codes", (generated, hand, client, hand_bytes));
    group.bench_function("seam_access_codes_generated", |b| b.iter_custom(|n| side_by_side("seam_access_codes", n, generated, hand)));
    group.bench_function("seam_access_codes_handwritten", |b| b.iter(hand));
    group
        .bench_function("seam_access_codes_client_path", |b| b.iter_custom(|n| side_by_side("seam_access_codes_client_path", n, client, hand_bytes)));
    group.bench_function("seam_access_codes_handwritten_bytes", |b| b.iter(hand_bytes));

    let access_grants = keyway::fixtures::seam::access_grants::get_200();
    let body = access_grants.body();
    serde_json::from_str::<AccessGrantBody<AccessGrant>>(body).expect("hand-written AccessGrant decodes the example");
    access_grants.value().expect("generated AccessGrant decodes the example");
    let generated = || serde_json::from_str::<AccessGrantBody<keyway::seam::AccessGrant>>(black_box(body)).map(|b| b.access_grant);
    let hand = || serde_json::from_str::<AccessGrantBody<AccessGrant>>(black_box(body)).map(|b| b.access_grant);
    let client = || black_box(&access_grants).value();
    let bytes = body.as_bytes();
    let hand_bytes = || {
        let text = std::str::from_utf8(black_box(bytes)).map_err(<serde_json::Error as serde::de::Error>::custom)?;
        serde_json::from_str::<AccessGrantBody<AccessGrant>>(text).map(|b| b.access_grant)
    };
    hand_bytes().expect("hand-written from bytes decodes the example");
    repeat_if_asked("seam_access_grants", (generated, hand, client, hand_bytes));
    group.bench_function("seam_access_grants_generated", |b| b.iter_custom(|n| side_by_side("seam_access_grants", n, generated, hand)));
    group.bench_function("seam_access_grants_handwritten", |b| b.iter(hand));
    group.bench_function("seam_access_grants_client_path", |b| {
        b.iter_custom(|n| side_by_side("seam_access_grants_client_path", n, client, hand_bytes))
    });
    group.bench_function("seam_access_grants_handwritten_bytes", |b| b.iter(hand_bytes));

    let access_tokens = keyway::fixtures::nexudus::access_tokens::get_200();
    let body = access_tokens.body();
    serde_json::from_str::<AccessToken>(body).expect("hand-written AccessToken decodes the example");
    access_tokens.value().expect("generated AccessToken decodes the example");
    let generated = || serde_json::from_str::<keyway::nexudus::AccessToken>(black_box(body));
    let hand = || serde_json::from_str::<AccessToken>(black_box(body));
    let client = || black_box(&access_tokens).value();
    let bytes = body.as_bytes();
    let hand_bytes = || {
        let text = std::str::from_utf8(black_box(bytes)).map_err(<serde_json::Error as serde::de::Error>::custom)?;
        serde_json::from_str::<AccessToken>(text)
    };
    hand_bytes().expect("hand-written from bytes decodes the example");
    repeat_if_asked("nexudus_access_tokens", (generated, hand, client, hand_bytes));
    group.bench_function("nexudus_access_tokens_generated", |b| b.iter_custom(|n| side_by_side("nexudus_access_tokens", n, generated, hand)));
    group.bench_function("nexudus_access_tokens_handwritten", |b| b.iter(hand));
    group.bench_function("nexudus_access_tokens_client_path", |b| {
        b.iter_custom(|n| side_by_side("nexudus_access_tokens_client_path", n, client, hand_bytes))
    });
    group.bench_function("nexudus_access_tokens_handwritten_bytes", |b| b.iter(hand_bytes));

    group.finish();
}

// ---------------------------------------------------------------------------------------
// (b) One request round trip.

const ACCESS_CODE_ID: &str = "26d6138c-6524-4f3c-ac96-43cc3bea0a8d";

/// A server that answers `POST /access_codes/get` with the documented 200 body.
async fn tiny_server() -> String {
    use axum::http::header;
    use axum::routing::post;

    async fn answer(_body: axum::body::Bytes) -> impl axum::response::IntoResponse {
        ([(header::CONTENT_TYPE, "application/json")], keyway::fixtures::seam::access_codes::GET_200_JSON)
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let app = axum::Router::new().route("/access_codes/get", post(answer));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// What a hand-written client sends: `{"access_code_id": …}`.
#[derive(Serialize)]
struct GetAccessCode<'a> {
    access_code_id: &'a str,
}

async fn plain_get(client: &reqwest::Client, base: &str) -> Result<AccessCode, String> {
    let body = serde_json::to_vec(&GetAccessCode { access_code_id: ACCESS_CODE_ID }).map_err(|e| e.to_string())?;
    let response = client
        .post(format!("{base}/access_codes/get"))
        .header("authorization", "Bearer bench-key")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice::<AccessCodeBody<AccessCode>>(&bytes).map(|b| b.access_code).map_err(|e| e.to_string())
}

fn round_trip(c: &mut Criterion) {
    use keyway::seam::{AccessCodeId, SeamAuth, SeamClient};

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a Tokio runtime");
    let base = runtime.block_on(tiny_server());
    let generated = SeamClient::builder(SeamAuth::api_key("bench-key")).base_url(base.clone()).build().expect("a client");
    // reqwest is built without a TLS provider of its own (as in the generated crate); plain
    // http needs none, but building a client asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let plain = reqwest::Client::new();
    runtime.block_on(async {
        generated.access_codes().get(AccessCodeId::new(ACCESS_CODE_ID)).await.expect("the generated client gets the code");
        plain_get(&plain, &base).await.expect("plain reqwest gets the code");
    });

    let ours = || runtime.block_on(async { generated.access_codes().get(AccessCodeId::new(ACCESS_CODE_ID)).await }).expect("a response");
    let theirs = || runtime.block_on(plain_get(&plain, &base)).expect("a response");
    let mut group = c.benchmark_group("round_trip");
    group.bench_function("generated_client", |b| b.iter_custom(|n| side_by_side("round_trip", n, ours, theirs)));
    group.bench_function("plain_reqwest", |b| b.iter(theirs));
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    decode(&mut criterion);
    round_trip(&mut criterion);
    criterion.final_summary();
    report_paired();
}
