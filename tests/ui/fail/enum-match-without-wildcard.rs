use keyway::seam::AccessCodeStatus;

fn describe(status: &AccessCodeStatus) -> &str {
    match status {
        AccessCodeStatus::Setting => "setting",
        AccessCodeStatus::Set => "set",
        AccessCodeStatus::Unset => "unset",
        AccessCodeStatus::Removing => "removing",
        AccessCodeStatus::StatusUnknown => "unknown",
        AccessCodeStatus::Unknown(value) => value,
    }
}

fn main() {}
