//! [`Timestamp`]: an instant written as RFC 3339 text.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{self, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The most of a rejected value quoted in a parse error, in bytes.
const QUOTE_LIMIT: usize = 64;

/// An instant in time, read from and written as RFC 3339 (`2025-01-15T10:30:00Z`).
///
/// Reading also accepts a date-time without an offset (`2025-01-15T10:30:00.123`), taken
/// as UTC, because some APIs send that form. Equality and ordering compare instants, so
/// the same instant written with different offsets is equal.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The current instant, in UTC.
    pub fn now() -> Self {
        Timestamp(OffsetDateTime::now_utc())
    }

    /// The instant as a [`time::OffsetDateTime`], with the offset it was written with.
    pub fn as_offset_date_time(&self) -> &OffsetDateTime {
        &self.0
    }

    /// The instant as a [`time::OffsetDateTime`].
    pub fn into_inner(self) -> OffsetDateTime {
        self.0
    }

    /// Parses RFC 3339, or an offset-less date-time taken as UTC.
    #[inline]
    fn parse(s: &str) -> Result<Self, ParseTimestampError> {
        match OffsetDateTime::parse(s, &Rfc3339) {
            Ok(t) => Ok(Timestamp(t)),
            Err(_) => Self::parse_without_offset(s),
        }
    }

    /// The second form [`Timestamp::parse`] accepts, tried only when RFC 3339 failed: out of
    /// line, so that the common case is only `time`'s parser.
    #[cold]
    #[inline(never)]
    fn parse_without_offset(s: &str) -> Result<Self, ParseTimestampError> {
        // An offset-less date-time becomes valid RFC 3339 with `Z` appended; a string that
        // already had an offset cannot, so this only ever adds the UTC reading.
        if s.len() >= 19
            && s.as_bytes().last().is_some_and(u8::is_ascii_digit)
            && let Ok(t) = OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339)
        {
            return Ok(Timestamp(t));
        }
        Err(ParseTimestampError { value: crate::error::truncate_str(s, QUOTE_LIMIT).to_owned() })
    }

    /// RFC 3339 text, or `None` for an instant RFC 3339 cannot write (a year outside
    /// 0000–9999, an offset with seconds).
    fn rfc3339(&self) -> Option<String> {
        self.0.format(&Rfc3339).ok()
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Timestamp(t)
    }
}

impl From<std::time::SystemTime> for Timestamp {
    fn from(t: std::time::SystemTime) -> Self {
        Timestamp(OffsetDateTime::from(t))
    }
}

impl From<ParseTimestampError> for crate::Error {
    fn from(e: ParseTimestampError) -> Self {
        crate::Error::InvalidArgument(e.to_string())
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rfc3339() {
            Some(s) => f.write_str(&s),
            // Not RFC 3339 representable; `time`'s own format still shows the instant.
            None => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Debug for Timestamp {
    // The bare RFC 3339 text keeps `Debug` of models that hold timestamps readable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.rfc3339() {
            Some(s) => serializer.serialize_str(&s),
            None => Err(ser::Error::custom(format!("timestamp {} cannot be written as RFC 3339", self.0))),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }

            // `invalid_value` rather than the parse error's text: the client's decode errors
            // recognise it and leave the value out (bodies can carry secrets).
            #[inline]
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s).map_err(|_| E::invalid_value(de::Unexpected::Str(s), &self))
            }
        }

        deserializer.deserialize_str(TimestampVisitor)
    }
}

/// A string that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimestampError {
    /// The rejected text (its first 64 bytes).
    value: String,
}

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp {:?}: expected RFC 3339 such as 2025-01-15T10:30:00Z", self.value)
    }
}

impl std::error::Error for ParseTimestampError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        match s.parse() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn accepts_the_forms_apis_send() {
        for (input, output) in [
            ("2022-08-26T12:50:17.858Z", "2022-08-26T12:50:17.858Z"),
            ("2025-06-16T16:54:17.946606Z", "2025-06-16T16:54:17.946606Z"),
            ("2025-01-15T10:30:00Z", "2025-01-15T10:30:00Z"),
            ("2025-01-15T12:30:00+02:00", "2025-01-15T12:30:00+02:00"),
            ("2025-01-15T10:30:00", "2025-01-15T10:30:00Z"),
            ("2025-01-15T10:30:00.25", "2025-01-15T10:30:00.25Z"),
        ] {
            assert_eq!(ts(input).to_string(), output, "{input}");
        }
        assert_eq!(ts("2025-01-15T12:30:00+02:00"), ts("2025-01-15T10:30:00Z"));
    }

    #[test]
    fn rejects_and_names_bad_values() {
        for bad in ["", "yesterday", "2025-01-15", "2025-01-15T10:30:00+2", "2025-13-15T10:30:00Z"] {
            let err = bad.parse::<Timestamp>().expect_err(bad);
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
        let err = serde_json::from_str::<Timestamp>("\"soon\"").expect_err("soon");
        assert!(err.to_string().starts_with("invalid value: string \"soon\", expected an RFC 3339 timestamp"), "{err}");
    }

    #[test]
    fn serde_round_trip() {
        let t: Timestamp = serde_json::from_str("\"2025-01-15T10:30:00\"").expect("parse");
        assert_eq!(serde_json::to_string(&t).expect("write"), "\"2025-01-15T10:30:00Z\"");
        assert_eq!(format!("{t:?}"), "2025-01-15T10:30:00Z");
    }

    #[test]
    fn a_bad_timestamp_is_an_error_of_the_client_and_a_system_time_converts() {
        fn parse(text: &str) -> Result<Timestamp, crate::Error> {
            Ok(text.parse::<Timestamp>()?)
        }
        let error = parse("yesterday").unwrap_err();
        assert!(matches!(&error, crate::Error::InvalidArgument(m) if m.contains("\"yesterday\"")), "{error:?}");
        let epoch = Timestamp::from(std::time::UNIX_EPOCH);
        assert_eq!(epoch.to_string(), "1970-01-01T00:00:00Z");
        assert!(Timestamp::now() > epoch);
    }
}
