//! The YAML spec format, as serde types. `specs/README.md` documents every key.
//!
//! These types mirror the files one to one (`deny_unknown_fields` everywhere), so a
//! misspelt key is a located syntax error from serde_yaml rather than a silent default.
//! Meaning (references, names, examples) is checked later by `validate`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// One YAML file under `specs/<api>/`. Every section is optional: by convention
/// `api.yaml` holds `api`, and each `<resource>.<operation>.yaml` holds one endpoint with
/// the types it introduces. Type names share one namespace per API across its files.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    pub api: Option<ApiSpec>,
    #[serde(default)]
    pub endpoints: Vec<EndpointSpec>,
    #[serde(default, deserialize_with = "crate::unique_keys::map")]
    pub ids: BTreeMap<String, IdSpec>,
    #[serde(default, deserialize_with = "crate::unique_keys::map")]
    pub enums: BTreeMap<String, EnumSpec>,
    #[serde(default, deserialize_with = "crate::unique_keys::map")]
    pub models: BTreeMap<String, ModelSpec>,
    #[serde(default, deserialize_with = "crate::unique_keys::map")]
    pub unions: BTreeMap<String, UnionSpec>,
    /// Types that are asynchronous actions, by type name: how a call that returns one waits
    /// for it to finish.
    #[serde(default, deserialize_with = "crate::unique_keys::map")]
    pub actions: BTreeMap<String, ActionSpec>,
    /// Differences from the vendor's OpenAPI document that the spec makes on purpose, which
    /// `cargo xtask drift` then does not report.
    #[serde(default)]
    pub drift: Vec<AcceptedDriftSpec>,
}

/// A difference from the vendor's document, accepted: where (as the drift report names it,
/// `AccessCode.code`, `access_codes.create(code)`, `access_codes.create`) and why.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptedDriftSpec {
    pub at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    /// snake_case; becomes the module and the cargo feature.
    pub name: String,
    pub title: String,
    pub description: String,
    pub base_url: String,
    /// Environment variable that overrides `base_url` in `from_env`.
    pub base_url_env: Option<String>,
    pub docs_url: Option<String>,
    pub auth_modes: Vec<AuthModeSpec>,
    pub errors: ErrorFormatSpec,
    /// A key every success body carries beside its data (`ok`, holding `true`): not part
    /// of any response type, and all a body of an endpoint without `response` holds.
    pub success_flag: Option<String>,
    /// The header that carries an idempotency key on every endpoint that changes state.
    pub idempotency_header: Option<String>,
    /// The envelope of the API's writes: a success flag beside the value, and on failure a
    /// list of per-property errors. Endpoints opt in with `response.write_envelope: true`.
    pub write_envelope: Option<WriteEnvelopeSpec>,
}

/// Where the parts of a write envelope are (`{WasSuccessful, Value, Message, Errors}`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteEnvelopeSpec {
    /// The boolean key that says whether the write succeeded (`WasSuccessful`).
    pub success_field: String,
    /// The key of the value a success gives (`Value`).
    pub value_field: String,
    /// The key of the human message (`Message`).
    pub message_field: Option<String>,
    /// The per-property errors of a failure.
    pub errors: Option<PropertyErrorsSpec>,
}

/// The list of per-property errors of a write envelope, and the keys of each entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyErrorsSpec {
    /// The key of the list (`Errors`).
    pub field: String,
    /// The key of the property's name in an entry (`PropertyName`).
    pub property: String,
    /// The key of the entry's message (`Message`).
    pub message: String,
    /// The key of the value that was sent (`AttemptedValue`).
    pub attempted_value: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthModeSpec {
    /// snake_case; becomes the constructor name (`SeamAuth::api_key`).
    pub name: String,
    pub title: String,
    pub description: String,
    pub credentials: Vec<CredentialSpec>,
    pub headers: Vec<HeaderSpec>,
    /// The names of this mode's security schemes in the vendor's OpenAPI document, for
    /// `cargo xtask import` (by default the mode's own name).
    #[serde(default)]
    pub openapi_schemes: Vec<String>,
    /// The credential is an OAuth2 access token the client gets from a token endpoint of the
    /// API itself; adds the constructor `<mode>_password(username, password)`.
    pub token_endpoint: Option<TokenEndpointSpec>,
}

/// An OAuth2 token endpoint (RFC 6749) that gives the access token of an auth mode.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenEndpointSpec {
    /// Path below the base URL (`/api/token`), called with a form-urlencoded `POST`.
    pub path: String,
    /// The mode's credential the token fills (a refreshable secret).
    pub credential: String,
    /// The grants the endpoint accepts: `password` gets the first token, `refresh_token`
    /// renews it before it expires.
    pub grants: Vec<GrantSpec>,
}

/// An OAuth2 grant type a token endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantSpec {
    /// The resource owner's user name and password (RFC 6749 section 4.3).
    Password,
    /// A refresh token given with an earlier token (RFC 6749 section 6).
    RefreshToken,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    pub name: String,
    pub description: String,
    /// Secrets are redacted from `Debug` and marked sensitive on the wire.
    #[serde(default)]
    pub secret: bool,
    /// The caller may supply a refreshing token source instead of a fixed value.
    #[serde(default)]
    pub refreshable: bool,
    pub env: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    pub name: String,
    /// A template with exactly one `{credential}` placeholder, e.g. `Bearer {api_key}`.
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorFormatSpec {
    /// Key under which the error object sits (`error` for Seam); absent for a bare object.
    pub envelope: Option<String>,
    pub type_field: Option<String>,
    pub message_field: Option<String>,
    pub request_id_field: Option<String>,
    pub data_field: Option<String>,
    pub validation_errors_field: Option<String>,
    /// In the validation tree, the key under which each node lists its messages (`_errors`).
    pub validation_messages_key: Option<String>,
    pub request_id_header: Option<String>,
    /// The error `type` the API gives invalid parameters (`invalid_input`).
    pub invalid_input_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    /// Whether requests with this method carry a JSON body (the runtime's rule too).
    pub fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// The name of the runtime's `HttpMethod` variant for this method (`Get`).
    pub fn variant_name(self) -> &'static str {
        match self {
            HttpMethod::Get => "Get",
            HttpMethod::Post => "Post",
            HttpMethod::Put => "Put",
            HttpMethod::Patch => "Patch",
            HttpMethod::Delete => "Delete",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    #[default]
    Stable,
    Beta,
    Alpha,
}

impl Stability {
    /// `stable`, `beta`, `alpha`: as the spec spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Stable => "stable",
            Stability::Beta => "beta",
            Stability::Alpha => "alpha",
        }
    }

    /// `Beta` or `Alpha` for banners; `None` when stable.
    pub fn banner(self) -> Option<&'static str> {
        match self {
            Stability::Stable => None,
            Stability::Beta => Some("Beta"),
            Stability::Alpha => Some("Alpha"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// snake_case; `client.<resource>()`.
    pub resource: String,
    /// snake_case; `client.<resource>().<operation>(…)`.
    pub operation: String,
    pub title: String,
    pub description: String,
    pub method: HttpMethod,
    pub path: String,
    /// Other methods the API documents for the same path (the client uses `method`).
    #[serde(default)]
    pub alternate_methods: Vec<HttpMethod>,
    /// Safe to retry: no side effects even though the method may be POST.
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub stability: Stability,
    pub stability_note: Option<String>,
    /// Names of `api.auth_modes` this endpoint accepts.
    pub auth: Vec<String>,
    /// A role the authenticated principal must hold (documentation only).
    pub required_role: Option<String>,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    #[serde(default)]
    pub one_of: Vec<OneOfSpec>,
    /// The header that carries an idempotency key on this endpoint (overrides the API's).
    pub idempotency_header: Option<String>,
    /// What a success gives; absent when it gives nothing (a 204, or only the success flag).
    pub response: Option<ResponseSpec>,
    /// How a list endpoint's pages are fetched one after another.
    pub pagination: Option<PaginationSpec>,
    #[serde(default)]
    pub responses: Vec<ResponseExampleSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Body,
    Header,
    /// A field of an `application/x-www-form-urlencoded` body.
    Form,
}

/// How an array travels in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArrayStyle {
    /// The key repeated: `ids=a&ids=b`.
    Repeat,
    /// One key, the values joined by commas: `ids=a,b`.
    Comma,
    /// The key with `[]`, repeated: `ids[]=a&ids[]=b`.
    Brackets,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub name: String,
    #[serde(rename = "in")]
    pub location: ParamLocation,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    pub description: String,
    /// The value the API uses when the parameter is left out, as documented (not sent).
    #[serde(default, deserialize_with = "crate::unique_keys::json_opt")]
    pub default: Option<serde_json::Value>,
    /// The caller may send an explicit `null` (to clear a value), apart from leaving it out.
    #[serde(default)]
    pub nullable: bool,
    /// Why the parameter is deprecated and what to use instead.
    pub deprecated: Option<String>,
    /// How an array in the query string is encoded; required there.
    pub array_style: Option<ArrayStyle>,
}

/// Exactly one alternative must be given; an alternative is one or more parameters
/// that travel together (`[device_id, code]`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneOfSpec {
    /// PascalCase; the Rust enum that selects the alternative.
    pub name: String,
    pub description: String,
    pub alternatives: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// The type the method returns (with `envelope`, or alone); not with `keys`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Key under which the success body wraps the resource (`access_code`).
    pub envelope: Option<String>,
    /// The body's documented top-level keys, each like a model's field: the method returns
    /// a struct named after the endpoint (`AccessCodesListResponse`) holding them all.
    pub keys: Option<Vec<FieldSpec>>,
    /// The body is the API's `write_envelope`: the value of `type` sits under its
    /// `value_field`, and a failure flag makes the call an invalid-input error.
    #[serde(default)]
    pub write_envelope: bool,
}

/// How the pages of a list are fetched: by cursor or by page number (exactly one).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaginationSpec {
    /// The response key (of `response.keys`) holding the page's items, an array.
    pub items: String,
    /// Cursor style: each page names the cursor of the next.
    pub cursor: Option<CursorSpec>,
    /// Page-number style: pages are numbered from `first`.
    pub page: Option<PageNumberSpec>,
    /// The request parameter that sets the page size.
    pub size: Option<PageSizeSpec>,
    /// Dotted path (a response key, then model fields) of a boolean: whether there is a
    /// next page.
    pub has_more: Option<String>,
    /// Dotted path of the total number of items (an integer).
    pub total_items: Option<String>,
    /// Dotted path of the total number of pages (an integer).
    pub total_pages: Option<String>,
    /// Dotted path of the number of the page given (an integer).
    pub current_page: Option<String>,
}

/// A model or union that is an asynchronous action: a call returns it unfinished, and its
/// completion is observed by reading it again through another endpoint (`poll`) until its
/// status leaves `pending`. Every endpoint whose response is the type, or holds it under
/// one of its `keys`, can then be awaited to completion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// The endpoint (`resource.operation`) that reads one action by its id; its response is
    /// the action type.
    pub poll: String,
    /// Dotted path of the action's id (a string, integer or id type).
    pub id: String,
    /// The poll endpoint's required parameter that takes the id; by default the id field's
    /// name.
    pub param: Option<String>,
    /// Dotted path of the action's status (a string or an enum, or a union's tag).
    pub status: String,
    /// Status values of an action still running.
    pub pending: Vec<String>,
    /// Status values of an action that succeeded.
    pub success: Vec<String>,
    /// Status values of an action that failed.
    pub failure: Vec<String>,
    /// Dotted path, in a failed action, of the error's type (a string).
    pub error_type: Option<String>,
    /// Dotted path, in a failed action, of the error's message (a string).
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CursorSpec {
    /// The optional string parameter the next page's cursor is sent in (`page_cursor`).
    pub param: String,
    /// Dotted path of the next page's cursor in the response (`pagination.next_page_cursor`).
    pub next: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageNumberSpec {
    /// The optional integer parameter the page number is sent in (`page`).
    pub param: String,
    /// The number of the first page (1 unless the API counts from 0).
    #[serde(default = "first_page")]
    pub first: i64,
}

fn first_page() -> i64 {
    1
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageSizeSpec {
    /// The optional integer parameter that sets the page size (`limit`).
    pub param: String,
    /// The size the API uses when the parameter is left out, as documented.
    pub default: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseExampleSpec {
    pub status: u16,
    pub description: String,
    /// The documented body, exactly as the API sends it.
    #[serde(default, deserialize_with = "crate::unique_keys::json_opt")]
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdFormat {
    Uuid,
    String,
    Integer,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdSpec {
    pub description: String,
    pub format: IdFormat,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    pub description: String,
    pub values: Vec<EnumValueSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValueSpec {
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Overrides the Rust variant name (needed when the value would clash with `Unknown`).
    pub rust_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub description: String,
    pub fields: Vec<FieldSpec>,
    /// Whole-object examples (a resource as the docs show it outside any envelope).
    #[serde(default, deserialize_with = "crate::unique_keys::json_list")]
    pub examples: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The wire name, exactly as it appears in JSON.
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub description: String,
    /// The key may be absent from a body.
    #[serde(default)]
    pub optional: bool,
    /// The value may be `null`.
    #[serde(default)]
    pub nullable: bool,
    /// Why the field is deprecated and what to use instead.
    pub deprecated: Option<String>,
    /// Overrides the Rust field name.
    pub rust_name: Option<String>,
    /// The fields of an object declared in place: `type` is `object` (or `array<object>`,
    /// `map<object>`).
    pub fields: Option<Vec<FieldSpec>>,
    /// The Rust name of that object's type, instead of its owner's name and the field's
    /// (`DeviceProperties` for `properties` of `Device`).
    pub type_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionSpec {
    pub description: String,
    /// The wire field whose value selects the variant (`error_code`).
    pub tag: String,
    pub variants: Vec<UnionVariantSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionVariantSpec {
    /// The tag value.
    pub tag: String,
    pub description: String,
    /// The variant's fields besides the tag, for a payload of its own (none when absent).
    pub fields: Option<Vec<FieldSpec>>,
    /// A model of this API that is the payload, instead of `fields`: variants of the same
    /// shape share it, and a match can bind them in one arm.
    pub model: Option<String>,
    /// Other tag values that select this variant too; its payload then holds the tag it was
    /// sent, so it is encoded again unchanged.
    #[serde(default)]
    pub also_tags: Vec<String>,
}
