//! Runtime behaviour that no current spec reaches (every documented endpoint is read-only
//! and accepts every auth mode of its API), proven with a hand-built API description
//! through `keyway::__private`, over real HTTP like the rest.

use keyway::__private::{
    ApiDescriptor, AuthModeDescriptor, ClientCore, CredentialDescriptor, CredentialValue, Credentials, EndpointDescriptor, ErrorFormat, FromCore,
    HeaderTemplate, HttpMethod, ParamDescriptor, ParamLocation, PathPart, ResponseShape,
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
    },
    AuthModeDescriptor {
        name: "session",
        title: "Session",
        credentials: &[CredentialDescriptor { name: "session", secret: true, env: None }],
        headers: &[HeaderTemplate { name: "x-session", prefix: "", credential: "session", suffix: "" }],
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
    params: &[ParamDescriptor { name: "sku", location: ParamLocation::Body }],
    auth_modes: &["admin_key"],
    read_only: false,
    response: ResponseShape::Body,
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
