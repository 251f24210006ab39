//! The generator never panics: arbitrary bytes and mutated real specs either generate or
//! give diagnostics. Bounded case counts keep CI fast; raise them locally with
//! `PROPTEST_CASES=5000 cargo test -p keyway-generator --test robustness`.

use std::path::Path;

use generator::SourceFile;
use proptest::prelude::*;

fn real_specs() -> Vec<SourceFile> {
    generator::sources::read_specs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")).unwrap().sources
}

/// Runs the whole pipeline; every failure must be a located-or-explained diagnostic.
fn check(sources: &[SourceFile]) {
    if let Err(diagnostics) = generator::generate(sources) {
        assert!(!diagnostics.is_empty(), "an error without a diagnostic");
        for diagnostic in diagnostics.iter() {
            // A spec may be wrong; the generator producing invalid Rust never is.
            assert!(!diagnostic.message.starts_with("internal error"), "{diagnostic}");
        }
        let rendered = generator::render(&diagnostics, sources);
        assert!(rendered.matches('×').count() >= diagnostics.len(), "every diagnostic is drawn:\n{rendered}");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    ReplaceToken(usize, String),
    SwapLines(usize, usize),
    Truncate(usize),
    Dedent(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (
            any::<usize>(),
            prop_oneof![
                Just("strng".to_owned()),
                Just("array<".to_owned()),
                Just("{".to_owned()),
                Just("- ".to_owned()),
                Just("null".to_owned()),
                Just("Unknown".to_owned()),
                Just("{id}".to_owned()),
                "[a-zA-Z_<>{}:\\- ]{0,12}",
            ]
        )
            .prop_map(|(at, token)| Mutation::ReplaceToken(at, token)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::Dedent),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let n = lines.len().max(1);
    match mutation {
        Mutation::DeleteLine(at) if !lines.is_empty() => {
            lines.remove(at % n);
        }
        Mutation::DuplicateLine(at) if !lines.is_empty() => {
            let line = lines[at % n].clone();
            lines.insert(at % n, line);
        }
        Mutation::ReplaceToken(at, token) if !lines.is_empty() => {
            let line = &mut lines[at % n];
            let words: Vec<&str> = line.split(' ').collect();
            let index = at / n % words.len().max(1);
            let mut words: Vec<String> = words.into_iter().map(str::to_owned).collect();
            if let Some(word) = words.get_mut(index) {
                *word = token.clone();
            }
            *line = words.join(" ");
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::Truncate(at) => {
            let cut = text.char_indices().nth(at % text.len().max(1)).map(|(i, _)| i).unwrap_or(0);
            return text[..cut].to_owned();
        }
        Mutation::Dedent(at) if !lines.is_empty() => {
            let line = &mut lines[at % n];
            *line = line.trim_start().to_owned();
        }
        _ => {}
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        check(&[SourceFile { path: "specs/fuzz/api.yaml".into(), api_dir: "fuzz".into(), text }]);
    }

    #[test]
    fn mutated_real_specs_never_panic(file in 0usize..5, mutations in proptest::collection::vec(mutation(), 1..4)) {
        let mut sources = real_specs();
        let index = file % sources.len();
        for mutation in &mutations {
            sources[index].text = apply(&sources[index].text, mutation);
        }
        check(&sources);
    }
}
