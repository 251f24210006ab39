//! Ids, enums, models and unions of one API: the `<api>.rs` of its types crates (`crates/keyway-<api>-types*/src/`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, doc_paragraphs, rust_type};
use crate::ir::{Api, EnumDef, Field, FieldPath, IdDef, ModelDef, PageStyle, Pagination, TypeDef, TypeRef, UnionDef};
use crate::names::ident;

/// The inner doc of a types crate's `<api>.rs` and its imports. The rest of the file is one [`emit_type`] per
/// type, emitted and formatted in parallel by `output`.
pub(crate) fn emit_types_module_doc(api: &Api, krate: &crate::analysis::TypeCrate) -> TokenStream {
    let module_doc = format!(" Types of the {} API: ids, enums, models and unions.", api.title);
    // A crate of a split API names the types of the crates it uses as `crate::<api>::X`,
    // like its own types.
    let uses = krate.uses.iter().map(|dep| {
        let dep = ident(&dep.rust_name());
        let module = ident(&api.name);
        quote! {
            #[allow(unused_imports, reason = "features may turn off every type that names one")]
            use ::#dep::#module::*;
        }
    });
    // The serde impls name the runtime's codec often; a lowercase module name cannot clash
    // with a generated type.
    quote! {
        #![doc = #module_doc]
        #[allow(unused_imports, reason = "features may turn off every type of this API")]
        use crate::codec;
        #(#uses)*
    }
}

/// One type and its impls, each under the cfg of the resources that use the type.
pub(crate) fn emit_type(api: &Api, type_use: &crate::analysis::TypeUse<'_>, def: &TypeDef) -> TokenStream {
    let tokens = match def {
        TypeDef::Id(id) => emit_id(id),
        TypeDef::Enum(def) => emit_enum(def),
        TypeDef::Model(model) => emit_model(api, model, type_use.payload_of(&model.name)),
        TypeDef::Union(union) => emit_union(api, union),
    };
    super::with_attr_on_items(tokens, &type_use.cfg(def.name()))
}

fn emit_id(id: &IdDef) -> TokenStream {
    let name = ident(&id.name);
    let docs = doc_paragraphs([&super::desc(&id.description), "An id of its own type, so it cannot be passed where another kind of id is expected."]);
    if id.integer {
        quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(i64);

            impl #name {
                /// Wraps a raw id.
                pub const fn new(id: i64) -> Self {
                    Self(id)
                }

                /// The raw id.
                pub const fn get(self) -> i64 {
                    self.0
                }
            }

            impl ::std::convert::From<i64> for #name {
                fn from(id: i64) -> Self {
                    Self(id)
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(&self.0, f)
                }
            }
        }
    } else {
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(::std::string::String);

            impl #name {
                /// Wraps a raw id.
                pub fn new(id: impl ::std::convert::Into<::std::string::String>) -> Self {
                    Self(id.into())
                }

                /// The raw id.
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The raw id, by value.
                pub fn into_inner(self) -> ::std::string::String {
                    self.0
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(&self.0)
                }
            }
        }
    }
}

fn emit_enum(def: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_paragraphs([
        &super::desc(&def.description),
        "A value this version does not know decodes as `Unknown`, so new server values never break decoding.",
    ]);
    let variants: Vec<_> = def.values.iter().map(|v| ident(&v.variant)).collect();
    let wire: Vec<_> = def.values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = def.values.iter().map(|v| {
        let text = match &v.description {
            Some(d) => format!("`{}`: {}", v.value, super::desc(d)),
            None => format!("`{}`.", v.value),
        };
        doc(&text)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the client does not know, kept verbatim.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wire, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl #name {
            fn from_wire(value: &str) -> Self {
                match value {
                    #( #wire => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                codec::deserialize_str(deserializer, Self::from_wire)
            }
        }
    }
}

/// Whether a value of `ty` can contain a `target` without going through a `Vec`: such a
/// field needs a `Box`, or the type would have infinite size.
fn contains_inline(api: &Api, ty: &TypeRef, target: &str, seen: &mut Vec<String>) -> bool {
    let TypeRef::Named(name) = ty else { return false };
    if name == target {
        return true;
    }
    if seen.contains(name) {
        return false;
    }
    seen.push(name.clone());
    match api.type_def(name) {
        Some(TypeDef::Model(model)) => model.fields.iter().any(|f| contains_inline(api, &f.ty, target, seen)),
        Some(TypeDef::Union(union)) => union.variants.iter().any(|v| contains_inline(api, &TypeRef::Named(v.model.clone()), target, seen)),
        _ => false,
    }
}

/// The field's type, with `Option` applied unless an absent field reads as an empty array.
fn field_type(api: &Api, owner: &str, field: &Field) -> TokenStream {
    let inner = rust_type(api, &field.ty);
    let inner = if contains_inline(api, &field.ty, owner, &mut Vec::new()) { quote!(::std::boxed::Box<#inner>) } else { inner };
    match absent(field) {
        Absent::None => quote!(::std::option::Option<#inner>),
        Absent::Nullable => quote!(crate::runtime::Nullable<#inner>),
        Absent::Empty | Absent::Missing => inner,
    }
}

/// What decoding does when a field's key is missing: `Missing` is a `codec::Required` slot,
/// `None` and `Empty` a `codec::Defaulted` one.
enum Absent {
    /// Required: its absence is an error.
    Missing,
    /// An `Option`: `None` is absent (an optional field) or `null` (a nullable one).
    None,
    /// Optional and nullable: a `Nullable`, which keeps absent and `null` apart.
    Nullable,
    /// An optional array or map: absent is empty, so callers iterate without unwrapping.
    Empty,
}

fn absent(field: &Field) -> Absent {
    if field.optional && field.nullable {
        Absent::Nullable
    } else if field.nullable || (field.optional && !field.ty.is_collection()) {
        Absent::None
    } else if field.optional {
        Absent::Empty
    } else {
        Absent::Missing
    }
}

/// The field's `#[wire(…)]` attribute, only where `#[derive(codec::Model)]`'s defaults do not
/// fit: a wire name other than the one it derives from the Rust name, an optional array
/// (absent is empty), an `Option` left out when `None` (a nullable one is written as `null`,
/// so a documented `null` survives a round trip), a `Nullable` left out when absent. An
/// `Option` is defaulted without one.
fn wire_attr(field: &Field, pascal_case: bool) -> Option<TokenStream> {
    let mut args = Vec::new();
    if field.wire_name != derived_wire_name(&field.rust_name, pascal_case) {
        let wire = field.wire_name.as_str();
        args.push(quote!(rename = #wire));
    }
    match absent(field) {
        Absent::Empty => args.push(quote!(default)),
        Absent::None if !field.nullable => args.push(quote!(skip_none)),
        Absent::Nullable => args.push(quote!(skip_absent)),
        _ => {}
    }
    (!args.is_empty()).then(|| quote!(#[wire(#(#args),*)]))
}

/// The wire name `#[derive(codec::Model)]` gives a field without `rename`: its Rust name
/// without `r#`, in `PascalCase` under the struct's `#[wire(rename_all = "PascalCase")]`.
fn derived_wire_name(rust_name: &str, pascal_case: bool) -> String {
    let name = rust_name.trim_start_matches("r#");
    if !pascal_case {
        return name.to_owned();
    }
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// Whether the model's wire names are more often the `PascalCase` of its field names than
/// the names themselves (Nexudus): then `rename_all` saves a `rename` on most fields.
fn pascal_case(model: &ModelDef) -> bool {
    let matching = |pascal| model.fields.iter().filter(|f| f.wire_name == derived_wire_name(&f.rust_name, pascal)).count();
    matching(true) > matching(false)
}

fn field_doc(field: &Field) -> TokenStream {
    let mut notes = Vec::new();
    if let Some(reason) = &field.deprecated {
        notes.push(format!("**Deprecated.** {}", super::desc(reason)));
    }
    let presence = match (field.optional, field.nullable) {
        (true, true) => Some("May be absent or `null`, which stay apart (`Nullable`)."),
        (true, false) if field.ty.is_collection() => Some("Empty when absent."),
        (true, false) => Some("May be absent."),
        (false, true) => Some("May be `null`."),
        (false, false) => None,
    };
    let wire = format!("Wire name: `{}`.", field.wire_name);
    let mut paragraphs = vec![super::desc(&field.description)];
    paragraphs.extend(notes);
    let tail = match presence {
        Some(p) => format!("{wire} {p}"),
        None => wire,
    };
    paragraphs.push(tail);
    doc_paragraphs(paragraphs.iter().map(String::as_str))
}

fn emit_model(api: &Api, model: &ModelDef, payload_of: &[String]) -> TokenStream {
    let name = ident(&model.name);
    let description = super::desc(&model.description);
    let docs = if payload_of.is_empty() {
        doc(&description)
    } else {
        let variants = payload_of.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
        doc_paragraphs([description.as_str(), &format!("The payload of the union variants {variants}.")])
    };
    let pascal_case = pascal_case(model);
    let fields = model.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let ty = field_type(api, &model.name, field);
        let docs = field_doc(field);
        let deprecated = field.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        let wire = wire_attr(field, pascal_case);
        quote! {
            #docs
            #deprecated
            #wire
            pub #field_name: #ty,
        }
    });
    let allow_deprecated = model.fields.iter().any(|f| f.deprecated.is_some()).then(|| quote!(#[allow(deprecated)]));
    let rename_all = pascal_case.then(|| quote!(#[wire(rename_all = "PascalCase")]));
    // `Serialize` and `Deserialize` go through the runtime's field table, which the derive
    // reads off the struct (see `runtime/codec.rs` for why not serde's derives).
    let page = model.page.as_ref().map(|pagination| emit_page_impl(api, &name, pagination));
    quote! {
        #docs
        #allow_deprecated
        #[derive(Debug, Clone, PartialEq, codec::Model)]
        #rename_all
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #page
    }
}

/// A list's page: its items, and what it says of the next page, read through its fields.
fn emit_page_impl(api: &Api, name: &proc_macro2::Ident, pagination: &Pagination) -> TokenStream {
    let item = rust_type(api, &pagination.item_type);
    let items = ident(&pagination.items.rust);
    let has_more = pagination.has_more.as_ref().map(|path| {
        let read = read_path(path);
        quote! {
            fn has_more(&self) -> ::std::option::Option<bool> {
                #read
            }
        }
    });
    let next_cursor = match &pagination.style {
        PageStyle::Cursor { next, .. } => {
            let read = read_path(next);
            Some(quote! {
                fn next_cursor(&self) -> ::std::option::Option<&str> {
                    #read
                }
            })
        }
        PageStyle::Number { .. } => None,
    };
    let total_pages = pagination.total_pages.as_ref().map(|path| {
        let read = read_path(path);
        quote! {
            fn total_pages(&self) -> ::std::option::Option<i64> {
                #read
            }
        }
    });
    quote! {
        impl crate::runtime::Page for #name {
            type Item = #item;

            fn items(&self) -> &[#item] {
                &self.#items
            }

            fn into_items(self) -> ::std::vec::Vec<#item> {
                self.#items
            }

            #has_more
            #next_cursor
            #total_pages
        }
    }
}

/// An expression reading the scalar at `path` from `self` as an `Option` (of `bool`,
/// `i64`, or `&str`): plain field access up to the first `Option`, then `map`s and
/// `and_then`s. A step that may be missing is an `Option` or a `Nullable`, read alike
/// through `as_ref` and `as_deref`.
fn read_path(path: &FieldPath) -> TokenStream {
    let string = matches!(path.leaf, TypeRef::String);
    let last = path.steps.len().saturating_sub(1);
    let mut place = quote!(self);
    let mut chain: Option<TokenStream> = None;
    for (index, step) in path.steps.iter().enumerate() {
        let field = ident(&step.rust);
        let is_last = index == last;
        chain = Some(match chain {
            None if !step.option => {
                place = quote!(#place.#field);
                continue;
            }
            None => match (is_last, string) {
                (true, true) => quote!(#place.#field.as_deref()),
                (true, false) => quote!(#place.#field.as_ref().copied()),
                (false, _) => quote!(#place.#field.as_ref()),
            },
            Some(chain) => match (step.option, is_last, string) {
                (true, true, true) => quote!(#chain.and_then(|v| v.#field.as_deref())),
                (true, true, false) => quote!(#chain.and_then(|v| v.#field.as_ref().copied())),
                (true, false, _) => quote!(#chain.and_then(|v| v.#field.as_ref())),
                (false, true, true) => quote!(#chain.map(|v| v.#field.as_str())),
                (false, true, false) => quote!(#chain.map(|v| v.#field)),
                (false, false, _) => quote!(#chain.map(|v| &v.#field)),
            },
        });
    }
    match chain {
        Some(chain) => chain,
        None if string => quote!(::std::option::Option::Some(#place.as_str())),
        None => quote!(::std::option::Option::Some(#place)),
    }
}

fn emit_union(api: &Api, union: &UnionDef) -> TokenStream {
    let name = ident(&union.name);
    let tag_field = union.tag.as_str();
    let tag_method = ident(&crate::names::snake(&union.tag));
    let docs = doc_paragraphs([
        super::desc(&union.description).as_str(),
        &format!("Tagged by the `{tag_field}` field. A tag this version does not know decodes as `Unknown` with the whole object kept."),
    ]);
    // `#[derive(codec::Union)]` names the accessor like the tag field and tags a variant
    // with its name in snake_case; only what differs is written.
    let accessor = (tag_method != tag_field).then(|| quote!(, accessor = #tag_method));
    let variants = union.variants.iter().map(|v| {
        let tags = v.tags().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        let docs = doc(&format!("{tags}: {}", super::desc(&v.description)));
        let variant = ident(&v.variant);
        let model = ident(&v.model);
        let tag = v.tag.as_str();
        let mut args: Vec<TokenStream> = Vec::new();
        if derived_tag(&v.variant) != v.tag {
            args.push(quote!(rename = #tag));
        }
        // The other tags that select it; its payload holds the tag it was sent.
        args.extend(v.also_tags.iter().map(|also| quote!(also = #also)));
        let wire = (!args.is_empty()).then(|| quote!(#[wire(#(#args),*)]));
        quote!(#docs #wire #variant(#model),)
    });
    let shared = shared_field_accessors(api, union);
    quote! {
        #docs
        // Variants are decoded payloads of very different sizes; boxing them would only
        // make matching on them clumsier.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, codec::Union)]
        #[wire(tag = #tag_field #accessor)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A variant this version of the client does not know, kept as sent.
            Unknown(::serde_json::Value),
        }

        #shared
    }
}

/// Accessors of the fields every variant's payload has (same wire name, same Rust type):
/// `attempt.action_attempt_id()` reads it whatever the variant, `None` for `Unknown`.
fn shared_field_accessors(api: &Api, union: &UnionDef) -> Option<TokenStream> {
    let payloads: Vec<&ModelDef> = union
        .variants
        .iter()
        .map(|v| match api.type_def(&v.model) {
            Some(TypeDef::Model(model)) => Some(model),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, rest) = payloads.split_first()?;
    let tag_method = crate::names::snake(&union.tag);
    let same = |a: &Field, b: &Field| a.wire_name == b.wire_name && a.rust_name == b.rust_name && a.ty == b.ty && a.is_option() == b.is_option();
    let shared: Vec<&Field> = first
        .fields
        .iter()
        .filter(|field| rest.iter().all(|model| model.fields.iter().any(|other| same(field, other))))
        // The tag's accessor is the derive's; `unknown` would read like the variant.
        .filter(|field| field.rust_name != tag_method && field.rust_name != "unknown")
        .collect();
    if shared.is_empty() {
        return None;
    }
    let name = ident(&union.name);
    let methods = shared.iter().map(|field| {
        let method = ident(&field.rust_name);
        let ty = rust_type(api, &field.ty);
        let read = if field.is_option() { quote!(v.#method.as_ref()) } else { quote!(::std::option::Option::Some(&v.#method)) };
        let arms = union.variants.iter().map(|v| {
            let variant = ident(&v.variant);
            quote!(Self::#variant(v) => #read,)
        });
        let docs = doc(&format!(
            "`{}`, which every variant this version knows has: {} `None` for `Unknown`.",
            field.wire_name,
            super::desc(&field.description)
        ));
        quote! {
            #docs
            pub fn #method(&self) -> ::std::option::Option<&#ty> {
                match self {
                    #(#arms)*
                    Self::Unknown(_) => ::std::option::Option::None,
                }
            }
        }
    });
    Some(quote! {
        impl #name {
            #(#methods)*
        }
    })
}

/// The tag `#[derive(codec::Union)]` gives a variant without `rename`: its name in
/// snake_case, a `_` before each uppercase letter but the first.
fn derived_tag(variant: &str) -> String {
    let mut tag = String::new();
    for (i, c) in variant.trim_start_matches("r#").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            tag.push('_');
        }
        tag.extend(c.to_lowercase());
    }
    tag
}
