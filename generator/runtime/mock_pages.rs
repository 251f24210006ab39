//! How the mock server serves a list: in pages of the requested size, from the items a test
//! seeded (or the documented page's) that match the request's filters, with the paging fields
//! the spec names filled in, so a client walks the list to its end as it would against the
//! API.

use serde_json::{Map, Value};

use super::call::scalar_text;
use super::descriptor::{PageStyle, PaginationDescriptor};

/// The page a request asks for, as JSON text: the documented body (`template`) with its
/// items replaced by the requested slice of `items` (the documented ones when `None`) and
/// its paging fields set. `param` reads a request parameter; `filters` are the request's
/// other parameters, which a cursor is bound to. `Err` is the invalid-input message.
pub(crate) fn serve(
    pagination: &PaginationDescriptor,
    template: &str,
    items: Option<Vec<Value>>,
    param: &dyn Fn(&str) -> Option<Value>,
    filters: &[(&str, Value)],
) -> Result<String, String> {
    let mut body = match serde_json::from_str::<Value>(template) {
        Ok(Value::Object(object)) => Value::Object(object),
        _ => Value::Object(Map::new()),
    };
    let items = items.unwrap_or_else(|| body.get(pagination.items).and_then(Value::as_array).cloned().unwrap_or_default());
    // A filter named like a field of the items keeps those that hold its value, as a list
    // filtered by `device_id` would; other filters (search text, ranges) are not applied.
    let items: Vec<Value> = items
        .into_iter()
        .filter(|item| {
            filters.iter().all(|(name, wanted)| match (item.get(*name).and_then(scalar_text), scalar_text(wanted)) {
                (Some(held), Some(wanted)) => held == wanted,
                _ => true,
            })
        })
        .collect();
    let size = match pagination.size {
        Some((name, default)) => match param(name) {
            Some(value) => integer(&value).filter(|n| *n > 0).ok_or_else(|| format!("`{name}` must be a positive integer"))? as usize,
            None => default.map_or(items.len().max(1), |d| d as usize),
        },
        None => items.len().max(1),
    };
    let fingerprint = fingerprint(filters);
    let (offset, number) = match pagination.style {
        PageStyle::Cursor { param: name, .. } => match param(name) {
            None => (0, None),
            Some(value) => (cursor_offset(name, &value, fingerprint)?, None),
        },
        PageStyle::Number { param: name, first } => {
            let number = match param(name) {
                None => first,
                Some(value) => integer(&value).filter(|n| *n >= first).ok_or_else(|| format!("`{name}` must be an integer from {first}"))?,
            };
            let index = usize::try_from(number - first).unwrap_or(usize::MAX);
            (index.saturating_mul(size), Some(number))
        }
    };
    let start = offset.min(items.len());
    let end = offset.saturating_add(size).min(items.len());
    let has_next = end < items.len();
    let total = items.len();
    set(&mut body, &[pagination.items], Value::Array(items[start..end].to_vec()));
    set(&mut body, pagination.has_more, Value::Bool(has_next));
    if let PageStyle::Cursor { next, .. } = pagination.style {
        let cursor = if has_next { Value::String(format!("{end}.{fingerprint:016x}")) } else { Value::Null };
        set(&mut body, next, cursor);
    }
    set(&mut body, pagination.total_items, Value::from(total));
    set(&mut body, pagination.total_pages, Value::from(total.div_ceil(size)));
    if let Some(number) = number {
        set(&mut body, pagination.current_page, Value::from(number));
    }
    Ok(body.to_string())
}

/// A parameter's integer value, sent as a JSON number or as query text.
fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

/// The offset a cursor of this server names, if it was made for these filters.
fn cursor_offset(name: &str, value: &Value, fingerprint: u64) -> Result<usize, String> {
    let text = scalar_text(value).unwrap_or_default();
    let (offset, made_for) = text
        .split_once('.')
        .and_then(|(offset, made_for)| Some((offset.parse::<usize>().ok()?, u64::from_str_radix(made_for, 16).ok()?)))
        .ok_or_else(|| format!("`{name}` is not a cursor this server gave"))?;
    if made_for != fingerprint {
        return Err(format!("`{name}` was given for other filters: send the first request's filters again with it"));
    }
    Ok(offset)
}

/// FNV-1a of the filters' names and values, so a cursor works only with the filters it was
/// made for (as the API requires).
fn fingerprint(filters: &[(&str, Value)]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, value) in filters {
        let text = scalar_text(value).unwrap_or_else(|| value.to_string());
        for byte in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Sets the value at `path` (empty: nothing), making the objects on the way.
fn set(body: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut node = body;
    for key in parents {
        if !node.get(*key).is_some_and(Value::is_object) {
            node[*key] = Value::Object(Map::new());
        }
        node = &mut node[*key];
    }
    node[*last] = value;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const CURSOR: PaginationDescriptor = PaginationDescriptor {
        style: PageStyle::Cursor { param: "page_cursor", next: &["pagination", "next_page_cursor"] },
        items: "things",
        size: Some(("limit", Some(2))),
        has_more: &["pagination", "has_next_page"],
        total_items: &[],
        total_pages: &[],
        current_page: &[],
    };

    fn page(params: &[(&str, Value)], filters: &[(&str, Value)]) -> Result<Value, String> {
        let items = (1..=5).map(|n| json!({ "n": n })).collect();
        let param = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        serve(&CURSOR, r#"{"things": [], "pagination": {"next_page_url": null}, "ok": true}"#, Some(items), &param, filters)
            .map(|text| serde_json::from_str(&text).unwrap())
    }

    #[test]
    fn cursors_walk_the_list_and_the_last_page_says_so() {
        let filters = [("device_id", json!("d1"))];
        let first = page(&[], &filters).unwrap();
        assert_eq!(first["things"], json!([{ "n": 1 }, { "n": 2 }]));
        assert_eq!(first["pagination"]["has_next_page"], true);
        assert_eq!(first["ok"], true, "the documented keys stay");
        let cursor = first["pagination"]["next_page_cursor"].clone();
        let second = page(&[("page_cursor", cursor.clone())], &filters).unwrap();
        assert_eq!(second["things"], json!([{ "n": 3 }, { "n": 4 }]));
        let last = page(&[("page_cursor", second["pagination"]["next_page_cursor"].clone())], &filters).unwrap();
        assert_eq!(last["things"], json!([{ "n": 5 }]));
        assert_eq!(last["pagination"], json!({ "has_next_page": false, "next_page_cursor": null, "next_page_url": null }));

        let other_filters = page(&[("page_cursor", cursor)], &[("device_id", json!("d2"))]).unwrap_err();
        assert!(other_filters.contains("other filters"), "{other_filters}");
        assert!(page(&[("page_cursor", json!("nope"))], &filters).unwrap_err().contains("not a cursor"));
        assert!(page(&[("limit", json!(0))], &filters).unwrap_err().contains("positive"));
    }

    #[test]
    fn numbered_pages_count_from_the_first_and_give_totals() {
        let numbered = PaginationDescriptor {
            style: PageStyle::Number { param: "page", first: 1 },
            items: "Records",
            size: Some(("size", Some(25))),
            has_more: &["HasNextPage"],
            total_items: &["TotalItems"],
            total_pages: &["TotalPages"],
            current_page: &["CurrentPage"],
        };
        let items: Vec<Value> = (0..3).map(|n| json!(n)).collect();
        let params = [("page", json!("2")), ("size", json!("2"))];
        let param = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let text = serve(&numbered, "{}", Some(items), &param, &[]).unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body, json!({ "Records": [2], "HasNextPage": false, "TotalItems": 3, "TotalPages": 2, "CurrentPage": 2 }));
    }
}
