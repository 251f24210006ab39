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
//!   it, `None` is written as `null`).
//!
//! A union is an enum of one-field variants and `Unknown(serde_json::Value)`, with
//! `#[wire(tag = "kind")]` naming the tag field; its accessor is named like the tag (or
//! `#[wire(tag = "type", accessor = r#type)]`). A variant's tag is its name in `snake_case`,
//! or `#[wire(rename = "…")]`.

#![deny(missing_docs)]

use std::collections::BTreeSet;

use proc_macro::TokenStream;
use proc_macro2::{Literal, TokenStream as TokenStream2};
use quote::quote;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Error, Fields, Ident, LitStr, PathArguments, Type, Variant};

/// The most fields in one tuple of slots: the largest tuple the runtime's `Slots` and
/// `Fields` are implemented for.
const FIELDS_PER_GROUP: usize = 16;

/// The field table of a model (`keyway_runtime::codec::Model`) and its `Serialize` and
/// `Deserialize` through it; see the crate docs for the `#[wire(…)]` attributes.
#[proc_macro_derive(Model, attributes(wire))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    model(&input).unwrap_or_else(Error::into_compile_error).into()
}

/// One field of the struct, as the table needs it.
struct Field<'a> {
    ident: &'a Ident,
    ty: &'a Type,
    wire: String,
    required: bool,
    skip_none: bool,
}

fn model(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            _ => return Err(Error::new_spanned(&input.ident, "`Model` is derived for structs with named fields")),
        },
        _ => return Err(Error::new_spanned(&input.ident, "`Model` is derived for structs with named fields")),
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(&input.generics, "`Model` is derived for structs without generics"));
    }
    let pascal_case = rename_all(input)?;
    let mut fields = Vec::new();
    let mut wires = BTreeSet::new();
    for field in &named.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        let field = read_field(field, ident, pascal_case)?;
        if !wires.insert(field.wire.clone()) {
            return Err(Error::new_spanned(ident, format!("two fields have the wire name `{}`", field.wire)));
        }
        fields.push(field);
    }
    Ok(emit(&input.ident, &fields))
}

/// Whether the struct says `#[wire(rename_all = "PascalCase")]`, the one casing supported.
fn rename_all(input: &DeriveInput) -> syn::Result<bool> {
    let mut pascal_case = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("wire")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let casing: LitStr = meta.value()?.parse()?;
                if casing.value() != "PascalCase" {
                    return Err(Error::new_spanned(casing, "the one casing supported is \"PascalCase\""));
                }
                pascal_case = true;
                Ok(())
            } else {
                Err(meta.error("expected `rename_all = \"PascalCase\"`"))
            }
        })?;
    }
    Ok(pascal_case)
}

fn read_field<'a>(field: &'a syn::Field, ident: &'a Ident, pascal_case: bool) -> syn::Result<Field<'a>> {
    let mut rename = None;
    let mut default = false;
    let mut skip_none = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("wire")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                default = true;
            } else if meta.path.is_ident("skip_none") {
                skip_none = true;
            } else {
                return Err(meta.error("expected `rename = \"…\"`, `default` or `skip_none`"));
            }
            Ok(())
        })?;
    }
    let option = is_option(&field.ty);
    if skip_none && !option {
        return Err(Error::new_spanned(&field.ty, "`skip_none` is for `Option` fields"));
    }
    let name = ident.unraw().to_string();
    let wire = rename.unwrap_or_else(|| if pascal_case { to_pascal_case(&name) } else { name });
    Ok(Field { ident, ty: &field.ty, wire, required: !option && !default, skip_none })
}

/// Whether `ty` is written as `Option<T>` (also `std::option::Option<T>`, with or without a
/// leading `::`, or through `core`).
fn is_option(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    if path.qself.is_some() {
        return false;
    }
    let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let named = match segments.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["Option"] => path.path.leading_colon.is_none(),
        ["std" | "core", "option", "Option"] => true,
        _ => false,
    };
    let has_argument = path.path.segments.last().is_some_and(|s| matches!(s.arguments, PathArguments::AngleBracketed(_)));
    named && has_argument
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

fn emit(name: &Ident, fields: &[Field<'_>]) -> TokenStream2 {
    let codec = quote!(::keyway_runtime::codec);
    let name_text = name.to_string();
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let indices = (0..fields.len()).map(Literal::usize_unsuffixed);
    let idents: Vec<&Ident> = fields.iter().map(|f| f.ident).collect();
    let groups: Vec<&[Field<'_>]> = fields.chunks(FIELDS_PER_GROUP).collect();
    // `Then(g1, Then(g2, g3))`, one group as it is, `()` for none: the same shape as a type,
    // a pattern and a value.
    let chain = |parts: Vec<TokenStream2>, then: &dyn Fn(TokenStream2, TokenStream2) -> TokenStream2| {
        parts.into_iter().rev().reduce(|rest, group| then(group, rest)).unwrap_or_else(|| quote!(()))
    };
    let slots = chain(
        groups
            .iter()
            .map(|group| {
                let slots = group.iter().map(|f| {
                    let ty = f.ty;
                    if f.required { quote!(#codec::Required<#ty>) } else { quote!(#codec::Defaulted<#ty>) }
                });
                quote!((#(#slots,)*))
            })
            .collect(),
        &|group, rest| quote!(#codec::Then<#group, #rest>),
    );
    let pattern = chain(
        groups
            .iter()
            .map(|group| {
                let idents = group.iter().map(|f| f.ident);
                quote!((#(#idents,)*))
            })
            .collect(),
        &|group, rest| quote!(#codec::Then(#group, #rest)),
    );
    let values = chain(
        groups
            .iter()
            .map(|group| {
                let values = group.iter().map(|f| {
                    let (ident, wire) = (f.ident, f.wire.as_str());
                    if f.skip_none { quote!(#codec::SkipNone(#wire, &self.#ident)) } else { quote!(#codec::Always(#wire, &self.#ident)) }
                });
                quote!((#(#values,)*))
            })
            .collect(),
        &|group, rest| quote!(#codec::Then(#group, #rest)),
    );
    quote! {
        // A deprecated field is still read and written.
        #[automatically_derived]
        #[allow(deprecated)]
        impl #codec::Model for #name {
            const NAME: &'static str = #name_text;
            const FIELDS: &'static [&'static str] = &[#(#wires,)*];
            type Slots = #slots;

            #[inline]
            fn field_index(key: &str) -> ::std::option::Option<usize> {
                match key {
                    #(#wires => ::std::option::Option::Some(#indices),)*
                    _ => ::std::option::Option::None,
                }
            }

            #[inline]
            fn from_slots(#pattern: Self::Slots) -> Self {
                Self { #(#idents: #idents.into_value(),)* }
            }

            #[inline]
            fn fields(&self) -> impl #codec::Fields {
                #values
            }
        }

        #[automatically_derived]
        impl ::serde::Serialize for #name {
            #[inline]
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                #codec::serialize_model(serializer, self)
            }
        }

        #[automatically_derived]
        impl<'de> ::serde::Deserialize<'de> for #name {
            #[inline]
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                #codec::deserialize_model(deserializer)
            }
        }
    }
}

/// The tag accessor, `Serialize` and `Deserialize` of a tagged union; see the crate docs for
/// the `#[wire(…)]` attributes.
#[proc_macro_derive(Union, attributes(wire))]
pub fn derive_union(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    union(&input).unwrap_or_else(Error::into_compile_error).into()
}

fn union(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let Data::Enum(data) = &input.data else {
        return Err(Error::new_spanned(&input.ident, "`Union` is derived for enums"));
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(&input.generics, "`Union` is derived for enums without generics"));
    }
    let mut tag = None;
    let mut accessor = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("wire")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("tag") {
                tag = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("accessor") {
                accessor = Some(meta.value()?.call(Ident::parse_any)?);
            } else {
                return Err(meta.error("expected `tag = \"…\"` or `accessor = name`"));
            }
            Ok(())
        })?;
    }
    let Some(tag) = tag else {
        return Err(Error::new_spanned(&input.ident, "a union needs `#[wire(tag = \"…\")]`, the field that holds its tag"));
    };
    let accessor = match accessor {
        Some(accessor) => accessor,
        None => syn::parse_str::<Ident>(&tag)
            .map_err(|_| Error::new_spanned(&input.ident, format!("the tag `{tag}` is not a method name: add `accessor = name`")))?,
    };
    let mut has_unknown = false;
    let mut variants = Vec::new();
    let mut tags = BTreeSet::new();
    for variant in &data.variants {
        if variant.ident == "Unknown" {
            has_unknown = true;
            continue;
        }
        if !matches!(&variant.fields, Fields::Unnamed(fields) if fields.unnamed.len() == 1) {
            return Err(Error::new_spanned(&variant.ident, "a union's variant holds one value, its payload"));
        }
        let variant_tag = variant_tag(variant)?;
        if !tags.insert(variant_tag.clone()) {
            return Err(Error::new_spanned(&variant.ident, format!("two variants have the tag `{variant_tag}`")));
        }
        variants.push((&variant.ident, variant_tag));
    }
    if !has_unknown {
        return Err(Error::new_spanned(&input.ident, "a union needs an `Unknown(serde_json::Value)` variant for tags it does not know"));
    }
    let codec = quote!(::keyway_runtime::codec);
    let name = &input.ident;
    let idents: Vec<&Ident> = variants.iter().map(|(ident, _)| *ident).collect();
    let variant_tags: Vec<&str> = variants.iter().map(|(_, tag)| tag.as_str()).collect();
    let accessor_doc = format!("The `{tag}` of this value.");
    Ok(quote! {
        #[automatically_derived]
        impl #name {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> &str {
                match self {
                    #(Self::#idents(_) => #variant_tags,)*
                    Self::Unknown(value) => #codec::tag_of(value, #tag).unwrap_or_default(),
                }
            }
        }

        #[automatically_derived]
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self {
                    #(Self::#idents(value) => #codec::serialize_tagged(serializer, #tag, #variant_tags, value),)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #[automatically_derived]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                #codec::deserialize_tagged(deserializer, |value| match #codec::tag_of(&value, #tag) {
                    #(::std::option::Option::Some(#variant_tags) => ::serde_json::from_value(value).map(Self::#idents),)*
                    _ => ::std::result::Result::Ok(Self::Unknown(value)),
                })
            }
        }
    })
}

/// A variant's tag: `#[wire(rename = "…")]`, or its name in `snake_case`.
fn variant_tag(variant: &Variant) -> syn::Result<String> {
    let mut rename = None;
    for attr in variant.attrs.iter().filter(|a| a.path().is_ident("wire")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else {
                Err(meta.error("expected `rename = \"…\"`"))
            }
        })?;
    }
    Ok(rename.unwrap_or_else(|| to_snake_case(&variant.ident.unraw().to_string())))
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
