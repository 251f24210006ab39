//! serde_yaml's syntax and shape errors as diagnostics a maintainer can act on: located where
//! the problem is (not where the parser gave up), in the spec's words rather than serde's or
//! libyaml's (`expected struct SpecFile`, `recursion limit exceeded`), with a fix where one
//! is known.

use crate::diagnostics::{Diagnostic, suggest};
use crate::load::SourceFile;

/// The diagnostic for a file serde_yaml could not read.
pub(crate) fn diagnostic(source: &SourceFile, error: &serde_yaml::Error) -> Diagnostic {
    let (line, column) = error.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
    let full = error.to_string();
    // serde_yaml appends the error's own position (" at line L column C"), which the
    // diagnostic shows anyway.
    let own_position = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&own_position).map(str::to_owned).unwrap_or(full);
    let located = |line, column, message: String, help: &str| Diagnostic {
        file: source.path.clone(),
        line,
        column,
        message,
        help: (!help.is_empty()).then(|| help.to_owned()),
    };
    if let Some(diagnostic) = duplicate_key(source, &message) {
        return diagnostic;
    }
    if message.starts_with("found character that cannot start any token") && char_at(&source.text, line, column) == Some('\t') {
        return located(line, column, "a tab indents this line".into(), "YAML indents with spaces only: replace the tab with spaces");
    }
    if let Some((open_line, open_column)) = opened_at(&message, "while scanning a quoted scalar at line ") {
        return located(open_line, open_column, "this quoted string is never closed".into(), "end it with the same quote it starts with");
    }
    for (context, what, close) in
        [("while parsing a flow sequence at line ", "`[` list", ']'), ("while parsing a flow mapping at line ", "`{` mapping", '}')]
    {
        if let Some((open_line, open_column)) = opened_at(&message, context) {
            let help = format!("separate its items with `,` and close it with `{close}` (the parser gave up at line {line}, column {column})");
            return located(open_line, open_column, format!("this {what} is not closed"), &help);
        }
    }
    if let Some(rest) = message.strip_prefix("control characters are not allowed") {
        // libyaml gives a byte offset, and none for the file's first byte.
        let offset = rest.strip_prefix(" at position ").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
        let (line, column, character) = position_of_byte(&source.text, offset);
        let code = character.map(|c| format!("{:04X}", c as u32)).unwrap_or_else(|| "?".into());
        let help = format!("remove it, or write it escaped inside a double-quoted string (\"\\u{code}\")");
        return located(line, column, format!("the control character U+{code} is not allowed in YAML"), &help);
    }
    if message.starts_with("deserializing from YAML containing more than one document") {
        let (line, column) = second_document(&source.text).unwrap_or((line, column));
        return located(line, column, "a second YAML document starts here".into(), "a spec file is one document: move the rest to a file of its own");
    }
    if message.ends_with("recursion limit exceeded") {
        return located(line, column, "the YAML nests too deeply here".into(), "no spec nests this deep: look for an unclosed `[` or `{`");
    }
    if message.ends_with("repetition limit exceeded") {
        return located(line, column, "the YAML's aliases expand to too much".into(), "write the repeated part out instead of aliasing aliases");
    }
    let message =
        message.replace("expected struct SpecFile", "expected a mapping of sections (`api`, `endpoints`, `ids`, `enums`, `models`, `unions`)");
    let message = replace_struct_names(&message);
    let help = unknown_key_help(&message);
    Diagnostic { file: source.path.clone(), line, column, message, help }
}

/// A key repeated in one mapping (refused by serde's derive for struct keys and by
/// `unique_keys` for names and examples), located at the repeat and naming the first.
fn duplicate_key(source: &SourceFile, message: &str) -> Option<Diagnostic> {
    if !message.contains(crate::unique_keys::DUPLICATE_KEY) && !message.contains("duplicate field `") {
        return None;
    }
    // The position index knows both places.
    let index = crate::positions::PositionIndex::new(&source.text);
    let (key, (line, column), (first_line, first_column)) = index.duplicate_key()?;
    Some(Diagnostic {
        file: source.path.clone(),
        line,
        column,
        message: format!("the key `{key}` appears twice in one mapping"),
        help: Some(format!("the first is at line {first_line}, column {first_column}; keep one (YAML would keep only the last, silently)")),
    })
}

/// libyaml reports an unclosed quote or bracket where it gave up, often far below, naming
/// where the scalar or collection began (after `context`): that is the place to show.
fn opened_at(message: &str, context: &str) -> Option<(usize, usize)> {
    let rest = message.split(context).nth(1)?;
    let (line, column) = rest.split_once(" column ")?;
    Some((line.trim().parse().ok()?, column.trim().parse().ok()?))
}

/// The character at a 1-based line and column.
fn char_at(text: &str, line: usize, column: usize) -> Option<char> {
    text.lines().nth(line.checked_sub(1)?)?.chars().nth(column.checked_sub(1)?)
}

/// Line, column (in characters) and the character at a byte offset.
fn position_of_byte(text: &str, offset: usize) -> (usize, usize, Option<char>) {
    let (mut line, mut column) = (1, 1);
    for (index, c) in text.char_indices() {
        if index >= offset {
            return (line, column, Some(c));
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column, None)
}

/// Where a second document starts: a `---` after any content, or content after a `...`
/// that ended the first.
fn second_document(text: &str) -> Option<(usize, usize)> {
    let (mut seen_content, mut ended) = (false, false);
    for (index, line) in text.lines().enumerate() {
        let marker = line.starts_with("---");
        let after = if marker { &line[3..] } else { line }.trim();
        let content = !after.is_empty() && !after.starts_with('#') && !line.starts_with('%') && !line.starts_with("...");
        if seen_content && (marker || (ended && content)) {
            return Some((index + 1, 1));
        }
        ended |= seen_content && line.starts_with("...");
        seen_content |= content;
    }
    None
}

/// serde's `expected struct EndpointSpec` names our Rust types; the spec's reader knows a
/// mapping.
fn replace_struct_names(message: &str) -> String {
    let Some((before, after)) = message.split_once("expected struct ") else { return message.to_owned() };
    let rest = after.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    format!("{before}expected a mapping{rest}")
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (a misspelt key) and "unknown
/// variant `get`, expected one of `GET`, …" (a misspelt value), the closest allowed one.
fn unknown_key_help(message: &str) -> Option<String> {
    let (rest, what) = match message.split("unknown field `").nth(1) {
        Some(rest) => (rest, "keys"),
        None => (message.split("unknown variant `").nth(1)?, "values"),
    };
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(suggest(unknown, candidates.iter().copied(), || format!("the {what} allowed here are: {}", candidates.join(", "))))
}
