//! Where things are in a spec file. serde_yaml's values carry no positions, so a problem
//! found after parsing (an unknown type) looks its place up here, in a second parse of the
//! file into a tree of positions built from the YAML parser's events. Anchors and aliases
//! keep their places (an alias is a leaf at its own position), and a key repeated in one
//! mapping is noticed with both places.

use yaml_rust2::parser::{Event, Parser};

use crate::diagnostics::PathSeg;

/// A 1-based line and column.
pub type Position = (usize, usize);

enum Node {
    /// A scalar or an alias.
    Leaf(Position),
    Sequence(Position, Vec<Node>),
    /// Entries with their key's text and position.
    Mapping(Position, Vec<(String, Position, Node)>),
}

impl Node {
    fn position(&self) -> Position {
        match self {
            Node::Leaf(at) | Node::Sequence(at, _) | Node::Mapping(at, _) => *at,
        }
    }
}

/// A collection being built, and for a mapping the key read before its value.
enum Open {
    Sequence(Position, Vec<Node>),
    Mapping(Position, Vec<(String, Position, Node)>, Option<(String, Position)>),
}

/// The positions of one file's nodes, by YAML path.
pub struct PositionIndex {
    root: Option<Node>,
    /// The first key repeated in a mapping: its text, the repeat, and the first.
    duplicate: Option<(String, Position, Position)>,
}

impl PositionIndex {
    /// Parses `text`; a file the parser refuses has no positions (its syntax error has its
    /// own, from serde_yaml).
    pub fn new(text: &str) -> Self {
        let mut parser = Parser::new_from_str(text);
        let mut open: Vec<Open> = Vec::new();
        let mut index = PositionIndex { root: None, duplicate: None };
        loop {
            let Ok((event, mark)) = parser.next_token() else { return PositionIndex { root: None, ..index } };
            let at = (mark.line(), mark.col() + 1);
            let done = match event {
                Event::StreamEnd | Event::DocumentEnd => return index,
                Event::Scalar(text, ..) => {
                    // A mapping's key waits for its value. A repeat is noticed here, as the
                    // key is read, in the order serde meets it.
                    if let Some(Open::Mapping(_, entries, key @ None)) = open.last_mut() {
                        if let Some((_, first, _)) = entries.iter().find(|(k, _, _)| *k == text) {
                            index.duplicate.get_or_insert((text.clone(), at, *first));
                        }
                        *key = Some((text, at));
                        continue;
                    }
                    Node::Leaf(at)
                }
                Event::Alias(_) => Node::Leaf(at),
                Event::SequenceStart(..) => {
                    open.push(Open::Sequence(at, Vec::new()));
                    continue;
                }
                Event::MappingStart(..) => {
                    open.push(Open::Mapping(at, Vec::new(), None));
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                    Some(Open::Sequence(at, items)) => Node::Sequence(at, items),
                    Some(Open::Mapping(at, entries, _)) => Node::Mapping(at, entries),
                    None => continue,
                },
                _ => continue,
            };
            index.attach(&mut open, done, at);
        }
    }

    /// Puts a finished node into the collection around it, or makes it the root.
    fn attach(&mut self, open: &mut [Open], node: Node, at: Position) {
        match open.last_mut() {
            None => self.root = Some(node),
            Some(Open::Sequence(_, items)) => items.push(node),
            Some(Open::Mapping(_, entries, key)) => match key.take() {
                Some((text, key_at)) => entries.push((text, key_at, node)),
                // A key that is itself a collection: kept as a key without text.
                None => *key = Some((String::new(), at)),
            },
        }
    }

    /// The first key repeated in one mapping: its text, where it repeats, and where it was
    /// first.
    pub fn duplicate_key(&self) -> Option<(&str, Position, Position)> {
        self.duplicate.as_ref().map(|(key, at, first)| (key.as_str(), *at, *first))
    }

    /// The position of the node at `path`, or of its nearest existing ancestor: a scalar at
    /// its value, a mapping or sequence at the key that names it (its own position when it
    /// is an item of a sequence). `(0, 0)` when the file has no positions.
    pub fn locate(&self, path: &[PathSeg]) -> Position {
        let Some(mut node) = self.root.as_ref() else { return (0, 0) };
        let mut best = node.position();
        for seg in path {
            let next = match (seg, node) {
                (PathSeg::Key(key), Node::Mapping(_, entries)) => {
                    entries.iter().rev().find(|(k, _, _)| k == key).map(|(_, key_at, value)| match value {
                        Node::Leaf(at) => (*at, value),
                        _ => (*key_at, value),
                    })
                }
                (PathSeg::Index(index), Node::Sequence(_, items)) => items.get(*index).map(|item| (item.position(), item)),
                _ => None,
            };
            let Some((at, child)) = next else { break };
            best = at;
            node = child;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml_path;

    const TEXT: &str =
        "models:\n  Item:\n    description: An item.\n    fields:\n      - { name: id, type: &t string }\n      - { name: other, type: *t }\n";

    #[test]
    fn collections_are_located_at_their_key_scalars_at_their_value() {
        let index = PositionIndex::new(TEXT);
        let locate = |path: Vec<PathSeg>| index.locate(&path);
        assert_eq!(locate(yaml_path!["models", "Item"]), (2, 3));
        assert_eq!(locate(yaml_path!["models", "Item", "description"]), (3, 18));
        assert_eq!(locate(yaml_path!["models", "Item", "fields", 1]), (6, 9));
        assert_eq!(locate(yaml_path!["models", "Item", "fields", 1, "type"]), (6, 30), "an alias at its own place");
        assert_eq!(locate(yaml_path!["models", "Item", "nope", 3]), (2, 3), "the nearest ancestor");
        assert_eq!(index.duplicate_key(), None);
    }

    #[test]
    fn a_repeated_key_is_found_with_both_places() {
        let index = PositionIndex::new("a: 1\nb:\n  c: 2\n  c: 3\n");
        assert_eq!(index.duplicate_key(), Some(("c", (4, 3), (3, 3))));
    }

    /// serde stops at the first repeated key it reads, so that is the one reported: here the
    /// outer `m`, read before the inner `a` of its second value.
    #[test]
    fn the_first_repeat_in_reading_order_is_reported() {
        let index = PositionIndex::new("m: 1\nm:\n  a: 1\n  a: 2\n");
        assert_eq!(index.duplicate_key(), Some(("m", (2, 1), (1, 1))));
    }
}
