//! Checks documented JSON examples against the declared types, so a spec cannot claim a
//! shape its own examples contradict (and the generated client is known to decode them).

use serde_json::Value;

use crate::diagnostics::PathSeg;
use crate::ir::{Api, ModelDef, TypeDef, TypeRef};

/// One mismatch: where in the example (for the diagnostic's position) and what.
pub struct Problem {
    pub path: Vec<PathSeg>,
    pub message: String,
}

/// Every mismatch between `value` and `ty`.
pub fn check_example(api: &Api, ty: &TypeRef, value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    check(api, ty, value, &mut Vec::new(), &mut problems);
    problems
}

/// `$.item.count[2]`, for messages.
fn display(path: &[PathSeg]) -> String {
    let mut out = String::from("$");
    for seg in path {
        match seg {
            PathSeg::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            PathSeg::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

struct Sink<'a> {
    path: &'a [PathSeg],
    problems: &'a mut Vec<Problem>,
}

impl Sink<'_> {
    fn push(&mut self, message: String) {
        self.problems.push(Problem { path: self.path.to_vec(), message: format!("{}: {message}", display(self.path)) });
    }
}

fn check(api: &Api, ty: &TypeRef, value: &Value, at: &mut Vec<PathSeg>, problems: &mut Vec<Problem>) {
    let mut sink = Sink { path: at, problems };
    let mismatch = |expected: &str| format!("expected {expected}, found {}", describe(value));
    match ty {
        TypeRef::String | TypeRef::Url | TypeRef::Uuid | TypeRef::Secret => {
            if !value.is_string() {
                sink.push(mismatch("a string"));
            }
        }
        TypeRef::Timestamp => match value.as_str() {
            Some(text) if looks_like_timestamp(text) => {}
            Some(text) => sink.push(format!("`{text}` is not an RFC 3339 timestamp")),
            None => sink.push(mismatch("a timestamp string")),
        },
        TypeRef::Integer => {
            if !value.is_i64() {
                sink.push(mismatch("an integer"));
            }
        }
        TypeRef::Number => {
            if !value.is_number() {
                sink.push(mismatch("a number"));
            }
        }
        TypeRef::Boolean => {
            if !value.is_boolean() {
                sink.push(mismatch("a boolean"));
            }
        }
        TypeRef::Json => {}
        TypeRef::OneOf(members) => {
            let fits = |member: &TypeRef| match member {
                TypeRef::String => value.is_string(),
                TypeRef::Boolean => value.is_boolean(),
                TypeRef::Integer => value.is_i64(),
                _ => value.is_number(),
            };
            if !members.iter().any(fits) {
                sink.push(mismatch(&format!("`{}`", ty.spec_name())));
            }
        }
        TypeRef::Array(inner) => match value.as_array() {
            Some(items) => {
                for (index, item) in items.iter().enumerate() {
                    at.push(PathSeg::Index(index));
                    check(api, inner, item, at, problems);
                    at.pop();
                }
            }
            None => sink.push(mismatch("an array")),
        },
        TypeRef::Map(inner) => match value.as_object() {
            Some(entries) => {
                for (key, item) in entries {
                    at.push(PathSeg::Key(key.clone()));
                    check(api, inner, item, at, problems);
                    at.pop();
                }
            }
            None => sink.push(mismatch("an object (a map)")),
        },
        TypeRef::Named(name) => check_named(api, name, value, at, problems),
    }
}

/// A value of a type the API defines.
fn check_named(api: &Api, name: &str, value: &Value, at: &mut Vec<PathSeg>, problems: &mut Vec<Problem>) {
    let mut sink = Sink { path: at, problems };
    let mismatch = |expected: &str| format!("expected {expected}, found {}", describe(value));
    match api.type_def(name) {
        None => sink.push(format!("unknown type `{name}`")),
        Some(TypeDef::Id(id)) => {
            let ok = if id.integer { value.is_i64() } else { value.is_string() };
            if !ok {
                sink.push(mismatch(if id.integer { "an integer id" } else { "a string id" }));
            }
        }
        Some(TypeDef::Enum(def)) => match value.as_str() {
            Some(text) if def.values.iter().any(|v| v.value == text) => {}
            Some(text) => sink.push(format!(
                "`{text}` is not a value of `{name}` ({})",
                def.values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>().join(", ")
            )),
            None => sink.push(mismatch("a string")),
        },
        Some(TypeDef::Model(model)) => check_model(api, model, value, at, problems),
        Some(TypeDef::Union(union)) => {
            let tag = value.get(&union.tag).and_then(Value::as_str);
            match tag.and_then(|t| union.variants.iter().find(|v| v.tags().any(|tag| tag == t))) {
                Some(variant) => {
                    // The tag itself is not a field of the variant model (unless several
                    // tags select it: then its payload holds the tag).
                    let mut without_tag = value.clone();
                    if let Some(object) = without_tag.as_object_mut().filter(|_| variant.also_tags.is_empty()) {
                        object.remove(&union.tag);
                    }
                    check(api, &TypeRef::Named(variant.model.clone()), &without_tag, at, problems);
                }
                None => sink.push(format!("`{}` does not name a variant of `{name}`", tag.unwrap_or("(missing)"))),
            }
        }
    }
}

/// An object against a model: every required field present, no undeclared field.
fn check_model(api: &Api, model: &ModelDef, value: &Value, at: &mut Vec<PathSeg>, problems: &mut Vec<Problem>) {
    let name = &model.name;
    let mut sink = Sink { path: at, problems };
    let mismatch = |expected: &str| format!("expected {expected}, found {}", describe(value));
    let Some(object) = value.as_object() else {
        sink.push(mismatch("an object"));
        return;
    };
    for field in &model.fields {
        match object.get(&field.wire_name) {
            None if !field.optional => sink.push(format!("missing required field `{}` (add it, or mark the field `optional`)", field.wire_name)),
            None => {}
            Some(Value::Null) if field.nullable => {}
            Some(inner) => {
                at.push(PathSeg::Key(field.wire_name.clone()));
                if inner.is_null() {
                    let mut sink = Sink { path: at, problems };
                    sink.push("is null, but the field is not `nullable`".to_owned());
                } else {
                    check(api, &field.ty, inner, at, problems);
                }
                at.pop();
            }
        }
        sink = Sink { path: at, problems };
    }
    for key in object.keys() {
        if !model.fields.iter().any(|f| &f.wire_name == key) {
            at.push(PathSeg::Key(key.clone()));
            let mut sink = Sink { path: at, problems };
            sink.push(format!("unknown field `{key}` (declare it in `{name}`)"));
            at.pop();
        }
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// RFC 3339 (`2025-01-15T10:30:00Z`, fractions, `±HH:MM` offsets) or the same without an
/// offset: the forms the runtime's `Timestamp` accepts, with field ranges checked.
fn looks_like_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = bytes.get(range)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let date_time_ok = (|| {
        let (month, day, hour, minute, second) = (number(5..7)?, number(8..10)?, number(11..13)?, number(14..16)?, number(17..19)?);
        number(0..4)?;
        let separators = bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && matches!(bytes.get(10), Some(b'T' | b't'))
            && bytes.get(13) == Some(&b':')
            && bytes.get(16) == Some(&b':');
        Some(separators && (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second <= 60)
    })()
    .unwrap_or(false);
    if !date_time_ok {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest.as_bytes() {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) && (h1 - b'0') * 10 + (h2 - b'0') < 24 && (m1 - b'0') * 10 + (m2 - b'0') < 60
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_timestamp;

    #[test]
    fn timestamps_are_checked_field_by_field() {
        for ok in ["2022-08-26T12:50:17.858Z", "2025-06-16T16:54:17.946606Z", "2025-01-15T10:30:00", "2025-01-15T10:30:00+02:00"] {
            assert!(looks_like_timestamp(ok), "{ok}");
        }
        for bad in ["2025-13-45T10:30:00Z", "2025-01-15T10:30:00+2", "2025-01-15 10:30:00Z", "2025-01-15T10:30:00.Z", "yesterday"] {
            assert!(!looks_like_timestamp(bad), "{bad}");
        }
    }
}
