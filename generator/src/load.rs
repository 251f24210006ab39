//! Stage 1: YAML text → spec types, grouped by API. Syntax and shape errors come from
//! serde_yaml with their line and column.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics, PositionIndex};
use crate::spec::SpecFile;

/// A spec file as read from disk; the generator itself does no I/O.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown in diagnostics, relative to the repository (`specs/seam/api.yaml`).
    pub path: String,
    /// The API folder the file belongs to (`seam`).
    pub api_dir: String,
    pub text: String,
}

pub struct LoadedFile {
    pub path: String,
    pub spec: SpecFile,
    text: String,
    /// Built on the first diagnostic only: a second YAML parse (with positions) of every
    /// file would cost a third of loading, and valid specs never need it.
    positions: OnceCell<PositionIndex>,
}

impl LoadedFile {
    /// A diagnostic for the node at `path` in this file.
    pub fn diagnostic(&self, path: &[crate::diagnostics::PathSeg], message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.positions.get_or_init(|| PositionIndex::new(&self.text)).locate(path);
        Diagnostic { file: self.path.clone(), line, column, message: message.into(), help: None }
    }
}

/// All the files of one API folder, in path order.
pub struct LoadedApi {
    pub dir: String,
    pub files: Vec<LoadedFile>,
}

/// Parses every file; returns all syntax errors at once.
pub fn load_specs(sources: &[SourceFile]) -> Result<Vec<LoadedApi>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut apis: BTreeMap<String, Vec<LoadedFile>> = BTreeMap::new();
    let parsed =
        crate::parallel::map(sources, |source| serde_yaml::from_str::<SpecFile>(&source.text).map_err(|error| yaml_error_diagnostic(source, &error)));
    for (source, parsed) in sources.iter().zip(parsed) {
        match parsed {
            Ok(spec) => apis.entry(source.api_dir.clone()).or_default().push(LoadedFile {
                path: source.path.clone(),
                spec,
                text: source.text.clone(),
                positions: OnceCell::new(),
            }),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    Ok(apis
        .into_iter()
        .map(|(dir, mut files)| {
            files.sort_by(|a, b| a.path.cmp(&b.path));
            LoadedApi { dir, files }
        })
        .collect())
}

fn yaml_error_diagnostic(source: &SourceFile, error: &serde_yaml::Error) -> Diagnostic {
    let (line, column) = error.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
    let full = error.to_string();
    // serde_yaml appends the error's own position (" at line L column C"), which the
    // diagnostic shows anyway; another position in the message, like where a quoted
    // scalar started, is information and stays.
    let own_position = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&own_position).map(str::to_owned).unwrap_or(full);
    if let Some(diagnostic) = duplicate_key_diagnostic(source, &message) {
        return diagnostic;
    }
    let help = unknown_field_help(&message);
    Diagnostic { file: source.path.clone(), line, column, message, help }
}

/// A key repeated in one mapping (refused by serde's derive for struct keys and by
/// `unique_keys` for names and examples), located at the repeat and naming the first.
fn duplicate_key_diagnostic(source: &SourceFile, message: &str) -> Option<Diagnostic> {
    if !message.contains(crate::unique_keys::DUPLICATE_KEY) && !message.contains("duplicate field `") {
        return None;
    }
    // The marked parse knows both places; it refuses anchors, and then serde_yaml's own
    // position of the repeat is all there is.
    let options = marked_yaml::LoaderOptions::default().error_on_duplicate_keys(true);
    let Err(marked_yaml::LoadError::DuplicateKey(keys)) = marked_yaml::parse_yaml_with_options(0, &source.text, options) else { return None };
    let at = |node: &marked_yaml::types::MarkedScalarNode| node.span().start().map(|m| (m.line(), m.column())).unwrap_or((0, 0));
    let ((line, column), (first_line, first_column)) = (at(&keys.key), at(&keys.prev_key));
    Some(Diagnostic {
        file: source.path.clone(),
        line,
        column,
        message: format!("the key `{}` appears twice in one mapping", keys.key.as_str()),
        help: Some(format!("the first is at line {first_line}, column {first_column}; keep one (YAML would keep only the last, silently)")),
    })
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" suggest the closest key.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(crate::diagnostics::suggest(unknown, candidates.iter().copied(), || format!("the keys allowed here are: {}", candidates.join(", "))))
}
