//! Domains: the set of values a column may take, from its type, its
//! statistics and its CHECK constraints.

use crate::profile::{ColumnStats, StatValue};
use crate::schema::LogicalType;
use crate::schema::check::{CmpOp, Literal};
use crate::value::{self, MICROS_PER_DAY, Value};

/// What a column's values are drawn from.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// true / false.
    Bool,
    /// Integers in `[lo, hi]`.
    Int {
        /// Lowest.
        lo: i64,
        /// Highest.
        hi: i64,
    },
    /// Decimals as scaled integers in `[lo, hi]`.
    Decimal {
        /// Lowest, scaled.
        lo: i128,
        /// Highest, scaled.
        hi: i128,
        /// Digits after the point.
        scale: u32,
    },
    /// Floats in `[lo, hi]`, drawn on a grid of hundredths.
    Float {
        /// Lowest, in hundredths.
        lo: i64,
        /// Highest, in hundredths.
        hi: i64,
    },
    /// Text of `min_len..=max_len` characters.
    Text {
        /// Shortest.
        min_len: u32,
        /// Longest.
        max_len: u32,
        /// What the text looks like.
        semantic: Semantic,
    },
    /// One of a fixed list (an enum, an IN list).
    Choice(Vec<Value>),
    /// Dates, days since the epoch.
    Date {
        /// Earliest.
        lo: i32,
        /// Latest.
        hi: i32,
    },
    /// Times of day, microseconds (whole seconds are drawn).
    Time {
        /// Earliest.
        lo: i64,
        /// Latest.
        hi: i64,
    },
    /// Timestamps, microseconds since the epoch (whole seconds are drawn).
    Timestamp {
        /// Earliest.
        lo: i64,
        /// Latest.
        hi: i64,
    },
    /// Intervals (`3 days 04:05:06`).
    Interval,
    /// UUIDs (version 4 layout).
    Uuid,
    /// Small JSON objects.
    Json,
    /// IPv4 addresses.
    Inet,
    /// Bytes of `min_len..=max_len`.
    Binary {
        /// Shortest.
        min_len: u32,
        /// Longest.
        max_len: u32,
    },
    /// Arrays of 0..=`max_len` elements.
    Array {
        /// Element domain.
        element: Box<Domain>,
        /// Most elements.
        max_len: u32,
    },
    /// A fixed literal of a type patina does not model; `None` means NULL.
    Literal(Option<String>),
}

/// The kind of text a column holds, guessed from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Semantic {
    /// Words.
    Words,
    /// A code of capital letters (short fixed-width keys like `ALFKI`).
    Code,
    /// An email address.
    Email,
    /// A given name.
    FirstName,
    /// A family name.
    LastName,
    /// A full personal name.
    FullName,
    /// A company name.
    Company,
    /// A street address.
    Street,
    /// A city.
    City,
    /// A state or region.
    State,
    /// A country name.
    Country,
    /// A postal code.
    PostalCode,
    /// A phone number.
    Phone,
    /// A URL.
    Url,
    /// A user name.
    Username,
    /// A job title.
    JobTitle,
    /// Sentences.
    Sentence,
}

impl Semantic {
    /// The generator for a class the profiler detected from the values.
    pub fn from_class(class: crate::profile::stats::SemanticClass) -> Self {
        use crate::profile::stats::SemanticClass as C;
        match class {
            C::Email => Semantic::Email,
            C::PersonName => Semantic::FullName,
            C::Phone => Semantic::Phone,
            C::Address => Semantic::Street,
            C::Url => Semantic::Url,
            C::Country => Semantic::Country,
            C::FreeText => Semantic::Sentence,
            // Codes, currencies and the rest: their shapes and common values say more.
            C::Uuid | C::Ip | C::Currency | C::Json | C::Identifier => Semantic::Words,
        }
    }

    /// Guesses the semantic class from a column name.
    pub fn from_column_name(name: &str) -> Self {
        let n: String = name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let has = |s: &str| n.contains(s);
        if has("email") || has("mail") {
            Semantic::Email
        } else if has("firstname") || has("givenname") || n == "forename" {
            Semantic::FirstName
        } else if has("lastname") || has("surname") || has("familyname") {
            Semantic::LastName
        } else if has("contactname")
            || has("fullname")
            || has("personname")
            || has("employeename")
            || n == "author"
        {
            Semantic::FullName
        } else if has("company") || has("supplier") || has("shipname") || has("customername") {
            Semantic::Company
        } else if has("address") || has("street") {
            Semantic::Street
        } else if has("city") || has("town") {
            Semantic::City
        } else if has("state") || has("region") || has("province") || has("district") {
            Semantic::State
        } else if has("country") || has("nation") {
            Semantic::Country
        } else if has("postal") || has("zip") || has("postcode") {
            Semantic::PostalCode
        } else if has("phone") || has("fax") || has("mobile") || has("tel") {
            Semantic::Phone
        } else if has("url") || has("website") || has("homepage") || has("link") {
            Semantic::Url
        } else if has("username") || has("login") || has("handle") {
            Semantic::Username
        } else if n == "title" || has("jobtitle") || has("position") {
            Semantic::JobTitle
        } else if has("description") || has("note") || has("comment") || has("body") || has("text")
        {
            Semantic::Sentence
        } else {
            Semantic::Words
        }
    }
}

/// What CHECK constraints and partition bounds say about one column.
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// Lower bounds, each `(value, strict)`.
    pub lower: Vec<(Literal, bool)>,
    /// Upper bounds, each `(value, strict)`.
    pub upper: Vec<(Literal, bool)>,
    /// Allowed values (intersection of every IN list), if any list applies.
    pub allowed: Option<Vec<Literal>>,
    /// Values that must not occur.
    pub excluded: Vec<Literal>,
    /// Text length bounds.
    pub min_length: Option<i64>,
    /// Text length bounds.
    pub max_length: Option<i64>,
    /// NOT NULL from a check.
    pub not_null: bool,
}

impl Constraints {
    /// Records `column op value`.
    pub fn compare(&mut self, op: CmpOp, value: Literal) {
        match op {
            CmpOp::Eq => self.restrict(vec![value]),
            CmpOp::Ne => self.excluded.push(value),
            CmpOp::Gt => self.lower.push((value, true)),
            CmpOp::Ge => self.lower.push((value, false)),
            CmpOp::Lt => self.upper.push((value, true)),
            CmpOp::Le => self.upper.push((value, false)),
        }
    }

    /// Intersects the allowed list with `values`.
    pub fn restrict(&mut self, values: Vec<Literal>) {
        self.allowed = Some(match self.allowed.take() {
            None => values,
            Some(old) => old.into_iter().filter(|v| values.contains(v)).collect(),
        });
    }

    /// Records `length(column) op n`.
    pub fn length(&mut self, op: CmpOp, n: i64) {
        match op {
            CmpOp::Eq => {
                self.min_length = Some(self.min_length.map_or(n, |m| m.max(n)));
                self.max_length = Some(self.max_length.map_or(n, |m| m.min(n)));
            }
            CmpOp::Gt | CmpOp::Ge => {
                let n = if op == CmpOp::Gt { n + 1 } else { n };
                self.min_length = Some(self.min_length.map_or(n, |m| m.max(n)));
            }
            CmpOp::Lt | CmpOp::Le => {
                let n = if op == CmpOp::Lt { n - 1 } else { n };
                self.max_length = Some(self.max_length.map_or(n, |m| m.min(n)));
            }
            CmpOp::Ne => {}
        }
    }
}

/// Default time range when a column has no statistics: 2015-01-01 .. 2025-12-31.
const DEFAULT_DAYS: (i64, i64) = (16_436, 20_453);

/// Builds a column's domain. `enum_values` holds the labels when the type
/// is an enum. Errors name what makes the domain empty.
pub fn build(
    logical: &LogicalType,
    column_name: &str,
    stats: Option<&ColumnStats>,
    constraints: &Constraints,
    enum_values: Option<&[String]>,
) -> Result<Domain, String> {
    if let Some(allowed) = &constraints.allowed {
        let values: Vec<Value> = allowed
            .iter()
            .filter(|l| !constraints.excluded.contains(l))
            .map(|l| literal_value(logical, l))
            .collect::<Result<_, _>>()?;
        let values: Vec<Value> = match enum_values {
            Some(labels) => values
                .into_iter()
                .filter(|v| matches!(v, Value::Text(t) if labels.iter().any(|l| l == t)))
                .collect(),
            None => values,
        };
        if values.is_empty() {
            return Err("its CHECK constraints allow no value".into());
        }
        return Ok(Domain::Choice(values));
    }
    let stat_min = stats.and_then(|s| s.min.as_ref());
    let stat_max = stats.and_then(|s| s.max.as_ref());
    let lengths = stats.and_then(|s| s.length.as_ref());
    let domain = match logical {
        LogicalType::Boolean => Domain::Bool,
        LogicalType::Int16 | LogicalType::Int32 | LogicalType::Int64 => {
            let (tlo, thi) = logical.integer_range().expect("integer types have a range");
            let lo = stat_min.and_then(number).map_or(0.0, f64::floor);
            let hi = stat_max.and_then(number).map_or(1000.0, f64::ceil);
            let (mut lo, mut hi) = (clamp_f64(lo, tlo, thi), clamp_f64(hi, tlo, thi));
            let (clo, chi) = int_bounds(constraints)?;
            (lo, hi) = intersect(lo, hi, clo.max(tlo), chi.min(thi));
            Domain::Int { lo, hi }
        }
        LogicalType::Decimal { precision, scale } => {
            // The same precision and scale the Arrow type gets (synth::arrow::data_type).
            let digits = precision.unwrap_or(38).clamp(1, 38);
            let scale = scale.unwrap_or(2).min(digits);
            let limit = 10i128.pow(digits.min(38)) - 1;
            let factor = 10f64.powi(scale as i32);
            let lo = stat_min
                .and_then(number)
                .map_or(0, |v| (v * factor).floor() as i128);
            let hi = stat_max
                .and_then(number)
                .map_or(1000 * 10i128.pow(scale), |v| (v * factor).ceil() as i128);
            let (lo, hi) = (lo.clamp(-limit, limit), hi.clamp(-limit, limit));
            let (clo, chi) = scaled_bounds(constraints, scale)?;
            let (lo, hi) = intersect(lo, hi, clo.max(-limit), chi.min(limit));
            Domain::Decimal { lo, hi, scale }
        }
        LogicalType::Float32 | LogicalType::Float64 => {
            let lo = stat_min
                .and_then(number)
                .map_or(0, |v| (v * 100.0).floor() as i64);
            let hi = stat_max
                .and_then(number)
                .map_or(100_000, |v| (v * 100.0).ceil() as i64);
            let (clo, chi) = scaled_bounds(constraints, 2)?;
            let (lo, hi) = intersect(
                i128::from(lo),
                i128::from(hi),
                clo.max(i128::from(i64::MIN / 2)),
                chi.min(i128::from(i64::MAX / 2)),
            );
            let (mut lo, mut hi) = (lo as i64, hi as i64);
            // A `real` holds 0.3 as 0.30000001: keep a hundredth inside each
            // bound a CHECK sets, so rounding to 32 bits never crosses it.
            // (0, 0.5 and other values 32 bits hold exactly stay.)
            let inexact = |h: i64| {
                let v = h as f64 / 100.0;
                f64::from(v as f32) != v
            };
            if *logical == LogicalType::Float32 && hi - lo >= 2 {
                if !constraints.lower.is_empty() && i128::from(lo) == clo && inexact(lo) {
                    lo += 1;
                }
                if !constraints.upper.is_empty() && i128::from(hi) == chi && inexact(hi) {
                    hi -= 1;
                }
            }
            Domain::Float { lo, hi }
        }
        LogicalType::Text { .. } | LogicalType::Char { .. } => {
            let type_max = match logical {
                LogicalType::Text { max_length } => max_length.unwrap_or(u32::MAX),
                LogicalType::Char { length } => *length,
                _ => unreachable!("matched text types"),
            };
            let semantic = match (
                Semantic::from_column_name(column_name),
                stats.and_then(|s| s.semantic),
            ) {
                (Semantic::Words, Some(class)) => Semantic::from_class(class),
                (named, _) => named,
            };
            let (mut min_len, mut max_len) = match lengths {
                Some(l) => (l.min as u32, l.max as u32),
                None => match semantic {
                    Semantic::Sentence => (20, 120),
                    _ => (4, 24),
                },
            };
            if let Some(m) = constraints.min_length {
                min_len = min_len.max(m.max(0) as u32);
            }
            let mut ceiling = type_max;
            if let Some(m) = constraints.max_length {
                ceiling = ceiling.min(m.max(0) as u32);
            }
            max_len = max_len.min(ceiling).max(min_len.min(ceiling));
            min_len = min_len.min(max_len);
            if matches!(logical, LogicalType::Char { .. }) && max_len <= 8 && lengths.is_none() {
                // char(n) without statistics: blank-padded by the engine; draw
                // full-width codes (the statistics say how wide values are).
                min_len = max_len;
            }
            if !constraints.lower.is_empty() || !constraints.upper.is_empty() {
                return Err("ordering comparisons on text are not supported".into());
            }
            Domain::Text {
                min_len,
                max_len,
                semantic,
            }
        }
        LogicalType::Enum { .. } => {
            let labels = enum_values.ok_or("the enum's labels are missing")?;
            let values: Vec<Value> = labels
                .iter()
                .filter(|l| !constraints.excluded.contains(&Literal::Text((*l).clone())))
                .map(|l| Value::text(l.clone()))
                .collect();
            if values.is_empty() {
                return Err("the enum has no label its constraints allow".into());
            }
            Domain::Choice(values)
        }
        LogicalType::Date => {
            let lo = stat_min
                .and_then(time_of)
                .map_or(DEFAULT_DAYS.0, |t| t.div_euclid(MICROS_PER_DAY));
            let hi = stat_max
                .and_then(time_of)
                .map_or(DEFAULT_DAYS.1, |t| t.div_euclid(MICROS_PER_DAY));
            let (clo, chi) = time_bounds(constraints, MICROS_PER_DAY)?;
            let (lo, hi) = intersect(lo, hi, clo.max(-100_000), chi.min(2_932_896));
            Domain::Date {
                lo: lo as i32,
                hi: hi as i32,
            }
        }
        LogicalType::Timestamp | LogicalType::TimestampTz => {
            let lo = stat_min
                .and_then(time_of)
                .unwrap_or(DEFAULT_DAYS.0 * MICROS_PER_DAY);
            let hi = stat_max
                .and_then(time_of)
                .unwrap_or(DEFAULT_DAYS.1 * MICROS_PER_DAY);
            let (clo, chi) = time_bounds(constraints, 1_000_000)?;
            let (lo, hi) = intersect(lo, hi, clo, chi);
            Domain::Timestamp { lo, hi }
        }
        LogicalType::Time => {
            let lo = stat_min.and_then(clock_of).unwrap_or(0);
            let hi = stat_max
                .and_then(clock_of)
                .unwrap_or(MICROS_PER_DAY - 1_000_000);
            let (clo, chi) = clock_bounds(constraints)?;
            let (lo, hi) = intersect(lo, hi.min(MICROS_PER_DAY - 1_000_000), clo, chi);
            Domain::Time { lo, hi }
        }
        LogicalType::Interval => Domain::Interval,
        LogicalType::Uuid => Domain::Uuid,
        LogicalType::Json => Domain::Json,
        LogicalType::Inet => Domain::Inet,
        LogicalType::Binary { max_length } => {
            let (min_len, max_len) = lengths.map_or((8, 64), |l| (l.min as u32, l.max as u32));
            let max_len = max_len.min(max_length.unwrap_or(u32::MAX)).min(1 << 20);
            Domain::Binary {
                min_len: min_len.min(max_len),
                max_len,
            }
        }
        LogicalType::Array { element } => {
            let inner = build(
                element,
                column_name,
                None,
                &Constraints::default(),
                enum_values,
            )?;
            Domain::Array {
                element: Box::new(inner),
                max_len: 4,
            }
        }
        LogicalType::Opaque { literal } => Domain::Literal(literal.clone()),
    };
    Ok(domain)
}

fn intersect<T: Ord + Copy>(lo: T, hi: T, clo: T, chi: T) -> (T, T) {
    let (l, h) = (lo.max(clo), hi.min(chi));
    if l <= h {
        (l, h)
    } else if clo <= chi {
        // The statistics fall outside what the constraints allow (coarsening
        // can do that): the constraints win.
        (clo, chi.min(clo.max(hi)).max(clo))
    } else {
        (clo, clo)
    }
}

fn clamp_f64(v: f64, lo: i64, hi: i64) -> i64 {
    if v <= lo as f64 {
        lo
    } else if v >= hi as f64 {
        hi
    } else {
        v as i64
    }
}

fn number(v: &StatValue) -> Option<f64> {
    match v {
        StatValue::Number(n) => Some(*n),
        StatValue::Time(_) => None,
    }
}

fn time_of(v: &StatValue) -> Option<i64> {
    match v {
        StatValue::Time(t) => value::parse_timestamp(t),
        StatValue::Number(_) => None,
    }
}

fn clock_of(v: &StatValue) -> Option<i64> {
    match v {
        StatValue::Time(t) => value::parse_time(t),
        StatValue::Number(_) => None,
    }
}

/// The integers a column may hold whatever its statistics: its type's range
/// narrowed by engine widths and CHECK bounds.
pub fn integer_limits(
    logical: &LogicalType,
    constraints: &Constraints,
) -> Result<(i64, i64), String> {
    let (tlo, thi) = logical.integer_range().ok_or("not an integer type")?;
    let (clo, chi) = int_bounds(constraints)?;
    let (lo, hi) = (tlo.max(clo), thi.min(chi));
    if lo > hi {
        return Err("its CHECK constraints leave no integer".into());
    }
    Ok((lo, hi))
}

/// Integer bounds from the comparisons.
fn int_bounds(c: &Constraints) -> Result<(i64, i64), String> {
    let (lo, hi) = scaled_bounds(c, 0)?;
    Ok((
        lo.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
        hi.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
    ))
}

/// Bounds as integers scaled by 10^scale.
fn scaled_bounds(c: &Constraints, scale: u32) -> Result<(i128, i128), String> {
    let mut lo = i128::MIN / 4;
    let mut hi = i128::MAX / 4;
    // A strict bound moves one unit inward only when the literal is exact at
    // this scale; otherwise rounding inward has already excluded it (x > 0.5
    // on integers starts at 1, not 2).
    let exact = |lit: &Literal| -> Result<bool, String> {
        Ok(scaled(lit, scale, true)? == scaled(lit, scale, false)?)
    };
    for (lit, strict) in &c.lower {
        let v = scaled(lit, scale, true)?;
        lo = lo.max(if *strict && exact(lit)? { v + 1 } else { v });
    }
    for (lit, strict) in &c.upper {
        let v = scaled(lit, scale, false)?;
        hi = hi.min(if *strict && exact(lit)? { v - 1 } else { v });
    }
    if lo > hi {
        return Err("its CHECK constraints leave an empty range".into());
    }
    Ok((lo, hi))
}

/// A numeric literal as an integer scaled by 10^scale, rounded toward the
/// inside of the range (`up` for lower bounds).
fn scaled(lit: &Literal, scale: u32, up: bool) -> Result<i128, String> {
    let Literal::Number(text) = lit else {
        return Err(format!("a bound {lit} that is not a number"));
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    if digits.contains(['e', 'E']) {
        let v: f64 = text.parse().map_err(|_| format!("bound {text}"))?;
        let s = v * 10f64.powi(scale as i32);
        return Ok(if up { s.ceil() } else { s.floor() } as i128);
    }
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut v: i128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| format!("bound {text}"))?
    };
    let mut remainder = false;
    for (i, ch) in frac.chars().enumerate() {
        let d = ch.to_digit(10).ok_or_else(|| format!("bound {text}"))?;
        if (i as u32) < scale {
            v = v * 10 + i128::from(d);
        } else if d != 0 {
            remainder = true;
        }
    }
    for _ in frac.len() as u32..scale {
        v *= 10;
    }
    let v = if negative { -v } else { v };
    // Round toward the inside of the range when digits were dropped.
    Ok(match (remainder, up, negative) {
        (true, true, false) => v + 1,
        (true, false, true) => v - 1,
        _ => v,
    })
}

/// Time bounds in microseconds; `step` is the unit a strict bound moves by.
fn time_bounds(c: &Constraints, step: i64) -> Result<(i64, i64), String> {
    let mut lo = i64::MIN / 4;
    let mut hi = i64::MAX / 4;
    for (lit, strict) in &c.lower {
        let v = time_literal(lit)?;
        lo = lo.max(if *strict { v + step } else { v });
    }
    for (lit, strict) in &c.upper {
        let v = time_literal(lit)?;
        hi = hi.min(if *strict { v - step } else { v });
    }
    if step == MICROS_PER_DAY {
        lo = lo.div_euclid(MICROS_PER_DAY) + i64::from(lo.rem_euclid(MICROS_PER_DAY) != 0);
        hi = hi.div_euclid(MICROS_PER_DAY);
    }
    if lo > hi {
        return Err("its CHECK constraints leave an empty time range".into());
    }
    Ok((lo, hi))
}

/// Bounds of a time-of-day column from its comparisons (whole seconds).
fn clock_bounds(c: &Constraints) -> Result<(i64, i64), String> {
    let parse = |lit: &Literal| match lit {
        Literal::Text(t) => value::parse_time(t).ok_or_else(|| format!("time bound '{t}'")),
        other => Err(format!("time bound {other}")),
    };
    let (mut lo, mut hi) = (0, MICROS_PER_DAY - 1_000_000);
    for (lit, strict) in &c.lower {
        let v = parse(lit)?;
        // Round up to the next whole second; a strict bound moves one more.
        let v = (v + 999_999) / 1_000_000 * 1_000_000;
        lo = lo.max(if *strict && v == parse(lit)? {
            v + 1_000_000
        } else {
            v
        });
    }
    for (lit, strict) in &c.upper {
        let v = parse(lit)? / 1_000_000 * 1_000_000;
        hi = hi.min(if *strict && v == parse(lit)? {
            v - 1_000_000
        } else {
            v
        });
    }
    if lo > hi {
        return Err("its CHECK constraints leave an empty time range".into());
    }
    Ok((lo, hi))
}

fn time_literal(lit: &Literal) -> Result<i64, String> {
    match lit {
        Literal::Text(t) => value::parse_timestamp(t).ok_or_else(|| format!("time bound '{t}'")),
        other => Err(format!("time bound {other}")),
    }
}

/// A literal from a CHECK list, as a value of the column's type.
pub fn literal_value(logical: &LogicalType, lit: &Literal) -> Result<Value, String> {
    let bad = || format!("value {lit} does not fit the column's type");
    Ok(match (logical, lit) {
        (LogicalType::Int16 | LogicalType::Int32 | LogicalType::Int64, Literal::Number(n)) => {
            Value::Int(n.parse().map_err(|_| bad())?)
        }
        (LogicalType::Decimal { scale, .. }, Literal::Number(_)) => {
            Value::Decimal(scaled(lit, scale.unwrap_or(2), true)?)
        }
        (LogicalType::Float32 | LogicalType::Float64, Literal::Number(n)) => {
            Value::Float(n.parse().map_err(|_| bad())?)
        }
        (LogicalType::Boolean, Literal::Bool(b)) => Value::Bool(*b),
        (LogicalType::Date, Literal::Text(t)) => {
            Value::Date(value::parse_date(t).ok_or_else(bad)? as i32)
        }
        (LogicalType::Timestamp | LogicalType::TimestampTz, Literal::Text(t)) => {
            Value::Timestamp(value::parse_timestamp(t).ok_or_else(bad)?)
        }
        (_, Literal::Text(t)) => Value::text(t.clone()),
        (_, Literal::Number(n)) => Value::text(n.clone()),
        (_, Literal::Bool(b)) => Value::text(b.to_string()),
    })
}

impl Domain {
    /// How many distinct values the domain can enumerate (saturating), for unique keys.
    pub fn size(&self) -> u128 {
        match self {
            Domain::Bool => 2,
            Domain::Int { lo, hi } | Domain::Float { lo, hi } => {
                (i128::from(*hi) - i128::from(*lo) + 1) as u128
            }
            Domain::Decimal { lo, hi, .. } => (hi - lo + 1) as u128,
            Domain::Date { lo, hi } => (i64::from(*hi) - i64::from(*lo) + 1) as u128,
            Domain::Time { lo, hi } => ((hi - lo) / 1_000_000 + 1) as u128,
            Domain::Timestamp { lo, hi } => ((hi - lo) / 1_000_000 + 1) as u128,
            Domain::Choice(values) => values.len() as u128,
            Domain::Text {
                max_len,
                min_len,
                semantic,
            } => {
                let width = if *semantic == Semantic::Code || *max_len <= 8 {
                    *max_len
                } else {
                    (*max_len).min(24)
                };
                let _ = min_len;
                26u128.saturating_pow(width.min(26))
            }
            Domain::Uuid => 1 << 62,
            Domain::Inet => 1 << 32,
            Domain::Binary { max_len, .. } => 256u128.saturating_pow((*max_len).min(15)),
            Domain::Interval => 1 << 40,
            Domain::Json => 1 << 62,
            Domain::Array { .. } | Domain::Literal(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LengthStats;

    fn stats(min: f64, max: f64) -> ColumnStats {
        ColumnStats {
            column: "c".into(),
            null_fraction: 0.0,
            distinct: None,
            min: Some(StatValue::Number(min)),
            max: Some(StatValue::Number(max)),
            length: None,
            ..ColumnStats::default()
        }
    }

    #[test]
    fn checks_narrow_statistics() {
        let mut c = Constraints::default();
        c.compare(CmpOp::Gt, Literal::Number("0".into()));
        let d = build(
            &LogicalType::Int32,
            "qty",
            Some(&stats(-10.0, 50.0)),
            &c,
            None,
        )
        .unwrap();
        assert_eq!(d, Domain::Int { lo: 1, hi: 50 });
        let d = build(
            &LogicalType::Decimal {
                precision: Some(4),
                scale: Some(2),
            },
            "price",
            Some(&stats(0.0, 1000.0)),
            &Constraints::default(),
            None,
        )
        .unwrap();
        assert_eq!(
            d,
            Domain::Decimal {
                lo: 0,
                hi: 9999,
                scale: 2
            }
        );
    }

    #[test]
    fn in_lists_become_choices() {
        let mut c = Constraints::default();
        c.restrict(vec![Literal::Text("a".into()), Literal::Text("b".into())]);
        c.compare(CmpOp::Ne, Literal::Text("b".into()));
        let d = build(&LogicalType::Text { max_length: None }, "s", None, &c, None).unwrap();
        assert_eq!(d, Domain::Choice(vec![Value::Text("a".into())]));
    }

    #[test]
    fn text_lengths_respect_the_type() {
        let mut s = stats(0.0, 0.0);
        s.min = None;
        s.max = None;
        s.length = Some(LengthStats {
            min: 3,
            mean: 10.0,
            max: 200,
        });
        let d = build(
            &LogicalType::Text {
                max_length: Some(40),
            },
            "name",
            Some(&s),
            &Constraints::default(),
            None,
        )
        .unwrap();
        assert!(matches!(
            d,
            Domain::Text {
                min_len: 3,
                max_len: 40,
                ..
            }
        ));
    }

    #[test]
    fn time_of_day_checks_bound_the_domain() {
        let mut c = Constraints::default();
        c.compare(CmpOp::Ge, Literal::Text("06:00".into()));
        c.compare(CmpOp::Lt, Literal::Text("12:00".into()));
        assert_eq!(
            build(&LogicalType::Time, "opens", None, &c, None).unwrap(),
            Domain::Time {
                lo: 6 * 3_600_000_000,
                hi: 12 * 3_600_000_000 - 1_000_000
            }
        );
    }

    #[test]
    fn strict_fractional_bounds_are_not_rounded_twice() {
        let mut c = Constraints::default();
        c.compare(CmpOp::Gt, Literal::Number("0.5".into()));
        c.compare(CmpOp::Lt, Literal::Number("1.5".into()));
        assert_eq!(
            build(&LogicalType::Int32, "x", None, &c, None).unwrap(),
            Domain::Int { lo: 1, hi: 1 }
        );
    }

    #[test]
    fn decimal_bounds_round_inward() {
        assert_eq!(
            scaled(&Literal::Number("0.005".into()), 2, true).unwrap(),
            1
        );
        assert_eq!(
            scaled(&Literal::Number("-1.5".into()), 0, false).unwrap(),
            -2
        );
        assert_eq!(
            scaled(&Literal::Number("12.3".into()), 2, true).unwrap(),
            1230
        );
    }
}
