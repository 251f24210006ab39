//! Where a problem is: a spec file and a YAML path into it. Every diagnostic of lowering is
//! made from a site, so no caller concatenates paths by hand.

use crate::diagnostics::{Diagnostic, PathSeg};
use crate::load::LoadedFile;

/// A node of a spec file: the file, and the YAML path from its root.
#[derive(Clone)]
pub(crate) struct Site<'a> {
    pub(crate) file: &'a LoadedFile,
    path: Vec<PathSeg>,
}

impl<'a> Site<'a> {
    /// The root of `file`.
    pub(crate) fn root(file: &'a LoadedFile) -> Self {
        Site { file, path: Vec::new() }
    }

    /// The child at a key or index: `site.at("params").at(0)`.
    pub(crate) fn at(&self, seg: impl Into<PathSeg>) -> Site<'a> {
        let mut path = self.path.clone();
        path.push(seg.into());
        Site { file: self.file, path }
    }

    /// The descendant at a relative path (a problem's path inside an example).
    pub(crate) fn join(&self, segs: impl IntoIterator<Item = PathSeg>) -> Site<'a> {
        let mut path = self.path.clone();
        path.extend(segs);
        Site { file: self.file, path }
    }

    /// A diagnostic located at this node (or its nearest ancestor that exists).
    pub(crate) fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        self.file.diagnostic(&self.path, message)
    }

    /// `file:line:column` of this node, for a message that points at a second place.
    pub(crate) fn place(&self) -> String {
        let at = self.diagnostic("");
        if at.line > 0 { format!("{}:{}:{}", at.file, at.line, at.column) } else { at.file }
    }
}
