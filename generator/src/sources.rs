//! Reading the specs from disk: the one place the generator library touches the file
//! system. The pipeline itself ([`crate::generate`]) does no I/O; xtask and the tests read
//! specs through here, so they all see the same files in the same order.

use std::fs;
use std::path::{Path, PathBuf};

use crate::SourceFile;

/// Every `<dir>/<api>/*.yaml` (and `*.yml`), by API folder then file name, shown as
/// `specs/<api>/<file>` (the repository-relative path of the project's specs).
pub fn read_specs(dir: &Path) -> Result<Vec<SourceFile>, String> {
    let mut sources = Vec::new();
    for api_dir in sorted_entries(dir)?.into_iter().filter(|p| p.is_dir()) {
        let api = file_name(&api_dir);
        sources.extend(read_api(&api_dir, &api, &format!("specs/{api}"))?);
    }
    Ok(sources)
}

/// The spec files of one API folder `dir` (`*.yaml`, `*.yml`), sorted by name, as the API
/// folder `api` and shown as `<shown_as>/<file>`.
pub fn read_api(dir: &Path, api: &str, shown_as: &str) -> Result<Vec<SourceFile>, String> {
    let mut sources = Vec::new();
    for file in sorted_entries(dir)? {
        if file.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let text = fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            sources.push(SourceFile { path: format!("{shown_as}/{}", file_name(&file)), api_dir: api.to_owned(), text });
        }
    }
    Ok(sources)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
