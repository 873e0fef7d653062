//! Scalar values and the calendar arithmetic their text forms need.
//!
//! Times are integers: dates as days since 1970-01-01, times of day as
//! microseconds since midnight, timestamps as microseconds since the epoch
//! (UTC for `timestamptz`). Decimals are scaled integers. Nothing printed
//! goes through floating point except columns whose type is a float.

use compact_str::CompactString;

/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// One generated value, before a sink writes it in its own form.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A decimal as a scaled integer (`12.34` at scale 2 is `1234`).
    Decimal(i128),
    /// Text (also UUIDs, JSON, intervals, enums and opaque literals); up
    /// to 24 bytes inline, so a short value costs no allocation.
    Text(CompactString),
    /// Bytes.
    Bytes(Vec<u8>),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    /// Microseconds since 1970-01-01T00:00:00.
    Timestamp(i64),
    /// A one-dimensional array.
    List(Vec<Value>),
}

impl Value {
    /// A text value.
    pub fn text(text: impl Into<CompactString>) -> Self {
        Value::Text(text.into())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date
/// (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number (`civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` (years before 1 or after 9999 are written as PostgreSQL does not
/// need; patina never generates them).
pub fn format_date(days: i32, out: &mut String) {
    use std::fmt::Write;
    let (y, m, d) = civil_from_days(i64::from(days));
    if (0..=9999).contains(&y) {
        push_digits(out, y as u64, 4);
        out.push('-');
        push_digits(out, u64::from(m), 2);
        out.push('-');
        push_digits(out, u64::from(d), 2);
    } else {
        let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    }
}

/// Appends `v` in decimal, zero-padded to at least `width` digits (at
/// most 20): what `write!(out, "{v:0width$}")` writes, without the
/// formatting machinery, which every number and date written as text
/// went through.
pub fn push_digits(out: &mut String, mut v: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width));
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

/// `HH:MM:SS[.ffffff]`.
pub fn format_time(micros: i64, out: &mut String) {
    use std::fmt::Write;
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
    if frac != 0 {
        let _ = write!(out, ".{frac:06}");
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, with `sep` between date and time.
pub fn format_timestamp(micros: i64, sep: char, out: &mut String) {
    let days = micros.div_euclid(MICROS_PER_DAY);
    format_date(days as i32, out);
    out.push(sep);
    format_time(micros.rem_euclid(MICROS_PER_DAY), out);
}

/// A scaled integer as decimal text (`1234`, scale 2 → `12.34`).
pub fn format_decimal(unscaled: i128, scale: u32, out: &mut String) {
    use std::fmt::Write;
    // In 64 bits where the value fits (a 128-bit division is a library call).
    if let Ok(abs) = u64::try_from(unscaled.unsigned_abs())
        && scale < 20
    {
        if unscaled < 0 {
            out.push('-');
        }
        let pow = 10u64.pow(scale);
        push_digits(out, abs / pow, 1);
        if scale > 0 {
            out.push('.');
            push_digits(out, abs % pow, scale as usize);
        }
        return;
    }
    if scale == 0 {
        let _ = write!(out, "{unscaled}");
        return;
    }
    let pow = 10i128.pow(scale);
    if unscaled < 0 {
        out.push('-');
    }
    let abs = unscaled.unsigned_abs();
    let pow = pow as u128;
    let _ = write!(
        out,
        "{}.{:0width$}",
        abs / pow,
        abs % pow,
        width = scale as usize
    );
}

/// Parses `YYYY-MM-DD` into days since the epoch.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let mut parts = s.get(..10)?.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

/// Parses `HH:MM[:SS[.ffffff]]` into microseconds since midnight.
pub fn parse_time(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, ':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let sec: f64 = parts.next().map_or(Some(0.0), |p| p.parse().ok())?;
    Some(h * 3_600_000_000 + m * 60_000_000 + (sec * 1e6).round() as i64)
}

/// Parses `YYYY-MM-DD[ T]HH:MM:SS[.f]` (or a bare date) into microseconds since the epoch.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    let days = parse_date(s)?;
    let rest = s.get(10..).unwrap_or("").trim_start_matches(['T', ' ']);
    let rest = rest.trim_end_matches('Z');
    let rest = rest.split(['+']).next().unwrap_or("");
    let time = if rest.is_empty() {
        0
    } else {
        parse_time(rest)?
    };
    Some(days * MICROS_PER_DAY + time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_468i64, -1, 0, 1, 11_016, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn formats() {
        let mut s = String::new();
        format_timestamp(1_000_000 * 86_400 + 1_500_000, ' ', &mut s);
        assert_eq!(s, "1970-01-02 00:00:01.500000");
        s.clear();
        format_decimal(-5, 2, &mut s);
        assert_eq!(s, "-0.05");
        s.clear();
        format_decimal(123_456, 3, &mut s);
        assert_eq!(s, "123.456");
        s.clear();
        format_decimal(-7, 0, &mut s);
        format_decimal(-10_000_000_000_000_000_000, 2, &mut s); // past 64 bits
        format_decimal(100, 19, &mut s);
        format_decimal(0, 2, &mut s);
        assert_eq!(s, "-7-100000000000000000.000.00000000000000001000.00");
        s.clear();
        format_date(0, &mut s);
        format_date(-719_528, &mut s); // 0000-01-01
        format_date(days_from_civil(10_000, 1, 1) as i32, &mut s);
        format_date(days_from_civil(-1, 12, 31) as i32, &mut s);
        assert_eq!(s, "1970-01-010000-01-0110000-01-01-001-12-31");
        s.clear();
        push_digits(&mut s, u64::MAX, 1);
        push_digits(&mut s, 7, 3);
        assert_eq!(s, "18446744073709551615007");
        assert_eq!(
            parse_timestamp("2009-01-01T00:00:01"),
            Some(days_from_civil(2009, 1, 1) * MICROS_PER_DAY + 1_000_000)
        );
        assert_eq!(
            parse_time("13:30"),
            Some(13 * 3_600_000_000 + 30 * 60_000_000)
        );
    }
}
