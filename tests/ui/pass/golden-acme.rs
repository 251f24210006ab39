// The generator's golden output for the edge-case spec (generator/tests/cases/acme: fields
// named `type` and `ref`, enum values that are not identifiers, a one-variant union, a union
// whose variants share a model, an empty object, nested arrays, a recursive model) must
// compile. The golden files are compiled in
// place, in the shape of the generated crate: the runtime and the API module at the root,
// with the runtime's public types re-exported there.

// Nothing in a binary is reachable from outside it: the runtime's and the module's public
// items that this program does not use would all be reported as dead code.
#![allow(dead_code)]
// The runtime gates its mock server on features this pass case does not have.
#![allow(unexpected_cfgs)]

#[path = "../../../generator/runtime/mod.rs"]
mod runtime;

pub use runtime::{
    ApiError, Call, ClientBuilder, Error, ParseTimestampError, Secret, Timestamp, TokenSource,
};

#[path = "../../../generator/tests/cases/acme.expected/src/acme/mod.rs"]
pub mod acme;

use std::time::Duration;

use acme::{AcmeAuth, AcmeClient, Empty, Part, Placement, Review, Signal, Widget, WidgetId};

async fn use_it() -> Result<(), Error> {
    let client = AcmeClient::new(AcmeAuth::token("token"))?;
    let _ = AcmeClient::builder_from_env_with(|_| None)?.timeout(Duration::from_secs(1));

    let widget: Widget = client.widgets().get(WidgetId::new(7)).await?;
    let _: &Placement = &widget.r#type;
    let _: &Option<String> = &widget.r#ref;
    let _: &Vec<Vec<Part>> = &widget.parts;
    let _: &Option<Empty> = &widget.empty;
    for row in &widget.parts {
        for part in row {
            // Recursive: boxed or not, it reads as a `Part`.
            if let Some(inner) = &part.inner {
                let _: &Part = inner;
            }
            let _: &str = &part.part_name;
        }
    }
    match &widget.review {
        Some(Review::Good(good)) => {
            let _: f64 = good.stars;
        }
        Some(Review::Unknown(value)) => {
            let _: &serde_json::Value = value;
        }
        None => {}
    }
    if let Some(review) = &widget.review {
        let _: &str = review.verdict();
    }
    for signal in &widget.signals {
        match signal {
            // Variants that share a model bind in one arm.
            Signal::Blink(part) | Signal::Beep(part) => {
                let _: &Part = part;
            }
            Signal::Hum(hum) => {
                let _: i64 = hum.pitch;
            }
            Signal::Unknown(value) => {
                let _: &serde_json::Value = value;
            }
        }
    }

    let widgets: Vec<Widget> = client
        .widgets()
        .list("owner")
        .limit(10)
        .placement(Placement::V1stPlace)
        .await?;
    let _ = widgets;
    let _: Vec<Widget> = client
        .widgets()
        .list(String::from("owner"))
        .into_call()
        .no_retries()
        .await?;

    // Inside the defining crate `#[non_exhaustive]` asks for no wildcard.
    match Placement::from("mobile key") {
        Placement::V1stPlace | Placement::MobileKey | Placement::SelfValue => {}
        Placement::Unknown(value) => {
            let _: String = value;
        }
    }
    Ok(())
}

fn main() {
    let _ = use_it();
}
