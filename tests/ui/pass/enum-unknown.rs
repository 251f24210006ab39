// Matching a generated enum: values this version does not know arrive as `Unknown`, and the
// enum is `#[non_exhaustive]`, so a match needs a wildcard arm too.

use keyway::seam::{AccessCode, AccessCodeStatus, AccessCodeType};

fn status(code: &AccessCode) -> &str {
    match &code.status {
        AccessCodeStatus::Setting | AccessCodeStatus::Removing => "changing",
        AccessCodeStatus::Set => "active",
        AccessCodeStatus::Unset => "inactive",
        // The wire value `unknown`, which Seam documents.
        AccessCodeStatus::StatusUnknown => "indeterminate",
        // A value this version of the client does not know, kept verbatim.
        AccessCodeStatus::Unknown(value) => value,
        _ => code.status.as_str(),
    }
}

fn kind(code: &AccessCode) -> bool {
    // `type` is a keyword: the field is `r#type`.
    matches!(code.r#type, AccessCodeType::Ongoing)
}

fn from_wire() -> AccessCodeStatus {
    AccessCodeStatus::from("set")
}

fn main() {
    let _ = (status, kind, from_wire);
}
