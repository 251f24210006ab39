//! Static descriptions of an API and its endpoints.
//!
//! Generated code describes each API as `static` data of these types and the runtime
//! interprets it, so the request/response machinery is compiled once rather than once per
//! endpoint. Everything here is plain `&'static` data with public fields so that it can be
//! written as a constant expression.

/// An API: where it lives, how it authenticates and what its errors look like.
#[derive(Debug, Clone, Copy)]
pub struct ApiDescriptor {
    /// snake_case name of the API (`seam`); used in logs and spans.
    pub name: &'static str,
    /// Human name of the API (`Seam Connect`); used in error messages.
    pub title: &'static str,
    /// Production base URL, without a trailing slash.
    pub default_base_url: &'static str,
    /// Environment variable that overrides `default_base_url` when configuring from the
    /// environment.
    pub base_url_env: Option<&'static str>,
    /// The ways a caller can authenticate.
    pub auth_modes: &'static [AuthModeDescriptor],
    /// Where the fields of an error body are.
    pub errors: ErrorFormat,
    /// The `User-Agent` of every request: the generated crate's name and version
    /// (`keyway/0.1.0`), which the generated code reads from its own manifest.
    pub user_agent: &'static str,
}

impl ApiDescriptor {
    /// The auth mode called `name`, if the API has one.
    pub fn auth_mode(&self, name: &str) -> Option<&'static AuthModeDescriptor> {
        self.auth_modes.iter().find(|mode| mode.name == name)
    }
}

/// One way of authenticating: the credentials a caller supplies and the headers they
/// become.
#[derive(Debug, Clone, Copy)]
pub struct AuthModeDescriptor {
    /// snake_case name (`api_key`); endpoints list the names they accept.
    pub name: &'static str,
    /// Human name (`API key`); used in error messages.
    pub title: &'static str,
    /// The credentials, in constructor-argument order.
    pub credentials: &'static [CredentialDescriptor],
    /// Headers sent with every request in this mode.
    pub headers: &'static [HeaderTemplate],
    /// The path of the OAuth2 token endpoint that gives this mode's token, if it has one
    /// (the mock server answers it).
    pub token_endpoint: Option<&'static str>,
}

/// One value a caller supplies for an auth mode.
#[derive(Debug, Clone, Copy)]
pub struct CredentialDescriptor {
    /// snake_case name (`api_key`), referenced by [`HeaderTemplate::credential`].
    pub name: &'static str,
    /// Whether the value is secret: redacted from `Debug` and sent as a sensitive header.
    pub secret: bool,
    /// Environment variable the value is read from when configuring from the environment.
    pub env: Option<&'static str>,
}

/// A header whose value is `prefix + <credential value> + suffix`.
#[derive(Debug, Clone, Copy)]
pub struct HeaderTemplate {
    /// Header name (`authorization`).
    pub name: &'static str,
    /// Text before the credential (`Bearer `).
    pub prefix: &'static str,
    /// Name of the credential inserted into the value.
    pub credential: &'static str,
    /// Text after the credential.
    pub suffix: &'static str,
}

/// Where the parts of an error body are; every field is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorFormat {
    /// Key of the top-level object under which the error object sits (`error`); `None` when
    /// the body itself is the error object.
    pub envelope: Option<&'static str>,
    /// Key of the machine-readable error type (`type`).
    pub type_field: Option<&'static str>,
    /// Key of the human-readable message (`message`).
    pub message_field: Option<&'static str>,
    /// Key of a request id inside the body.
    pub request_id_field: Option<&'static str>,
    /// Key of extra structured data.
    pub data_field: Option<&'static str>,
    /// Key of per-parameter validation errors.
    pub validation_errors_field: Option<&'static str>,
    /// In the validation tree, the key under which each node lists its messages (`_errors`
    /// in `{"_errors": [..], "<param>": {"_errors": [..]}}`); without it a node is the list.
    pub validation_messages_key: Option<&'static str>,
    /// Response header carrying the request id (`seam-request-id`).
    pub request_id_header: Option<&'static str>,
    /// The error type the API uses for invalid parameters (`invalid_input`).
    pub invalid_input_type: Option<&'static str>,
}

/// The HTTP method an endpoint is called with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as written on the wire (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// Whether requests with this method carry a JSON body (`POST`, `PUT`, `PATCH`).
    pub fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        }
    }
}

/// One piece of an endpoint's path; the path is the concatenation of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart {
    /// Text copied as is (`/spaces/`).
    Literal(&'static str),
    /// The value of the path parameter with this wire name, percent-encoded as one segment.
    Param(&'static str),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// Substituted into the path.
    Path,
    /// Added to the query string.
    Query,
    /// A key of the JSON body.
    Body,
    /// A request header of its name.
    Header,
    /// A field of an `application/x-www-form-urlencoded` body (an endpoint has form or JSON
    /// body parameters, never both).
    Form,
}

/// How an array travels in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArrayStyle {
    /// The key repeated: `ids=a&ids=b`.
    #[default]
    Repeat,
    /// One key, the values joined by commas: `ids=a,b`.
    Comma,
    /// The key with `[]`, repeated: `ids[]=a&ids[]=b`.
    Brackets,
}

/// A parameter of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct ParamDescriptor {
    /// Wire name; the key of the parameter in the serialized parameter object.
    pub name: &'static str,
    /// Where it travels.
    pub location: ParamLocation,
    /// How it is encoded when it is an array in the query string.
    pub array_style: ArrayStyle,
}

impl ParamDescriptor {
    /// A path parameter.
    pub const fn path(name: &'static str) -> Self {
        ParamDescriptor { name, location: ParamLocation::Path, array_style: ArrayStyle::Repeat }
    }

    /// A query parameter (an array repeats its key).
    pub const fn query(name: &'static str) -> Self {
        ParamDescriptor { name, location: ParamLocation::Query, array_style: ArrayStyle::Repeat }
    }

    /// An array query parameter encoded as `style` says.
    pub const fn query_array(name: &'static str, style: ArrayStyle) -> Self {
        ParamDescriptor { name, location: ParamLocation::Query, array_style: style }
    }

    /// A key of the JSON body.
    pub const fn body(name: &'static str) -> Self {
        ParamDescriptor { name, location: ParamLocation::Body, array_style: ArrayStyle::Repeat }
    }

    /// A request header.
    pub const fn header(name: &'static str) -> Self {
        ParamDescriptor { name, location: ParamLocation::Header, array_style: ArrayStyle::Repeat }
    }

    /// A field of a form-urlencoded body; an array is the field repeated.
    pub const fn form(name: &'static str) -> Self {
        ParamDescriptor { name, location: ParamLocation::Form, array_style: ArrayStyle::Repeat }
    }
}

/// One operation of an API.
#[derive(Debug, Clone, Copy)]
pub struct EndpointDescriptor {
    /// The API the endpoint belongs to.
    pub api: &'static ApiDescriptor,
    /// `resource.operation` (`access_codes.get`); used in errors, logs and spans.
    pub id: &'static str,
    /// The method the client sends.
    pub method: HttpMethod,
    /// The path below the base URL.
    pub path: &'static [PathPart],
    /// The parameters and where they travel.
    pub params: &'static [ParamDescriptor],
    /// Names of the auth modes the endpoint accepts.
    pub auth_modes: &'static [&'static str],
    /// No side effects: safe to retry even when the method is not `GET`.
    pub read_only: bool,
    /// Where a success body holds the value.
    pub response: ResponseShape,
    /// The header a fresh idempotency key goes in, the same on every retry of a call.
    pub idempotency_header: Option<&'static str>,
    /// How the pages of a list follow one another.
    pub pagination: Option<&'static PaginationDescriptor>,
    /// The asynchronous action the response carries, which the call can wait for.
    pub action: Option<ActionAt>,
}

/// Where a response holds an asynchronous action.
#[derive(Debug, Clone, Copy)]
pub struct ActionAt {
    /// The action's type.
    pub action: &'static ActionDescriptor,
    /// The key of the response value that holds the action; `None` when the value is the
    /// action.
    pub key: Option<&'static str>,
}

/// A type that is an asynchronous action: a call returns it unfinished, and reading it
/// again through `poll` shows its progress. Paths are wire names, from the action's top
/// level down.
#[derive(Debug, Clone, Copy)]
pub struct ActionDescriptor {
    /// The type's name (`ActionAttempt`), for messages.
    pub name: &'static str,
    /// The endpoint that reads one action by its id.
    pub poll: &'static EndpointDescriptor,
    /// The poll endpoint's parameter that takes the id.
    pub param: &'static str,
    /// Where the action's id is.
    pub id: &'static [&'static str],
    /// Where its status is.
    pub status: &'static [&'static str],
    /// Statuses of an action still running.
    pub pending: &'static [&'static str],
    /// Statuses of an action that succeeded.
    pub success: &'static [&'static str],
    /// Statuses of an action that failed.
    pub failure: &'static [&'static str],
    /// Where a failed action gives its error's type (empty when it gives none).
    pub error_type: &'static [&'static str],
    /// Where a failed action gives its error's message (empty when it gives none).
    pub error_message: &'static [&'static str],
}

/// Where a success body holds the value the call gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseShape {
    /// Nothing the client reads (a `204`, or only a success flag such as `"ok": true`):
    /// the call gives `()`, whatever the body holds.
    Empty,
    /// The value is the whole body.
    Body,
    /// The value is under this key of the body (`access_code`).
    Envelope(&'static str),
    /// The body is a write envelope: a flag says whether the write succeeded, the value is
    /// under a key, and a failure lists its per-property errors.
    Write(&'static WriteEnvelope),
}

/// Where the parts of a write envelope are (Nexudus' `{Status, Message, Value,
/// WasSuccessful, Errors: [{AttemptedValue, Message, PropertyName}]}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteEnvelope {
    /// The boolean key that says whether the write succeeded (`WasSuccessful`); `false`
    /// makes the call an error whatever the status.
    pub success_field: &'static str,
    /// The key of the value a success gives (`Value`).
    pub value_field: &'static str,
    /// The key of the human message (`Message`).
    pub message_field: Option<&'static str>,
    /// The key of the list of per-property errors (`Errors`).
    pub errors_field: Option<&'static str>,
    /// In each error, the key of the property's name (`PropertyName`).
    pub property_field: Option<&'static str>,
    /// In each error, the key of its message (`Message`).
    pub error_message_field: Option<&'static str>,
    /// In each error, the key of the value that was sent (`AttemptedValue`).
    pub attempted_value_field: Option<&'static str>,
}

/// How a list endpoint's pages follow one another. Paths are wire names, from the body's
/// top level down; the mock server writes a page through them, and the client reads them
/// through the page type's [`Page`](crate::Page) implementation.
#[derive(Debug, Clone, Copy)]
pub struct PaginationDescriptor {
    /// How the next page is asked for.
    pub style: PageStyle,
    /// The key of the body holding the page's items.
    pub items: &'static str,
    /// The parameter that sets the page size, and the size the API uses without it.
    pub size: Option<(&'static str, Option<u64>)>,
    /// A boolean: whether a next page exists.
    pub has_more: &'static [&'static str],
    /// The total number of items (empty when the API gives none).
    pub total_items: &'static [&'static str],
    /// The total number of pages.
    pub total_pages: &'static [&'static str],
    /// The number of the page given.
    pub current_page: &'static [&'static str],
}

impl PaginationDescriptor {
    /// The parameter that says which page: the cursor's or the page number's.
    pub fn style_param(&self) -> &'static str {
        match self.style {
            PageStyle::Cursor { param, .. } | PageStyle::Number { param, .. } => param,
        }
    }
}

/// How the next page of a list is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// Each page gives the cursor of the next at `next`; the request sends it as `param`.
    Cursor {
        /// The parameter the cursor is sent in.
        param: &'static str,
        /// Where a page gives the next page's cursor.
        next: &'static [&'static str],
    },
    /// Pages are numbered from `first`; the request sends the number as `param`.
    Number {
        /// The parameter the number is sent in.
        param: &'static str,
        /// The number of the first page.
        first: i64,
    },
}

impl EndpointDescriptor {
    /// Whether a failed attempt may be repeated: the endpoint is read-only, a `GET`, or
    /// sends an idempotency key (the server then applies the call once, whatever the
    /// retries).
    pub fn is_retryable(&self) -> bool {
        self.read_only || self.method == HttpMethod::Get || self.idempotency_header.is_some()
    }
}
