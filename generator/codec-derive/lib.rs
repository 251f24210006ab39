//! The derives of the generated types of `keyway`, read off the type so that a field's type
//! and wire name, or a variant's tag, are written once, in the type: `#[derive(Model)]` for a
//! model (its field table, `keyway_runtime::codec::Model`, and `Serialize` and `Deserialize`
//! through it) and `#[derive(Union)]` for a tagged union (its tag accessor, `Serialize` and
//! `Deserialize`).
//!
//! **Not for direct use:** the generated types crates name it as `codec::Model` (the runtime
//! re-exports it beside the trait), and its version is pinned by the runtime.
//!
//! What it writes is the table the runtime's generic code reads (see `codec.rs` there for why
//! a table rather than serde's derives): the wire names, a `match` from wire name to index,
//! one slot type per field in tuples of at most 16 chained with `Then`, `from_slots` and the
//! fields to write. Nothing per field is generic over the deserializer or serializer, so the
//! expansion stays as cheap for rustc to check as the table the generator used to print.
//!
//! Field attributes, only where the default does not fit:
//! - `#[wire(rename = "type")]`: the wire name, when it is not the field's name (without
//!   `r#`) or what the struct's `#[wire(rename_all = "PascalCase")]` makes of it;
//! - `#[wire(default)]`: an absent field reads as `Default::default()` (an empty array);
//!   an `Option` field always does (absent is `None`), any other field is required;
//! - `#[wire(skip_none)]`: an `Option` left out of the encoded object when `None` (without
//!   it, `None` is written as `null`);
//! - `#[wire(skip_absent)]`: a `Nullable` (a field both optional and nullable): absent reads
//!   as `Nullable::Absent` and is left out of the encoded object, `null` stays `null`.
//!
//! A union is an enum of one-field variants and `Unknown(serde_json::Value)`, with
//! `#[wire(tag = "kind")]` naming the tag field; its accessor is named like the tag (or
//! `#[wire(tag = "type", accessor = r#type)]`). A variant's tag is its name in `snake_case`,
//! or `#[wire(rename = "…")]`. A variant that several tags select lists the others with
//! `#[wire(also = "…", also = "…")]`; its payload then holds the tag it was sent, in a field
//! named like the accessor, which the accessor reads and the payload writes back.
//!
//! **No dependencies, not even `syn`:** the generator is the only writer of these types, so
//! the derive reads the compiler's token trees of exactly the shapes it emits (attributes,
//! visibility, `struct Name { field: Type, … }`, `enum Name { Variant(Type), … }`) and says
//! so with a `compile_error!` at anything else. A crate this small compiles in a fraction of
//! a second, and in a debug build, where cargo does not optimize proc macros, walking tokens
//! costs far less per derive than a full parse into syntax trees (thousands of derives in a
//! large API). The input's own tokens (types, field and variant names) are spliced into the
//! expansion with their spans, so an error in expanded code points at the field.

#![deny(missing_docs)]

use std::fmt::Write as _;

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// The most fields in one tuple of slots: the largest tuple the runtime's `Slots` and
/// `Fields` are implemented for.
const FIELDS_PER_GROUP: usize = 16;

/// The path the expansion names the runtime's codec by.
const CODEC: &str = "::keyway_runtime::codec";

/// The field table of a model (`keyway_runtime::codec::Model`) and its `Serialize` and
/// `Deserialize` through it; see the crate docs for the `#[wire(…)]` attributes.
#[proc_macro_derive(Model, attributes(wire))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model(input).unwrap_or_else(Error::into_compile_error)
}

/// The tag accessor, `Serialize` and `Deserialize` of a tagged union; see the crate docs for
/// the `#[wire(…)]` attributes.
#[proc_macro_derive(Union, attributes(wire))]
pub fn derive_union(input: TokenStream) -> TokenStream {
    union(input).unwrap_or_else(Error::into_compile_error)
}

// ---------------------------------------------------------------------------------------
// Errors.

/// A problem with the input, reported as a `compile_error!` at `span`.
struct Error {
    span: Span,
    message: String,
}

type Result<T> = std::result::Result<T, Error>;

impl Error {
    fn new(span: Span, message: impl Into<String>) -> Self {
        Self { span, message: message.into() }
    }

    /// `::core::compile_error! { "…" }`, every token at the error's span.
    fn into_compile_error(self) -> TokenStream {
        let span = self.span;
        let punct = |c, spacing| {
            let mut punct = Punct::new(c, spacing);
            punct.set_span(span);
            TokenTree::Punct(punct)
        };
        let mut message = Literal::string(&self.message);
        message.set_span(span);
        let mut body = Group::new(Delimiter::Brace, TokenStream::from(TokenTree::Literal(message)));
        body.set_span(span);
        [
            punct(':', Spacing::Joint),
            punct(':', Spacing::Alone),
            TokenTree::Ident(Ident::new("core", span)),
            punct(':', Spacing::Joint),
            punct(':', Spacing::Alone),
            TokenTree::Ident(Ident::new("compile_error", span)),
            punct('!', Spacing::Alone),
            TokenTree::Group(body),
        ]
        .into_iter()
        .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Reading the input: the item, its attributes, fields and variants.

/// The derive's input: `#[…]* vis struct|enum Name { … }`.
struct Item {
    /// The `wire(…)` attributes' argument lists.
    wire: Vec<Group>,
    /// `struct` or `enum` (or `union`, refused by both derives).
    keyword: Ident,
    name: Ident,
    /// The `{ … }` body, `None` for a tuple or unit struct.
    body: Option<Group>,
}

/// `derived_for` ends the message at a type with generics: "`Model` is derived for structs".
fn read_item(input: TokenStream, derived_for: &str) -> Result<Item> {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let mut at = 0;
    let wire = read_attributes(&tokens, &mut at)?;
    skip_visibility(&tokens, &mut at);
    let keyword = match tokens.get(at) {
        Some(TokenTree::Ident(keyword)) if matches!(keyword.to_string().as_str(), "struct" | "enum" | "union") => keyword.clone(),
        other => return Err(Error::new(span_of(other), "expected a struct or an enum")),
    };
    at += 1;
    let name = match tokens.get(at) {
        Some(TokenTree::Ident(name)) => name.clone(),
        other => return Err(Error::new(span_of(other), "expected the type's name")),
    };
    at += 1;
    let body = match tokens.get(at) {
        Some(TokenTree::Punct(p)) if p.as_char() == '<' => return Err(Error::new(p.span(), format!("{derived_for} without generics"))),
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Some(g.clone()),
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => None,
        Some(TokenTree::Punct(p)) if p.as_char() == ';' => None,
        other => return Err(Error::new(span_of(other), format!("expected `{{ … }}`: {derived_for} without generics or `where`"))),
    };
    Ok(Item { wire, keyword, name, body })
}

/// Skips the attributes at `at`, returning the argument lists of the `#[wire(…)]` ones.
fn read_attributes(tokens: &[TokenTree], at: &mut usize) -> Result<Vec<Group>> {
    let mut wire = Vec::new();
    while let (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(attribute))) = (tokens.get(*at), tokens.get(*at + 1)) {
        if hash.as_char() != '#' || attribute.delimiter() != Delimiter::Bracket {
            break;
        }
        *at += 2;
        let inner: Vec<TokenTree> = attribute.stream().into_iter().collect();
        let is_wire = matches!(inner.first(), Some(TokenTree::Ident(path)) if path.to_string() == "wire")
            && !matches!(inner.get(1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
        if !is_wire {
            continue;
        }
        match inner.as_slice() {
            [_, TokenTree::Group(arguments)] if arguments.delimiter() == Delimiter::Parenthesis => wire.push(arguments.clone()),
            _ => return Err(Error::new(attribute.span(), "expected `#[wire(…)]`")),
        }
    }
    Ok(wire)
}

/// Skips `pub`, `pub(crate)`, `pub(in …)`, if there.
fn skip_visibility(tokens: &[TokenTree], at: &mut usize) {
    if matches!(tokens.get(*at), Some(TokenTree::Ident(pub_)) if pub_.to_string() == "pub") {
        *at += 1;
        if matches!(tokens.get(*at), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis) {
            *at += 1;
        }
    }
}

fn span_of(token: Option<&TokenTree>) -> Span {
    token.map_or_else(Span::call_site, TokenTree::span)
}

fn is_punct(token: Option<&TokenTree>, c: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// The comma-separated entries of a body (fields or variants): each one's tokens, with a
/// comma inside `<…>` kept (`BTreeMap<K, V>`). A trailing comma makes no entry.
fn split_entries(body: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut entries = vec![Vec::new()];
    let mut depth = 0usize;
    // Whether the previous token was a `-` joined to the next, so `->` closes no `<`.
    let mut arrow = false;
    for token in body {
        if let TokenTree::Punct(p) = &token {
            match p.as_char() {
                ',' if depth == 0 => {
                    entries.push(Vec::new());
                    arrow = false;
                    continue;
                }
                '<' => depth += 1,
                '>' if !arrow => depth = depth.saturating_sub(1),
                _ => {}
            }
            arrow = p.as_char() == '-' && p.spacing() == Spacing::Joint;
        } else {
            arrow = false;
        }
        entries.last_mut().expect("starts with one entry").push(token);
    }
    entries.retain(|entry| !entry.is_empty());
    entries
}

/// One `name = value`, `name` or `name = "…"` of a `#[wire(…)]`.
struct Argument {
    name: Ident,
    /// The tokens after `=`, if there is one.
    value: Option<Vec<TokenTree>>,
}

impl Argument {
    fn is(&self, name: &str) -> bool {
        self.name.to_string() == name
    }

    fn value(&self) -> Result<&[TokenTree]> {
        self.value.as_deref().ok_or_else(|| Error::new(self.name.span(), "expected `=`"))
    }

    /// The value of `name = "…"`.
    fn string(&self) -> Result<(String, Span)> {
        match self.value()? {
            [TokenTree::Literal(literal)] => string_value(literal).map(|value| (value, literal.span())),
            [TokenTree::Group(group)] if group.delimiter() == Delimiter::None => match group.stream().into_iter().collect::<Vec<_>>().as_slice() {
                [TokenTree::Literal(literal)] => string_value(literal).map(|value| (value, literal.span())),
                _ => Err(Error::new(group.span(), "expected string literal")),
            },
            value => Err(Error::new(value[0].span(), "expected string literal")),
        }
    }

    /// Fails unless the argument is a bare `name`.
    fn flag(&self) -> Result<()> {
        match &self.value {
            None => Ok(()),
            Some(_) => Err(Error::new(self.name.span(), format!("expected `{}` alone, without a value", self.name))),
        }
    }
}

/// The arguments of the `#[wire(…)]` attributes, in order.
fn wire_arguments(lists: &[Group]) -> Result<Vec<Argument>> {
    let mut arguments = Vec::new();
    for list in lists {
        for entry in split_entries(list.stream()) {
            let mut tokens = entry.into_iter();
            let name = match tokens.next() {
                Some(TokenTree::Ident(name)) => name,
                other => return Err(Error::new(span_of(other.as_ref()), "expected an argument name")),
            };
            let value = match tokens.next() {
                None => None,
                Some(TokenTree::Punct(eq)) if eq.as_char() == '=' => {
                    let value: Vec<TokenTree> = tokens.collect();
                    if value.is_empty() {
                        return Err(Error::new(eq.span(), "expected a value after `=`"));
                    }
                    Some(value)
                }
                Some(other) => return Err(Error::new(other.span(), "expected `=` or `,`")),
            };
            arguments.push(Argument { name, value });
        }
    }
    Ok(arguments)
}

/// The value of a string literal (`"…"` with escapes, or `r#"…"#`); an error for any other
/// literal, or one with a suffix.
fn string_value(literal: &Literal) -> Result<String> {
    let text = literal.to_string();
    let value = if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        raw[hashes..].strip_prefix('"').and_then(|rest| rest.strip_suffix(&raw[..hashes])).and_then(|rest| rest.strip_suffix('"')).map(str::to_owned)
    } else {
        text.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')).and_then(unescape)
    };
    value.ok_or_else(|| Error::new(literal.span(), "expected string literal"))
}

/// The text of a (non-raw) string literal between its quotes, escapes resolved.
fn unescape(body: &str) -> Option<String> {
    let mut value = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next()? {
            'n' => value.push('\n'),
            'r' => value.push('\r'),
            't' => value.push('\t'),
            '0' => value.push('\0'),
            '\\' => value.push('\\'),
            '\'' => value.push('\''),
            '"' => value.push('"'),
            'x' => {
                let digits: String = [chars.next()?, chars.next()?].into_iter().collect();
                value.push(char::from(u8::from_str_radix(&digits, 16).ok().filter(u8::is_ascii)?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut digits = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        digit => digits.push(digit),
                    }
                }
                value.push(char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?);
            }
            // A line continuation: the newline and the whitespace after it are left out.
            '\n' | '\r' => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            _ => return None,
        }
    }
    Some(value)
}

/// A field or variant: its `#[wire(…)]` arguments, name, and the rest of its tokens.
struct Entry {
    wire: Vec<Argument>,
    name: Ident,
    rest: Vec<TokenTree>,
}

/// Reads `#[…]* vis name rest…`.
fn read_entry(tokens: &[TokenTree], what: &str) -> Result<Entry> {
    let mut at = 0;
    let wire = wire_arguments(&read_attributes(tokens, &mut at)?)?;
    skip_visibility(tokens, &mut at);
    let Some(TokenTree::Ident(name)) = tokens.get(at) else {
        return Err(Error::new(span_of(tokens.get(at)), format!("expected {what}")));
    };
    Ok(Entry { wire, name: name.clone(), rest: tokens[at + 1..].to_vec() })
}

/// An identifier's name without `r#`.
fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(name) => name.to_owned(),
        None => name,
    }
}

/// Whether `ty` is written as `Option<T>` (also `std::option::Option<T>`, with or without a
/// leading `::`, or through `core`).
fn is_option(ty: &[TokenTree]) -> bool {
    let is_path_separator = |at: usize| is_punct(ty.get(at), ':') && is_punct(ty.get(at + 1), ':');
    let leading_colon = is_path_separator(0);
    let mut at = if leading_colon { 2 } else { 0 };
    let mut segments = Vec::new();
    let mut has_argument;
    loop {
        let Some(TokenTree::Ident(segment)) = ty.get(at) else { return false };
        segments.push(segment.to_string());
        at += 1;
        // `Option::<T>` is `Option<T>`.
        if is_path_separator(at) && is_punct(ty.get(at + 2), '<') {
            at += 2;
        }
        has_argument = is_punct(ty.get(at), '<');
        if has_argument {
            let Some(close) = closing_angle(ty, at) else { return false };
            at = close + 1;
        }
        if at == ty.len() {
            break;
        }
        if !is_path_separator(at) {
            return false;
        }
        at += 2;
    }
    let named = match segments.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["Option"] => !leading_colon,
        ["std" | "core", "option", "Option"] => true,
        _ => false,
    };
    named && has_argument
}

/// The index of the `>` that closes the `<` at `open`.
fn closing_angle(tokens: &[TokenTree], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' && !(i > 0 && is_punct(tokens.get(i - 1), '-')) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Writing the expansion.

/// Rust code being written: fixed text, parsed when the input's own tokens (types, names)
/// are spliced in with their spans, or a group closes.
#[derive(Default)]
struct Code {
    tokens: Vec<TokenTree>,
    text: String,
}

impl Code {
    /// Fixed Rust text; its brackets must balance within one call.
    fn text(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self.text.push(' ');
        self
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            let parsed: TokenStream = self.text.parse().expect("the derive's fixed text is valid Rust");
            self.tokens.extend(parsed);
            self.text.clear();
        }
    }

    /// The input's own tokens, spans kept.
    fn tokens(&mut self, tokens: &[TokenTree]) -> &mut Self {
        self.flush();
        self.tokens.extend_from_slice(tokens);
        self
    }

    fn ident(&mut self, ident: &Ident) -> &mut Self {
        self.flush();
        self.tokens.push(TokenTree::Ident(ident.clone()));
        self
    }

    fn string(&mut self, value: &str) -> &mut Self {
        self.flush();
        self.tokens.push(TokenTree::Literal(Literal::string(value)));
        self
    }

    fn index(&mut self, index: usize) -> &mut Self {
        write!(self.text, "{index} ").expect("writing to a String");
        self
    }

    /// `( … )`, `{ … }` or `[ … ]` around what `inner` writes.
    /// (Not generic, like the other methods: a proc macro is compiled unoptimized before the
    /// runtime, so its build time is on the critical path of every build of `keyway`.)
    fn group(&mut self, delimiter: Delimiter, inner: &mut dyn FnMut(&mut Code)) -> &mut Self {
        let mut code = Code::default();
        inner(&mut code);
        self.flush();
        self.tokens.push(TokenTree::Group(Group::new(delimiter, code.finish())));
        self
    }

    fn parens(&mut self, inner: &mut dyn FnMut(&mut Code)) -> &mut Self {
        self.group(Delimiter::Parenthesis, inner)
    }

    fn braces(&mut self, inner: &mut dyn FnMut(&mut Code)) -> &mut Self {
        self.group(Delimiter::Brace, inner)
    }

    fn finish(mut self) -> TokenStream {
        self.flush();
        self.tokens.into_iter().collect()
    }
}

/// One field of the struct, as the table needs it.
struct Field {
    ident: Ident,
    ty: Vec<TokenTree>,
    wire: String,
    required: bool,
    skip_none: bool,
    skip_absent: bool,
}

fn model(input: TokenStream) -> Result<TokenStream> {
    let item = read_item(input, "`Model` is derived for structs")?;
    let body = match (&item.body, item.keyword.to_string().as_str()) {
        (Some(body), "struct") => body,
        _ => return Err(Error::new(item.name.span(), "`Model` is derived for structs with named fields")),
    };
    let pascal_case = rename_all(&wire_arguments(&item.wire)?)?;
    let mut fields = Vec::new();
    let mut wires = Vec::new();
    for entry in split_entries(body.stream()) {
        let field = read_field(&entry, pascal_case)?;
        if wires.contains(&field.wire) {
            return Err(Error::new(field.ident.span(), format!("two fields have the wire name `{}`", field.wire)));
        }
        wires.push(field.wire.clone());
        fields.push(field);
    }
    Ok(emit_model(&item.name, &fields))
}

/// Whether the struct says `#[wire(rename_all = "PascalCase")]`, the one casing supported.
fn rename_all(arguments: &[Argument]) -> Result<bool> {
    let mut pascal_case = false;
    for argument in arguments {
        if !argument.is("rename_all") {
            return Err(Error::new(argument.name.span(), "expected `rename_all = \"PascalCase\"`"));
        }
        let (casing, span) = argument.string()?;
        if casing != "PascalCase" {
            return Err(Error::new(span, "the one casing supported is \"PascalCase\""));
        }
        pascal_case = true;
    }
    Ok(pascal_case)
}

fn read_field(tokens: &[TokenTree], pascal_case: bool) -> Result<Field> {
    let entry = read_entry(tokens, "a field name: `Model` is derived for structs with named fields")?;
    let ty = match entry.rest.split_first() {
        Some((TokenTree::Punct(colon), ty)) if colon.as_char() == ':' && !ty.is_empty() => ty.to_vec(),
        _ => return Err(Error::new(entry.name.span(), "expected `name: Type`")),
    };
    let mut rename = None;
    let mut default = false;
    let mut skip_none = false;
    let mut skip_absent = false;
    for argument in &entry.wire {
        if argument.is("rename") {
            rename = Some(argument.string()?.0);
        } else if argument.is("default") {
            argument.flag()?;
            default = true;
        } else if argument.is("skip_none") {
            argument.flag()?;
            skip_none = true;
        } else if argument.is("skip_absent") {
            argument.flag()?;
            skip_absent = true;
        } else {
            return Err(Error::new(argument.name.span(), "expected `rename = \"…\"`, `default`, `skip_none` or `skip_absent`"));
        }
    }
    let option = is_option(&ty);
    if skip_none && skip_absent {
        return Err(Error::new(entry.name.span(), "`skip_none` is for an `Option`, `skip_absent` for a `Nullable`: give one"));
    }
    if skip_none && !option {
        return Err(Error::new(ty[0].span(), "`skip_none` is for `Option` fields"));
    }
    let name = unraw(&entry.name);
    let wire = rename.unwrap_or_else(|| if pascal_case { to_pascal_case(&name) } else { name });
    // A `Nullable` that is not the runtime's fails the `SkipAbsent` bound at its type.
    Ok(Field { ident: entry.name, ty, wire, required: !option && !default && !skip_absent, skip_none, skip_absent })
}

/// `snake_case` to `PascalCase`: each `_`-separated word capitalised.
fn to_pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// `Then(g1, Then(g2, g3))` (`then` is `Then<` … `>` in a type), one group as it is, `()`
/// for none: the same shape as a type, a pattern and a value. `group` writes one group's
/// elements.
fn chain(code: &mut Code, groups: &[&[Field]], in_type: bool, group: &dyn Fn(&mut Code, &Field)) {
    let Some((first, rest)) = groups.split_first() else {
        code.text("()");
        return;
    };
    let tuple = |code: &mut Code| {
        code.parens(&mut |code| {
            for field in *first {
                group(code, field);
                code.text(",");
            }
        });
    };
    if rest.is_empty() {
        tuple(code);
    } else if in_type {
        code.text(CODEC).text(":: Then <");
        tuple(code);
        code.text(",");
        chain(code, rest, in_type, group);
        code.text(">");
    } else {
        code.text(CODEC).text(":: Then").parens(&mut |code| {
            tuple(code);
            code.text(",");
            chain(code, rest, in_type, group);
        });
    }
}

/// The type's decoder from JSON text, compiled in the type's own crate in a debug build (see
/// `codec::FromJsonText`).
fn emit_from_json_text(code: &mut Code, name: &Ident) {
    code.text("#[automatically_derived] #[cfg(debug_assertions)] impl").text(CODEC).text(":: FromJsonText for").ident(name).braces(&mut |code| {
        code.text("fn from_json_text(text: &str) -> ::std::result::Result<Self, ::serde_json::Error> { ::serde_json::from_str(text) }");
    });
}

fn emit_model(name: &Ident, fields: &[Field]) -> TokenStream {
    let groups: Vec<&[Field]> = fields.chunks(FIELDS_PER_GROUP).collect();
    let mut code = Code::default();
    // A deprecated field is still read and written.
    code.text("#[automatically_derived] #[allow(deprecated)] impl").text(CODEC).text(":: Model for").ident(name).braces(&mut |code| {
        code.text("const NAME: &'static str =").string(&name.to_string()).text(";");
        code.text("const FIELDS: &'static [&'static str] = &").group(Delimiter::Bracket, &mut |code| {
            for field in fields {
                code.string(&field.wire).text(",");
            }
        });
        code.text("; type Slots =");
        chain(code, &groups, true, &|code, field| {
            code.text(CODEC).text(if field.required { ":: Required <" } else { ":: Defaulted <" }).tokens(&field.ty).text(">");
        });
        code.text(";");

        // Not `#[inline]`: inlined, the match made serde_json's key reading too big for LLVM to
        // inline into the decoding loop, and a call per key cost more than the match saves
        // (3 % of decoding a 22-field model, in callgrind). serde's derive keeps its field
        // visitor out of line the same way.
        code.text("fn field_index(key: &str) -> ::std::option::Option<usize>").braces(&mut |code| {
            code.text("match key").braces(&mut |code| {
                for (index, field) in fields.iter().enumerate() {
                    code.string(&field.wire).text("=> ::std::option::Option::Some").parens(&mut |code| {
                        code.index(index);
                    });
                    code.text(",");
                }
                code.text("_ => ::std::option::Option::None,");
            });
        });

        code.text("#[inline] fn from_slots").parens(&mut |code| {
            chain(code, &groups, false, &|code, field| {
                code.ident(&field.ident);
            });
            code.text(": Self::Slots");
        });
        code.text("-> Self").braces(&mut |code| {
            code.text("Self").braces(&mut |code| {
                for field in fields {
                    code.ident(&field.ident).text(":").ident(&field.ident).text(".into_value(),");
                }
            });
        });

        code.text("#[inline] fn fields(&self) -> impl").text(CODEC).text(":: Fields").braces(&mut |code| {
            chain(code, &groups, false, &|code, field| {
                let writer = match (field.skip_none, field.skip_absent) {
                    (true, _) => ":: SkipNone",
                    (false, true) => ":: SkipAbsent",
                    (false, false) => ":: Always",
                };
                code.text(CODEC).text(writer).parens(&mut |code| {
                    code.string(&field.wire).text(", &self.").ident(&field.ident);
                });
            });
        });
    });

    code.text("#[automatically_derived] impl ::serde::Serialize for").ident(name).braces(&mut |code| {
        code.text("#[inline] fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error>").braces(
            &mut |code| {
                code.text(CODEC).text(":: serialize_model(serializer, self)");
            },
        );
    });

    code.text("#[automatically_derived] impl<'de> ::serde::Deserialize<'de> for").ident(name).braces(&mut |code| {
        code.text("#[inline] fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error>").braces(
            &mut |code| {
                code.text(CODEC).text(":: deserialize_model(deserializer)");
            },
        );
    });
    emit_from_json_text(&mut code, name);
    code.finish()
}

fn union(input: TokenStream) -> Result<TokenStream> {
    let item = read_item(input, "`Union` is derived for enums")?;
    let body = match (&item.body, item.keyword.to_string().as_str()) {
        (Some(body), "enum") => body,
        _ => return Err(Error::new(item.name.span(), "`Union` is derived for enums")),
    };
    let mut tag = None;
    let mut accessor = None;
    for argument in wire_arguments(&item.wire)? {
        if argument.is("tag") {
            tag = Some(argument.string()?.0);
        } else if argument.is("accessor") {
            accessor = match argument.value()? {
                [TokenTree::Ident(accessor)] => Some(accessor.clone()),
                value => return Err(Error::new(value[0].span(), "expected identifier")),
            };
        } else {
            return Err(Error::new(argument.name.span(), "expected `tag = \"…\"` or `accessor = name`"));
        }
    }
    let Some(tag) = tag else {
        return Err(Error::new(item.name.span(), "a union needs `#[wire(tag = \"…\")]`, the field that holds its tag"));
    };
    let accessor = match accessor {
        Some(accessor) => accessor,
        None if is_method_name(&tag) => Ident::new(&tag, Span::call_site()),
        None => return Err(Error::new(item.name.span(), format!("the tag `{tag}` is not a method name: add `accessor = name`"))),
    };
    let mut has_unknown = false;
    let mut variants = Vec::new();
    let mut tags = Vec::new();
    for tokens in split_entries(body.stream()) {
        let variant = read_entry(&tokens, "a variant")?;
        if variant.name.to_string() == "Unknown" {
            has_unknown = true;
            continue;
        }
        let one_field = match variant.rest.as_slice() {
            [TokenTree::Group(fields)] => fields.delimiter() == Delimiter::Parenthesis && split_entries(fields.stream()).len() == 1,
            _ => false,
        };
        if !one_field {
            return Err(Error::new(variant.name.span(), "a union's variant holds one value, its payload"));
        }
        let (variant_tag, also) = variant_tag(&variant)?;
        for one in std::iter::once(&variant_tag).chain(&also) {
            if tags.contains(one) {
                return Err(Error::new(variant.name.span(), format!("two variants have the tag `{one}`")));
            }
            tags.push(one.clone());
        }
        variants.push((variant.name, variant_tag, also));
    }
    if !has_unknown {
        return Err(Error::new(item.name.span(), "a union needs an `Unknown(serde_json::Value)` variant for tags it does not know"));
    }
    Ok(emit_union(&item.name, &tag, &accessor, &variants))
}

/// Whether the tag can name the accessor as it is: an ASCII identifier that is not a keyword
/// (any other tag gets `accessor = name`).
fn is_method_name(tag: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
        "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
        "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
        "virtual", "where", "while", "yield",
    ];
    let mut chars = tag.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&tag)
}

/// A variant's tag: `#[wire(rename = "…")]`, or its name in `snake_case`; and the other tags
/// that select it (`also = "…"`, repeated).
fn variant_tag(variant: &Entry) -> Result<(String, Vec<String>)> {
    let mut rename = None;
    let mut also = Vec::new();
    for argument in &variant.wire {
        if argument.is("rename") {
            rename = Some(argument.string()?.0);
        } else if argument.is("also") {
            also.push(argument.string()?.0);
        } else {
            return Err(Error::new(argument.name.span(), "expected `rename = \"…\"` or `also = \"…\"`"));
        }
    }
    Ok((rename.unwrap_or_else(|| to_snake_case(&unraw(&variant.name))), also))
}

/// `PascalCase` to `snake_case`: a `_` before each uppercase letter but the first.
fn to_snake_case(pascal: &str) -> String {
    let mut snake = String::with_capacity(pascal.len() + 4);
    for (i, c) in pascal.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.extend(c.to_lowercase());
    }
    snake
}

/// One variant of a union: its name, its tag, and the other tags that select it (then its
/// payload holds the tag it was sent).
type Variant = (Ident, String, Vec<String>);

fn emit_union(name: &Ident, tag: &str, accessor: &Ident, variants: &[Variant]) -> TokenStream {
    let mut code = Code::default();
    code.text("#[automatically_derived] impl").ident(name).braces(&mut |code| {
        code.text("#").group(Delimiter::Bracket, &mut |code| {
            code.text("doc =").string(&format!("The `{tag}` of this value."));
        });
        code.text("pub fn").ident(accessor).text("(&self) -> &str").braces(&mut |code| {
            code.text("match self").braces(&mut |code| {
                for (ident, variant_tag, also) in variants {
                    if also.is_empty() {
                        code.text("Self::").ident(ident).text("(_) =>").string(variant_tag).text(",");
                    } else {
                        code.text("Self::").ident(ident).text("(value) => value.").ident(accessor).text(".as_str(),");
                    }
                }
                code.text("Self::Unknown(value) =>").text(CODEC).text(":: tag_of").parens(&mut |code| {
                    code.text("value,").string(tag);
                });
                code.text(".unwrap_or_default(),");
            });
        });
    });

    code.text("#[automatically_derived] impl ::serde::Serialize for").ident(name).braces(&mut |code| {
        code.text("fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error>").braces(
            &mut |code| {
                code.text("match self").braces(&mut |code| {
                    for (ident, variant_tag, also) in variants {
                        if !also.is_empty() {
                            // The payload holds the tag it was sent.
                            code.text("Self::").ident(ident).text("(value) => ::serde::Serialize::serialize(value, serializer),");
                            continue;
                        }
                        code.text("Self::").ident(ident).text("(value) =>").text(CODEC).text(":: serialize_tagged").parens(&mut |code| {
                            code.text("serializer,").string(tag).text(",").string(variant_tag).text(", value");
                        });
                        code.text(",");
                    }
                    code.text("Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),");
                });
            },
        );
    });

    code.text("#[automatically_derived] impl<'de> ::serde::Deserialize<'de> for").ident(name).braces(&mut |code| {
        code.text("fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error>").braces(
            &mut |code| {
                code.text(CODEC).text(":: deserialize_tagged").parens(&mut |code| {
                    code.text("deserializer, |value| match").text(CODEC).text(":: tag_of").parens(&mut |code| {
                        code.text("&value,").string(tag);
                    });
                    code.braces(&mut |code| {
                        for (ident, variant_tag, also) in variants {
                            code.text("::std::option::Option::Some").parens(&mut |code| {
                                code.string(variant_tag);
                                for other in also {
                                    code.text("|").string(other);
                                }
                            });
                            code.text("=> ::serde_json::from_value(value).map").parens(&mut |code| {
                                code.text("Self::").ident(ident);
                            });
                            code.text(",");
                        }
                        code.text("_ => ::std::result::Result::Ok(Self::Unknown(value)),");
                    });
                });
            },
        );
    });
    emit_from_json_text(&mut code, name);
    code.finish()
}
