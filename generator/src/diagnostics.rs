//! Located problems in the specs. Every failure of the generator is one of these: it never
//! panics on a spec and reports every problem it finds in one run.

use std::fmt;

use marked_yaml::Node;

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
        self.0
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} in the specs; nothing was written",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Maps YAML paths back to line and column. serde_yaml's values carry no positions, so
/// meaning errors found after parsing look their place up in a second, marked parse.
pub struct PositionIndex {
    root: Option<Node>,
}

impl PositionIndex {
    pub fn new(text: &str) -> Self {
        // marked-yaml refuses anchors and aliases; such a file still loads through
        // serde_yaml, its diagnostics just lose their positions.
        PositionIndex { root: marked_yaml::parse_yaml(0, text).ok() }
    }

    /// Line and column of the node at `path`, or of its nearest existing ancestor.
    pub fn locate(&self, path: &[PathSeg]) -> (usize, usize) {
        let Some(mut node) = self.root.as_ref() else {
            return (0, 0);
        };
        let mut best = marker(node);
        for seg in path {
            let next = match (seg, node) {
                (PathSeg::Key(key), Node::Mapping(map)) => map.get_node(key),
                (PathSeg::Index(index), Node::Sequence(seq)) => seq.get_node(*index),
                _ => None,
            };
            let Some(next) = next else { break };
            node = next;
            if let Some(position) = marker(node) {
                best = Some(position);
            }
        }
        best.unwrap_or((0, 0))
    }
}

fn marker(node: &Node) -> Option<(usize, usize)> {
    node.span().start().map(|m| (m.line(), m.column()))
}
