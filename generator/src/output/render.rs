//! Rendering: every Rust part emitted and printed, every other body and group of files
//! rendered, all in parallel; then each file is its header and its body, sorted by path.

use super::plan::{Body, Group, Part, Plan, Render};
use crate::file::{OutputFile, format_tokens};

/// One unit of the parallel stage.
enum Job<'j, 'a> {
    Group(&'j Group<'a>),
    /// The body of the planned file with this index.
    Rendered(usize, &'j Render<'a>),
    /// A part of the planned Rust file with this index.
    Rust(usize, &'j Part<'a>),
}

enum Done {
    Group(Result<Vec<OutputFile>, String>),
    /// The file's index and its text, or the error to report.
    Text(usize, Result<String, String>),
}

/// Makes every planned file. An error means the generator produced something it cannot
/// print (invalid Rust, a template that does not render): a bug, not a spec problem.
pub fn render(plan: Plan<'_>) -> Result<Vec<OutputFile>, String> {
    let jobs: Vec<Job<'_, '_>> = plan
        .groups
        .iter()
        .map(Job::Group)
        .chain(plan.files.iter().enumerate().flat_map(|(index, file)| -> Vec<Job<'_, '_>> {
            match &file.body {
                Body::Text(_) => Vec::new(),
                Body::Rendered(render) => vec![Job::Rendered(index, render)],
                Body::Rust(parts) => parts.iter().map(|part| Job::Rust(index, part)).collect(),
            }
        }))
        .collect();
    let done = crate::parallel::map(&jobs, |job| match job {
        Job::Group(render) => Done::Group(render()),
        Job::Rendered(index, render) => Done::Text(*index, render()),
        Job::Rust(index, part) => Done::Text(
            *index,
            format_tokens(part()).ok_or_else(|| format!("internal error: the generator produced invalid Rust for {}", plan.files[*index].path)),
        ),
    });
    let mut bodies: Vec<String> =
        plan.files.iter().map(|file| if let Body::Text(text) = file.body { text.to_owned() } else { String::new() }).collect();
    let mut files = Vec::new();
    for output in done {
        match output {
            Done::Group(rendered) => files.extend(rendered?),
            // Parts come back in order, so appending joins a Rust file's parts in order.
            Done::Text(index, text) => bodies[index].push_str(&text?),
        }
    }
    for (file, body) in plan.files.iter().zip(bodies) {
        files.push(OutputFile { path: file.path.clone(), contents: format!("{}{body}", file.header) });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
