//! The API module's statics for asynchronous actions: one `ActionDescriptor` per action
//! type, and the descriptor of the endpoint that polls it, which every resource waiting on
//! the action names whichever resources are compiled.

use proc_macro2::TokenStream;
use quote::quote;

use super::endpoints::emit_descriptor;
use crate::ir::{ActionDef, Api};
use crate::names::ident;

pub(crate) fn emit_actions(api: &Api) -> TokenStream {
    let actions = api.actions.iter().map(|action| {
        let poll = api.endpoints().find(|e| e.id == action.poll).expect("lowering checks the poll endpoint exists");
        // Compiled with the resources that use it: the poll endpoint's and those whose calls
        // carry the action.
        let mut features: Vec<String> = api
            .resources
            .iter()
            .filter(|r| r.endpoints.iter().any(|e| e.id == action.poll || e.action.as_ref().is_some_and(|a| a.action == action.type_name)))
            .map(|r| super::resource_feature(api, &r.name))
            .collect();
        features.dedup();
        let cfg = super::cfg_any(features);
        let poll_descriptor = emit_descriptor(api, poll, &quote!());
        let action_descriptor = emit_action_descriptor(action);
        quote! {
            #cfg
            #poll_descriptor
            #cfg
            #action_descriptor
        }
    });
    quote!(#(#actions)*)
}

fn emit_action_descriptor(action: &ActionDef) -> TokenStream {
    let name = ident(&action.descriptor);
    let poll = ident(&action.poll_descriptor);
    let type_name = &action.type_name;
    let param = &action.param;
    let path = |steps: &[String]| quote!(&[#(#steps),*]);
    let optional = |steps: &Option<Vec<String>>| path(steps.as_deref().unwrap_or_default());
    let (id, status) = (path(&action.id), path(&action.status));
    let (pending, success, failure) = (path(&action.pending), path(&action.success), path(&action.failure));
    let (error_type, error_message) = (optional(&action.error_type), optional(&action.error_message));
    quote! {
        static #name: crate::runtime::ActionDescriptor = crate::runtime::ActionDescriptor {
            name: #type_name,
            poll: &#poll,
            param: #param,
            id: #id,
            status: #status,
            pending: #pending,
            success: #success,
            failure: #failure,
            error_type: #error_type,
            error_message: #error_message,
        };
    }
}
