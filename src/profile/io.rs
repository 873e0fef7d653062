//! Reading and writing profile files: canonical JSON (keys sorted, two-space
//! indent, shortest round-trip floats, one trailing newline) and the version
//! check.

use super::{FORMAT_VERSION, OLDEST_FORMAT_VERSION, Profile};
use crate::error::ProfileError;
use std::collections::BTreeSet;
use std::path::Path;

/// Serialises a profile canonically: the same profile always gives the same bytes.
pub fn to_canonical_json(profile: &Profile) -> String {
    // serde_json's Map is a BTreeMap (the `preserve_order` feature is off),
    // so going through Value sorts every object's keys.
    let value = serde_json::to_value(profile).expect("a profile always serialises to JSON");
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value always prints");
    text.push('\n');
    text
}

/// Writes a profile file, replacing it atomically (write to a sibling, then rename).
pub fn write(profile: &Profile, path: &Path) -> Result<(), ProfileError> {
    let io = |source| ProfileError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, to_canonical_json(profile)).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Reads and checks a profile file.
pub fn read(path: &Path) -> Result<Profile, ProfileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
        path: path.to_owned(),
        source,
    })?;
    from_json(&text, path)
}

/// Parses and checks a profile from its JSON text; `path` names it in errors.
pub fn from_json(text: &str, path: &Path) -> Result<Profile, ProfileError> {
    let parse = |source| ProfileError::Parse {
        path: path.to_owned(),
        source,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(parse)?;
    // Check the version before the shape, so a newer file says so instead of
    // failing on the first field it does not know.
    match value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
    {
        // Older versions lack only optional statistics: they read as this one.
        Some(v) if (u64::from(OLDEST_FORMAT_VERSION)..=u64::from(FORMAT_VERSION)).contains(&v) => {}
        Some(found) => {
            return Err(ProfileError::UnsupportedVersion {
                path: path.to_owned(),
                found,
                supported: FORMAT_VERSION,
            });
        }
        None if value.get("format_version").is_some() => {
            return Err(ProfileError::Invalid {
                path: path.to_owned(),
                reason: "`format_version` must be a whole number such as 1".into(),
            });
        }
        None => {
            return Err(ProfileError::Invalid {
                path: path.to_owned(),
                reason: "no `format_version` field: this is not a patina profile".into(),
            });
        }
    }
    // Parse from the text (not the Value) so errors carry line and column.
    let mut profile: Profile = serde_json::from_str(text).map_err(parse)?;
    profile.format_version = FORMAT_VERSION;
    validate(&profile).map_err(|reason| ProfileError::Invalid {
        path: path.to_owned(),
        reason,
    })?;
    Ok(profile)
}

/// Cross-references inside a profile: every name must resolve.
fn validate(profile: &Profile) -> Result<(), String> {
    let schema = &profile.schema;
    let mut seen = BTreeSet::new();
    for table in &schema.tables {
        if !seen.insert(&table.name) {
            return Err(format!("table `{}` appears twice", table.name));
        }
        let has = |c: &String| table.column(c).is_some();
        let keys = table.primary_key.iter().chain(&table.uniques);
        for key in keys {
            if let Some(c) = key.columns.iter().find(|c| !has(c)) {
                return Err(format!(
                    "table `{}`: key {} names missing column `{c}`",
                    table.name,
                    key.label()
                ));
            }
        }
        for fk in &table.foreign_keys {
            if let Some(c) = fk.columns.iter().find(|c| !has(c)) {
                return Err(format!(
                    "table `{}`: foreign key {} names missing column `{c}`",
                    table.name,
                    fk.label()
                ));
            }
            let Some(parent) = schema.table(&fk.referenced_table) else {
                return Err(format!(
                    "table `{}`: foreign key {} references missing table `{}`",
                    table.name,
                    fk.label(),
                    fk.referenced_table
                ));
            };
            if fk.columns.len() != fk.referenced_columns.len() {
                return Err(format!(
                    "table `{}`: foreign key {} has uneven column lists",
                    table.name,
                    fk.label()
                ));
            }
            if let Some(c) = fk
                .referenced_columns
                .iter()
                .find(|c| parent.column(c).is_none())
            {
                return Err(format!(
                    "table `{}`: foreign key {} references missing column `{}.{c}`",
                    table.name,
                    fk.label(),
                    parent.name
                ));
            }
        }
        for column in &table.columns {
            if let Some(domain) = &column.domain
                && schema.domain(domain).is_none()
            {
                return Err(format!(
                    "table `{}`, column `{}`: domain `{domain}` is not defined",
                    table.name, column.name
                ));
            }
            if let crate::schema::LogicalType::Enum { name } = &column.logical_type
                && schema.enum_type(name).is_none()
            {
                return Err(format!(
                    "table `{}`, column `{}`: enum `{name}` is not defined",
                    table.name, column.name
                ));
            }
        }
    }
    for stats in &profile.tables {
        let Some(table) = schema.table(&stats.table) else {
            return Err(format!(
                "statistics for table `{}`, which the schema does not hold",
                stats.table
            ));
        };
        if let Some(c) = stats
            .columns
            .iter()
            .find(|c| table.column(&c.column).is_none())
        {
            return Err(format!(
                "statistics for missing column `{}.{}`",
                stats.table, c.column
            ));
        }
        if let Some(c) = stats
            .columns
            .iter()
            .find(|c| !(0.0..=1.0).contains(&c.null_fraction))
        {
            return Err(format!(
                "column `{}.{}`: null_fraction outside [0, 1]",
                stats.table, c.column
            ));
        }
    }
    Ok(())
}
