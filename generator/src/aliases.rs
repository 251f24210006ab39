//! A bound on what YAML anchors and aliases expand to. serde_yaml builds every alias in
//! place, so a few KB of aliases that name lists of aliases become gigabytes and minutes.
//! This pass walks the parser's events once (linear in the text, expanding nothing) and
//! refuses a file whose nodes, aliases counted at their expanded size, pass [`MAX_NODES`],
//! at the alias or collection that passes it.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;

/// Far above any real spec (the largest has some thousands of nodes), far below what takes
/// serde_yaml seconds.
pub(crate) const MAX_NODES: u64 = 1_000_000;

/// `Err` with a located diagnostic when the file's aliases expand past [`MAX_NODES`].
pub(crate) fn check(source: &SourceFile) -> Result<(), Diagnostic> {
    // An alias names an anchor (`&name`): without one, nothing can expand.
    if !source.text.contains('&') {
        return Ok(());
    }
    let mut parser = Parser::new_from_str(&source.text);
    // Expanded size of each anchored node, by the parser's anchor id.
    let mut sizes: HashMap<usize, u64> = HashMap::new();
    // The collections open around the current event: their anchor and nodes so far.
    let mut open: Vec<(usize, u64)> = Vec::new();
    loop {
        // A syntax error is serde_yaml's to report, with its own message.
        let Ok((event, mark)) = parser.next_token() else { return Ok(()) };
        let done = match event {
            Event::StreamEnd => return Ok(()),
            Event::Scalar(_, _, anchor, _) => Some((anchor, 1)),
            Event::Alias(anchor) => Some((0, sizes.get(&anchor).copied().unwrap_or(1))),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop(),
            _ => None,
        };
        let Some((anchor, size)) = done else { continue };
        if anchor != 0 {
            sizes.insert(anchor, size);
        }
        let total = match open.last_mut() {
            Some((_, nodes)) => {
                *nodes = nodes.saturating_add(size);
                *nodes
            }
            None => size,
        };
        if size > MAX_NODES || total > MAX_NODES {
            return Err(Diagnostic {
                file: source.path.clone(),
                line: mark.line(),
                column: mark.col() + 1,
                message: format!("the aliases here expand this file past {MAX_NODES} YAML nodes"),
                help: Some("every alias is a full copy when the spec is read: write the repeated part out, or alias it fewer times".into()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: String) -> SourceFile {
        SourceFile { path: "specs/x/api.yaml".into(), api_dir: "x".into(), text }
    }

    /// Ten levels of ten aliases each: 10^10 nodes once expanded, refused from a few hundred
    /// bytes without expanding anything.
    #[test]
    fn aliases_of_aliases_are_refused_at_the_alias_that_passes_the_bound() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            text.push_str(&format!("a{level}: &a{level} [{}]\n", vec![previous; 10].join(", ")));
        }
        let started = std::time::Instant::now();
        let diagnostic = check(&source(text)).expect_err("a billion nodes passed");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(diagnostic.line, 6, "a5 is 1,111,111 nodes: {diagnostic}");
        assert!(diagnostic.column > 1, "{diagnostic}");
    }

    #[test]
    fn a_few_aliases_pass() {
        let text = "base: &base { a: 1, b: 2 }\nfirst: *base\nsecond: *base\n".to_owned();
        assert_eq!(check(&source(text)), Ok(()));
    }
}
