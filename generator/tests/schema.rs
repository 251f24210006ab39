//! Every spec validates against the JSON Schema the generator writes from its own spec types
//! (`generated/spec.schema.json`), the schema editors use through the specs' `$schema` line.

use std::path::Path;

#[test]
fn every_spec_validates_against_the_generated_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("generated/spec.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let mut checked = 0;
    for source in generator::sources::read_specs(&root.join("specs")).unwrap().sources {
        let text = &source.text;
        assert!(text.starts_with("# yaml-language-server: $schema=../../generated/spec.schema.json"), "{}: no $schema line", source.path);
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let json = serde_json::to_value(yaml).unwrap();
        let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{}:\n{}", source.path, errors.join("\n"));
        checked += 1;
    }
    assert!(checked >= 5);

    // And the schema rejects what the generator rejects: a misspelt key.
    let bad = serde_json::json!({"models": {"A": {"description": "a", "fields": [{"name": "x", "tpye": "string", "description": "x"}]}}});
    assert!(!validator.is_valid(&bad), "the schema must refuse unknown keys");
}
