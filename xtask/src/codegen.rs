//! `cargo xtask codegen [--check]`: the one place that owns the freshness of `generated/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use generator::{OutputFile, REGENERATE, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What a run found, file by file (paths relative to `generated/`).
#[derive(Debug, Default)]
pub struct Outcome {
    pub spec_files: usize,
    pub changed: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

pub fn run(mode: Mode) -> Result<(), String> {
    let root = crate::project_root();
    let outcome = sync(&root, mode)?;
    let verb = if mode == Mode::Write { ("written", "removed") } else { ("stale", "to remove") };
    println!(
        "codegen: {} spec files; {} files {}, {} unchanged, {} {}",
        outcome.spec_files,
        outcome.changed.len(),
        verb.0,
        outcome.unchanged,
        outcome.removed.len(),
        verb.1
    );
    if mode == Mode::Check && (!outcome.changed.is_empty() || !outcome.removed.is_empty()) {
        let mut message = String::from("generated/ is out of date with specs/:\n");
        for path in &outcome.changed {
            message.push_str(&format!("  differs: generated/{path}\n"));
        }
        for path in &outcome.removed {
            message.push_str(&format!("  no longer generated: generated/{path}\n"));
        }
        message.push_str(&format!("run `{REGENERATE}` to update it"));
        return Err(message);
    }
    Ok(())
}

/// Reads `specs/`, generates in memory, then compares with (or updates) `generated/`.
/// Nothing is written unless generation succeeded as a whole.
pub fn sync(root: &Path, mode: Mode) -> Result<Outcome, String> {
    let sources = read_specs(&root.join("specs"))?;
    let files = generator::generate(&sources).map_err(|d| d.to_string())?;
    let generated = root.join("generated");
    let mut outcome = Outcome { spec_files: sources.len(), ..Outcome::default() };

    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in &files {
        if is_fresh(&generated, file) {
            outcome.unchanged += 1;
        } else {
            outcome.changed.push(file.path.clone());
        }
    }
    for existing in list_files(&generated)? {
        if !wanted.contains(existing.as_str()) {
            outcome.removed.push(existing);
        }
    }
    if mode == Mode::Write {
        for file in files.iter().filter(|f| outcome.changed.contains(&f.path)) {
            write_atomically(&generated.join(&file.path), &file.contents)?;
        }
        for path in &outcome.removed {
            let full = generated.join(path);
            fs::remove_file(&full).map_err(|e| format!("cannot remove {}: {e}", full.display()))?;
            remove_empty_parents(&full, &generated);
        }
    }
    Ok(outcome)
}

fn is_fresh(generated: &Path, file: &OutputFile) -> bool {
    match fs::read_to_string(generated.join(&file.path)) {
        Ok(existing) => normalize(&existing) == normalize(&file.contents),
        Err(_) => false,
    }
}

/// Line endings may be rewritten by git on checkout; they are not a difference.
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Writes next to the target, then renames: a crash never leaves a half-written file.
fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let parent = path.parent().ok_or_else(|| format!("{} has no parent", path.display()))?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let temp = path.with_extension("codegen-tmp");
    fs::write(&temp, contents).map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
    fs::rename(&temp, path).map_err(|e| format!("cannot move {} into place: {e}", path.display()))
}

fn remove_empty_parents(path: &Path, stop: &Path) {
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current == stop || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

/// Every `specs/<api>/*.yaml`, sorted, with repository-relative display paths.
pub fn read_specs(specs: &Path) -> Result<Vec<SourceFile>, String> {
    let mut sources = Vec::new();
    let apis = sorted_entries(specs)?;
    for api_dir in apis.into_iter().filter(|p| p.is_dir()) {
        let api = file_name(&api_dir);
        for file in sorted_entries(&api_dir)? {
            if file.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
                sources.push(SourceFile { path: format!("specs/{api}/{}", file_name(&file)), api_dir: api.clone(), text });
            }
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

/// Files under `generated/`, relative and `/`-separated.
fn list_files(root: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for path in sorted_entries(&dir)? {
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when generated/ is stale, like `cargo xtask codegen --check`.
    #[test]
    fn generated_crate_is_fresh() {
        if let Err(message) = run(Mode::Check) {
            panic!("{message}");
        }
    }
}
