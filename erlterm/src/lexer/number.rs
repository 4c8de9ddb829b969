//! Number tokens (`erl_scan` §3.7–3.8), recognised with nom.
//!
//! The digit-run grammar is where OTP is subtle: a `_` separator is only
//! allowed between two digits, a based integer ends at the first character
//! that is not a digit of its base, and once an exponent marker has been
//! consumed the token must be a float.

use nom::branch::alt;
use nom::bytes::complete::{take_while1, take_while_m_n};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::{pair, tuple};
use nom::IResult;
use num_bigint::BigInt;

/// A scanned number, or why it is not one.
#[derive(Debug, PartialEq)]
pub(crate) enum Number {
    /// An integer that fits in `i64`.
    Small(i64),
    /// A larger integer.
    Big(BigInt),
    /// A float (finite).
    Float(f64),
}

/// Scan failures of a number token (`erl_scan` descriptions).
#[derive(Debug, PartialEq)]
pub(crate) enum NumberError {
    /// `{illegal,integer}`: no digit after `B#`.
    Integer,
    /// `{illegal,float}`: bad exponent or overflow.
    Float,
    /// `{base,B}`: base outside 2..36.
    Base(BigInt),
    /// More digits than the configured limit.
    TooLong,
}

/// `digit+ ('_' digit+)*`
fn decimal_run(i: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize(pair(digit1, many0_count(pair(char('_'), digit1))))(i)
}

/// Digits of `base` with single `_` separators between them.
fn based_run(base: u32) -> impl Fn(&[u8]) -> IResult<&[u8], &[u8]> {
    move |i| {
        let digit = |c: u8| (c as char).is_digit(base);
        recognize(pair(
            take_while1(digit),
            many0_count(pair(char('_'), take_while1(digit))),
        ))(i)
    }
}

/// `('e'|'E') ['+'|'-'] decimal_run`, once the marker is present.
fn exponent(i: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize(tuple((
        one_of("eE"),
        opt(alt((char('+'), char('-')))),
        decimal_run,
    )))(i)
}

fn strip_separators(run: &[u8]) -> String {
    run.iter()
        .filter(|&&c| c != b'_')
        .map(|&c| c as char)
        .collect()
}

/// Parses the digits of `run` (separators allowed) in `radix`.
fn integer_value(run: &[u8], radix: u32, max_digits: usize) -> Result<Number, NumberError> {
    let mut acc: u64 = 0;
    let mut small = true;
    let mut digits = 0usize;
    for &c in run {
        if c == b'_' {
            continue;
        }
        digits += 1;
        if small {
            let d = u64::from((c as char).to_digit(radix).unwrap_or(0));
            match acc
                .checked_mul(u64::from(radix))
                .and_then(|v| v.checked_add(d))
            {
                Some(v) => acc = v,
                None => small = false,
            }
        }
    }
    if digits > max_digits {
        return Err(NumberError::TooLong);
    }
    if small {
        if let Ok(v) = i64::try_from(acc) {
            return Ok(Number::Small(v));
        }
    }
    let text = strip_separators(run);
    let big = BigInt::parse_bytes(text.as_bytes(), radix).ok_or(NumberError::Integer)?;
    Ok(Number::Big(big))
}

/// Scans a number at the start of `input` (which starts with a digit).
/// Returns the number and the count of bytes consumed.
pub(crate) fn scan_number(
    input: &[u8],
    max_digits: usize,
) -> Result<(Number, usize), (NumberError, usize)> {
    let Ok((rest, int_run)) = decimal_run(input) else {
        return Err((NumberError::Integer, 0));
    };
    let used = |rest: &[u8]| input.len() - rest.len();
    match rest.split_first() {
        Some((b'#', after_hash)) => {
            let base = integer_value(int_run, 10, max_digits).map_err(|e| (e, used(rest)))?;
            let base_u32 = match &base {
                Number::Small(b) if (2..=36).contains(b) => *b as u32,
                Number::Small(b) => return Err((NumberError::Base(BigInt::from(*b)), used(rest))),
                Number::Big(b) => return Err((NumberError::Base(b.clone()), used(rest))),
                Number::Float(_) => return Err((NumberError::Integer, used(rest))),
            };
            match based_run(base_u32)(after_hash) {
                Ok((rest2, digits)) => {
                    let n = integer_value(digits, base_u32, max_digits)
                        .map_err(|e| (e, used(rest2)))?;
                    Ok((n, used(rest2)))
                }
                Err(_) => Err((NumberError::Integer, used(after_hash))),
            }
        }
        Some((b'.', frac)) if frac.first().is_some_and(u8::is_ascii_digit) => {
            let (rest2, _frac) = decimal_run(frac).map_err(|_| (NumberError::Float, 0))?;
            let rest3 = match rest2.first() {
                Some(b'e' | b'E') => match exponent(rest2) {
                    Ok((r, _)) => r,
                    Err(_) => return Err((NumberError::Float, used(rest2))),
                },
                _ => rest2,
            };
            let len = used(rest3);
            // `rest3` is a suffix of `input`, so this is always `Some`.
            let text = strip_separators(input.get(..len).ok_or((NumberError::Float, len))?);
            if text.len() > max_digits.saturating_add(16) {
                return Err((NumberError::TooLong, len));
            }
            match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok((Number::Float(f), len)),
                _ => Err((NumberError::Float, len)),
            }
        }
        _ => {
            let n = integer_value(int_run, 10, max_digits).map_err(|e| (e, used(rest)))?;
            Ok((n, used(rest)))
        }
    }
}

/// Octal escape digits: one to three of `0-7`.
pub(crate) fn octal_digits(i: &str) -> IResult<&str, &str> {
    take_while_m_n(1, 3, |c: char| ('0'..='7').contains(&c))(i)
}

/// Exactly two hex digits (`\xHH`).
pub(crate) fn two_hex(i: &str) -> IResult<&str, &str> {
    take_while_m_n(2, 2, |c: char| c.is_ascii_hexdigit())(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Result<(Number, usize), (NumberError, usize)> {
        scan_number(s.as_bytes(), 1000)
    }

    #[test]
    fn integers_and_separators() {
        assert_eq!(n("1_000 "), Ok((Number::Small(1000), 5)));
        assert_eq!(n("1__000"), Ok((Number::Small(1), 1)));
        assert_eq!(n("1_"), Ok((Number::Small(1), 1)));
        assert_eq!(n("007"), Ok((Number::Small(7), 3)));
        assert_eq!(n("16#ff"), Ok((Number::Small(255), 5)));
        assert_eq!(n("1_6#f_f"), Ok((Number::Small(255), 7)));
        assert_eq!(n("16#fg"), Ok((Number::Small(15), 4)));
        assert_eq!(n("2#102"), Ok((Number::Small(2), 4)));
        assert_eq!(n("16#f_"), Ok((Number::Small(15), 4)));
        assert!(matches!(n("16#_ff"), Err((NumberError::Integer, _))));
        assert!(matches!(n("37#1"), Err((NumberError::Base(_), _))));
        assert!(matches!(n("1#0"), Err((NumberError::Base(_), _))));
        assert!(matches!(
            n("99999999999999999999"),
            Ok((Number::Big(_), 20))
        ));
    }

    #[test]
    fn floats() {
        assert_eq!(n("1.5e3"), Ok((Number::Float(1500.0), 5)));
        assert_eq!(n("1_0.0_1"), Ok((Number::Float(10.01), 7)));
        assert_eq!(n("1.0_e1"), Ok((Number::Float(1.0), 3)));
        assert_eq!(n("1.e5"), Ok((Number::Small(1), 1)));
        assert!(matches!(n("1.0e"), Err((NumberError::Float, _))));
        assert!(matches!(n("1.0e_1"), Err((NumberError::Float, _))));
        assert!(matches!(n("1.0e400"), Err((NumberError::Float, _))));
        assert_eq!(n("1.0e-400"), Ok((Number::Float(0.0), 8)));
        assert_eq!(n("4.9e-324"), Ok((Number::Float(5.0e-324), 8)));
    }
}
