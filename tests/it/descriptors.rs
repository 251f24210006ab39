//! Runtime behaviour that no current spec reaches (every documented endpoint is read-only
//! and accepts every auth mode of its API), proven with a hand-built API description
//! through `keyway::__private`, over real HTTP like the rest.

use keyway::__private::{
    ApiDescriptor, ArrayStyle, AuthModeDescriptor, ClientCore, CredentialDescriptor, CredentialValue, Credentials, EndpointDescriptor, ErrorFormat,
    FromCore, HeaderTemplate, HttpMethod, ParamDescriptor, PathPart, ResponseShape,
};
use keyway::{Call, ClientBuilder, Error};
use serde_json::json;

use crate::server::{Reply, serve};

static MODES: [AuthModeDescriptor; 2] = [
    AuthModeDescriptor {
        name: "admin_key",
        title: "Admin key",
        credentials: &[CredentialDescriptor { name: "key", secret: true, env: None }],
        headers: &[HeaderTemplate { name: "authorization", prefix: "Bearer ", credential: "key", suffix: "" }],
        token_endpoint: None,
    },
    AuthModeDescriptor {
        name: "session",
        title: "Session",
        credentials: &[CredentialDescriptor { name: "session", secret: true, env: None }],
        headers: &[HeaderTemplate { name: "x-session", prefix: "", credential: "session", suffix: "" }],
        token_endpoint: None,
    },
];

static API: ApiDescriptor = ApiDescriptor {
    name: "shop",
    title: "Shop",
    default_base_url: "https://shop.invalid",
    base_url_env: None,
    auth_modes: &MODES,
    user_agent: "shop/1.0",
    errors: ErrorFormat {
        envelope: None,
        type_field: Some("type"),
        message_field: Some("message"),
        request_id_field: None,
        data_field: None,
        validation_errors_field: None,
        validation_messages_key: None,
        request_id_header: None,
        invalid_input_type: None,
    },
};

/// `POST /orders/create`: changes state, so never retried; only the admin key may call it.
static CREATE_ORDER: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "orders.create",
    method: HttpMethod::Post,
    path: &[PathPart::Literal("/orders/create")],
    params: &[ParamDescriptor::body("sku")],
    auth_modes: &["admin_key"],
    read_only: false,
    response: ResponseShape::Body,
    action: None,
    idempotency_header: None,
    pagination: None,
};

struct ShopClient(ClientCore);

impl FromCore for ShopClient {
    fn from_core(core: ClientCore) -> Self {
        ShopClient(core)
    }
}

fn client(url: &str, mode: usize, value: &str) -> ShopClient {
    let credentials = Credentials { mode: &MODES[mode], values: vec![CredentialValue::Secret(value.into())] };
    ClientBuilder::<ShopClient>::new(&API, credentials).base_url(url).retry_base_delay(std::time::Duration::from_millis(1)).build().unwrap()
}

fn create_order(client: &ShopClient) -> Call<serde_json::Value> {
    Call::new(&client.0, &CREATE_ORDER, json!({"sku": "A-1"}))
}

#[tokio::test]
async fn a_post_that_is_not_read_only_is_never_retried() {
    let server = serve(vec![Reply::json(503, &json!({"type": "unavailable", "message": "try later"}))]).await;
    let shop = client(&server.url, 0, "admin");

    let error = create_order(&shop).max_retries(5).await.unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(server.requests().len(), 1, "a state-changing POST must not be repeated");
}

#[tokio::test]
async fn an_auth_mode_the_endpoint_does_not_accept_is_refused_before_sending() {
    let server = serve(vec![Reply::json(200, &json!({}))]).await;
    let shop = client(&server.url, 1, "session-1");

    let error = create_order(&shop).await.unwrap_err();

    let Error::AuthModeNotAccepted { endpoint, mode, accepted } = &error else { panic!("{error:?}") };
    assert_eq!((*endpoint, *mode, *accepted), ("orders.create", "session", &["admin_key"][..]));
    assert!(error.to_string().contains("it accepts: admin_key"), "{error}");
    assert!(server.requests().is_empty(), "nothing may reach the server");
}

/// `PATCH /orders/{id}`: parameters in every place a spec can put them.
static UPDATE_ORDER: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "orders.update",
    method: HttpMethod::Patch,
    path: &[PathPart::Literal("/orders/"), PathPart::Param("id")],
    params: &[
        ParamDescriptor::path("id"),
        ParamDescriptor::query_array("skus", ArrayStyle::Comma),
        ParamDescriptor::query_array("tags", ArrayStyle::Brackets),
        ParamDescriptor::query("notes"),
        ParamDescriptor::header("X-Shop-Trace"),
        ParamDescriptor::body("ends_at"),
        ParamDescriptor::body("note"),
    ],
    auth_modes: &["admin_key"],
    read_only: false,
    response: ResponseShape::Empty,
    action: None,
    idempotency_header: None,
    pagination: None,
};

/// What a generated params struct serializes: a nullable parameter is an `Option<Option<_>>`
/// whose outer `None` is left out and whose `Some(None)` is `null`.
#[derive(serde::Serialize)]
struct UpdateParams {
    id: &'static str,
    skus: Vec<&'static str>,
    tags: Vec<&'static str>,
    notes: Vec<&'static str>,
    #[serde(rename = "X-Shop-Trace")]
    trace: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends_at: Option<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Option<&'static str>>,
}

#[tokio::test]
async fn arrays_headers_and_nulls_travel_as_the_spec_says() {
    let server = serve(vec![Reply::raw(204, "application/json", "")]).await;
    let shop = client(&server.url, 0, "admin");
    let params = UpdateParams {
        id: "o-1",
        skus: vec!["a", "b"],
        tags: vec!["x", "y z"],
        notes: vec!["p", "q"],
        trace: "t-42",
        ends_at: Some(None),
        note: None,
    };

    let (): () = Call::new(&shop.0, &UPDATE_ORDER, params).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.path, "/orders/o-1");
    let query = request.query.as_deref().unwrap();
    assert_eq!(query, "skus=a%2Cb&tags%5B%5D=x&tags%5B%5D=y+z&notes=p&notes=q", "comma, brackets, repeat");
    assert_eq!(request.header("x-shop-trace"), Some("t-42"));
    assert_eq!(request.json(), json!({"ends_at": null}), "an explicit null is sent; a parameter left out is not");
}

#[tokio::test]
async fn a_response_that_gives_nothing_is_unit_whatever_the_body() {
    for reply in
        [Reply::raw(204, "application/json", ""), Reply::json(200, &json!({"ok": true})), Reply::json(200, &json!({"ok": true, "extra": [1]}))]
    {
        let server = serve(vec![reply]).await;
        let shop = client(&server.url, 0, "admin");
        let params = UpdateParams { id: "o-1", skus: vec![], tags: vec![], notes: vec![], trace: "t", ends_at: None, note: None };
        let (): () = Call::new(&shop.0, &UPDATE_ORDER, params).await.unwrap();
    }
}

/// `POST /payments`: changes state, sent with an idempotency key.
static PAY: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "payments.create",
    method: HttpMethod::Post,
    path: &[PathPart::Literal("/payments")],
    params: &[ParamDescriptor::body("amount")],
    auth_modes: &["admin_key"],
    read_only: false,
    response: ResponseShape::Body,
    action: None,
    idempotency_header: Some("Idempotency-Key"),
    pagination: None,
};

fn pay(client: &ShopClient) -> Call<serde_json::Value> {
    Call::new(&client.0, &PAY, json!({"amount": 5}))
}

#[tokio::test]
async fn a_write_with_an_idempotency_key_is_retried_with_the_same_key() {
    let server = serve(vec![Reply::json(503, &json!({"type": "unavailable", "message": "later"})), Reply::json(200, &json!({"id": "p-1"}))]).await;
    let shop = client(&server.url, 0, "admin");

    assert_eq!(pay(&shop).await.unwrap(), json!({"id": "p-1"}));

    let keys: Vec<String> = server.requests().iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(keys.len(), 2, "retried once");
    assert_eq!(keys[0], keys[1], "the same key on the retry");
    assert_eq!(keys[0].len(), 36, "a UUID: {}", keys[0]);

    // A second call is another operation: another key.
    let server = serve(vec![Reply::json(200, &json!({}))]).await;
    let shop2 = client(&server.url, 0, "admin");
    pay(&shop2).await.unwrap();
    assert_ne!(server.requests()[0].header("idempotency-key").unwrap(), keys[0]);
}

#[tokio::test]
async fn a_callers_key_is_sent_and_a_write_without_a_declared_header_is_sent_once() {
    let server = serve(vec![Reply::json(200, &json!({}))]).await;
    let shop = client(&server.url, 0, "admin");
    pay(&shop).idempotency_key("order-77").await.unwrap();
    assert_eq!(server.requests()[0].header("idempotency-key"), Some("order-77"));

    let server = serve(vec![Reply::json(503, &json!({"type": "unavailable", "message": "later"}))]).await;
    let shop = client(&server.url, 0, "admin");
    let error = create_order(&shop).idempotency_key("k").await.unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(server.requests().is_empty(), "a key with nowhere to go sends nothing");
    create_order(&shop).await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "no idempotency header: never retried");
}

#[tokio::test]
async fn the_mock_answers_a_repeated_idempotency_key_with_the_first_answer() {
    use keyway::__private::{MockApi, MockEndpoint};
    static PAY_MOCK: MockEndpoint =
        MockEndpoint { endpoint: &PAY, required: &["amount"], one_of: &[], responses: &[(200, r#"{"id": "p-1"}"#)], known_ids: &[] };
    static SHOP_MOCK: MockApi = MockApi { api: &API, endpoints: &[&PAY_MOCK], error_template: None };
    let mock = keyway::mock::MockServer::start(&SHOP_MOCK).await.unwrap();
    let shop = client(&mock.url(), 0, "admin");

    let first = pay(&shop).idempotency_key("k-1").await.unwrap();
    mock.on("payments.create").respond(200, json!({"id": "p-2"}));
    assert_eq!(pay(&shop).idempotency_key("k-1").await.unwrap(), first, "the same key: the first answer");
    assert_eq!(pay(&shop).idempotency_key("k-2").await.unwrap(), json!({"id": "p-2"}), "a new key: a new answer");
}

/// `POST /orders/redeem`: a form-urlencoded body, as OAuth token endpoints take.
static REDEEM: EndpointDescriptor = EndpointDescriptor {
    api: &API,
    id: "orders.redeem",
    method: HttpMethod::Post,
    path: &[PathPart::Literal("/orders/redeem")],
    params: &[ParamDescriptor::form("code"), ParamDescriptor::form("quantity"), ParamDescriptor::form("skus"), ParamDescriptor::form("gift")],
    auth_modes: &["admin_key"],
    read_only: false,
    response: ResponseShape::Empty,
    action: None,
    idempotency_header: None,
    pagination: None,
};

#[tokio::test]
async fn form_parameters_travel_as_a_form_body() {
    let server = serve(vec![Reply::raw(204, "application/json", "")]).await;
    let shop = client(&server.url, 0, "admin");
    let params = json!({ "code": "a&b=c d+é", "quantity": 3, "skus": ["x", "y"] });

    let (): () = Call::new(&shop.0, &REDEEM, params).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    let body = std::str::from_utf8(&request.body).unwrap();
    assert_eq!(
        body, "code=a%26b%3Dc+d%2B%C3%A9&quantity=3&skus=x&skus=y",
        "escaped, numbers as text, a list as the field repeated, an unset one left out"
    );
    let refused = Call::<()>::new(&shop.0, &REDEEM, json!({ "code": { "nested": true } })).await.unwrap_err();
    assert!(
        matches!(&refused, Error::Config(message) if message.contains("`code` of orders.redeem must be a string, number or boolean")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_mock_reads_a_form_body_and_checks_its_required_fields() {
    use keyway::__private::{MockApi, MockEndpoint};
    static REDEEM_MOCK: MockEndpoint = MockEndpoint { endpoint: &REDEEM, required: &["code"], one_of: &[], responses: &[(204, "")], known_ids: &[] };
    static SHOP_MOCK: MockApi = MockApi { api: &API, endpoints: &[&REDEEM_MOCK], error_template: None };
    let mock = keyway::mock::MockServer::start(&SHOP_MOCK).await.unwrap();
    let shop = client(&mock.url(), 0, "admin");

    let (): () = Call::new(&shop.0, &REDEEM, json!({ "code": "c-1", "skus": ["x", "y"] })).await.unwrap();
    let missing = Call::<()>::new(&shop.0, &REDEEM, json!({ "quantity": 2 })).await.unwrap_err();

    assert_eq!(mock.requests()[0].body, Some(json!({ "code": "c-1", "skus": ["x", "y"] })), "the form as the mock read it");
    assert_eq!(missing.status(), Some(400), "{missing:?}");
    let json_body = reqwest::Client::new()
        .post(format!("{}/orders/redeem", mock.url()))
        .bearer_auth("admin")
        .header("content-type", "application/json")
        .body(r#"{"code": "c-1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 415, "a form endpoint refuses a JSON body");
}
