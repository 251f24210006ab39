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

/// `access_codes` → `AccessCodes`; `time-bound` → `TimeBound`; a leading number in words:
/// `1st-place` → `FirstPlace`, `2fa` → `TwoFa`, `1080p` → `Number1080P`.
pub fn pascal(text: &str) -> String {
    let text = spell_leading_number(text);
    let name = sanitize(&sanitize(&text, "Value").to_pascal_case(), "Value");
    // `Self` is the one PascalCase keyword, and it cannot be a raw identifier.
    if name == "Self" { "SelfValue".to_owned() } else { name }
}

/// A leading number as a word, so a PascalCase name can start with it: ordinals up to the
/// twentieth (`1st` → `First`), numbers below 100 (`24h` → `TwentyFour h`), larger ones kept
/// as digits after `Number`.
fn spell_leading_number(text: &str) -> String {
    const UNITS: &str =
        "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen Sixteen Seventeen Eighteen Nineteen";
    const TENS: &str = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety";
    const ORDINALS: &str = "Zeroth First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh Twelfth Thirteenth Fourteenth \
                            Fifteenth Sixteenth Seventeenth Eighteenth Nineteenth Twentieth";
    let word = |list: &'static str, n: usize| list.split_whitespace().nth(n);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return text.to_owned();
    }
    let (number, rest) = text.split_at(digits);
    let value: Option<usize> = number.parse().ok().filter(|_| digits <= 3);
    let suffix = rest.get(..2).map(str::to_ascii_lowercase);
    let after_suffix = rest.get(2..).unwrap_or_default();
    let is_ordinal = matches!(suffix.as_deref(), Some("st" | "nd" | "rd" | "th")) && !after_suffix.starts_with(|c: char| c.is_ascii_alphabetic());
    if is_ordinal && let Some(ordinal) = value.and_then(|n| word(ORDINALS, n)) {
        return format!("{ordinal} {after_suffix}");
    }
    let spelled = match value {
        Some(n) if n < 20 => word(UNITS, n).map(str::to_owned),
        Some(n) if n < 100 => {
            word(TENS, n / 10).zip(word(UNITS, n % 10)).map(|(tens, unit)| format!("{tens}{}", if n % 10 == 0 { "" } else { unit }))
        }
        _ => None,
    };
    format!("{} {rest}", spelled.unwrap_or_else(|| format!("Number{number}")))
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
        assert_eq!(pascal("1st"), "First");
        assert_eq!(pascal("1st-place"), "FirstPlace");
        assert_eq!(pascal("2fa"), "TwoFa");
        assert_eq!(pascal("24h"), "TwentyFourH");
        assert_eq!(pascal("40"), "Forty");
        assert_eq!(pascal("1stopshop"), "OneStopshop");
        assert_eq!(pascal("1080p"), "Number1080P");
        assert_eq!(pascal("0"), "Zero");
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
