//! Reading the specs from disk: the one place the generator library touches the file
//! system. The pipeline itself ([`crate::generate`]) does no I/O; xtask and the tests read
//! specs through here, so they all see the same files in the same order.
//!
//! A file that cannot be a spec (a directory named `x.yaml`, a device, a dangling symlink,
//! more than [`MAX_SPEC_BYTES`], not UTF-8) is a located problem of its own, reported with
//! every other problem of the run; reading never follows a device or a pipe, and never reads
//! more than the bound. Editors' lock, swap and backup files are not specs and are skipped.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{Diagnostic, SourceFile};

/// Far above any hand-written spec (the largest is some KB), far below memory trouble.
pub const MAX_SPEC_BYTES: u64 = 8 << 20;

/// The specs as read: every readable file, and a problem for each file that is not.
#[derive(Debug, Default)]
pub struct Specs {
    pub sources: Vec<SourceFile>,
    pub unreadable: Vec<Unreadable>,
}

/// A spec file that could not be read, and why.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// The API folder it belongs to: what it defines is unknown to the others.
    pub api_dir: String,
    pub problem: Diagnostic,
}

/// Every `<dir>/<api>/*.yaml` (and `*.yml`), by API folder then file name, shown as
/// `specs/<api>/<file>` (the repository-relative path of the project's specs). `Err` only
/// when `dir` itself cannot be listed.
pub fn read_specs(dir: &Path) -> Result<Specs, String> {
    let mut specs = Specs::default();
    for api_dir in sorted_entries(dir)?.into_iter().filter(|p| p.is_dir()) {
        let api = file_name(&api_dir);
        let read = read_api(&api_dir, &api, &format!("specs/{api}"))?;
        specs.sources.extend(read.sources);
        specs.unreadable.extend(read.unreadable);
    }
    Ok(specs)
}

/// The spec files of one API folder `dir` (`*.yaml`, `*.yml`), sorted by name, as the API
/// folder `api` and shown as `<shown_as>/<file>`.
pub fn read_api(dir: &Path, api: &str, shown_as: &str) -> Result<Specs, String> {
    let mut specs = Specs::default();
    for file in sorted_entries(dir)? {
        let name = file_name(&file);
        if !is_spec_name(&name) {
            continue;
        }
        let shown = format!("{shown_as}/{name}");
        match read_file(&file) {
            Ok(text) => specs.sources.push(SourceFile { path: shown, api_dir: api.to_owned(), text }),
            // An editor's lock file is a dangling symlink named like the spec (`.#x.yaml` is
            // skipped by name; some editors leave others).
            Err(Problem::Dangling) if name.starts_with(".#") => {}
            Err(problem) => specs.unreadable.push(Unreadable { api_dir: api.to_owned(), problem: problem.diagnostic(shown) }),
        }
    }
    Ok(specs)
}

/// `*.yaml` and `*.yml`, but not editors' lock (`.#x.yaml`, `#x.yaml#`), swap or backup
/// (`x.yaml~`) files, nor hidden ones.
fn is_spec_name(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.starts_with('.') && !name.starts_with('#')
}

enum Problem {
    Dangling,
    NotAFile(&'static str),
    TooBig(u64),
    NotUtf8 { line: usize, column: usize, byte: u8 },
    Io(std::io::ErrorKind),
}

impl Problem {
    fn diagnostic(self, file: String) -> Diagnostic {
        let (line, column, message, help) = match self {
            Problem::Dangling => (0, 0, "a symbolic link to nothing, named like a spec".to_owned(), "remove it, or point it at a spec"),
            Problem::NotAFile(what) => (0, 0, format!("{what} named like a spec, not a file"), "a spec is a YAML file: rename or move it"),
            Problem::TooBig(bytes) => (
                0,
                0,
                format!("{bytes} bytes, more than a spec may have ({MAX_SPEC_BYTES})"),
                "split it into one file per endpoint, as specs/README.md does",
            ),
            Problem::NotUtf8 { line, column, byte } => {
                (line, column, format!("not UTF-8: the byte 0x{byte:02X} starts no character"), "save the file as UTF-8")
            }
            Problem::Io(kind) => (0, 0, format!("cannot be read: {kind}"), "check the file's permissions"),
        };
        Diagnostic { file, line, column, message, help: Some(help.to_owned()) }
    }
}

/// A spec's text: a regular file (or a symlink to one) of at most [`MAX_SPEC_BYTES`], in
/// UTF-8.
fn read_file(path: &Path) -> Result<String, Problem> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(_) if fs::symlink_metadata(path).is_ok() => return Err(Problem::Dangling),
        Err(error) => return Err(Problem::Io(error.kind())),
    };
    if metadata.is_dir() {
        return Err(Problem::NotAFile("a directory"));
    }
    if !metadata.is_file() {
        return Err(Problem::NotAFile("a device, pipe or socket"));
    }
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(Problem::TooBig(metadata.len()));
    }
    let file = fs::File::open(path).map_err(|e| Problem::Io(e.kind()))?;
    // The length may change between the look and the read: never read past the bound.
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Problem::Io(e.kind()))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(Problem::TooBig(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let byte = error.as_bytes().get(valid.len()).copied().unwrap_or_default();
        // The text before the bad byte is valid: count its lines and characters.
        let before = std::str::from_utf8(valid).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        Problem::NotUtf8 { line, column, byte }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of file that is not a spec, in one folder: each is one located problem,
    /// the good file is read, and editors' files are skipped.
    #[test]
    #[cfg(unix)]
    fn files_that_cannot_be_specs_are_problems_of_their_own() {
        let dir = std::env::temp_dir().join(format!("keyway-sources-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("dir.yaml")).unwrap();
        fs::write(dir.join("good.yaml"), "ids: {}\n").unwrap();
        fs::write(dir.join("latin1.yaml"), b"a: 1\nb: caf\xe9\n").unwrap();
        fs::write(dir.join("big.yaml"), vec![b'#'; MAX_SPEC_BYTES as usize + 1]).unwrap();
        fs::write(dir.join("good.yaml~"), "backup").unwrap();
        fs::write(dir.join("#good.yaml#"), "autosave").unwrap();
        std::os::unix::fs::symlink("/nonexistent", dir.join(".#good.yaml")).unwrap();
        std::os::unix::fs::symlink("/nonexistent", dir.join("gone.yaml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yaml")).unwrap();
        let specs = read_api(&dir, "x", "specs/x").unwrap();
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(specs.sources.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(), ["specs/x/good.yaml"]);
        let problems: Vec<String> = specs.unreadable.iter().map(|u| u.problem.to_string()).collect();
        let expected = [
            "specs/x/big.yaml: error: 8388609 bytes, more than a spec may have (8388608)",
            "specs/x/dir.yaml: error: a directory named like a spec, not a file",
            "specs/x/gone.yaml: error: a symbolic link to nothing, named like a spec",
            "specs/x/latin1.yaml:2:7: error: not UTF-8: the byte 0xE9 starts no character",
            "specs/x/zero.yaml: error: a device, pipe or socket named like a spec, not a file",
        ];
        for (problem, expected) in problems.iter().zip(expected) {
            assert!(problem.starts_with(expected), "{problem}\n  expected: {expected}");
        }
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    }
}
