//! The hand-written, vendor-neutral HTTP runtime shared by every generated API module.
//!
//! Generated code describes each API and endpoint as static descriptors
//! ([`ApiDescriptor`], [`EndpointDescriptor`]) and calls into this module, which does the
//! work once for all of them: authentication headers, URL and body building, retries,
//! timeouts, error classification and decoding.
//!
//! Lints: each API module sits behind a cargo feature, so with some features off parts of
//! this module go unused; the `allow`s below say so rather than hide real dead code
//! elsewhere.

mod auth;
mod call;
mod client;
#[allow(dead_code, reason = "used by generated types, which features may turn off")]
pub mod codec;
mod descriptor;
mod error;
#[cfg(feature = "fixtures")]
mod fixture;
#[cfg(feature = "mock")]
mod mock;
mod response;
mod timestamp;

// Re-exported at the crate root.
pub use auth::{Secret, TokenSource};
pub use call::Call;
pub use client::ClientBuilder;
pub use error::{ApiError, Error};
pub use timestamp::Timestamp;

#[cfg(feature = "fixtures")]
pub use fixture::Fixture;
#[cfg(feature = "mock")]
#[allow(unused_imports, reason = "used by generated modules, which features may turn off")]
pub use mock::{MockApi, MockEndpoint, MockRequest, MockRule, MockServer};

// Used by generated modules.
#[allow(unused_imports, reason = "used by generated modules, which features may turn off")]
pub use auth::{CredentialValue, Credentials};
#[allow(unused_imports, reason = "used by generated modules, which features may turn off")]
pub use client::{ClientCore, FromCore};
#[allow(unused_imports, reason = "used by generated modules, which features may turn off")]
pub use descriptor::{
    ApiDescriptor, AuthModeDescriptor, CredentialDescriptor, EndpointDescriptor, ErrorFormat,
    HeaderTemplate, HttpMethod, ParamDescriptor, ParamLocation, PathPart,
};

// `Timestamp::from_str`'s error type; nothing else uses it, so this is here only for the
// crate root to re-export and make it nameable.
#[allow(unused_imports, reason = "for the crate root to re-export")]
pub use timestamp::ParseTimestampError;
