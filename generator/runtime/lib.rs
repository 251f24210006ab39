//! The hand-written, vendor-neutral HTTP runtime of the generated `keyway` crate.
//!
//! **Not for direct use:** depend on `keyway`, which re-exports what users name
//! (`Error`, `Call`, `Secret`, …). This crate is a separate crate only so that it is
//! compiled once, not again with every regeneration, and so that the generated type crates
//! can share it; its version is pinned by `keyway` and its items outside those re-exports
//! carry no semver promise.
//!
//! Generated code describes each API and endpoint as static descriptors
//! ([`ApiDescriptor`], [`EndpointDescriptor`]) and calls into this crate, which does the
//! work once for all of them: authentication headers, URL and body building, retries,
//! timeouts, error classification and decoding.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod action;
mod auth;
mod call;
mod client;
pub mod codec;
mod descriptor;
mod envelope;
mod error;
#[cfg(feature = "fixtures")]
mod fixture;
#[cfg(feature = "mock")]
mod mock;
#[cfg(feature = "mock")]
mod mock_actions;
#[cfg(feature = "mock")]
mod mock_pages;
mod nullable;
mod number;
mod oauth;
mod paginate;
mod response;
mod scalars;
mod timestamp;

// Re-exported by `keyway`.
pub use action::Wait;
pub use auth::{Secret, TokenSource};
pub use call::Call;
pub use client::ClientBuilder;
pub use error::{ActionFailure, ApiError, Error, PropertyError};
pub use nullable::Nullable;
pub use number::Number;
pub use paginate::{Items, Page, PagePosition, Pages};
pub use response::Response;
pub use scalars::{
    BooleanOrInteger, BooleanOrNumber, StringOrBoolean, StringOrBooleanOrInteger, StringOrBooleanOrNumber, StringOrInteger, StringOrNumber,
};
pub use timestamp::Timestamp;

#[cfg(feature = "fixtures")]
pub use fixture::Fixture;
#[cfg(feature = "mock")]
pub use mock::{MockApi, MockEndpoint, MockRequest, MockRule, MockServer};
#[cfg(feature = "mock")]
pub use mock_actions::MockActions;

// Used by generated code.
pub use auth::{CredentialValue, Credentials};
pub use client::{ClientCore, FromCore};
pub use descriptor::{
    ActionAt, ActionDescriptor, ApiDescriptor, ArrayStyle, AuthModeDescriptor, CredentialDescriptor, EndpointDescriptor, ErrorFormat, HeaderTemplate,
    HttpMethod, PageStyle, PaginationDescriptor, ParamDescriptor, ParamLocation, PathPart, ResponseShape, WriteEnvelope,
};
pub use oauth::PasswordGrant;

// `Timestamp::from_str`'s error type, re-exported by `keyway` to make it nameable.
pub use timestamp::ParseTimestampError;
