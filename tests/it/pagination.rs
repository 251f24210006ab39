//! Lists over real HTTP: the `Pages` and `Items` streams against scripted pages, through
//! hand-built list endpoints (`keyway::__private`), so that every way a list can page, fail,
//! resume and stop is checked on the requests the server actually received: how many, and
//! with which parameters.

use std::time::Duration;

use futures_util::StreamExt;
use keyway::__private::{
    ApiDescriptor, AuthModeDescriptor, ClientCore, CredentialDescriptor, CredentialValue, Credentials, EndpointDescriptor, ErrorFormat, FromCore,
    HeaderTemplate, HttpMethod, PageStyle, PaginationDescriptor, ParamDescriptor, PathPart, ResponseShape,
};
use keyway::{Call, ClientBuilder, Error, Items, Page, PagePosition};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::{Recorded, Reply, Scripted, serve};

static MODES: [AuthModeDescriptor; 1] = [AuthModeDescriptor {
    name: "api_key",
    title: "API key",
    credentials: &[CredentialDescriptor { name: "key", secret: true, env: None }],
    headers: &[HeaderTemplate { name: "authorization", prefix: "Bearer ", credential: "key", suffix: "" }],
    token_endpoint: None,
}];

static API: ApiDescriptor = ApiDescriptor {
    name: "shelf",
    title: "Shelf",
    default_base_url: "https://shelf.invalid",
    base_url_env: None,
    auth_modes: &MODES,
    user_agent: "shelf/1.0",
    errors: ErrorFormat {
        envelope: None,
        type_field: Some("type"),
        message_field: Some("message"),
        request_id_field: None,
        data_field: None,
        validation_errors_field: None,
        validation_messages_key: None,
        request_id_header: Some("x-request-id"),
        invalid_input_type: None,
    },
};

/// `GET /things`: cursor paging, the cursor sent as `cursor`; `limit` is the page size.
static CURSOR_LIST: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "things.list",
    method: HttpMethod::Get,
    path: &[PathPart::Literal("/things")],
    params: &[ParamDescriptor::query("status"), ParamDescriptor::query("tags"), ParamDescriptor::query("limit"), ParamDescriptor::query("cursor")],
    auth_modes: &["api_key"],
    read_only: true,
    response: ResponseShape::Body,
    action: None,
    idempotency_header: None,
    pagination: Some(&PaginationDescriptor {
        style: PageStyle::Cursor { param: "cursor", next: &["next_cursor"] },
        items: "things",
        size: Some(("limit", None)),
        has_more: &["has_more"],
        total_items: &[],
        total_pages: &[],
        current_page: &[],
    }),
};

/// `POST /things/list`: cursor paging with every parameter in the JSON body, as Seam lists
/// are called; read-only, so retried like a `GET`.
static POSTED_LIST: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "things.list_posted",
    method: HttpMethod::Post,
    path: &[PathPart::Literal("/things/list")],
    params: &[ParamDescriptor::body("status"), ParamDescriptor::body("tags"), ParamDescriptor::body("limit"), ParamDescriptor::body("cursor")],
    auth_modes: &["api_key"],
    read_only: true,
    response: ResponseShape::Body,
    action: None,
    idempotency_header: None,
    pagination: CURSOR_LIST.pagination,
};

const fn numbered(first: i64) -> PaginationDescriptor {
    PaginationDescriptor {
        style: PageStyle::Number { param: "page", first },
        items: "things",
        size: Some(("limit", None)),
        has_more: &["has_more"],
        total_items: &[],
        total_pages: &["total_pages"],
        current_page: &[],
    }
}

static FROM_ZERO_PAGING: PaginationDescriptor = numbered(0);
static FROM_ONE_PAGING: PaginationDescriptor = numbered(1);

const NUMBERED_PARAMS: [ParamDescriptor; 4] =
    [ParamDescriptor::query("status"), ParamDescriptor::query("tags"), ParamDescriptor::query("limit"), ParamDescriptor::query("page")];

/// `GET /things`, paging by page number (`page`).
const fn numbered_list(id: &'static str, pagination: &'static PaginationDescriptor) -> EndpointDescriptor {
    EndpointDescriptor {
        api: &API,
        id,
        method: HttpMethod::Get,
        path: &[PathPart::Literal("/things")],
        params: &NUMBERED_PARAMS,
        auth_modes: &["api_key"],
        read_only: true,
        response: ResponseShape::Body,
        action: None,
        idempotency_header: None,
        pagination: Some(pagination),
    }
}

/// Pages numbered from 0.
static FROM_ZERO: EndpointDescriptor = numbered_list("things.list_from_zero", &FROM_ZERO_PAGING);
/// Pages numbered from 1.
static FROM_ONE: EndpointDescriptor = numbered_list("things.list_from_one", &FROM_ONE_PAGING);

/// `POST /things/delete`: a success gives nothing the client reads.
static DELETE: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "things.delete",
    method: HttpMethod::Post,
    path: &[PathPart::Literal("/things/delete")],
    params: &[ParamDescriptor::body("thing_id")],
    auth_modes: &["api_key"],
    read_only: false,
    response: ResponseShape::Empty,
    action: None,
    idempotency_header: None,
    pagination: None,
};

/// One page as the scripted server sends it.
#[derive(Debug, Deserialize)]
struct ThingPage {
    things: Vec<u32>,
    #[serde(default)]
    has_more: Option<bool>,
    #[serde(default)]
    next_cursor: Option<String>,
    #[serde(default)]
    total_pages: Option<i64>,
}

impl Page for ThingPage {
    type Item = u32;

    fn items(&self) -> &[u32] {
        &self.things
    }

    fn into_items(self) -> Vec<u32> {
        self.things
    }

    fn has_more(&self) -> Option<bool> {
        self.has_more
    }

    fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    fn total_pages(&self) -> Option<i64> {
        self.total_pages
    }
}

struct ShelfClient(ClientCore);

impl FromCore for ShelfClient {
    fn from_core(core: ClientCore) -> Self {
        ShelfClient(core)
    }
}

fn client(server: &Scripted) -> ShelfClient {
    let credentials = Credentials { mode: &MODES[0], values: vec![CredentialValue::Secret("k".into())] };
    ClientBuilder::<ShelfClient>::new(&API, credentials).base_url(&server.url).retry_base_delay(Duration::from_millis(1)).build().unwrap()
}

fn filters() -> Value {
    json!({"status": "active", "tags": ["red", "blue"], "limit": 3})
}

/// The query the filters become, in the endpoint's parameter order.
const FILTER_QUERY: [(&str, &str); 4] = [("status", "active"), ("tags", "red"), ("tags", "blue"), ("limit", "3")];

fn list(shelf: &ShelfClient, endpoint: &'static EndpointDescriptor) -> Call<ThingPage> {
    Call::new(&shelf.0, endpoint, filters())
}

/// Page `index` (from 0) of a list of 3-item pages: things `3 * index + 1 ..= 3 * index + 3`.
fn things(index: u32) -> Vec<u32> {
    (3 * index + 1..=3 * index + 3).collect()
}

/// A cursor page holding `things`, pointing at `next`.
fn cursor_page(things: &[u32], next: Option<&str>) -> Reply {
    Reply::json(200, &json!({"things": things, "has_more": next.is_some(), "next_cursor": next}))
}

/// A list of `count` full pages; page `i` (from 0) was fetched with cursor `c{i}` and
/// points at `c{i + 1}`, the last at nothing.
fn cursor_pages(count: u32) -> Vec<Reply> {
    (0..count).map(|i| cursor_page(&things(i), (i + 1 < count).then(|| format!("c{}", i + 1)).as_deref())).collect()
}

fn numbered_page(things: &[u32], has_more: Option<bool>, total_pages: Option<i64>) -> Reply {
    let mut body = json!({ "things": things });
    if let Some(has_more) = has_more {
        body["has_more"] = json!(has_more);
    }
    if let Some(total) = total_pages {
        body["total_pages"] = json!(total);
    }
    Reply::json(200, &body)
}

fn api_error(status: u16) -> Reply {
    Reply::json(status, &json!({"type": "broken", "message": "it broke"})).header("x-request-id", "req_bad")
}

/// A request's query as decoded pairs, in order.
fn query(request: &Recorded) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://h.test/?{}", request.query.as_deref().unwrap_or(""))).unwrap();
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The filters' query, followed by `param=value` when the request names a page.
fn expected_query(page: Option<(&str, &str)>) -> Vec<(String, String)> {
    FILTER_QUERY.iter().copied().chain(page).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// Checks that the server received exactly one `GET /things` per entry of `pages`, each
/// with the first request's filters unchanged and only the page parameter (`param`) set as
/// the entry says (`None`: not sent).
fn check_requests(server: &Scripted, param: &str, pages: &[Option<&str>]) {
    let requests = server.requests();
    let sent: Vec<Option<String>> = requests.iter().map(|r| query(r).into_iter().find(|(k, _)| k == param).map(|(_, v)| v)).collect();
    assert_eq!(sent, pages.iter().map(|p| p.map(str::to_owned)).collect::<Vec<_>>(), "the {param} of each request");
    for (request, page) in requests.iter().zip(pages) {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/things"));
        assert_eq!(query(request), expected_query(page.map(|p| (param, p))), "the filters are sent again unchanged");
    }
}

/// Drains a stream of items: the items before the first error, and that error. After an
/// error the stream must end, and stay ended.
async fn drain(mut items: Items<ThingPage>) -> (Vec<u32>, Option<Error>) {
    let mut got = Vec::new();
    let mut error = None;
    while let Some(item) = items.next().await {
        match item {
            Ok(thing) => got.push(thing),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    assert!(items.next().await.is_none(), "the stream ends after an error or its last item");
    assert!(items.next().await.is_none(), "and stays ended");
    (got, error)
}

/// The pages of a stream of pages, by their items, with the first error, as [`drain`].
async fn drain_pages(mut pages: keyway::Pages<ThingPage>) -> (Vec<Vec<u32>>, Option<Error>) {
    let mut got = Vec::new();
    let mut error = None;
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => got.push(page.into_items()),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    assert!(pages.next().await.is_none(), "the stream ends after an error or its last page");
    (got, error)
}

/// What a stream gave, which must have ended without an error.
fn completed<T: std::fmt::Debug>((got, error): (T, Option<Error>)) -> T {
    if let Some(error) = error {
        panic!("the stream failed after {got:?}: {error:?}");
    }
    got
}

fn all_things(pages: u32) -> Vec<u32> {
    (0..pages).flat_map(things).collect()
}

// ---- cursor paging --------------------------------------------------------------------

#[tokio::test]
async fn an_empty_list_is_one_request_and_no_items() {
    let empty = || Reply::json(200, &json!({"things": [], "has_more": false, "next_cursor": null}));

    let server = serve(vec![empty()]).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items()).await), Vec::<u32>::new());
    check_requests(&server, "cursor", &[None]);

    let server = serve(vec![empty()]).await;
    assert_eq!(completed(drain_pages(list(&client(&server), &CURSOR_LIST).pages()).await), vec![Vec::<u32>::new()]);
    check_requests(&server, "cursor", &[None]);
}

#[tokio::test]
async fn a_one_page_list_is_one_request() {
    let server = serve(cursor_pages(1)).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items()).await), things(0));
    check_requests(&server, "cursor", &[None]);

    let server = serve(cursor_pages(1)).await;
    assert_eq!(completed(drain_pages(list(&client(&server), &CURSOR_LIST).pages()).await), vec![things(0)]);
    check_requests(&server, "cursor", &[None]);
}

#[tokio::test]
async fn a_long_list_sends_the_first_filters_again_with_each_cursor() {
    let server = serve(cursor_pages(5)).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items()).await), all_things(5));
    check_requests(&server, "cursor", &[None, Some("c1"), Some("c2"), Some("c3"), Some("c4")]);

    let server = serve(cursor_pages(5)).await;
    let pages = completed(drain_pages(list(&client(&server), &CURSOR_LIST).pages()).await);
    assert_eq!(pages, (0..5).map(things).collect::<Vec<_>>());
    check_requests(&server, "cursor", &[None, Some("c1"), Some("c2"), Some("c3"), Some("c4")]);
}

#[tokio::test]
async fn a_posted_list_sends_the_first_body_again_with_each_cursor() {
    let mut replies = cursor_pages(3);
    replies.insert(1, api_error(503));
    let server = serve(replies).await;

    assert_eq!(completed(drain(list(&client(&server), &POSTED_LIST).items()).await), all_things(3));
    let bodies: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    let with_cursor = |cursor: &str| {
        let mut body = filters();
        body["cursor"] = json!(cursor);
        body
    };
    assert_eq!(bodies, vec![filters(), with_cursor("c1"), with_cursor("c1"), with_cursor("c2")]);
    for request in server.requests() {
        assert_eq!((request.method.as_str(), request.path.as_str(), request.query.as_deref()), ("POST", "/things/list", None));
    }
}

#[tokio::test]
async fn a_list_called_without_parameters_pages_on() {
    // `()` serializes to null, which a request reads as no parameters; so must paging.
    let server = serve(cursor_pages(3)).await;
    let call: Call<ThingPage> = Call::new(&client(&server).0, &CURSOR_LIST, ());

    assert_eq!(completed(drain(call.items()).await), all_things(3));
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(queries, [None, Some("cursor=c1".to_owned()), Some("cursor=c2".to_owned())]);
}

#[tokio::test]
async fn a_page_is_fetched_only_when_the_one_before_is_used_up() {
    let server = serve(cursor_pages(3)).await;
    let mut items = list(&client(&server), &CURSOR_LIST).items();
    assert_eq!(server.count(), 0, "nothing is sent before the stream is polled");
    for expected in things(0) {
        assert_eq!(items.next().await.unwrap().unwrap(), expected);
        assert_eq!(server.count(), 1);
    }
    assert_eq!(items.next().await.unwrap().unwrap(), 4);
    assert_eq!(server.count(), 2);
}

// ---- failures -------------------------------------------------------------------------

#[tokio::test]
async fn a_page_that_keeps_failing_ends_the_stream_after_the_pages_before_it() {
    // The last reply repeats: page 3 answers 500 to every attempt.
    let server = serve([cursor_pages(3)[..2].to_vec(), vec![api_error(500)]].concat()).await;
    let (got, error) = drain(list(&client(&server), &CURSOR_LIST).max_retries(2).items()).await;

    assert_eq!(got, all_things(2), "exactly the items of pages 1 and 2");
    let error = error.expect("page 3 fails");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!((api.status, api.kind.as_str(), api.request_id.as_deref()), (500, "broken", Some("req_bad")));
    // Page 3 is attempted three times (two retries), always with its own cursor; nothing
    // is requested after it.
    check_requests(&server, "cursor", &[None, Some("c1"), Some("c2"), Some("c2"), Some("c2")]);
}

#[tokio::test]
async fn a_page_refused_with_400_ends_the_stream_without_retrying() {
    let server = serve([cursor_pages(3)[..2].to_vec(), vec![api_error(400)]].concat()).await;
    let (pages, error) = drain_pages(list(&client(&server), &CURSOR_LIST).max_retries(2).pages()).await;

    assert_eq!(pages, vec![things(0), things(1)]);
    assert_eq!(error.expect("page 3 fails").status(), Some(400));
    check_requests(&server, "cursor", &[None, Some("c1"), Some("c2")]);
}

#[tokio::test]
async fn a_page_that_does_not_decode_ends_the_stream_after_the_pages_before_it() {
    let garbled = Reply::json(200, &json!({"things": "not a list", "has_more": true, "next_cursor": "c2"}));
    let server = serve(vec![cursor_page(&things(0), Some("c1")), garbled]).await;
    let (got, error) = drain(list(&client(&server), &CURSOR_LIST).max_retries(2).items()).await;

    assert_eq!(got, things(0));
    let error = error.expect("page 2 fails");
    assert!(matches!(&error, Error::Decode { status: 200, path, .. } if path == "things"), "{error:?}");
    check_requests(&server, "cursor", &[None, Some("c1")]);
}

#[tokio::test]
async fn retries_apply_to_each_page() {
    let mut replies = cursor_pages(3);
    replies.insert(1, api_error(503));
    let server = serve(replies).await;

    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).max_retries(1).items()).await), all_things(3));
    check_requests(&server, "cursor", &[None, Some("c1"), Some("c1"), Some("c2")]);
}

// ---- resuming -------------------------------------------------------------------------

#[tokio::test]
async fn resume_at_a_cursor_starts_there() {
    let server = serve(cursor_pages(4)[2..].to_vec()).await;
    let call = list(&client(&server), &CURSOR_LIST).resume_at(PagePosition::Cursor("c2".into()));

    assert_eq!(completed(drain(call.items()).await), [things(2), things(3)].concat());
    check_requests(&server, "cursor", &[Some("c2"), Some("c3")]);
}

#[tokio::test]
async fn next_position_saved_after_page_two_resumes_at_page_three() {
    let server = serve(cursor_pages(4)).await;
    let shelf = client(&server);

    let mut pages = list(&shelf, &CURSOR_LIST).pages();
    assert_eq!(pages.next_position(), None, "before the first page the start is the call's own");
    assert_eq!(pages.next().await.unwrap().unwrap().into_items(), things(0));
    assert_eq!(pages.next_position(), Some(&PagePosition::Cursor("c1".into())));
    assert_eq!(pages.next().await.unwrap().unwrap().into_items(), things(1));
    let saved = serde_json::to_string(pages.next_position().expect("more pages")).unwrap();
    drop(pages);
    assert_eq!(saved, r#"{"cursor":"c2"}"#);
    assert_eq!(server.count(), 2, "nothing fetched ahead");

    let position: PagePosition = serde_json::from_str(&saved).unwrap();
    let rest = list(&shelf, &CURSOR_LIST).resume_at(position).items();
    assert_eq!(completed(drain(rest).await), [things(2), things(3)].concat());
    check_requests(&server, "cursor", &[None, Some("c1"), Some("c2"), Some("c3")]);
}

#[tokio::test]
async fn next_position_is_none_once_the_list_has_ended() {
    let server = serve(cursor_pages(1)).await;
    let mut pages = list(&client(&server), &CURSOR_LIST).pages();
    pages.next().await.unwrap().unwrap();
    assert_eq!(pages.next_position(), None);
}

// ---- limits ---------------------------------------------------------------------------

#[tokio::test]
async fn max_items_at_a_page_boundary_requests_no_further_page() {
    let server = serve(cursor_pages(4)).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items().max_items(6)).await), all_things(2));
    check_requests(&server, "cursor", &[None, Some("c1")]);
}

#[tokio::test]
async fn max_items_in_mid_page_requests_no_further_page() {
    let server = serve(cursor_pages(4)).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items().max_items(4)).await), vec![1, 2, 3, 4]);
    check_requests(&server, "cursor", &[None, Some("c1")]);

    let server = serve(cursor_pages(4)).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items().max_items(0)).await), Vec::<u32>::new());
    check_requests(&server, "cursor", &[]);
}

#[tokio::test]
async fn max_pages_sends_exactly_that_many_requests() {
    let server = serve(cursor_pages(4)).await;
    let pages = completed(drain_pages(list(&client(&server), &CURSOR_LIST).pages().max_pages(2)).await);
    assert_eq!(pages, vec![things(0), things(1)]);
    check_requests(&server, "cursor", &[None, Some("c1")]);

    let server = serve(cursor_pages(4)).await;
    assert_eq!(completed(drain(list(&client(&server), &CURSOR_LIST).items().max_pages(2)).await), all_things(2));
    check_requests(&server, "cursor", &[None, Some("c1")]);
}

#[tokio::test]
async fn a_stream_stopped_by_a_limit_keeps_the_position_to_resume_from() {
    let server = serve(cursor_pages(4)).await;
    let mut pages = list(&client(&server), &CURSOR_LIST).pages().max_pages(2);
    while let Some(page) = pages.next().await {
        page.unwrap();
    }
    assert_eq!(pages.next_position(), Some(&PagePosition::Cursor("c2".into())), "the list has not ended, only the stream");
    check_requests(&server, "cursor", &[None, Some("c1")]);

    let server = serve(cursor_pages(4)).await;
    let mut items = list(&client(&server), &CURSOR_LIST).items().max_pages(1);
    while let Some(item) = items.next().await {
        item.unwrap();
    }
    assert_eq!(items.next_position(), Some(&PagePosition::Cursor("c1".into())));
    check_requests(&server, "cursor", &[None]);
}

#[tokio::test]
async fn a_limit_reached_on_a_page_that_pages_wrongly_ends_the_stream_without_an_error() {
    // The page says "more" without a cursor, but no page after it was asked for.
    let more = || Reply::json(200, &json!({"things": things(0), "has_more": true, "next_cursor": null}));
    let server = serve(vec![more()]).await;
    let shelf = client(&server);

    assert_eq!(completed(drain_pages(list(&shelf, &CURSOR_LIST).pages().max_pages(1)).await), vec![things(0)]);
    assert_eq!(completed(drain(list(&shelf, &CURSOR_LIST).items().max_pages(1)).await), things(0));
    assert_eq!(completed(drain(list(&shelf, &CURSOR_LIST).items().max_items(3)).await), things(0));
    check_requests(&server, "cursor", &[None, None, None]);
}

#[tokio::test]
async fn take_requests_no_page_past_the_last_taken() {
    let server = serve(cursor_pages(4)).await;
    let taken: Vec<u32> = list(&client(&server), &CURSOR_LIST).items().take(5).map(Result::unwrap).collect().await;
    assert_eq!(taken, vec![1, 2, 3, 4, 5]);
    check_requests(&server, "cursor", &[None, Some("c1")]);

    let server = serve(cursor_pages(4)).await;
    let taken: Vec<u32> = list(&client(&server), &CURSOR_LIST).items().take(6).map(Result::unwrap).collect().await;
    assert_eq!(taken, all_things(2));
    check_requests(&server, "cursor", &[None, Some("c1")]);

    let server = serve(cursor_pages(4)).await;
    let taken: Vec<Vec<u32>> = list(&client(&server), &CURSOR_LIST).pages().take(2).map(|p| p.unwrap().into_items()).collect().await;
    assert_eq!(taken, vec![things(0), things(1)]);
    check_requests(&server, "cursor", &[None, Some("c1")]);
}

// ---- page numbers ---------------------------------------------------------------------

#[tokio::test]
async fn numbered_from_zero_stops_at_total_pages() {
    // The server would go on (its last reply repeats, saying more): `total_pages` stops it.
    let server = serve((0..3).map(|i| numbered_page(&things(i), Some(true), Some(3))).collect()).await;
    assert_eq!(completed(drain(list(&client(&server), &FROM_ZERO).items()).await), all_things(3));
    check_requests(&server, "page", &[None, Some("1"), Some("2")]);
}

#[tokio::test]
async fn numbered_from_one_stops_at_total_pages() {
    let server = serve((0..3).map(|i| numbered_page(&things(i), None, Some(3))).collect()).await;
    assert_eq!(completed(drain(list(&client(&server), &FROM_ONE).items()).await), all_things(3));
    check_requests(&server, "page", &[None, Some("2"), Some("3")]);
}

#[tokio::test]
async fn numbered_pages_stop_when_a_page_says_there_are_no_more() {
    let server = serve(vec![numbered_page(&things(0), Some(true), None), numbered_page(&things(1), Some(false), None)]).await;
    assert_eq!(completed(drain(list(&client(&server), &FROM_ONE).items()).await), all_things(2));
    check_requests(&server, "page", &[None, Some("2")]);

    let server = serve(vec![numbered_page(&things(0), Some(true), None), numbered_page(&things(1), Some(false), None)]).await;
    assert_eq!(completed(drain(list(&client(&server), &FROM_ZERO).items()).await), all_things(2));
    check_requests(&server, "page", &[None, Some("1")]);
}

#[tokio::test]
async fn numbered_pages_stop_at_an_empty_page() {
    // A page that says nothing of what follows, and an empty one that still says "more".
    let server =
        serve(vec![numbered_page(&things(0), None, None), numbered_page(&things(1), Some(true), None), numbered_page(&[], Some(true), None)]).await;
    assert_eq!(completed(drain(list(&client(&server), &FROM_ONE).items()).await), all_things(2));
    check_requests(&server, "page", &[None, Some("2"), Some("3")]);
}

#[tokio::test]
async fn numbered_pages_go_on_from_a_page_number_in_the_parameters() {
    let server = serve(vec![numbered_page(&things(3), Some(true), None), numbered_page(&things(4), Some(false), None)]).await;
    let mut params = filters();
    params["page"] = json!(4);
    let call: Call<ThingPage> = Call::new(&client(&server).0, &FROM_ONE, params);
    assert_eq!(completed(drain(call.items()).await), [things(3), things(4)].concat());
    check_requests(&server, "page", &[Some("4"), Some("5")]);
}

#[tokio::test]
async fn numbered_pages_resume_at_a_saved_number() {
    let server = serve((0..4).map(|i| numbered_page(&things(i), None, Some(4))).collect()).await;
    let shelf = client(&server);

    let mut pages = list(&shelf, &FROM_ONE).pages();
    pages.next().await.unwrap().unwrap();
    let saved = serde_json::to_string(pages.next_position().unwrap()).unwrap();
    assert_eq!(saved, r#"{"number":2}"#);
    drop(pages);

    let position: PagePosition = serde_json::from_str(&saved).unwrap();
    let rest = list(&shelf, &FROM_ONE).resume_at(position).items();
    assert_eq!(completed(drain(rest).await), [things(1), things(2), things(3)].concat());
    check_requests(&server, "page", &[None, Some("2"), Some("3"), Some("4")]);
}

// ---- servers that page wrongly --------------------------------------------------------

fn assert_paging_error(error: Option<Error>, request_id: Option<&str>, says: &str) {
    let error = error.expect("a paging error");
    let Error::Paging { endpoint, request_id: id, message } = &error else { panic!("{error:?}") };
    assert_eq!((*endpoint, id.as_deref()), ("things.list", request_id));
    assert!(message.contains(says), "{message}");
}

#[tokio::test]
async fn a_page_that_gives_back_its_own_cursor_fails_after_its_items() {
    let repeat = cursor_page(&things(1), Some("c1")).header("x-request-id", "req_loop");
    let server = serve(vec![cursor_page(&things(0), Some("c1")), repeat]).await;
    let (got, error) = drain(list(&client(&server), &CURSOR_LIST).items()).await;

    assert_eq!(got, all_things(2), "the items of the page that repeats come first");
    assert_paging_error(error, Some("req_loop"), "same cursor");
    check_requests(&server, "cursor", &[None, Some("c1")]);
}

#[tokio::test]
async fn a_resumed_page_that_gives_back_its_own_cursor_fails_too() {
    let server = serve(vec![cursor_page(&things(2), Some("c2")).header("x-request-id", "req_loop")]).await;
    let call = list(&client(&server), &CURSOR_LIST).resume_at(PagePosition::Cursor("c2".into()));
    let (got, error) = drain(call.items()).await;

    assert_eq!(got, things(2));
    assert_paging_error(error, Some("req_loop"), "same cursor");
    check_requests(&server, "cursor", &[Some("c2")]);
}

#[tokio::test]
async fn a_page_that_says_more_without_a_cursor_fails_after_its_items() {
    for cursor in [json!(null), json!("")] {
        let more = Reply::json(200, &json!({"things": things(0), "has_more": true, "next_cursor": cursor})).header("x-request-id", "req_more");
        let server = serve(vec![more]).await;
        let (got, error) = drain(list(&client(&server), &CURSOR_LIST).items()).await;

        assert_eq!(got, things(0));
        assert_paging_error(error, Some("req_more"), "gives no cursor");
        check_requests(&server, "cursor", &[None]);
    }
}

#[tokio::test]
async fn resuming_at_a_position_of_the_other_style_is_a_config_error_before_sending() {
    let server = serve(cursor_pages(1)).await;
    let shelf = client(&server);

    let (got, error) = drain(list(&shelf, &CURSOR_LIST).resume_at(PagePosition::Number(2)).items()).await;
    assert!(got.is_empty());
    let error = error.expect("a config error");
    assert!(matches!(&error, Error::Config(_)), "{error:?}");
    assert_eq!(error.to_string(), "invalid configuration: things.list cannot resume at Number(2): it pages the other way");

    let (got, error) = drain_pages(list(&shelf, &FROM_ONE).resume_at(PagePosition::Cursor("c1".into())).pages()).await;
    assert!(got.is_empty());
    assert!(matches!(error, Some(Error::Config(_))), "{error:?}");

    let not_a_list: Call<ThingPage> = Call::new(&shelf.0, &DELETE, json!({"thing_id": "t1"}));
    let error = not_a_list.resume_at(PagePosition::Cursor("c1".into())).await.unwrap_err();
    assert!(matches!(&error, Error::Config(message) if message.contains("not a paginated list")), "{error:?}");

    assert_eq!(server.count(), 0, "nothing may reach the server");
}

// ---- empty responses ------------------------------------------------------------------

#[tokio::test]
async fn an_empty_response_gives_unit_from_a_204_or_a_success_flag() {
    let no_content = Reply { status: 204, headers: vec![], body: String::new(), delay: Duration::ZERO };
    for reply in [no_content, Reply::json(200, &json!({"ok": true}))] {
        let server = serve(vec![reply.clone()]).await;
        let call: Call<()> = Call::new(&client(&server).0, &DELETE, json!({"thing_id": "t1"}));

        let response = call.send_with_metadata().await.unwrap_or_else(|e| panic!("{reply:?}: {e:?}"));
        assert_eq!((response.status(), response.into_inner()), (reply.status, ()));
        let request = server.only_request();
        assert_eq!((request.method.as_str(), request.path.as_str(), request.json()), ("POST", "/things/delete", json!({"thing_id": "t1"})));
    }
}
