//! Compile tests: what `keyway` promises at compile time, checked with trybuild.
//!
//! `ui/pass/*.rs` are programs a downstream user would write and must compile;
//! `ui/fail/*.rs` are mistakes that must not, with the compiler's message kept beside each
//! as a reviewed `.stderr`. Regenerate those with
//! `TRYBUILD=overwrite cargo test -p keyway-tests --test ui` and review `git diff`: the
//! messages are pinned to the toolchain CI uses.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
