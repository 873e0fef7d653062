//! Mess injectors: from a clean value and a row's own draws to the value
//! production would hold.
//!
//! Each class draws from its own stream (`mess-<class>` per column), so
//! turning a class on or off changes no other value. The classes of a
//! column are tried in [`Class::ALL`]'s order and the first that hits a
//! value wins: one value carries one kind of mess, which keeps the
//! manifest's counts exact. Injectors never write what the target refuses:
//! they respect the column's length, character set, type range and the
//! engine's special values ([`Limits`]).

use super::rng::RowRng;
use super::text::char_offset;
use crate::plan::mess::{Class, Injection, Limits};
use crate::plan::{ColumnPlan, Domain, Rule, Semantic};
use crate::value::{MICROS_PER_DAY, Value, days_from_civil};
use std::collections::BTreeMap;

/// Row indexes kept per class, table and column in the manifest.
pub const FIRST_ROWS: usize = 10;

/// Where a class hit: a column, or a foreign key's references.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Column index.
    Column(usize),
    /// Foreign-key index.
    Reference(usize),
}

/// How many values one class changed in one place, and the first rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    /// Values changed.
    pub count: u64,
    /// The lowest row indexes changed, at most [`FIRST_ROWS`], ascending.
    pub first_rows: Vec<u64>,
}

impl Hits {
    fn add(&mut self, row: u64) {
        self.count += 1;
        if self.first_rows.len() < FIRST_ROWS {
            self.first_rows.push(row);
        }
    }

    fn merge(&mut self, other: Hits) {
        self.count += other.count;
        self.first_rows.extend(other.first_rows);
        self.first_rows.sort_unstable();
        self.first_rows.dedup();
        self.first_rows.truncate(FIRST_ROWS);
    }
}

/// Hits per (table, place, class), merged from chunks in any order to the same result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally(pub BTreeMap<(usize, Place, Class), Hits>);

impl Tally {
    /// Records one changed value.
    pub fn hit(&mut self, t: usize, place: Place, class: Class, row: u64) {
        self.0.entry((t, place, class)).or_default().add(row);
    }

    /// Adds another tally (a chunk's).
    pub fn merge(&mut self, other: Tally) {
        for (k, v) in other.0 {
            self.0.entry(k).or_default().merge(v);
        }
    }
}

/// What an injector may read besides the value: the column and another
/// row's clean value (near-duplicates copy one).
pub struct Context<'a> {
    /// The column's plan.
    pub column: &'a ColumnPlan,
    /// Rows in the table.
    pub rows: u64,
    /// This row.
    pub row: u64,
    /// The clean value of this column at another row.
    pub other: &'a dyn Fn(u64) -> Value,
    /// The day a burst lands on (days since the epoch), for `burst_day`.
    pub burst_day: i32,
}

/// The messy value for a hit of `injection` on `value`, or `None` when the
/// class cannot change this value (a NULL, a value already in that form).
pub fn inject(
    injection: &Injection,
    value: &Value,
    rng: &mut RowRng,
    cx: &Context<'_>,
) -> Option<Value> {
    let limits = &injection.limits;
    let intensity = injection.intensity;
    match (injection.class, value) {
        // Classes that hit NULLs too.
        (Class::SoftDelete, _) => soft_delete(value, cx.column, rng),
        (_, Value::Null) => None,
        (Class::Drift, _) => Some(limits.default.clone().unwrap_or(Value::Null)),
        (Class::Empty, Value::Text(t)) if !t.is_empty() => Some(Value::text(String::new())),
        (Class::Padded, Value::Text(t)) => padded(t, intensity, limits, rng).map(Value::text),
        (Class::Unicode, Value::Text(t)) => Some(Value::text(unicode(t, intensity, limits, rng))),
        (Class::MaxLength, Value::Text(t)) => {
            max_length(t, intensity, limits, rng).map(Value::text)
        }
        (Class::Injection, Value::Text(_)) => pick_fitting(INJECTIONS, limits, rng),
        (Class::OddContact, Value::Text(_)) => match limits.semantic {
            Some(Semantic::Email) => pick_fitting(EMAILS, limits, rng),
            Some(Semantic::Phone) => pick_fitting(PHONES, limits, rng),
            _ => None,
        },
        (Class::LegacyFormat, Value::Text(t)) => legacy(t, limits).map(Value::text),
        (Class::NearDuplicates, Value::Text(_)) => {
            let other = rng.below(cx.rows.max(1));
            match (cx.other)(other) {
                Value::Text(o) => near_duplicate(&o, limits, rng).map(Value::text),
                _ => None,
            }
        }
        (Class::Mojibake, Value::Text(t)) => Some(Value::text(mojibake(t, limits, rng))),
        (Class::Placeholders, v) => placeholder(v, limits, rng),
        (Class::NumericEdge, v) => numeric_edge(v, limits, rng),
        (Class::TimeEdge, v) => time_edge(v, limits, rng),
        (Class::BurstDay, Value::Date(_)) => Some(Value::Date(burst_day(cx, limits))),
        (Class::BurstDay, Value::Timestamp(_)) => Some(Value::Timestamp(
            i64::from(burst_day(cx, limits)) * MICROS_PER_DAY
                + rng.below(86_400) as i64 * 1_000_000,
        )),
        (Class::JsonEdge, Value::Text(_)) => Some(Value::text(json_edge(intensity, rng))),
        // A time drawn anywhere in the column's range, not where its key's order puts it.
        (Class::OutOfOrder, _) => match &cx.column.rule {
            Rule::Sample(domain) | Rule::Pool { domain, .. } => {
                let u = (rng.below(1_000_000) as f64 + 0.5) / 1e6;
                Some(super::sampler::at_quantile(
                    domain,
                    &cx.column.distribution,
                    u,
                    rng,
                ))
            }
            _ => None,
        },
        (Class::ArrayEdge, Value::List(items)) => Some(Value::List(if rng.below(2) == 0 {
            Vec::new()
        } else {
            std::iter::once(Value::Null)
                .chain(items.iter().cloned())
                .collect()
        })),
        _ => None,
    }
    .filter(|v| v != value)
}

/// The burst's day, inside what the target takes.
fn burst_day(cx: &Context<'_>, limits: &Limits) -> i32 {
    cx.burst_day.clamp(limits.days.0, limits.days.1)
}

/// Text that looks like SQL, HTML, format strings and templates.
const INJECTIONS: &[&str] = &[
    "Robert'); DROP TABLE students;--",
    "' OR '1'='1",
    "1 UNION SELECT NULL--",
    "<script>alert(1)</script>",
    "<b>",
    "<img src=x onerror=alert(1)>",
    "</td></tr>",
    "%s%s%s%n",
    "%s",
    "{0}",
    "${jndi:ldap://x/a}",
    "{{7*7}}",
    "<!--",
];

/// Odd but valid e-mail addresses (RFC 5321/5322, RFC 6531), all at names
/// RFC 2606 reserves (`example.*`, `.test`, `.example`) or a documentation
/// address (RFC 5737), so none reaches anyone.
const EMAILS: &[&str] = &[
    "o'brien+filter@mail.example.com",
    "FIRST.LAST@EXAMPLE.COM",
    "x@x.test",
    "user@[192.0.2.1]",
    "\"john..doe\"@example.org",
    "user%host@example.net",
    "a.b-c_d@sub-domain.example",
    "müller@bücher.example",
];

/// Phone numbers as people type them.
const PHONES: &[&str] = &[
    "+1 (555) 010-9999 ext. 123",
    "555.010.9999",
    "+44 20 7946 0958",
    "0049 30 901820",
    "(555)0109999",
    "+1-555-010-9999 x7",
    "555 010 9999 (mobile)",
];

/// Placeholders the profiler also counts as sentinels.
const TEXT_PLACEHOLDERS: &[&str] = &[
    "N/A", "n/a", "NA", "null", "NULL", "none", "-", "?", "TBD", "test", "xxx", "unknown",
];

/// One of `choices` that fits the column, or `None` when none does.
fn pick_fitting(choices: &[&str], limits: &Limits, rng: &mut RowRng) -> Option<Value> {
    let fitting: Vec<&str> = choices
        .iter()
        .copied()
        .filter(|c| {
            limits
                .max_chars
                .is_none_or(|m| c.chars().count() <= m as usize)
        })
        .filter(|c| !limits.narrow_charset || c.chars().all(|ch| ch.len_utf8() < 4))
        .collect();
    if fitting.is_empty() {
        return None;
    }
    Some(Value::text(
        fitting[rng.below(fitting.len() as u64) as usize],
    ))
}

/// `s` cut to the column's length.
fn fit(mut s: String, limits: &Limits) -> String {
    if let Some(m) = limits.max_chars {
        s.truncate(char_offset(&s, m as usize));
    }
    s
}

/// `piece` put at character `at` of `s`, dropping characters from the end
/// to stay within the column's length.
fn insert(s: &str, at: usize, piece: &str, limits: &Limits) -> String {
    let room = limits.max_chars.map_or(usize::MAX, |m| {
        (m as usize).saturating_sub(piece.chars().count())
    });
    let keep = char_offset(s, room);
    let at = char_offset(s, at).min(keep);
    let mut out = String::with_capacity(keep + piece.len());
    out.push_str(&s[..at]);
    out.push_str(piece);
    out.push_str(&s[at..keep]);
    // A piece longer than the column is cut too.
    fit(out, limits)
}

fn padded(t: &str, intensity: f64, limits: &Limits, rng: &mut RowRng) -> Option<String> {
    let kinds: &[(&str, bool)] = if intensity < 0.5 {
        &[(" ", false), (" ", true)]
    } else {
        &[
            (" ", false),
            (" ", true),
            ("\t", true),
            ("\u{a0}", true),
            ("  ", false),
            ("\n", true),
        ]
    };
    let (pad, lead) = kinds[rng.below(kinds.len() as u64) as usize];
    // A char(n) drops trailing blanks: pad in front.
    let lead = lead || limits.fixed_width;
    let n = t.chars().count();
    Some(if lead {
        insert(t, 0, pad, limits)
    } else {
        insert(t, n, pad, limits)
    })
}

/// Accented forms of ASCII letters (NFC, two bytes each).
const ACCENTS: &[(char, char)] = &[
    ('a', 'á'),
    ('e', 'é'),
    ('i', 'í'),
    ('o', 'ö'),
    ('u', 'ü'),
    ('n', 'ñ'),
    ('c', 'ç'),
    ('A', 'Å'),
    ('E', 'É'),
    ('O', 'Ø'),
];

/// Latin letters and their Cyrillic look-alikes.
const HOMOGLYPHS: &[(char, char)] = &[
    ('a', 'а'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('c', 'с'),
    ('x', 'х'),
];

/// Characters outside the Basic Multilingual Plane (four bytes in UTF-8).
const FOUR_BYTE: &[&str] = &["😀", "🦀", "𝒜", "👍🏽", "𠜎"];

/// Positions of the characters of `t` that `f` accepts.
fn positions(t: &str, f: impl Fn(char) -> bool) -> Vec<usize> {
    t.chars()
        .enumerate()
        .filter(|(_, c)| f(*c))
        .map(|(i, _)| i)
        .collect()
}

/// `t` with one character, chosen among those `table` maps, replaced.
fn substitute(t: &str, table: &[(char, char)], rng: &mut RowRng) -> Option<String> {
    let at = positions(t, |c| table.iter().any(|(a, _)| *a == c));
    if at.is_empty() {
        return None;
    }
    let k = at[rng.below(at.len() as u64) as usize];
    Some(
        t.chars()
            .enumerate()
            .map(|(i, c)| {
                if i == k {
                    table.iter().find(|(a, _)| *a == c).map_or(c, |(_, b)| *b)
                } else {
                    c
                }
            })
            .collect(),
    )
}

fn unicode(t: &str, intensity: f64, limits: &Limits, rng: &mut RowRng) -> String {
    // Intensity widens the kinds: accents; then decomposed accents,
    // look-alikes and right-to-left text; then zero-width and 4-byte characters.
    let kinds = if intensity < 0.34 {
        1
    } else if intensity < 0.67 {
        4
    } else if limits.narrow_charset {
        5
    } else {
        6
    };
    let n = t.chars().count();
    let at = rng.below(n as u64 + 1) as usize;
    match rng.below(kinds) {
        0 => substitute(t, ACCENTS, rng).unwrap_or_else(|| insert(t, at, "é", limits)),
        // A combining acute accent after a letter: NFD, looks like `é`, compares unequal.
        1 => {
            let letters = positions(t, |c| c.is_ascii_alphabetic());
            let at = if letters.is_empty() {
                at
            } else {
                letters[rng.below(letters.len() as u64) as usize] + 1
            };
            insert(t, at, "\u{301}", limits)
        }
        2 => substitute(t, HOMOGLYPHS, rng).unwrap_or_else(|| insert(t, at, "\u{440}", limits)),
        3 => insert(t, n, "\u{200f}שלום", limits),
        4 => insert(t, at, "\u{200b}", limits),
        _ => insert(
            t,
            at,
            FOUR_BYTE[rng.below(FOUR_BYTE.len() as u64) as usize],
            limits,
        ),
    }
}

fn max_length(t: &str, intensity: f64, limits: &Limits, rng: &mut RowRng) -> Option<String> {
    let m = limits.max_chars? as usize;
    if t.chars().count() == m {
        return None;
    }
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // Incompressible (random characters) at the intensity's share, else the value repeated.
    if (rng.below(1_000_000) as f64) < intensity * 1e6 || t.is_empty() {
        Some(
            (0..m)
                .map(|_| ALNUM[rng.below(ALNUM.len() as u64) as usize] as char)
                .collect(),
        )
    } else {
        Some(t.chars().cycle().take(m).collect())
    }
}

fn legacy(t: &str, limits: &Limits) -> Option<String> {
    match limits.semantic {
        // Before the format changed: digits only.
        Some(Semantic::Phone) => {
            let digits: String = t.chars().filter(char::is_ascii_digit).collect();
            (!digits.is_empty()).then_some(digits)
        }
        // Upper-case codes, names and addresses from an old system (two
        // letters at least, or nothing tells it from a code like `T3`).
        _ => {
            let upper = fit(t.to_uppercase(), limits);
            (upper.chars().filter(|c| c.is_alphabetic()).count() >= 2).then_some(upper)
        }
    }
}

fn near_duplicate(o: &str, limits: &Limits, rng: &mut RowRng) -> Option<String> {
    let room = limits
        .max_chars
        .is_none_or(|m| o.chars().count() < m as usize);
    // Made one at a time, from a start drawn among the five: the first that
    // differs and fits.
    let variant = |k: usize| match k {
        0 => o.to_uppercase(),
        1 => o.to_lowercase(),
        2 if room && !limits.fixed_width => format!("{o} "),
        2 => o.to_uppercase(),
        3 if room => format!(" {o}"),
        3 => o.to_lowercase(),
        // Combining marks exist in Unicode character sets only.
        _ if limits.single_byte => o.to_lowercase(),
        _ => decompose(o),
    };
    const VARIANTS: usize = 5;
    let start = rng.below(VARIANTS as u64) as usize;
    (0..VARIANTS)
        .map(|k| variant((start + k) % VARIANTS))
        .find(|v| {
            *v != o
                && limits
                    .max_chars
                    .is_none_or(|m| v.chars().count() <= m as usize)
        })
}

/// NFD for the accented letters [`ACCENTS`] knows (enough to make a value
/// that differs only in Unicode form).
fn decompose(o: &str) -> String {
    let mut out = String::with_capacity(o.len() + 4);
    for c in o.chars() {
        match ACCENTS.iter().find(|(_, b)| *b == c) {
            Some((a, 'á' | 'é' | 'í' | 'É' | 'Å')) if c != 'Å' => {
                out.push(*a);
                out.push('\u{301}');
            }
            Some((a, 'ö' | 'ü')) => {
                out.push(*a);
                out.push('\u{308}');
            }
            Some((a, 'ñ')) => {
                out.push(*a);
                out.push('\u{303}');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The Windows-1252 characters of bytes 0x80..=0x9F (`None` where the code page has none).
pub const CP1252: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// UTF-8 read as Windows-1252 and stored again: `é` becomes `Ã©`. An
/// ASCII value gets an accented letter first, as the migrated row had.
fn mojibake(t: &str, limits: &Limits, rng: &mut RowRng) -> String {
    let source = if t.is_ascii() {
        substitute(t, ACCENTS, rng).unwrap_or_else(|| format!("{t}é"))
    } else {
        t.to_owned()
    };
    let mut out = String::with_capacity(source.len() * 2);
    for b in source.bytes() {
        match b {
            0x80..=0x9F => out.push(CP1252[usize::from(b - 0x80)].unwrap_or('?')),
            _ => out.push(char::from(b)),
        }
    }
    match limits.max_chars {
        // Too long for the column: the first mis-read pair goes in front,
        // so the cut keeps it whole.
        Some(m) if out.chars().count() > m as usize => {
            let pair: String = out.chars().skip_while(char::is_ascii).take(2).collect();
            fit(format!("{pair}{t}"), limits)
        }
        _ => out,
    }
}

fn soft_delete(value: &Value, column: &ColumnPlan, rng: &mut RowRng) -> Option<Value> {
    let day = |rng: &mut RowRng| {
        let (lo, hi) = match &column.rule {
            Rule::Sample(Domain::Date { lo, hi }) => (*lo, *hi),
            Rule::Sample(Domain::Timestamp { lo, hi }) => (
                lo.div_euclid(MICROS_PER_DAY) as i32,
                hi.div_euclid(MICROS_PER_DAY) as i32,
            ),
            _ => (
                days_from_civil(2015, 1, 1) as i32,
                days_from_civil(2024, 12, 31) as i32,
            ),
        };
        rng.between(i64::from(lo), i64::from(hi.max(lo))) as i32
    };
    let deleted = match column.logical_type {
        crate::schema::LogicalType::Boolean => Value::Bool(true),
        crate::schema::LogicalType::Date => Value::Date(day(rng)),
        crate::schema::LogicalType::Timestamp | crate::schema::LogicalType::TimestampTz => {
            Value::Timestamp(
                i64::from(day(rng)) * MICROS_PER_DAY + rng.below(86_400) as i64 * 1_000_000,
            )
        }
        _ => Value::Int(1),
    };
    (*value != deleted).then_some(deleted)
}

/// Days of the placeholder dates the profiler counts as sentinels.
fn placeholder_days() -> [i32; 4] {
    [
        0,
        days_from_civil(1900, 1, 1) as i32,
        days_from_civil(1, 1, 1) as i32,
        days_from_civil(9999, 12, 31) as i32,
    ]
}

fn placeholder(value: &Value, limits: &Limits, rng: &mut RowRng) -> Option<Value> {
    if !limits.choices.is_empty() {
        // The profile's own placeholders, in its shares, where the target takes them.
        let u = rng.below(u64::from(crate::plan::distribution::MILLION)) as u32;
        let k = crate::plan::distribution::pick(&limits.choices, u, |c| c.1);
        let chosen = &limits.choices[k].0;
        let (lo, hi) = limits.days;
        let fits = match chosen {
            Value::Text(t) => limits
                .max_chars
                .is_none_or(|m| t.chars().count() <= m as usize),
            Value::Int(i) => limits
                .int_range
                .is_none_or(|(lo, hi)| (lo..=hi).contains(i)),
            Value::Date(d) => (lo..=hi).contains(d),
            Value::Timestamp(m) => {
                (i64::from(lo)..=i64::from(hi)).contains(&m.div_euclid(MICROS_PER_DAY))
            }
            _ => true,
        };
        return fits.then(|| chosen.clone());
    }
    let pick = |n: usize, rng: &mut RowRng| rng.below(n as u64) as usize;
    match value {
        Value::Text(_) => pick_fitting(TEXT_PLACEHOLDERS, limits, rng),
        Value::Int(_) => {
            let (lo, hi) = limits.int_range.unwrap_or((i64::MIN, i64::MAX));
            let choices: Vec<i64> = [0, -1]
                .into_iter()
                .filter(|v| (lo..=hi).contains(v))
                .collect();
            if choices.is_empty() {
                return None;
            }
            Some(Value::Int(choices[pick(choices.len(), rng)]))
        }
        Value::Decimal(_) => Some(Value::Decimal(0)),
        Value::Date(_) | Value::Timestamp(_) => {
            let (lo, hi) = limits.days;
            let days: Vec<i32> = placeholder_days()
                .into_iter()
                .filter(|d| (lo..=hi).contains(d))
                .collect();
            if days.is_empty() {
                return None;
            }
            let d = days[pick(days.len(), rng)];
            Some(match value {
                Value::Date(_) => Value::Date(d),
                _ => Value::Timestamp(i64::from(d) * MICROS_PER_DAY),
            })
        }
        _ => None,
    }
}

fn numeric_edge(value: &Value, limits: &Limits, rng: &mut RowRng) -> Option<Value> {
    let pick = |n: usize, rng: &mut RowRng| rng.below(n as u64) as usize;
    match value {
        Value::Int(_) => {
            let (lo, hi) = limits.int_range?;
            // The type's ends, and 0 where the type holds it (not MySQL's YEAR).
            let mut edges = vec![hi, lo];
            if lo < 0 && hi > 0 {
                edges.push(0);
            }
            Some(Value::Int(edges[pick(edges.len(), rng)]))
        }
        Value::Decimal(_) => {
            let (max, _) = limits.decimal?;
            // The largest magnitudes the precision holds.
            let signed = !limits.unsigned;
            Some(Value::Decimal(if signed && rng.below(2) == 1 {
                -max
            } else {
                max
            }))
        }
        Value::Float(_) => {
            let (max, tiny) = if limits.single_precision {
                (3.0e38, 1.2e-38)
            } else {
                (f64::MAX, f64::MIN_POSITIVE)
            };
            let mut edges = vec![max, -max, tiny, -0.0];
            if limits.float_specials {
                edges.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
            }
            Some(Value::Float(edges[pick(edges.len(), rng)]))
        }
        _ => None,
    }
}

fn time_edge(value: &Value, limits: &Limits, rng: &mut RowRng) -> Option<Value> {
    let (lo, hi) = limits.days;
    let at = |y, m, d, secs: i64| (days_from_civil(y, m, d), secs);
    match value {
        Value::Time(_) => {
            let edges = [0, MICROS_PER_DAY - 1];
            Some(Value::Time(edges[rng.below(2) as usize]))
        }
        Value::Date(_) | Value::Timestamp(_) if limits.time_infinity && rng.below(6) == 0 => {
            // PostgreSQL's `infinity` and `-infinity`: the type's extremes,
            // which the PostgreSQL sink writes as those words.
            let later = rng.below(2) == 0;
            Some(match (value, later) {
                (Value::Date(_), true) => Value::Date(i32::MAX),
                (Value::Date(_), false) => Value::Date(i32::MIN),
                (_, true) => Value::Timestamp(i64::MAX),
                (_, false) => Value::Timestamp(i64::MIN),
            })
        }
        Value::Date(_) | Value::Timestamp(_) => {
            let edges: Vec<(i64, i64)> = [
                at(1970, 1, 1, 0),
                at(1969, 12, 31, 86_399),
                at(9999, 12, 31, 86_399),
                at(2000, 2, 29, 43_200),
                at(2024, 2, 29, 43_200),
                // A local time that does not exist (US spring forward) and one that exists twice.
                at(2021, 3, 14, 2 * 3600 + 1800),
                at(2021, 11, 7, 3600 + 1800),
                at(2038, 1, 19, 3 * 3600 + 14 * 60 + 8),
                at(1, 1, 1, 0),
                at(1000, 1, 1, 0),
            ]
            .into_iter()
            .enumerate()
            // The daylight-saving hours mean nothing to a date.
            .filter(|(k, _)| !(matches!(value, Value::Date(_)) && (*k == 5 || *k == 6)))
            .map(|(_, e)| e)
            .filter(|(d, _)| (i64::from(lo)..=i64::from(hi)).contains(d))
            .collect();
            if edges.is_empty() {
                return None;
            }
            let (d, secs) = edges[rng.below(edges.len() as u64) as usize];
            Some(match value {
                Value::Date(_) => Value::Date(d as i32),
                _ => Value::Timestamp(d * MICROS_PER_DAY + secs * 1_000_000),
            })
        }
        _ => None,
    }
}

fn json_edge(intensity: f64, rng: &mut RowRng) -> String {
    match rng.below(4) {
        // Deep nesting: 10 levels, up to 30 at full intensity (MariaDB's JSON_VALID
        // refuses 32 and deeper, MySQL 101).
        0 => {
            let depth = 10 + (intensity.clamp(0.0, 1.0) * 20.0) as usize;
            format!("{}1{}", "{\"a\": ".repeat(depth), "}".repeat(depth))
        }
        1 => r##"{"": 1, "with space": 2, "ünïcödé": 3, "$ref": "#", "__proto__": {}, "1": null}"##
            .to_owned(),
        // One key, mixed types across rows.
        2 => {
            let id = rng.below(1000);
            match rng.below(4) {
                0 => format!(r#"{{"id": "{id}"}}"#),
                1 => r#"{"id": null}"#.to_owned(),
                2 => format!(r#"{{"id": [{id}, "{id}"]}}"#),
                _ => format!(r#"{{"id": {id}.5, "tag": true}}"#),
            }
        }
        _ => r#"[]"#.to_owned(),
    }
}

/// What a run injected, written by `--manifest`: enough to find each
/// changed value's row and make it again with the same seed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Manifest {
    /// The manifest's format version.
    pub format: u32,
    /// The run's seed.
    pub seed: u64,
    /// The preset the knobs started from.
    pub preset: String,
    /// The shard of the run (`0/1`: all of it); counts cover this shard only.
    pub shard: String,
    /// Every class's knob, before per-column overrides.
    pub classes: Vec<ClassKnob>,
    /// Per class, table and column (or foreign key): values changed and the first row indexes.
    pub injected: Vec<Injected>,
    /// Where a class in scope could not apply, and why.
    pub not_applicable: Vec<crate::plan::mess::Skipped>,
}

/// A class's knob in the manifest.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ClassKnob {
    /// The class.
    pub class: Class,
    /// Its family (`values`, `history`, `shape`).
    pub family: crate::plan::mess::Family,
    /// Chance per value in the era.
    pub rate: f64,
    /// How extreme.
    pub intensity: f64,
    /// The oldest share of the time axis hit.
    pub era: f64,
}

/// One class's hits on one column or foreign key.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Injected {
    /// The class.
    pub class: Class,
    /// The table.
    pub table: String,
    /// The column; for `hot_keys` and `orphans`, the foreign key's columns, comma-separated.
    pub column: String,
    /// For `hot_keys` and `orphans`: the foreign key's name (or label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<String>,
    /// Values changed.
    pub count: u64,
    /// The first row indexes changed (0-based, in the table's generation order).
    pub first_rows: Vec<u64>,
}

/// The manifest of a run of `plan` that injected `tally`.
pub fn manifest(plan: &crate::plan::Plan, tally: &Tally) -> Manifest {
    Manifest {
        format: 1,
        seed: plan.seed,
        preset: plan.mess.preset.to_string(),
        shard: plan.shard.to_string(),
        classes: plan
            .mess
            .knobs
            .iter()
            .map(|(class, knob)| ClassKnob {
                class: *class,
                family: class.family(),
                rate: knob.rate,
                intensity: knob.intensity,
                era: knob.era,
            })
            .collect(),
        injected: tally
            .0
            .iter()
            .map(|((t, place, class), hits)| {
                let table = &plan.tables[*t];
                Injected {
                    class: *class,
                    table: table.address.clone(),
                    column: match place {
                        Place::Column(c) => table.columns[*c].name.clone(),
                        Place::Reference(f) => table.foreign_keys[*f]
                            .columns
                            .iter()
                            .map(|&c| table.columns[c].name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    },
                    foreign_key: match place {
                        Place::Column(_) => None,
                        Place::Reference(f) => Some(table.foreign_keys[*f].label.clone()),
                    },
                    count: hits.count,
                    first_rows: hits.first_rows.clone(),
                }
            })
            .collect(),
        not_applicable: plan.mess.skipped.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::introspect::analyze::{is_mojibake, looks_like_markup, unusual_char};
    use crate::plan::mess::Era;
    use crate::synth::rng::Stream;

    fn injection(class: Class, limits: Limits) -> Injection {
        Injection {
            class,
            per_million: 1_000_000,
            intensity: 1.0,
            era: Era::All,
            limits,
        }
    }

    fn text_limits(max: u32) -> Limits {
        Limits {
            max_chars: Some(max),
            days: (-719_162, 2_932_896),
            ..Limits::default()
        }
    }

    /// `insert` and `fit` work on byte offsets; they cut and place by
    /// characters exactly as going through a `Vec<char>` does.
    #[test]
    fn insert_and_fit_count_characters_not_bytes() {
        fn by_chars(s: &str, at: usize, piece: &str, max: Option<u32>) -> String {
            let chars: Vec<char> = s.chars().collect();
            let room = max.map_or(usize::MAX, |m| {
                (m as usize).saturating_sub(piece.chars().count())
            });
            let keep = chars.len().min(room);
            let at = at.min(keep);
            let mut out: String = chars[..at].iter().collect();
            out.push_str(piece);
            out.extend(&chars[at..keep]);
            match max {
                Some(m) => out.chars().take(m as usize).collect(),
                None => out,
            }
        }
        for s in [
            "",
            "a",
            "abcdef",
            "ab\u{e9}cd\u{20ac}f",
            "\u{5e9}\u{5dc}\u{5d5}\u{5dd}",
            "\u{1f600}x\u{1f600}",
        ] {
            for piece in [
                " ",
                "\u{a0}",
                "\u{301}",
                "\u{200f}\u{5e9}\u{5dc}\u{5d5}\u{5dd}",
            ] {
                for max in [None, Some(0), Some(1), Some(3), Some(5), Some(40)] {
                    let limits = Limits {
                        max_chars: max,
                        ..Limits::default()
                    };
                    for at in 0..8 {
                        assert_eq!(
                            insert(s, at, piece, &limits),
                            by_chars(s, at, piece, max),
                            "{s:?} + {piece:?} at {at}, max {max:?}"
                        );
                    }
                }
            }
        }
    }

    /// Runs `class` on `value` over many rows with a column of no rule.
    fn outputs(class: Class, limits: Limits, value: Value) -> Vec<Value> {
        let column = crate::plan::ColumnPlan {
            name: "c".into(),
            logical_type: crate::schema::LogicalType::Text { max_length: None },
            written: true,
            null_per_million: 0,
            rule: Rule::Computed,
            excluded: Vec::new(),
            distribution: crate::plan::Distribution::default(),
            copula: None,
            follows: None,
            given: None,
            banded: None,
            copy: None,
            names: None,
            within: None,
        };
        let other = |_row: u64| Value::Text("Émile Zola".into());
        let injection = injection(class, limits);
        let stream = Stream::new(7, "t", "c", "test");
        (0..500)
            .filter_map(|row| {
                let cx = Context {
                    column: &column,
                    rows: 100,
                    row,
                    other: &other,
                    burst_day: 0,
                };
                inject(&injection, &value, &mut stream.at(row), &cx)
            })
            .collect()
    }

    fn texts(values: Vec<Value>) -> Vec<String> {
        values
            .into_iter()
            .map(|v| match v {
                Value::Text(t) => t.into_string(),
                other => panic!("not text: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn text_classes_stay_within_the_length_and_are_seen_by_the_profiler() {
        let clean = Value::Text("Grace Hopper".into());
        for class in [
            Class::Unicode,
            Class::MaxLength,
            Class::Padded,
            Class::Injection,
            Class::Mojibake,
            Class::Placeholders,
            Class::NearDuplicates,
            Class::LegacyFormat,
        ] {
            let out = texts(outputs(class, text_limits(16), clean.clone()));
            assert!(out.len() > 400, "{class} changed only {} of 500", out.len());
            for t in &out {
                assert!(
                    t.chars().count() <= 16,
                    "{class} wrote {t:?}, over 16 characters"
                );
                assert!(!t.contains('\0'), "{class} wrote a NUL");
                let seen = match class {
                    Class::Unicode => !t.is_ascii(),
                    Class::MaxLength => t.chars().count() == 16,
                    Class::Padded => t.trim() != t,
                    Class::Injection => looks_like_markup(t),
                    Class::Mojibake => is_mojibake(t),
                    Class::NearDuplicates => {
                        t.trim().to_lowercase().replace("e\u{301}", "é") == "émile zola"
                    }
                    Class::LegacyFormat => *t == t.to_uppercase(),
                    _ => t.len() <= 7,
                };
                assert!(seen, "{class} wrote {t:?}, which its detector does not see");
            }
        }
    }

    #[test]
    fn text_classes_fit_a_two_character_column() {
        // JSON edges go to JSON columns only, which have no length.
        for class in Class::ALL.into_iter().filter(|c| *c != Class::JsonEdge) {
            for v in outputs(class, text_limits(2), Value::Text("TX".into())) {
                if let Value::Text(t) = v {
                    assert!(
                        t.chars().count() <= 2,
                        "{class} wrote {t:?} into varchar(2)"
                    );
                }
            }
        }
    }

    #[test]
    fn unicode_reaches_every_kind_and_spares_utf8mb3() {
        let clean = Value::Text("pineapple".into());
        let wide = texts(outputs(Class::Unicode, text_limits(40), clean.clone()));
        assert!(wide.iter().any(|t| t.chars().any(|c| c.len_utf8() == 4)));
        assert!(wide.iter().any(|t| t.contains('\u{301}')));
        assert!(wide.iter().any(|t| t.contains('\u{200b}')));
        assert!(wide.iter().any(|t| t.chars().any(unusual_char)));
        let narrow = Limits {
            narrow_charset: true,
            ..text_limits(40)
        };
        let narrow = texts(outputs(Class::Unicode, narrow, clean));
        assert!(narrow.iter().all(|t| t.chars().all(|c| c.len_utf8() < 4)));
    }

    #[test]
    fn mojibake_is_utf8_read_as_windows_1252() {
        let out = texts(outputs(
            Class::Mojibake,
            text_limits(40),
            Value::Text("café".into()),
        ));
        assert!(out.iter().all(|t| t == "cafÃ©"), "{out:?}");
    }

    #[test]
    fn numbers_respect_the_type_and_the_engine() {
        for range in [(-128, 127), (1901, 2155), (0, 65_535)] {
            let ints = Limits {
                int_range: Some(range),
                ..Limits::default()
            };
            for class in [Class::NumericEdge, Class::Placeholders] {
                for v in outputs(class, ints.clone(), Value::Int(1999)) {
                    let Value::Int(i) = v else { panic!() };
                    assert!(
                        (range.0..=range.1).contains(&i),
                        "{class}: {i} outside {range:?}"
                    );
                }
            }
        }
        let no_specials = outputs(Class::NumericEdge, Limits::default(), Value::Float(1.5));
        assert!(
            no_specials
                .iter()
                .all(|v| matches!(v, Value::Float(f) if f.is_finite()))
        );
        let specials = Limits {
            float_specials: true,
            ..Limits::default()
        };
        let out = outputs(Class::NumericEdge, specials, Value::Float(1.5));
        assert!(
            out.iter()
                .any(|v| matches!(v, Value::Float(f) if f.is_nan()))
        );
        let money = Limits {
            decimal: Some((99_999, 2)),
            unsigned: true,
            ..Limits::default()
        };
        let out = outputs(Class::NumericEdge, money, Value::Decimal(1234));
        assert!(out.iter().all(|v| *v == Value::Decimal(99_999)), "{out:?}");
    }

    #[test]
    fn times_stay_in_the_engine_range() {
        // MySQL's TIMESTAMP: 1970-01-02 to 2038-01-14.
        let limits = Limits {
            days: (1, 24_850),
            ..Limits::default()
        };
        for v in outputs(Class::TimeEdge, limits.clone(), Value::Timestamp(0)) {
            let Value::Timestamp(m) = v else { panic!() };
            let day = m.div_euclid(MICROS_PER_DAY);
            assert!((1..=24_850).contains(&day), "{v:?}");
        }
        for v in outputs(Class::Placeholders, limits, Value::Date(100)) {
            let Value::Date(d) = v else { panic!() };
            assert!((1..=24_850).contains(&d), "{v:?}");
        }
    }

    #[test]
    fn postgres_gets_infinity_and_the_others_do_not() {
        let pg = Limits {
            days: (-719_162, 2_932_896),
            time_infinity: true,
            ..Limits::default()
        };
        let out = outputs(Class::TimeEdge, pg, Value::Timestamp(0));
        assert!(
            out.contains(&Value::Timestamp(i64::MAX)) && out.contains(&Value::Timestamp(i64::MIN))
        );
        let other = Limits {
            days: (-719_162, 2_932_896),
            ..Limits::default()
        };
        let out = outputs(Class::TimeEdge, other, Value::Date(0));
        assert!(
            out.iter()
                .all(|v| matches!(v, Value::Date(d) if *d != i32::MAX && *d != i32::MIN))
        );
    }

    #[test]
    fn drift_writes_the_default_where_there_is_one() {
        let with_default = Limits {
            default: Some(Value::Text("basic".into())),
            ..Limits::default()
        };
        let out = outputs(Class::Drift, with_default, Value::Text("pro".into()));
        assert!(!out.is_empty() && out.iter().all(|v| *v == Value::Text("basic".into())));
        let out = outputs(Class::Drift, Limits::default(), Value::Text("pro".into()));
        assert!(out.iter().all(|v| *v == Value::Null));
    }

    #[test]
    fn nulls_stay_null_but_for_soft_deletes() {
        for class in [
            Class::Unicode,
            Class::Empty,
            Class::NumericEdge,
            Class::Drift,
        ] {
            assert!(
                outputs(class, text_limits(10), Value::Null).is_empty(),
                "{class}"
            );
        }
    }

    #[test]
    fn json_edges_parse_and_stay_under_mariadb_depth() {
        for v in outputs(Class::JsonEdge, Limits::default(), Value::Text("{}".into())) {
            let Value::Text(t) = v else { panic!() };
            let parsed: serde_json::Value = serde_json::from_str(&t).expect("valid JSON");
            let mut depth = 0;
            let mut at = &parsed;
            while let Some(inner) = at.get("a") {
                depth += 1;
                at = inner;
            }
            assert!(depth <= 30, "MariaDB's JSON_VALID refuses 32 levels");
        }
    }

    #[test]
    fn tallies_merge_to_the_same_result_in_any_order() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        for row in [30, 2, 17] {
            a.hit(0, Place::Column(1), Class::Empty, row);
        }
        for row in 40..60 {
            b.hit(0, Place::Column(1), Class::Empty, row);
        }
        let (mut ab, mut ba) = (Tally::default(), Tally::default());
        ab.merge(a.clone());
        ab.merge(b.clone());
        ba.merge(b);
        ba.merge(a);
        assert_eq!(ab, ba);
        let hits = &ab.0[&(0, Place::Column(1), Class::Empty)];
        assert_eq!(hits.count, 23);
        assert_eq!(hits.first_rows, vec![2, 17, 30, 40, 41, 42, 43, 44, 45, 46]);
    }
}
