//! The lowered model: what the emitters and templates consume. Names here are already
//! Rust names; every reference has been resolved.

use crate::spec::{ArrayStyle, ErrorFormatSpec, HttpMethod, ParamLocation, Stability};

/// A field, parameter or response type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    String,
    Integer,
    Number,
    Boolean,
    Timestamp,
    Url,
    Uuid,
    /// A string that must not show in `Debug` output (a token in a response).
    Secret,
    Json,
    Array(Box<TypeRef>),
    /// An object of any keys, each holding a `T`: `map<T>`.
    Map(Box<TypeRef>),
    /// A type defined in the same API (`AccessCodeId`, `AccessCode`, …).
    Named(String),
    /// A scalar union (`string | boolean`): two or three of `string`, `boolean`, `integer`,
    /// `number`, in that order, never both `integer` and `number`.
    OneOf(Vec<TypeRef>),
}

impl TypeRef {
    /// Parses `string`, `array<AccessCodeId>`, `AccessCode`, …; `None` when malformed.
    pub fn parse(text: &str) -> Option<TypeRef> {
        Self::parse_nested(text, 0)
    }

    fn parse_nested(text: &str, depth: usize) -> Option<TypeRef> {
        // Deeper nesting than any real API uses is refused, not recursed into.
        const MAX_DEPTH: usize = 16;
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("array<").and_then(|rest| rest.strip_suffix('>')) {
            if depth >= MAX_DEPTH {
                return None;
            }
            return TypeRef::parse_nested(inner, depth + 1).map(|t| TypeRef::Array(Box::new(t)));
        }
        if let Some(inner) = text.strip_prefix("map<").and_then(|rest| rest.strip_suffix('>')) {
            if depth >= MAX_DEPTH {
                return None;
            }
            return TypeRef::parse_nested(inner, depth + 1).map(|t| TypeRef::Map(Box::new(t)));
        }
        if text.contains('|') {
            return TypeRef::parse_scalar_union(text).ok();
        }
        Some(match text {
            "string" => TypeRef::String,
            "integer" => TypeRef::Integer,
            "number" => TypeRef::Number,
            "boolean" => TypeRef::Boolean,
            "timestamp" => TypeRef::Timestamp,
            "url" => TypeRef::Url,
            "uuid" => TypeRef::Uuid,
            "secret" => TypeRef::Secret,
            "json" => TypeRef::Json,
            name if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => TypeRef::Named(name.to_owned()),
            _ => return None,
        })
    }

    /// The scalars a union may list, in the order its Rust type names them.
    pub const UNION_SCALARS: [TypeRef; 4] = [TypeRef::String, TypeRef::Boolean, TypeRef::Integer, TypeRef::Number];

    /// `string | boolean` as a [`TypeRef::OneOf`] of its members in canonical order, or what
    /// is wrong with it and what to do (for a located diagnostic).
    pub fn parse_scalar_union(text: &str) -> Result<TypeRef, (String, String)> {
        let allowed = "a scalar union lists two or three of `string`, `boolean`, `integer`, `number`, separated by `|`";
        let mut members = Vec::new();
        for member in text.split('|').map(str::trim) {
            let Some(ty) = TypeRef::UNION_SCALARS.iter().find(|ty| ty.spec_name() == member) else {
                let problem =
                    if member.is_empty() { format!("`{text}` has an empty member") } else { format!("`{member}` cannot be part of a scalar union") };
                return Err((problem, allowed.to_owned()));
            };
            if members.contains(ty) {
                return Err((format!("`{member}` is listed twice in `{text}`"), "list each scalar once".to_owned()));
            }
            members.push(ty.clone());
        }
        if members.len() < 2 {
            return Err((format!("`{text}` is one scalar"), "write it without `|`".to_owned()));
        }
        if members.contains(&TypeRef::Integer) && members.contains(&TypeRef::Number) {
            return Err((
                format!("`{text}` lists both `integer` and `number`"),
                "a `number` holds integers too (and keeps them integers): drop `integer`".to_owned(),
            ));
        }
        members.sort_by_key(|ty| TypeRef::UNION_SCALARS.iter().position(|s| s == ty));
        Ok(TypeRef::OneOf(members))
    }

    /// The Rust name of a scalar union's type, in the runtime: its members in PascalCase
    /// joined by `Or` (`StringOrBoolean`).
    pub fn scalar_union_name(members: &[TypeRef]) -> String {
        members.iter().map(|ty| crate::names::pascal(&ty.spec_name())).collect::<Vec<_>>().join("Or")
    }

    /// An array or a map: absent reads as empty, so callers iterate without unwrapping.
    pub fn is_collection(&self) -> bool {
        matches!(self, TypeRef::Array(_) | TypeRef::Map(_))
    }

    /// The type inside arrays and maps: `AccessCode` for `array<map<AccessCode>>`.
    pub fn leaf(&self) -> &TypeRef {
        match self {
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.leaf(),
            other => other,
        }
    }

    /// The names a spec may use for primitive types, for suggestions.
    pub const PRIMITIVES: &'static [&'static str] = &["string", "integer", "number", "boolean", "timestamp", "url", "uuid", "secret", "json"];

    /// The spec spelling, for docs and diagnostics.
    pub fn spec_name(&self) -> String {
        match self {
            TypeRef::String => "string".into(),
            TypeRef::Integer => "integer".into(),
            TypeRef::Number => "number".into(),
            TypeRef::Boolean => "boolean".into(),
            TypeRef::Timestamp => "timestamp".into(),
            TypeRef::Url => "url".into(),
            TypeRef::Uuid => "uuid".into(),
            TypeRef::Secret => "secret".into(),
            TypeRef::Json => "json".into(),
            TypeRef::Array(inner) => format!("array<{}>", inner.spec_name()),
            TypeRef::Map(inner) => format!("map<{}>", inner.spec_name()),
            TypeRef::Named(name) => name.clone(),
            TypeRef::OneOf(members) => members.iter().map(TypeRef::spec_name).collect::<Vec<_>>().join(" | "),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Api {
    /// snake_case module and feature name.
    pub name: String,
    /// The spec file that defines the API (for headers and docs).
    pub source: String,
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_url_env: Option<String>,
    pub docs_url: Option<String>,
    /// `SeamClient`.
    pub client_name: String,
    /// `SeamAuth`.
    pub auth_name: String,
    pub auth_modes: Vec<AuthMode>,
    pub errors: ErrorFormatSpec,
    /// The key every success body carries beside its data (`ok`).
    pub success_flag: Option<String>,
    pub resources: Vec<Resource>,
    /// Sorted by name (and unique), so [`Api::type_def`] can search.
    pub types: Vec<TypeDef>,
    /// The types that are asynchronous actions, sorted by type name.
    pub actions: Vec<ActionDef>,
    /// Differences from the vendor's OpenAPI document the specs make on purpose: (where, why,
    /// the file that says so).
    pub accepted_drift: Vec<AcceptedDrift>,
}

/// A difference from the vendor's document that a spec accepts (`drift:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedDrift {
    /// Where, as the drift report names it (`AccessCode.code`).
    pub at: String,
    pub reason: String,
    pub source: String,
}

impl Api {
    pub fn endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.resources.iter().flat_map(|r| r.endpoints.iter())
    }

    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        // `types` is sorted by name: lookups stay logarithmic at thousands of types.
        self.types.binary_search_by(|t| t.name().cmp(name)).ok().map(|i| &self.types[i])
    }

    /// For each model that union variants name as their payload (`model:` in the spec): those
    /// variants with their union, in type and variant order.
    pub fn shared_payloads(&self) -> std::collections::BTreeMap<&str, Vec<(&UnionDef, &UnionVariant)>> {
        let mut shared: std::collections::BTreeMap<&str, Vec<(&UnionDef, &UnionVariant)>> = std::collections::BTreeMap::new();
        for def in &self.types {
            if let TypeDef::Union(union) = def {
                for variant in union.variants.iter().filter(|v| v.shared) {
                    shared.entry(variant.model.as_str()).or_default().push((union, variant));
                }
            }
        }
        shared
    }
}

#[derive(Debug, Clone)]
pub struct AuthMode {
    /// Also the auth type's constructor of this mode.
    pub name: String,
    /// The constructor that takes a token source (`api_key_from_source`), when a credential
    /// of the mode is refreshable.
    pub source_constructor: Option<String>,
    pub title: String,
    pub description: String,
    pub credentials: Vec<Credential>,
    pub headers: Vec<HeaderTemplate>,
    /// The token endpoint that fills one credential, when the spec declares one.
    pub token_endpoint: Option<TokenEndpoint>,
}

/// An OAuth2 token endpoint of the API that gives an auth mode's access token.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    /// The constructor that takes a user name and password (`oauth2_password`).
    pub constructor: String,
    /// Path below the base URL.
    pub path: String,
    /// Index into the mode's credentials of the token it gives.
    pub credential: usize,
    /// Whether the endpoint takes the refresh grant.
    pub refresh: bool,
}

#[derive(Debug, Clone)]
pub struct Credential {
    pub name: String,
    pub description: String,
    pub secret: bool,
    pub refreshable: bool,
    pub env: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HeaderTemplate {
    pub name: String,
    pub prefix: String,
    pub credential: String,
    pub suffix: String,
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// snake_case: `access_codes`.
    pub name: String,
    /// `AccessCodes`: the handler type.
    pub handler_name: String,
    /// Sorted by operation.
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub source: String,
    pub resource: String,
    pub operation: String,
    /// `access_codes.get`.
    pub id: String,
    /// The Rust names of what the endpoint makes.
    pub names: EndpointNames,
    pub title: String,
    pub description: String,
    pub method: HttpMethod,
    pub alternate_methods: Vec<HttpMethod>,
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub read_only: bool,
    pub stability: Stability,
    pub stability_note: Option<String>,
    pub auth_modes: Vec<String>,
    pub required_role: Option<String>,
    pub params: Vec<Param>,
    pub one_of: Vec<OneOf>,
    pub response: Response,
    /// The header a fresh idempotency key is sent in, the same on every retry; such an
    /// endpoint is retried although it changes state.
    pub idempotency_header: Option<String>,
    /// How a list's pages follow one another; its response is a page model.
    pub pagination: Option<Pagination>,
    /// The asynchronous action its response carries, which the call can wait for.
    pub action: Option<EndpointAction>,
    pub responses: Vec<ResponseExample>,
    /// The API's write envelope, when the response is in it (`response` is then the value
    /// under its `value_field`).
    pub write_envelope: Option<crate::spec::WriteEnvelopeSpec>,
}

impl Endpoint {
    /// Parameters that become setters: neither required nor part of a one-of group.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required && p.group.is_none())
    }

    /// Whether the call takes a request builder (it has optional parameters).
    pub fn has_builder(&self) -> bool {
        self.names.request.is_some()
    }

    /// The type a success decodes into; `None` when it gives nothing.
    pub fn response_type(&self) -> Option<&TypeRef> {
        match &self.response {
            Response::Empty => None,
            Response::Value { ty, .. } => Some(ty),
        }
    }

    /// The key a success wraps its value under.
    pub fn envelope(&self) -> Option<&str> {
        match &self.response {
            Response::Value { envelope: Some(key), .. } => Some(key),
            _ => None,
        }
    }

    /// Safe to repeat: read-only, a GET, or sent with an idempotency key. The runtime's rule,
    /// stated once for the emitters.
    pub fn is_retryable(&self) -> bool {
        self.read_only || self.method == crate::spec::HttpMethod::Get || self.idempotency_header.is_some()
    }
}

/// What a success gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// Nothing: a 204, or a body holding only the API's success flag. The method gives `()`.
    Empty,
    /// A value of `ty`: the whole body, or what is under `envelope`. A response of several
    /// documented keys is a model made in lowering (`AccessCodesListResponse`), the whole
    /// body.
    Value { ty: TypeRef, envelope: Option<String> },
}

/// How the pages of a list follow one another. Paths are into the page model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The response key holding the page's items.
    pub items: PathStep,
    /// The type of one item.
    pub item_type: TypeRef,
    pub style: PageStyle,
    /// The parameter that sets the page size.
    pub size: Option<PageSize>,
    /// A boolean: whether a next page exists.
    pub has_more: Option<FieldPath>,
    pub total_items: Option<FieldPath>,
    pub total_pages: Option<FieldPath>,
    pub current_page: Option<FieldPath>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// Each page gives the cursor of the next at `next`; it is sent in `param`.
    Cursor { param: String, next: FieldPath },
    /// Pages are numbered from `first`; the number is sent in `param`.
    Number { param: String, first: i64 },
}

impl PageStyle {
    /// The wire name of the parameter that says which page to fetch.
    pub fn param(&self) -> &str {
        match self {
            PageStyle::Cursor { param, .. } | PageStyle::Number { param, .. } => param,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSize {
    /// Its wire name.
    pub param: String,
    /// The documented size when it is left out.
    pub default: Option<u64>,
}

/// A path through a page model's fields to a scalar (`pagination.has_next_page`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub steps: Vec<PathStep>,
    /// The scalar at its end.
    pub leaf: TypeRef,
}

impl FieldPath {
    /// The wire names, as the spec writes them: `pagination.has_next_page`.
    pub fn dotted(&self) -> String {
        self.steps.iter().map(|s| s.wire.as_str()).collect::<Vec<_>>().join(".")
    }
}

/// One field along a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    pub wire: String,
    pub rust: String,
    /// The Rust field is an `Option`.
    pub option: bool,
}

/// The Rust names of an endpoint's items, decided (and checked for clashes) in lowering.
#[derive(Debug, Clone)]
pub struct EndpointNames {
    /// The handler method: `get`.
    pub method: String,
    /// The private struct its parameters are serialized from: `AccessCodesGetParams`.
    pub params: String,
    /// The request builder, when it has optional parameters: `AccessCodesListRequest`.
    pub request: Option<String>,
    /// The static `EndpointDescriptor`: `ACCESS_CODES_GET`.
    pub descriptor: String,
    /// The static mock table (feature `mock`): `ACCESS_CODES_GET_MOCK`.
    pub mock: String,
}

/// A type that is an asynchronous action (`actions:`): where its id and status are, what
/// its statuses mean, and the endpoint that reads it again.
#[derive(Debug, Clone)]
pub struct ActionDef {
    /// The model or union (`ActionAttempt`).
    pub type_name: String,
    /// The spec file that declares it.
    pub source: String,
    /// The static `ActionDescriptor` in the API module: `ACTION_ATTEMPT_ACTION`.
    pub descriptor: String,
    /// The id of the endpoint that reads one action (`action_attempts.get`).
    pub poll: String,
    /// That endpoint's descriptor, which the API module defines (every resource waiting on
    /// the action names it, whichever resources are compiled).
    pub poll_descriptor: String,
    /// The poll endpoint's parameter that takes the id.
    pub param: String,
    /// Wire paths into the action.
    pub id: Vec<String>,
    pub status: Vec<String>,
    pub pending: Vec<String>,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub error_type: Option<Vec<String>>,
    pub error_message: Option<Vec<String>>,
}

/// Where an endpoint's response holds an action.
#[derive(Debug, Clone)]
pub struct EndpointAction {
    /// The action type.
    pub action: String,
    /// The response key holding it, when the response is the struct of several keys; `None`
    /// when the response is the action itself.
    pub key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub description: String,
    /// Index into `Endpoint::one_of` when the parameter belongs to a group.
    pub group: Option<usize>,
    /// The API's value when it is left out (documentation; never sent).
    pub default: Option<serde_json::Value>,
    /// An explicit `null` may be sent: the setter takes an `Option`.
    pub nullable: bool,
    pub deprecated: Option<String>,
    /// How an array in the query string is encoded.
    pub array_style: Option<ArrayStyle>,
}

#[derive(Debug, Clone)]
pub struct OneOf {
    /// The enum: `AccessCodeLookup`.
    pub name: String,
    /// The argument of the endpoint's method that takes it: `access_code_lookup`.
    pub arg_name: String,
    pub description: String,
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone)]
pub struct Alternative {
    /// `AccessCodeId`, `DeviceIdAndCode`.
    pub variant: String,
    /// Indices into `Endpoint::params`.
    pub params: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct ResponseExample {
    pub status: u16,
    pub description: String,
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub enum TypeDef {
    Id(IdDef),
    Enum(EnumDef),
    Model(ModelDef),
    Union(UnionDef),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Id(d) => &d.name,
            TypeDef::Enum(d) => &d.name,
            TypeDef::Model(d) => &d.name,
            TypeDef::Union(d) => &d.name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct IdDef {
    pub name: String,
    pub description: String,
    pub integer: bool,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub description: String,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub value: String,
    pub variant: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ModelDef {
    pub name: String,
    pub description: String,
    /// Declared under `models` (not the payload of a union variant).
    pub declared: bool,
    pub fields: Vec<Field>,
    pub examples: Vec<serde_json::Value>,
    /// The model is the response of this endpoint (`response.keys`).
    pub response_of: Option<String>,
    /// The model is a page of a list: it implements the runtime's `Page`.
    pub page: Option<Box<Pagination>>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub description: String,
    pub optional: bool,
    pub nullable: bool,
    pub deprecated: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`: it may be null, or absent (an absent array is
    /// an empty `Vec` instead).
    pub fn is_option(&self) -> bool {
        self.nullable || (self.optional && !self.ty.is_collection())
    }
}

#[derive(Debug, Clone)]
pub struct UnionDef {
    pub name: String,
    pub description: String,
    pub tag: String,
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub tag: String,
    /// The Rust variant name.
    pub variant: String,
    /// The payload model: `<Union><Variant>`, or the model the spec names.
    pub model: String,
    /// The spec names the payload model (`model:`), which other variants may share.
    pub shared: bool,
    pub description: String,
    /// Other tags that select the variant (`also_tags`); its payload then has a field holding
    /// the tag it was sent, named like the union's tag accessor.
    pub also_tags: Vec<String>,
}

impl UnionVariant {
    /// Every tag that selects the variant: its own, then `also_tags`.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.tag.as_str()).chain(self.also_tags.iter().map(String::as_str))
    }
}
