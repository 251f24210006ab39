//! `cargo xtask codegen [--check]`: the one place that owns the freshness of `generated/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use generator::surface::{self, Change, Surface};
use generator::{OutputFile, REGENERATE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What a run found, file by file (paths relative to `generated/`).
#[derive(Debug, Default)]
pub struct Outcome {
    pub spec_files: usize,
    pub endpoints: usize,
    pub models: usize,
    pub changed: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
    /// The API-surface change against what `generated/` held before.
    pub surface_changes: Vec<Change>,
    /// `generated/` held no surface to compare with.
    pub first_run: bool,
}

impl Outcome {
    /// The summary printed after every run, in both modes.
    pub fn report(&self, mode: Mode) -> String {
        let (changed, removed) = if mode == Mode::Write { ("written", "removed") } else { ("stale", "to remove") };
        format!(
            "codegen: {} spec files, {} endpoints, {} models; files: {} {changed}, {} unchanged, {} {removed}\n{}",
            self.spec_files,
            self.endpoints,
            self.models,
            self.changed.len(),
            self.unchanged,
            self.removed.len(),
            if self.first_run {
                "API surface: first generation, nothing to compare with\n".to_owned()
            } else {
                surface::describe(&self.surface_changes)
            }
        )
    }
}

pub fn run(mode: Mode) -> Result<(), String> {
    let root = crate::project_root();
    let outcome = sync(&root, mode)?;
    print!("{}", outcome.report(mode));
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
    let specs = generator::sources::read_specs(&root.join("specs"))?;
    let files = generator::generate_specs(&specs).map_err(|d| generator::render(&d, &specs.sources))?;
    let sources = specs.sources;
    let generated = root.join("generated");
    let new_surface = files.iter().find(|f| f.path == surface::SURFACE_PATH).and_then(|f| Surface::from_json(&f.contents)).unwrap_or_default();
    let old_surface = fs::read_to_string(generated.join(surface::SURFACE_PATH)).ok().and_then(|text| Surface::from_json(&text));
    let mut outcome = Outcome {
        spec_files: sources.len(),
        endpoints: new_surface.endpoints.len(),
        models: new_surface.models.len(),
        first_run: old_surface.is_none(),
        surface_changes: old_surface.map(|old| surface::diff(&old, &new_surface)).unwrap_or_default(),
        ..Outcome::default()
    };

    let (unchanged, changed, removed) = apply(&generated, &files, mode)?;
    outcome.unchanged = unchanged;
    outcome.changed = changed;
    outcome.removed = removed;
    Ok(outcome)
}

/// Compares `files` with the directory `generated` and, in `Mode::Write`, writes the files
/// that differ and removes the ones no longer generated. Returns (unchanged count, changed,
/// removed). Also what `cargo xtask bench` times as codegen's write stage.
pub fn apply(generated: &Path, files: &[OutputFile], mode: Mode) -> Result<(usize, Vec<String>, Vec<String>), String> {
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let stale = stale_files(generated, files);
    let unchanged = files.len() - stale.len();
    let changed = stale.iter().map(|f| f.path.clone()).collect();
    let removed: Vec<String> = list_files(generated)?.into_iter().filter(|existing| !wanted.contains(existing.as_str())).collect();
    if mode == Mode::Write {
        for file in stale {
            write_atomically(&generated.join(&file.path), &file.contents)?;
        }
        for path in &removed {
            let full = generated.join(path);
            fs::remove_file(&full).map_err(|e| format!("cannot remove {}: {e}", full.display()))?;
            remove_empty_parents(&full, generated);
        }
    }
    Ok((unchanged, changed, removed))
}

/// The files whose text on disk differs from `files`, in their order. Reading and comparing
/// thousands of files is spread over the cores with the generator's own parallel map.
fn stale_files<'f>(generated: &Path, files: &'f [OutputFile]) -> Vec<&'f OutputFile> {
    let fresh = generator::parallel::map(files, |file| is_fresh(generated, file));
    files.iter().zip(fresh).filter(|(_, fresh)| !fresh).map(|(file, _)| file).collect()
}

fn is_fresh(generated: &Path, file: &OutputFile) -> bool {
    match fs::read(generated.join(&file.path)) {
        Ok(existing) => {
            existing == file.contents.as_bytes()
                // Line endings may be rewritten by git on checkout; they are not a difference.
                || (existing.contains(&b'\r') && String::from_utf8_lossy(&existing).replace("\r\n", "\n") == file.contents.replace("\r\n", "\n"))
        }
        Err(_) => false,
    }
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

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
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

    /// A scratch copy of `specs/` and `generated/`, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("keyway-xtask-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            for tree in ["specs", "generated"] {
                copy_tree(&crate::project_root().join(tree), &dir.join(tree));
            }
            Scratch(dir)
        }

        fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
            let generated = self.0.join("generated");
            list_files(&generated).unwrap().into_iter().map(|p| (p.clone(), fs::read(generated.join(&p)).unwrap())).collect()
        }

        fn edit(&self, relative: &str, change: impl FnOnce(String) -> String) {
            let path = self.0.join(relative);
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, change(text)).unwrap();
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn copy_tree(from: &Path, to: &Path) {
        for relative in list_files(from).unwrap() {
            let target = to.join(&relative);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(from.join(&relative), target).unwrap();
        }
    }

    #[test]
    fn an_edited_generated_file_is_named_with_the_fix() {
        let scratch = Scratch::new("tamper");
        scratch.edit("generated/crates/keyway-seam-types/src/seam.rs", |text| {
            text.replace("pub struct AccessCode {", "pub struct AccessCode { // edited")
        });
        let outcome = sync(&scratch.0, Mode::Check).unwrap();
        assert_eq!(outcome.changed, ["crates/keyway-seam-types/src/seam.rs"]);
        fs::write(scratch.0.join("generated/src/stray.rs"), "// left behind").unwrap();
        let outcome = sync(&scratch.0, Mode::Check).unwrap();
        assert_eq!(outcome.removed, ["src/stray.rs"]);

        let fixed = sync(&scratch.0, Mode::Write).unwrap();
        assert_eq!((fixed.changed.len(), fixed.removed.len()), (1, 1));
        let clean = sync(&scratch.0, Mode::Check).unwrap();
        assert!(clean.changed.is_empty() && clean.removed.is_empty());
    }

    #[test]
    fn line_endings_rewritten_on_checkout_are_not_a_change() {
        let scratch = Scratch::new("crlf");
        scratch.edit("generated/crates/keyway-seam-types/src/seam.rs", |text| text.replace('\n', "\r\n"));
        let outcome = sync(&scratch.0, Mode::Check).unwrap();
        assert!(outcome.changed.is_empty(), "{:?}", outcome.changed);
        scratch.edit("generated/crates/keyway-seam-types/src/seam.rs", |text| text.replacen("pub struct", "pub  struct", 1));
        assert_eq!(sync(&scratch.0, Mode::Check).unwrap().changed, ["crates/keyway-seam-types/src/seam.rs"]);
    }

    #[test]
    fn a_failed_run_leaves_generated_byte_identical() {
        let scratch = Scratch::new("broken");
        let before = scratch.snapshot();
        scratch.edit("specs/seam/access_codes.get.yaml", |text| text.replacen("type: AccessCodeStatus", "type: AccessCodeStatsu", 1));
        let error = sync(&scratch.0, Mode::Write).unwrap_err();
        assert!(error.contains("unknown type `AccessCodeStatsu`"), "{error}");
        assert!(error.contains("did you mean `AccessCodeStatus`?"), "{error}");
        assert!(error.contains("specs/seam/access_codes.get.yaml:"), "{error}");
        assert_eq!(scratch.snapshot(), before, "generated/ changed after a failed run");
    }

    #[test]
    fn a_spec_change_is_reported_with_what_breaks() {
        let scratch = Scratch::new("report");
        scratch.edit("specs/seam/access_codes.get.yaml", |text| {
            // Remove a field of AccessCode no documented example shows, and add a value to
            // AccessCodeType.
            let start = text.find("      - name: dormakaba_oracode_metadata\n").expect("AccessCode.dormakaba_oracode_metadata in the spec");
            let end = start + text[start + 1..].find("      - name: ").unwrap() + 1;
            let text = format!("{}{}", &text[..start], &text[end..]);
            text.replacen("      - value: ongoing", "      - value: recurring\n      - value: ongoing", 1)
        });
        scratch.edit("specs/nexudus/accesstokens.get.yaml", |text| {
            text.replacen(
                "    params:\n",
                "    params:\n      - { name: expand, in: query, type: boolean, required: true, description: Expand. }\n",
                1,
            )
        });
        let outcome = sync(&scratch.0, Mode::Write).unwrap();
        let report = outcome.report(Mode::Write);
        assert!(report.contains("BREAKING field removed: seam.AccessCode.dormakaba_oracode_metadata"), "{report}");
        assert!(report.contains("BREAKING parameter added: nexudus.access_tokens.get(expand), required"), "{report}");
        assert!(report.contains("+ enum value added: seam.AccessCodeType::recurring"), "{report}");
        assert!(report.contains("3 changes, 2 breaking"), "{report}");
    }

    #[test]
    fn a_variant_that_names_another_model_is_a_breaking_change() {
        let scratch = Scratch::new("payload");
        scratch.edit("specs/seam/access_codes.get.yaml", |text| {
            let variant = text.find("- tag: device_offline\n").expect("the device_offline variant");
            let model = variant + text[variant..].find("model: AccessCodeDeviceError").expect("its shared model");
            format!("{}model: AccessCodeOwnError{}", &text[..model], &text[model + "model: AccessCodeDeviceError".len()..])
        });
        let report = sync(&scratch.0, Mode::Write).unwrap().report(Mode::Write);
        assert!(
            report.contains("BREAKING union variant seam.AccessCodeError::device_offline: payload AccessCodeOwnError (was AccessCodeDeviceError)"),
            "{report}"
        );
        assert!(report.contains("1 change, 1 breaking"), "{report}");
    }
}
