//! The generator never panics and stays within a budget: arbitrary bytes and mutated real
//! specs (lines moved, tokens replaced, keys repeated, names with separators, control
//! characters, aliases of aliases in an added file) either generate or give diagnostics, each
//! case within a time budget (a multiple of what the unchanged specs take) with the process's heap under `MEMORY_BUDGET`. Bounded case
//! counts keep CI fast; raise them locally with
//! `PROPTEST_CASES=5000 cargo test -p keyway-generator --test robustness`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use generator::SourceFile;
use proptest::prelude::*;

fn real_specs() -> Vec<SourceFile> {
    generator::sources::read_specs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")).unwrap().sources
}

/// A case takes less than this many times what the real specs take unchanged, measured once
/// in the same process (a debug build on a machine whose load changes: a fixed budget in
/// seconds would fail on a busy machine or grow stale as the specs grow), plus `TIME_SLACK`.
const TIME_FACTOR: u32 = 3;
const TIME_SLACK: Duration = Duration::from_secs(2);

/// What the real specs take to generate unchanged, measured once.
fn time_budget() -> Duration {
    static BUDGET: OnceLock<Duration> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        let sources = real_specs();
        let started = Instant::now();
        generator::generate(&sources).unwrap_or_else(|d| panic!("{}", generator::render(&d, &sources)));
        started.elapsed() * TIME_FACTOR + TIME_SLACK
    })
}
/// The heap of the whole test process never passes this (aliases that fanned out once took
/// 4.6 GB).
const MEMORY_BUDGET: usize = 1 << 30;

/// Counts the heap in use and its peak; the allocation itself is the system's.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's pointer and layout, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs the whole pipeline; every failure must be a located-or-explained diagnostic, and
/// the run stays within the budgets.
fn check(sources: &[SourceFile]) {
    let budget = time_budget();
    let started = Instant::now();
    let result = generator::generate(sources);
    assert!(started.elapsed() < budget, "a case took {:?}, over its budget of {budget:?}", started.elapsed());
    assert!(PEAK.load(Ordering::Relaxed) < MEMORY_BUDGET, "the heap reached {} bytes", PEAK.load(Ordering::Relaxed));
    if let Err(diagnostics) = result {
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
    /// A character the YAML reader refuses or stumbles on, inserted at a byte offset.
    Insert(usize, char),
    /// A file of aliases of aliases added to the API: `width` aliases per level, `depth`
    /// levels (under and over the bound).
    Aliases {
        width: usize,
        depth: usize,
    },
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
                Just("get_2".to_owned()),
                Just("get2".to_owned()),
                Just("access_codes_".to_owned()),
                Just("get_mock".to_owned()),
                Just("&a".to_owned()),
                Just("*a".to_owned()),
                "[a-zA-Z_<>{}:\\- ]{0,12}",
            ]
        )
            .prop_map(|(at, token)| Mutation::ReplaceToken(at, token)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::Dedent),
        (any::<usize>(), prop_oneof![Just('\t'), Just('\u{7}'), Just('\u{feff}'), Just('"'), Just('['), any::<char>()])
            .prop_map(|(at, c)| Mutation::Insert(at, c)),
        (1usize..12, 1usize..10).prop_map(|(width, depth)| Mutation::Aliases { width, depth }),
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
        Mutation::Insert(at, c) => {
            let at = text.char_indices().nth(at % text.len().max(1)).map(|(i, _)| i).unwrap_or(0);
            return format!("{}{c}{}", &text[..at], &text[at..]);
        }
        _ => {}
    }
    lines.join("\n")
}

/// A model whose examples alias each other: level `k` is `width` aliases of level `k - 1`,
/// so the last expands to about `width^depth` values.
fn aliases(width: usize, depth: usize) -> String {
    let mut text = String::from(
        "models:\n  Aliased:\n    description: Aliases of aliases.\n    fields: [{ name: v, type: json, description: Anything. }]\n    examples:\n      - v: &a0 [x]\n",
    );
    for level in 1..depth {
        let items = vec![format!("*a{}", level - 1); width].join(", ");
        text.push_str(&format!("      - v: &a{level} [{items}]\n"));
    }
    text
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
            if let Mutation::Aliases { width, depth } = mutation {
                let api_dir = sources[index].api_dir.clone();
                sources.push(SourceFile { path: format!("specs/{api_dir}/aliases.yaml"), api_dir, text: aliases(*width, *depth) });
                continue;
            }
            sources[index].text = apply(&sources[index].text, mutation);
        }
        check(&sources);
    }
}

/// Aliases of every size stay within the budgets: a few (read and expanded), many (serde_yaml's
/// own limit on alias replays refuses them), and past a million nodes (refused before
/// anything expands).
#[test]
fn aliases_of_every_size_stay_within_budget() {
    for (width, depth) in [(10, 4), (70, 4), (70, 5), (1000, 9)] {
        let mut sources = real_specs();
        sources.push(SourceFile { path: "specs/seam/aliases.yaml".into(), api_dir: "seam".into(), text: aliases(width, depth) });
        check(&sources);
    }
}
