//! `cargo xtask import --openapi FILE --api NAME --path P [--path P …] [--force]`: spec YAML
//! for operations of a vendor's OpenAPI document (`generator::import`), written into
//! `specs/<api>/`, then checked like any spec: what a person must still decide is reported
//! with its place. `generated/` is not touched; run `cargo xtask codegen` after the review.

use std::fs;
use std::path::Path;

const USAGE: &str = "usage: cargo xtask import --openapi FILE --api NAME --path /resource/operation [--path …] [--force]";

pub fn run(args: &[&str]) -> Result<(), String> {
    let (mut openapi, mut api, mut paths, mut force) = (None, None, Vec::new(), false);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--openapi" => openapi = Some(rest.next().ok_or("--openapi needs a file")?.to_string()),
            "--api" => api = Some(rest.next().ok_or("--api needs a name")?.to_string()),
            "--path" => paths.push(rest.next().ok_or("--path needs a path")?.to_string()),
            "--force" => force = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (Some(openapi), Some(api), false) = (openapi, api, paths.is_empty()) else {
        return Err(USAGE.into());
    };
    let text = fs::read_to_string(&openapi).map_err(|e| format!("{openapi}: {e}"))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{openapi}: not JSON: {e}"))?;
    let root = crate::project_root();
    let folder = root.join("specs").join(&api);
    let specs = generator::sources::read_specs(&root.join("specs"))?;
    let existing: Vec<(String, String)> = specs
        .sources
        .iter()
        .filter(|s| s.api_dir == api)
        .map(|s| (s.path.rsplit('/').next().unwrap_or(&s.path).to_owned(), s.text.clone()))
        .collect();
    if existing.is_empty() {
        return Err(format!("specs/{api}/ has no spec files: write its api.yaml first (see specs/README.md)"));
    }
    let openapi_name = std::path::Path::new(&openapi).file_name().map_or(openapi.clone(), |n| n.to_string_lossy().into_owned());
    let imported = generator::import::import(&generator::import::Import {
        openapi: &document,
        openapi_name: &openapi_name,
        existing: &existing,
        paths: &paths,
    })?;
    for name in write(&folder, &imported.files, force)? {
        println!("wrote specs/{api}/{name}");
    }
    for decision in &imported.decisions {
        println!("  to decide: {}: {}", decision.place, decision.what);
    }
    let specs = generator::sources::read_specs(&root.join("specs"))?;
    match generator::generate_specs(&specs) {
        Ok(_) => {
            println!("import: {} file(s); the specs pass. Review them, then run `cargo xtask codegen`.", imported.files.len());
            Ok(())
        }
        Err(diagnostics) => Err(format!(
            "{}\nimport: {} file(s) written, which need the decisions above (generated/ is untouched)",
            generator::render(&diagnostics, &specs.sources),
            imported.files.len()
        )),
    }
}

/// Writes the files into `folder`; when one exists and `force` is not given, writes none.
fn write(folder: &Path, files: &[(String, String)], force: bool) -> Result<Vec<String>, String> {
    let display = |name: &str| folder.join(name).display().to_string();
    if let Some((name, _)) = files.iter().find(|(name, _)| !force && folder.join(name).exists()) {
        return Err(format!("{} exists: nothing was written (give --force to overwrite it)", display(name)));
    }
    files
        .iter()
        .map(|(name, text)| fs::write(folder.join(name), text).map(|()| name.clone()).map_err(|e| format!("{}: {e}", display(name))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::write;

    #[test]
    fn an_existing_file_is_overwritten_only_when_asked_and_then_nothing_is_written() {
        let folder = std::env::temp_dir().join(format!("keyway-import-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("b.yaml"), "mine").unwrap();
        let files = [("a.yaml".to_owned(), "new a".to_owned()), ("b.yaml".to_owned(), "new b".to_owned())];

        let error = write(&folder, &files, false).unwrap_err();
        assert!(error.ends_with("b.yaml exists: nothing was written (give --force to overwrite it)"), "{error}");
        assert!(!folder.join("a.yaml").exists(), "no file of the import is written");
        assert_eq!(std::fs::read_to_string(folder.join("b.yaml")).unwrap(), "mine");

        assert_eq!(write(&folder, &files, true).unwrap(), ["a.yaml", "b.yaml"]);
        assert_eq!(std::fs::read_to_string(folder.join("b.yaml")).unwrap(), "new b");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
