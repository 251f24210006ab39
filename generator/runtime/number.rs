//! [`Number`]: the Rust type of a spec's `number`, which encodes again exactly as it was
//! read (an integer as an integer, `14` stays `14`).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// A JSON number of the kind the server sent: an integer stays an integer when encoded
/// again (`14` is written `14`, not `14.0`), a fraction stays a fraction (`14.0` is written
/// `14.0`). Read it with [`Number::as_f64`], or [`Number::as_i64`] when it was an integer.
///
/// Two numbers are equal when their values are (`14` equals `14.0`); build one from any
/// Rust integer or float with `From`. An integer beyond `i64` and `u64` arrives as a float
/// and is kept as one (to the nearest `f64`), as JSON parsers do; a float that is not finite
/// (`NaN`, infinities), which JSON cannot hold, is written as `null`.
#[derive(Clone, Copy)]
pub struct Number(Repr);

#[derive(Clone, Copy)]
enum Repr {
    Int(i64),
    /// Only above `i64::MAX`: every smaller integer is an `Int`.
    Uint(u64),
    Float(f64),
}

impl Number {
    /// The value as an `f64` (an integer beyond 2^53 to the nearest one).
    pub fn as_f64(self) -> f64 {
        match self.0 {
            Repr::Int(n) => n as f64,
            Repr::Uint(n) => n as f64,
            Repr::Float(n) => n,
        }
    }

    /// The value when it was written as an integer that fits an `i64`; `None` for a
    /// fraction (even `14.0`) or a larger integer.
    pub fn as_i64(self) -> Option<i64> {
        match self.0 {
            Repr::Int(n) => Some(n),
            Repr::Uint(_) | Repr::Float(_) => None,
        }
    }

    /// Whether it was written as an integer (`14`, not `14.0`).
    pub fn is_integer(self) -> bool {
        matches!(self.0, Repr::Int(_) | Repr::Uint(_))
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// As JSON writes it: `14`, `14.0`, `2.5`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Repr::Int(n) => fmt::Display::fmt(&n, f),
            Repr::Uint(n) => fmt::Display::fmt(&n, f),
            Repr::Float(n) => fmt::Debug::fmt(&n, f),
        }
    }
}

/// Equal values are equal numbers, however they were written: `14 == 14.0`.
impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self.0, other.0) {
            (Repr::Int(a), Repr::Int(b)) => a == b,
            (Repr::Uint(a), Repr::Uint(b)) => a == b,
            // An `Int` and a `Uint` never hold the same value (a `Uint` is above `i64::MAX`).
            (Repr::Int(_), Repr::Uint(_)) | (Repr::Uint(_), Repr::Int(_)) => false,
            (Repr::Float(a), Repr::Float(b)) => a == b,
            // Exactly, never through a rounded `f64`: 2^53 + 1 is not 2^53.0.
            (Repr::Int(n), Repr::Float(x)) | (Repr::Float(x), Repr::Int(n)) => whole(x).is_some_and(|w| w == i128::from(n)),
            (Repr::Uint(n), Repr::Float(x)) | (Repr::Float(x), Repr::Uint(n)) => whole(x).is_some_and(|w| w == i128::from(n)),
        }
    }
}

/// A float's value as an integer, when it is a whole number within what `i64` and `u64` hold.
fn whole(x: f64) -> Option<i128> {
    // 2^64 is exact in an `f64`; every whole `f64` below it in magnitude converts exactly.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    (x.is_finite() && x.fract() == 0.0 && x.abs() < LIMIT).then_some(x as i128)
}

impl PartialEq<f64> for Number {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == *other
    }
}

impl PartialEq<i64> for Number {
    fn eq(&self, other: &i64) -> bool {
        *self == Number::from(*other)
    }
}

impl From<f64> for Number {
    fn from(n: f64) -> Self {
        Number(Repr::Float(n))
    }
}

impl From<f32> for Number {
    fn from(n: f32) -> Self {
        Number(Repr::Float(f64::from(n)))
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number(Repr::Int(n))
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Self {
        Number(Repr::Int(i64::from(n)))
    }
}

impl From<u32> for Number {
    fn from(n: u32) -> Self {
        Number(Repr::Int(i64::from(n)))
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Self {
        match i64::try_from(n) {
            Ok(n) => Number(Repr::Int(n)),
            Err(_) => Number(Repr::Uint(n)),
        }
    }
}

impl From<Number> for f64 {
    fn from(n: Number) -> f64 {
        n.as_f64()
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Repr::Int(n) => serializer.serialize_i64(n),
            Repr::Uint(n) => serializer.serialize_u64(n),
            Repr::Float(n) => serializer.serialize_f64(n),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;

        impl Visitor<'_> for NumberVisitor {
            type Value = Number;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Number, E> {
                Ok(Number::from(n))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Number, E> {
                Ok(Number::from(n))
            }

            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Number, E> {
                Ok(Number::from(n))
            }
        }

        // `deserialize_any`: the kind of number the input holds decides, which a
        // `deserialize_f64` would hide in formats that convert.
        deserializer.deserialize_any(NumberVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn integers_and_floats_compare_exactly() {
        let big = 9_007_199_254_740_993_i64; // 2^53 + 1, which no f64 holds
        assert_eq!(Number::from(14_i64), Number::from(14.0));
        assert_ne!(Number::from(big), Number::from(big as f64), "2^53 + 1 is not the float 2^53");
        assert_eq!(Number::from(1_i64 << 53), Number::from(9_007_199_254_740_992.0));
        assert_ne!(Number::from(3_i64), Number::from(3.5));
        assert_ne!(Number::from(i64::MAX), Number::from(f64::INFINITY));
        assert_eq!(Number::from(u64::MAX), Number::from(u64::MAX));
        assert_ne!(Number::from(u64::MAX), Number::from(18_446_744_073_709_551_616.0), "2^64 is past u64::MAX");
    }
}
