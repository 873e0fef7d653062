//! Statistics types: what a profile keeps per table and per column.

use crate::schema::QualifiedName;
use serde::{Deserialize, Serialize};

/// Statistics of one table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableStats {
    /// The table.
    pub table: QualifiedName,
    /// Rows in the table (exact when the table was read whole, else the catalog's estimate).
    pub row_count: u64,
    /// Rows the column statistics were computed from.
    pub sampled_rows: u64,
    /// One entry per column, in column order.
    pub columns: Vec<ColumnStats>,
    /// One entry per foreign key, in the table's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKeyStats>,
    /// Pairs of time columns whose order holds in most rows (`created_at <= updated_at`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_order: Vec<TimeOrder>,
    /// Pairs of number or time columns whose ranks move together (or against each other).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<Correlation>,
    /// Pairs of categorical columns whose values go together (a brand and its maker).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<Association>,
    /// Categorical columns whose values depend on where a number or time
    /// column falls, or whether it is NULL (a status decided by a date).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bandings: Vec<Banding>,
    /// Place columns whose value belongs to one value of another column
    /// (a city to its country): names and shares only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub belongs: Vec<Belongs>,
    /// E-mail columns whose address is made from the row's names
    /// (`jane.doe@…` beside `Jane` and `Doe`): which forms, how often.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_names: Vec<EmailNames>,
    /// Facts about the table's storage, where the engine exposes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical: Option<Physical>,
}

/// How children spread over parents along one foreign key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyStats {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// Share of child rows whose reference is NULL.
    pub null_fraction: f64,
    /// Parents with at least one child, estimated for the whole table.
    pub referenced_parents: u64,
    /// Share of parent rows with no child (from `referenced_parents` and the parent's rows).
    pub childless_share: f64,
    /// Equi-depth histogram of children per referenced parent.
    pub children_per_parent: Vec<u64>,
    /// Share of child rows held by the heaviest 1% of referenced parents.
    pub heaviest_share: f64,
    /// Time columns of the child at or after a time column of its parent
    /// (`earlier` names the parent's column, `later` the child's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_order: Vec<TimeOrder>,
    /// Child columns that hold a copy of a parent column in most rows (an
    /// invoice's billing country is its customer's country).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CopiedColumn>,
    /// Share of sampled child rows whose reference is set but finds no
    /// parent: orphans, where the reference is not enforced. Absent: none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub orphan_share: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// A child column equal to a parent column in `share` of the sampled rows
/// where the child's is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopiedColumn {
    /// The child's column.
    pub child: String,
    /// The parent's column.
    pub parent: String,
    /// Share of sampled rows (child value set) where they are equal.
    pub share: f64,
}

/// A pair of time columns and the share of rows (both non-NULL) where `earlier <= later`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeOrder {
    /// The column that comes first.
    pub earlier: String,
    /// The column that comes after.
    pub later: String,
    /// Share of rows with both values where the order holds.
    pub share: f64,
    /// Equi-depth bounds of `later - earlier` in seconds over the rows where
    /// the order holds (tails coarsened outward to two significant digits).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delay: Vec<f64>,
}

/// Two columns whose values rise and fall together: Spearman's rank
/// correlation over the sampled rows where both are set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    /// The first column (in column order).
    pub first: String,
    /// The second column.
    pub second: String,
    /// Rank correlation in [-1, 1], to two decimals.
    pub rank: f64,
}

/// Two categorical columns whose values go together (Cramér's V at least
/// 0.3 in the sample), with the value combinations that at least `min_count`
/// sampled rows share. Both columns' values are kept verbatim themselves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Association {
    /// The first column (in column order).
    pub first: String,
    /// The second column.
    pub second: String,
    /// Cramér's V, to two decimals.
    pub strength: f64,
    /// Value combinations with their shares of the rows where both are set.
    pub combinations: Vec<Combination>,
}

/// A categorical column against the buckets of a number or time column's
/// histogram (Cramér's V at least 0.5), with the (bucket, value) cells at
/// least `min_count` sampled rows share. The values are kept verbatim in the
/// category's own statistics; the buckets are the column's histogram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Banding {
    /// The number or time column (its `histogram` defines the buckets).
    pub column: String,
    /// The categorical column.
    pub category: String,
    /// Cramér's V, to two decimals.
    pub strength: f64,
    /// Cells with their shares of the rows where the category is set.
    pub cells: Vec<BandCell>,
}

/// One cell of a [`Banding`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandCell {
    /// The histogram bucket (0 is the first) the column's value falls in;
    /// absent when the column is NULL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<u32>,
    /// The category's value.
    pub value: String,
    /// Share of the sampled rows where the category holds a kept value and
    /// the column is NULL or reads as a number or time.
    pub fraction: f64,
}

/// A place column (a city, a district, a postal code) each of whose values
/// goes with one value of another column (its country, its state) in
/// `share` of the sampled rows where both are set: generation draws it from
/// a set of its own per value of the other, so a generated city is in one
/// country too. Column names and two numbers: no value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Belongs {
    /// The place column (a city).
    pub column: String,
    /// The column it belongs to (a country).
    pub to: String,
    /// Share of the rows whose `to` value is the one most rows with their
    /// `column` value have.
    pub share: f64,
    /// Distinct `column` values per distinct `to` value in the sample.
    pub per_value: f64,
}

/// An e-mail column whose local part (before `@`) is made from the name
/// columns of its row in the shares of sampled rows the forms give. Holds
/// column names, forms from a fixed list and shares: no value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailNames {
    /// The e-mail column.
    pub email: String,
    /// The first-name column, or the full-name column (its first and last
    /// words) when `last` is absent.
    pub first: String,
    /// The last-name column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Forms with their shares of the sampled rows where the e-mail and the
    /// names are set, each form held by at least two rows, most frequent first.
    pub forms: Vec<NameFormShare>,
    /// Share of those rows (with a listed form) whose local part ends in digits
    /// after the names (`jsmith42`).
    pub digits: f64,
}

/// One form of [`EmailNames`] and its share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameFormShare {
    /// How the local part is made.
    pub form: NameForm,
    /// Share of the rows.
    pub fraction: f64,
}

/// How an e-mail's local part is made from a first and a last name, both
/// lowercase, accents dropped, letters and digits only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NameForm {
    /// `jane.doe`
    #[serde(rename = "first.last")]
    FirstDotLast,
    /// `jane_doe`
    #[serde(rename = "first_last")]
    FirstUnderscoreLast,
    /// `jane-doe`
    #[serde(rename = "first-last")]
    FirstDashLast,
    /// `janedoe`
    #[serde(rename = "firstlast")]
    FirstLast,
    /// `jdoe`
    #[serde(rename = "flast")]
    InitialLast,
    /// `j.doe`
    #[serde(rename = "f.last")]
    InitialDotLast,
    /// `janed`
    #[serde(rename = "firstl")]
    FirstInitial,
    /// `doe.jane`
    #[serde(rename = "last.first")]
    LastDotFirst,
    /// `doejane`
    #[serde(rename = "lastfirst")]
    LastFirst,
    /// `jane`
    #[serde(rename = "first")]
    First,
    /// `doe`
    #[serde(rename = "last")]
    Last,
}

impl NameForm {
    /// Every form, in the order a local part is matched against them.
    pub const ALL: [NameForm; 11] = [
        NameForm::FirstDotLast,
        NameForm::FirstUnderscoreLast,
        NameForm::FirstDashLast,
        NameForm::FirstLast,
        NameForm::InitialLast,
        NameForm::InitialDotLast,
        NameForm::FirstInitial,
        NameForm::LastDotFirst,
        NameForm::LastFirst,
        NameForm::First,
        NameForm::Last,
    ];

    /// The local part for a first and a last name (already reduced by
    /// [`name_key`]); empty when a part it needs is empty.
    pub fn apply(self, first: &str, last: &str) -> String {
        let initial = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        let needs_first = !matches!(self, NameForm::Last);
        let needs_last = !matches!(self, NameForm::First);
        if (needs_first && first.is_empty()) || (needs_last && last.is_empty()) {
            return String::new();
        }
        match self {
            NameForm::FirstDotLast => format!("{first}.{last}"),
            NameForm::FirstUnderscoreLast => format!("{first}_{last}"),
            NameForm::FirstDashLast => format!("{first}-{last}"),
            NameForm::FirstLast => format!("{first}{last}"),
            NameForm::InitialLast => format!("{}{last}", initial(first)),
            NameForm::InitialDotLast => format!("{}.{last}", initial(first)),
            NameForm::FirstInitial => format!("{first}{}", initial(last)),
            NameForm::LastDotFirst => format!("{last}.{first}"),
            NameForm::LastFirst => format!("{last}{first}"),
            NameForm::First => first.to_owned(),
            NameForm::Last => last.to_owned(),
        }
    }
}

/// A name as e-mail addresses spell it: lowercase, Latin accents dropped,
/// ASCII letters and digits only (`O'Reilly` → `oreilly`, `Gonçalves` → `goncalves`).
pub fn name_key(name: &str) -> String {
    spelt(name, "")
}

/// The first and last name an e-mail's forms are made from, as
/// [`name_key`] spells them: from a first- and a last-name column, or, with
/// `last` absent, from a full name's first and last words. `None` when
/// either comes out empty. The profiler reads forms and generation applies
/// them through this one definition.
pub fn name_keys(first: &str, last: Option<&str>) -> Option<(String, String)> {
    let (first, last) = match last {
        Some(last) => (name_key(first), name_key(last)),
        None => {
            let words: Vec<String> = first.split_whitespace().map(name_key).collect();
            match words.as_slice() {
                [first, .., last] => (first.clone(), last.clone()),
                _ => return None,
            }
        }
    };
    (!first.is_empty() && !last.is_empty()).then_some((first, last))
}

/// An e-mail's local part as [`name_key`] spells names, keeping the
/// separators the forms use (`Stanisław.Wójcik` → `stanislaw.wojcik`).
pub fn local_key(local: &str) -> String {
    spelt(local, "._-")
}

fn spelt(text: &str, keep: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            let c = match c {
                'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
                'ç' | 'ć' | 'č' => 'c',
                'è'..='ë' | 'ē' | 'ę' | 'ě' => 'e',
                'ì'..='ï' | 'ī' => 'i',
                'ñ' | 'ń' | 'ň' => 'n',
                'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
                'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
                'ý' | 'ÿ' => 'y',
                'ł' => 'l',
                'ś' | 'š' | 'ß' => 's',
                'ź' | 'ż' | 'ž' => 'z',
                'ř' => 'r',
                c => c,
            };
            (c.is_ascii_alphanumeric() || keep.contains(c)).then_some(c)
        })
        .collect()
}

/// One combination of an [`Association`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Combination {
    /// The first column's value.
    pub first: String,
    /// The second column's value.
    pub second: String,
    /// Share of the rows where both are set.
    pub fraction: f64,
}

/// Storage facts (PostgreSQL's statistics views).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Physical {
    /// Dead tuples over live plus dead tuples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_tuple_share: Option<f64>,
    /// Correlation between the physical row order and the first key column, in [-1, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_correlation: Option<f64>,
    /// The day statistics were last gathered (ANALYZE or autoanalyze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_analyze: Option<String>,
}

impl TableStats {
    /// Statistics from the aggregates; the sample analysis fills the rest.
    pub fn new(
        table: QualifiedName,
        row_count: u64,
        sampled_rows: u64,
        columns: Vec<ColumnStats>,
    ) -> Self {
        Self {
            table,
            row_count,
            sampled_rows,
            columns,
            foreign_keys: Vec::new(),
            time_order: Vec::new(),
            correlations: Vec::new(),
            associations: Vec::new(),
            bandings: Vec::new(),
            email_names: Vec::new(),
            belongs: Vec::new(),
            physical: None,
        }
    }

    /// The statistics of a column.
    pub fn column(&self, name: &str) -> Option<&ColumnStats> {
        self.columns.iter().find(|c| c.column == name)
    }
}

/// Statistics of one column.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnStats {
    /// The column's name.
    pub column: String,
    /// Share of rows that are NULL, in [0, 1].
    pub null_fraction: f64,
    /// Estimated number of distinct non-NULL values in the whole table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct: Option<u64>,
    /// Smallest value, coarsened outward (numbers: 2 significant digits; times: the month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<StatValue>,
    /// Largest value, coarsened outward like `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<StatValue>,
    /// Length of non-NULL text (characters) or binary (bytes) values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<LengthStats>,
    /// Values kept verbatim, each in at least `min_count` sampled rows, with
    /// their share of non-NULL rows (see the privacy contract).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub most_common: Vec<Frequency>,
    /// Equi-depth histogram of numbers and times: each bucket between two
    /// consecutive bounds holds the same share of non-NULL values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub histogram: Vec<StatValue>,
    /// Equi-depth histogram of text lengths (characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub length_histogram: Vec<u64>,
    /// Character-class shapes of short text (`Aaaa 999`), with their shares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shapes: Vec<Frequency>,
    /// What the values are, detected from the column's name and values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semantic: Option<SemanticClass>,
    /// How a time column's values spread over the calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeProfile>,
    /// Mess observed in the values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mess: Option<MessObserved>,
    /// The structure of JSON documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<JsonShape>,
}

/// What JSON documents in a column look like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonShape {
    /// Sets of top-level keys (sorted, comma-joined) shared by at least
    /// `min_count` sampled documents, with their shares.
    pub key_sets: Vec<Frequency>,
    /// Equi-depth histogram of nesting depth (a scalar is 0, `{"a": 1}` is 1).
    pub depth: Vec<u64>,
}

/// A value or shape and its share of the non-NULL rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frequency {
    /// The value (or shape), as text.
    pub value: String,
    /// Its share of non-NULL rows, in [0, 1].
    pub fraction: f64,
}

/// What a column holds, in classes that decide both generation and privacy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SemanticClass {
    /// Email addresses.
    Email,
    /// Personal names.
    PersonName,
    /// Phone numbers.
    Phone,
    /// Postal addresses (streets, postal codes).
    Address,
    /// URLs.
    Url,
    /// UUIDs.
    Uuid,
    /// IP addresses.
    Ip,
    /// Countries.
    Country,
    /// Currency codes.
    Currency,
    /// Free text (sentences).
    FreeText,
    /// JSON documents.
    Json,
    /// Identifiers: (nearly) unique codes.
    Identifier,
}

impl SemanticClass {
    /// Whether values of the class identify a person or a record: never kept verbatim.
    pub fn identifying(self) -> bool {
        !matches!(self, SemanticClass::Country | SemanticClass::Currency)
    }
}

/// The calendar shape of a time column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeProfile {
    /// Rows per calendar month (`2021-03`), scaled from the sample to the table: growth over time.
    pub per_month: std::collections::BTreeMap<String, u64>,
    /// Share of values per month of the year, January first (12 entries).
    pub month: Vec<f64>,
    /// Share of values per weekday, Monday first (7 entries).
    pub weekday: Vec<f64>,
    /// Share of values per hour of the day (24 entries; timestamps only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hour: Vec<f64>,
}

/// Shares of non-NULL values showing each kind of mess.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessObserved {
    /// Empty strings (NULL is counted in `null_fraction`, not here).
    pub empty: f64,
    /// Leading or trailing whitespace.
    pub padded: f64,
    /// Any character outside ASCII.
    pub non_ascii: f64,
    /// Values equal to another value but for letter case, surrounding
    /// whitespace, accents or Unicode form (an accent- and case-insensitive collation's view).
    pub near_duplicates: f64,
    /// Values at the column's declared maximum length.
    pub at_max_length: f64,
    /// Characters beyond accented letters: combining marks, zero-width and
    /// direction controls, characters outside the Basic Multilingual Plane.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unusual_unicode: f64,
    /// Text that looks like SQL, HTML, a format string or a template.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub markup: f64,
    /// UTF-8 read as Latin-1 (`Ã©`, `â€™`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mojibake: f64,
    /// Numbers at their type's limits, NaN or infinite; times before 1900 or after 2100.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extremes: f64,
    /// Text whose letters (two at least) are all upper case (`SHIPPED`, `JOHN SMITH`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub upper_case: f64,
    /// E-mail addresses or phone numbers in an unusual but valid form.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub odd_contact: f64,
    /// Dates and timestamps: the share of values on the single busiest day (the day is not kept).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub busiest_day: f64,
    /// JSON documents that are not objects, nest deeper than 8, have an odd key, or give a key
    /// a type other than its usual one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub json_edges: f64,
    /// Arrays that are empty or hold a NULL.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub array_edges: f64,
    /// Integer keys: the share of rows whose key is more than one above the previous one
    /// (holes in the sequence), over the whole table.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub id_gaps: f64,
    /// Dates and timestamps of a table keyed by one integer column: the share of rows whose
    /// value is earlier than the row before it in key order, over the whole table.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub out_of_order: f64,
    /// Well-known placeholder values (`1970-01-01`, `9999-12-31`, `0`, `-1`, `N/A`, ...) and their shares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentinels: Vec<Frequency>,
}

/// A coarsened bound: a number, or a time written in ISO 8601.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatValue {
    /// A number.
    Number(f64),
    /// A date (`2009-01-01`), timestamp (`2009-01-01T00:00:00`) or time (`13:00:00`).
    Time(String),
}

/// Length distribution summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LengthStats {
    /// Shortest.
    pub min: u64,
    /// Mean, rounded to 0.1.
    pub mean: f64,
    /// Longest.
    pub max: u64,
}

/// The bucket of equi-depth `bounds` that `x` falls in (the first bucket
/// holding it; values outside go to the nearest end).
pub fn bucket_of(bounds: &[f64], x: f64) -> u32 {
    let k = bounds.len().saturating_sub(1).max(1);
    (bounds.partition_point(|&b| b < x).saturating_sub(1)).min(k - 1) as u32
}

/// Rounds `x` down (`up == false`) or up to two significant digits, so a
/// profile never holds an exact extreme such as the highest salary.
pub fn coarsen(x: f64, up: bool) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let unit = 10f64.powi(magnitude - 1);
    let scaled = x / unit;
    let rounded = if up { scaled.ceil() } else { scaled.floor() };
    // Re-round to kill representation noise (0.30000000000000004).
    let value = rounded * unit;
    let digits = (1 - magnitude).clamp(0, 15) as usize;
    let value = format!("{value:.digits$}").parse().unwrap_or(value);
    // Outward from the largest floats overflows to infinity, which JSON cannot
    // hold: the bound stays at the largest finite magnitude.
    if value.is_finite() {
        value
    } else {
        f64::MAX.copysign(x)
    }
}

#[cfg(test)]
mod tests {
    use super::coarsen;

    #[test]
    fn coarsening_rounds_outward_to_two_digits() {
        assert_eq!(coarsen(1234.5, false), 1200.0);
        assert_eq!(coarsen(1234.5, true), 1300.0);
        assert_eq!(coarsen(0.99, false), 0.99);
        assert_eq!(coarsen(-f64::MAX, false), -f64::MAX);
        assert_eq!(coarsen(f64::MAX, true), f64::MAX);
        assert_eq!(coarsen(-17.3, false), -18.0);
        assert_eq!(coarsen(-17.3, true), -17.0);
        assert_eq!(coarsen(3.0, true), 3.0);
        assert_eq!(coarsen(0.0, true), 0.0);
        assert_eq!(coarsen(123_456_789.0, true), 130_000_000.0);
    }
}
