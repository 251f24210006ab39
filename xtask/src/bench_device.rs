//! The compile cost of Seam's device model, the largest real type so far: `Device` with all
//! of its `properties` (72 objects declared in place, their enums, the errors and
//! warnings). The generated crates of the committed specs are built twice with one resource
//! on: `seam-devices` (the device model and its two endpoints) and `seam-access_grants` (a
//! smaller resource, the baseline); both builds include the runtime and the types shared by
//! every resource, so their difference is mostly the device model.

use std::path::Path;

use super::bench::{Table, build_dependencies, cargo_build, forget_keyway_builds, seconds, time_tool, write_files};

/// The resource whose types are measured, and the one it is compared with.
const DEVICES: &str = "seam-devices";
const BASELINE: &str = "seam-access_grants";

/// Cold builds of `keyway` (and its generated crates) with `DEVICES` and with `BASELINE`, in
/// `dir/target` (shared with the compile stage, dependencies built first), and the lines of
/// the types that only `DEVICES` compiles.
pub(crate) fn measure(root: &Path, dir: &Path, table: &mut Table) -> Result<(), String> {
    let target = &dir.join("target");
    let deps = build_dependencies(root, dir)?;
    println!("    dependencies ready in {}", seconds(deps.time));
    println!("\n==> the device model: the committed specs built with `{DEVICES}` vs `{BASELINE}`");
    let specs = generator::sources::read_specs(&root.join("specs"))?;
    let files = generator::generate(&specs.sources).map_err(|d| generator::render(&d, &specs.sources))?;
    let types = files
        .iter()
        .find(|f| f.path == "crates/keyway-seam-types/src/seam.rs")
        .ok_or("the generated files have no crates/keyway-seam-types/src/seam.rs: the Seam types crate was split; count the lines of every part")?;
    let (device_items, device_lines) = gated_items(&types.contents, DEVICES);
    let crate_dir = write_files(root, &dir.join("device"), &files)?;
    let time_v = time_tool();
    let build = |features: &str| {
        forget_keyway_builds(target)?;
        cargo_build(&crate_dir, target, time_v, true, Some(features))
    };
    let baseline = build(BASELINE)?;
    let devices = build(DEVICES)?;
    forget_keyway_builds(target)?;
    let feature_row = |table: &mut Table, feature: &str, build: &super::bench::Build| {
        table.row(
            "device",
            &format!(
                "`cargo build` (debug) of the committed specs with `--no-default-features --features {feature}` · peak RSS: largest / all at once"
            ),
            build.summary(),
            String::new(),
            String::new(),
            "",
            None,
        );
    };
    feature_row(table, BASELINE, &baseline);
    feature_row(table, DEVICES, &devices);
    let difference = devices.time.as_secs_f64() - baseline.time.as_secs_f64();
    table.row(
        "device",
        &format!("the device model's cost: `{DEVICES}` minus `{BASELINE}`"),
        format!("{difference:+.1} s"),
        seconds(baseline.time),
        format!("{:.2}×", devices.time.as_secs_f64() / baseline.time.as_secs_f64().max(f64::EPSILON)),
        "",
        None,
    );
    table.row(
        "device",
        &format!("lines of the Seam types only `{DEVICES}` compiles (`Device`, `DeviceProperties…`, its enums and unions)"),
        format!("{device_lines} in {device_items} items"),
        String::new(),
        String::new(),
        "",
        None,
    );
    Ok(())
}

/// The items of a generated types module that the feature alone turns on, and their lines
/// (doc comments and attributes included). An item ends at a line `}` or one ending in `;`
/// at the first column, as prettyplease prints them.
fn gated_items(module: &str, feature: &str) -> (usize, usize) {
    let gate = format!("#[cfg(feature = \"{feature}\")]");
    let (mut items, mut lines) = (0, 0);
    let mut current: Vec<&str> = Vec::new();
    for line in module.lines() {
        current.push(line);
        let top_level_end = line == "}" || (!line.starts_with([' ', '/', '#']) && line.ends_with(';'));
        if top_level_end {
            if current.contains(&gate.as_str()) {
                items += 1;
                lines += current.len();
            }
            current.clear();
        }
    }
    (items, lines)
}

#[cfg(test)]
mod tests {
    use super::gated_items;

    #[test]
    fn counts_the_items_the_feature_turns_on() {
        let module = "use x;\n/// A.\n#[cfg(feature = \"f\")]\npub struct A {\n    a: i64,\n}\n/// B.\npub struct B(pub String);\n#[cfg(feature = \"f\")]\npub struct C;\n";
        assert_eq!(gated_items(module, "f"), (2, 7));
    }
}
