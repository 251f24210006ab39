//! Stage 1: YAML text → spec types, grouped by API. Syntax and shape errors come from
//! serde_yaml with their line and column.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::positions::PositionIndex;
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

/// All the files of one API folder that could be read, in path order.
pub struct LoadedApi {
    pub dir: String,
    pub files: Vec<LoadedFile>,
    /// Some file of the folder could not be read, so what it defines is unknown: lowering
    /// still checks the others, but does not report references it cannot resolve.
    pub incomplete: bool,
}

/// Parses every file; all syntax errors at once, or the APIs.
pub fn load_specs(sources: &[SourceFile]) -> Result<Vec<LoadedApi>, Diagnostics> {
    let (apis, diagnostics) = load_all(sources, &[]);
    if diagnostics.is_empty() { Ok(apis) } else { Err(diagnostics) }
}

/// Parses every file: the APIs as far as they could be read, and every syntax error (with
/// the problems of the files that could not be read at all, `unreadable`), so that one
/// broken file does not hide the meaning errors of the others.
pub fn load_all(sources: &[SourceFile], unreadable: &[crate::sources::Unreadable]) -> (Vec<LoadedApi>, Diagnostics) {
    let mut diagnostics = Diagnostics(unreadable.iter().map(|u| u.problem.clone()).collect());
    let mut apis: BTreeMap<String, Vec<LoadedFile>> = BTreeMap::new();
    let mut incomplete: std::collections::BTreeSet<String> = unreadable.iter().map(|u| u.api_dir.clone()).collect();
    let parsed = crate::parallel::map(sources, |source| {
        crate::aliases::check(source)?;
        serde_yaml::from_str::<SpecFile>(&source.text).map_err(|error| crate::yaml_errors::diagnostic(source, &error))
    });
    for (source, parsed) in sources.iter().zip(parsed) {
        match parsed {
            Ok(spec) => apis.entry(source.api_dir.clone()).or_default().push(LoadedFile {
                path: source.path.clone(),
                spec,
                text: source.text.clone(),
                positions: OnceCell::new(),
            }),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                incomplete.insert(source.api_dir.clone());
            }
        }
    }
    diagnostics.sort();
    let apis = apis
        .into_iter()
        .map(|(dir, mut files)| {
            files.sort_by(|a, b| a.path.cmp(&b.path));
            LoadedApi { incomplete: incomplete.contains(&dir), dir, files }
        })
        .collect();
    (apis, diagnostics)
}
