//! Located problems in the specs. Every failure of the generator is one of these: it never
//! panics on a spec and reports every problem it finds in one run.

use std::fmt;

/// A step into a YAML document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Builds a [`PathSeg`] list tersely: `yaml_path!["endpoints", 0, "params"]`.
#[macro_export]
macro_rules! yaml_path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::diagnostics::PathSeg::from($seg)),*]
    };
}

impl From<&str> for PathSeg {
    fn from(key: &str) -> Self {
        PathSeg::Key(key.to_owned())
    }
}

impl From<&String> for PathSeg {
    fn from(key: &String) -> Self {
        PathSeg::Key(key.clone())
    }
}

impl From<usize> for PathSeg {
    fn from(index: usize) -> Self {
        PathSeg::Index(index)
    }
}

/// The help line of every "did you mean": the candidate closest to `word`, or `otherwise`
/// when none is close enough to be a likely typo.
pub(crate) fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, otherwise: impl FnOnce() -> String) -> String {
    match crate::names::closest(word, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None => otherwise(),
    }
}

/// One problem, with where it is and, when known, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path of the spec file as the caller named it (`specs/seam/api.yaml`).
    pub file: String,
    /// 1-based; 0 when the position is unknown.
    pub line: usize,
    /// 1-based; 0 when the position is unknown.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: error: {}", self.file, self.line, self.column, self.message)?;
        } else {
            write!(f, "{}: error: {}", self.file, self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// All the problems of one run, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub(crate) fn sort(&mut self) {
        self.0.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(f, "{count} problem{} in the specs; nothing was written", if count == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

/// Renders diagnostics for people: the offending line with the spot underlined, the
/// message and the fix. miette draws it; `sources` supplies the file texts by path.
pub fn render(diagnostics: &Diagnostics, sources: &[crate::SourceFile]) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};

    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        let text = sources.iter().find(|s| s.path == diagnostic.file).map(|s| s.text.as_str());
        let report = Rendered::new(diagnostic, text);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&diagnostic.to_string());
            out.push('\n');
        }
    }
    let count = diagnostics.len();
    out.push_str(&format!("{count} problem{} in the specs; nothing was written\n", if count == 1 { "" } else { "s" }));
    out
}

/// The longest line a rendered diagnostic shows (in characters).
const MAX_SHOWN_LINE: usize = 400;

/// A diagnostic with its source attached, in the shape miette draws.
#[derive(Debug)]
struct Rendered {
    message: String,
    help: Option<String>,
    source: Option<miette::NamedSource<String>>,
    span: Option<miette::SourceSpan>,
}

impl Rendered {
    fn new(diagnostic: &Diagnostic, text: Option<&str>) -> Self {
        // miette prints the lines around the spot whole: a 200 KB line would flood the
        // terminal, so such a spot is named by line and column instead.
        let shown = |text: &str| text.lines().skip(diagnostic.line.saturating_sub(2)).take(3).all(|l| l.chars().count() <= MAX_SHOWN_LINE);
        let located = text.filter(|text| diagnostic.line > 0 && shown(text)).and_then(|text| {
            let offset = byte_offset(text, diagnostic.line, diagnostic.column)?;
            Some((text, offset, token_len(&text[offset..])))
        });
        let (source, span) = match located {
            Some((text, offset, len)) => {
                (Some(miette::NamedSource::new(diagnostic.file.clone(), text.to_owned())), Some(miette::SourceSpan::new(offset.into(), len)))
            }
            None => (None, None),
        };
        let message = match (&source, diagnostic.line) {
            (Some(_), _) => diagnostic.message.clone(),
            (None, 0) => format!("{}: {}", diagnostic.file, diagnostic.message),
            (None, line) => format!("{}:{line}:{}: {}", diagnostic.file, diagnostic.column, diagnostic.message),
        };
        Rendered { message, help: diagnostic.help.clone(), source, span }
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(miette::LabeledSpan::new_with_span(Some("here".into()), span))))
    }
}

/// Byte offset of a 1-based line and (character) column.
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line == 1 { 0 } else { text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)? };
    let rest = &text[start..];
    let in_line = rest.char_indices().nth(column.saturating_sub(1)).map(|(i, _)| i).unwrap_or(rest.len());
    Some(start + in_line)
}

/// Length of the YAML token starting the text: up to the next delimiter on the line.
fn token_len(text: &str) -> usize {
    let end = text.find([',', '}', ']', '\n', '#']).unwrap_or(text.len());
    text[..end].trim_end().len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spot on a huge line is named by line and column, not printed with its line.
    #[test]
    fn a_huge_line_is_not_printed() {
        let text = format!("a: 1\nb: {}\n", "x".repeat(200_000));
        let source = crate::SourceFile { path: "specs/x/api.yaml".into(), api_dir: "x".into(), text };
        let diagnostic = Diagnostic { file: source.path.clone(), line: 2, column: 4, message: "bad".into(), help: None };
        let out = render(&Diagnostics(vec![diagnostic]), &[source]);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains("specs/x/api.yaml:2:4: bad"), "{out}");
    }
}
