//! Rust names from wire names, in one place. Every identifier the emitter creates passes
//! through here, so emitted code never contains an invalid identifier.

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::{Ident, Span};

/// Keywords that may be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum", "extern", "false", "final", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Keeps ASCII letters, digits and `_`, and makes sure the result starts like an identifier.
fn sanitize(text: &str, fallback: &str) -> String {
    let mut out: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.trim_matches('_').is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, if fallback.starts_with(char::is_uppercase) { 'V' } else { 'v' });
    }
    out
}

/// `access_code_id`, `BusinessId` → `business_id`; keywords stay keywords (see [`ident`]).
pub fn snake(text: &str) -> String {
    sanitize(&sanitize(text, "value").to_snake_case(), "value")
}

/// `access_codes` → `AccessCodes`; `time-bound` → `TimeBound`; `1st` → `V1st`.
pub fn pascal(text: &str) -> String {
    let name = sanitize(&sanitize(text, "Value").to_pascal_case(), "Value");
    // `Self` is the one PascalCase keyword, and it cannot be a raw identifier.
    if name == "Self" { "SelfValue".to_owned() } else { name }
}

/// `access_codes.get` → `ACCESS_CODES_GET`.
pub fn shouty(text: &str) -> String {
    sanitize(&sanitize(text, "VALUE").to_shouty_snake_case(), "VALUE")
}

/// Whether `name` is a plain identifier that needs no escaping.
pub fn is_plain_ident(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && !RAW_KEYWORDS.contains(&name)
        && !NON_RAW_KEYWORDS.contains(&name)
}

/// An identifier token; keywords become raw identifiers (`r#type`) where Rust allows it.
pub fn ident(name: &str) -> Ident {
    let cleaned = sanitize(name, "value");
    if NON_RAW_KEYWORDS.contains(&cleaned.as_str()) {
        Ident::new(&format!("{cleaned}_"), Span::call_site())
    } else if RAW_KEYWORDS.contains(&cleaned.as_str()) {
        Ident::new_raw(&cleaned, Span::call_site())
    } else {
        Ident::new(&cleaned, Span::call_site())
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(distance, c)| (*distance, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_wire_names() {
        assert_eq!(snake("BusinessId"), "business_id");
        assert_eq!(snake("access_code_id"), "access_code_id");
        assert_eq!(pascal("time_bound"), "TimeBound");
        assert_eq!(pascal("mobile-key"), "MobileKey");
        assert_eq!(pascal("1st"), "V1st");
        assert_eq!(pascal("$$"), "Value");
        assert_eq!(pascal("self"), "SelfValue");
        assert_eq!(shouty("access_codes.get"), "ACCESS_CODES_GET");
    }

    #[test]
    fn escapes_keywords() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("code").to_string(), "code");
        assert!(!is_plain_ident("ref"));
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(closest("strng", ["string", "integer", "boolean"]), Some("string"));
        assert_eq!(closest("zzzzzz", ["string", "integer"]), None);
    }
}
