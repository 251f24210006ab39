//! Integration tests of the generated `keyway` crate, through its public API only.

mod endpoints;
mod fixtures;
mod server;
