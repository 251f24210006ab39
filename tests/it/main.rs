//! Integration tests of the generated `keyway` crate, through its public API only.

mod actions;
mod auth;
mod decoding;
mod descriptors;
mod docs;
mod endpoints;
mod errors;
mod fixtures;
mod limits;
mod lists;
mod metadata;
mod mock;
mod oauth;
mod pagination;
mod retries;
mod server;
mod write_envelope;
