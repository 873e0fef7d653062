//! Logical types: what a column holds, independent of any engine's spelling.

use super::QualifiedName;
use serde::{Deserialize, Serialize};

/// The engine-neutral type of a column.
///
/// Every engine's native types map onto these (see docs/type-mapping.md);
/// the generator produces values per logical type and each sink writes them
/// in its own form. A type patina cannot model is [`LogicalType::Opaque`]:
/// it still gets a valid value (its default form) or NULL, never an abort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LogicalType {
    /// true / false.
    Boolean,
    /// 16-bit signed integer.
    Int16,
    /// 32-bit signed integer.
    Int32,
    /// 64-bit signed integer.
    Int64,
    /// 32-bit IEEE float.
    Float32,
    /// 64-bit IEEE float.
    Float64,
    /// Exact decimal; `None` precision means unconstrained (`numeric`).
    Decimal {
        /// Total digits.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        precision: Option<u32>,
        /// Digits after the point.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<u32>,
    },
    /// Variable-length text, at most `max_length` characters when set.
    Text {
        /// Limit in characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// Fixed-length, blank-padded text (`char(n)`).
    Char {
        /// Length in characters.
        length: u32,
    },
    /// Bytes.
    Binary {
        /// Limit in bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// Calendar date.
    Date,
    /// Time of day, no zone.
    Time,
    /// Timestamp without time zone.
    Timestamp,
    /// Timestamp with time zone (an instant; generated in UTC).
    TimestampTz,
    /// A duration (`interval`).
    Interval,
    /// 128-bit UUID.
    Uuid,
    /// A JSON document (`json`, `jsonb`).
    Json,
    /// An IP address or network (`inet`, `cidr`).
    Inet,
    /// A value of an enumerated type.
    Enum {
        /// The enum's name in the schema.
        name: QualifiedName,
    },
    /// A one-dimensional array.
    Array {
        /// The element type.
        element: Box<LogicalType>,
    },
    /// A type patina does not model (`tsvector`, `xml`, `point`, ...):
    /// generated as `literal` (the type's default form) when set, else NULL.
    Opaque {
        /// A valid literal of the type, if patina knows one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        literal: Option<String>,
    },
}

impl LogicalType {
    /// The inclusive range of an integer type.
    pub fn integer_range(&self) -> Option<(i64, i64)> {
        match self {
            LogicalType::Int16 => Some((i16::MIN.into(), i16::MAX.into())),
            LogicalType::Int32 => Some((i32::MIN.into(), i32::MAX.into())),
            LogicalType::Int64 => Some((i64::MIN, i64::MAX)),
            _ => None,
        }
    }

    /// Whether values are text of some kind.
    pub fn is_textual(&self) -> bool {
        matches!(self, LogicalType::Text { .. } | LogicalType::Char { .. })
    }

    /// Whether `min`/`max` statistics make sense for the type.
    pub fn is_ordered_numeric(&self) -> bool {
        matches!(
            self,
            LogicalType::Int16
                | LogicalType::Int32
                | LogicalType::Int64
                | LogicalType::Float32
                | LogicalType::Float64
                | LogicalType::Decimal { .. }
        )
    }

    /// Whether the type is a point in time.
    pub fn is_temporal(&self) -> bool {
        matches!(
            self,
            LogicalType::Date
                | LogicalType::Timestamp
                | LogicalType::TimestampTz
                | LogicalType::Time
        )
    }
}

/// Maps a PostgreSQL type, as `format_type` writes it, to a logical type.
///
/// `element` is the element's mapping for arrays; enums and domains are
/// resolved by the caller, which knows the catalog.
pub fn from_postgres(formatted: &str) -> LogicalType {
    let t = formatted.trim();
    if let Some(element) = t.strip_suffix("[]") {
        return LogicalType::Array {
            element: Box::new(from_postgres(element)),
        };
    }
    let (base, args) = split_args(t);
    match base {
        "boolean" => LogicalType::Boolean,
        "smallint" | "smallserial" => LogicalType::Int16,
        "integer" | "serial" => LogicalType::Int32,
        "bigint" | "bigserial" | "oid" => LogicalType::Int64,
        "real" => LogicalType::Float32,
        "double precision" => LogicalType::Float64,
        "numeric" | "decimal" => LogicalType::Decimal {
            precision: args.first().copied(),
            scale: args.get(1).copied().or(args.first().map(|_| 0)),
        },
        "money" => LogicalType::Decimal {
            precision: Some(18),
            scale: Some(2),
        },
        "text" | "name" | "citext" => LogicalType::Text { max_length: None },
        "character varying" | "varchar" => LogicalType::Text {
            max_length: args.first().copied(),
        },
        "character" | "char" | "bpchar" => LogicalType::Char {
            length: args.first().copied().unwrap_or(1),
        },
        "\"char\"" => LogicalType::Char { length: 1 },
        "bytea" => LogicalType::Binary { max_length: None },
        "date" => LogicalType::Date,
        "time without time zone" | "time" => LogicalType::Time,
        "timestamp without time zone" | "timestamp" => LogicalType::Timestamp,
        "timestamp with time zone" | "timestamptz" => LogicalType::TimestampTz,
        "interval" => LogicalType::Interval,
        "uuid" => LogicalType::Uuid,
        "json" | "jsonb" => LogicalType::Json,
        "inet" | "cidr" => LogicalType::Inet,
        // bit(n) takes exactly n digits.
        "bit" => LogicalType::Opaque {
            literal: Some("0".repeat(args.first().copied().unwrap_or(1) as usize)),
        },
        other => LogicalType::Opaque {
            literal: postgres_default_form(other),
        },
    }
}

/// The default form of a PostgreSQL type patina does not model, when there is one.
fn postgres_default_form(base: &str) -> Option<String> {
    let literal = match base {
        "tsvector" => "",
        "tsquery" => "x",
        "xml" => "<x/>",
        "macaddr" => "08:00:2b:01:02:03",
        "macaddr8" => "08:00:2b:01:02:03:04:05",
        "point" => "(0,0)",
        "line" => "{1,-1,0}",
        "lseg" => "[(0,0),(1,1)]",
        "box" => "(1,1),(0,0)",
        "path" => "[(0,0),(1,1)]",
        "polygon" => "((0,0),(1,1),(1,0))",
        "circle" => "<(0,0),1>",
        "bit varying" => "",
        "time with time zone" => "00:00:00+00",
        "int4range" | "int8range" | "numrange" | "daterange" | "tsrange" | "tstzrange" => "empty",
        "pg_lsn" => "0/0",
        "txid_snapshot" | "pg_snapshot" => "1:1:",
        _ => return None,
    };
    Some(literal.to_owned())
}

/// Maps a SQLite declared type to a logical type, following SQLite's
/// affinity rules (section 3.1 of "Datatypes In SQLite") refined by the
/// common spellings (`DATETIME`, `NUMERIC(10,2)`, `VARCHAR(40)`, `BOOLEAN`).
pub fn from_sqlite(declared: &str) -> LogicalType {
    let upper = declared.trim().to_ascii_uppercase();
    let (base, args) = split_args(&upper);
    let base = base.trim();
    match base {
        "BOOLEAN" | "BOOL" => return LogicalType::Boolean,
        "SMALLINT" | "INT2" | "TINYINT" => return LogicalType::Int16,
        "DATE" => return LogicalType::Date,
        "DATETIME" | "TIMESTAMP" => return LogicalType::Timestamp,
        "TIME" => return LogicalType::Time,
        "UUID" => return LogicalType::Uuid,
        "JSON" | "JSONB" => return LogicalType::Json,
        "REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" => return LogicalType::Float64,
        "NUMERIC" | "DECIMAL" => {
            return LogicalType::Decimal {
                precision: args.first().copied(),
                scale: args.get(1).copied().or(args.first().map(|_| 0)),
            };
        }
        _ => {}
    }
    if base.contains("INT") {
        return LogicalType::Int64;
    }
    if base.contains("CHAR") || base.contains("CLOB") || base.contains("TEXT") {
        return LogicalType::Text {
            max_length: args.first().copied(),
        };
    }
    if base.contains("BLOB") || base.is_empty() {
        return LogicalType::Binary { max_length: None };
    }
    if base.contains("REAL") || base.contains("FLOA") || base.contains("DOUB") {
        return LogicalType::Float64;
    }
    LogicalType::Decimal {
        precision: None,
        scale: None,
    }
}

/// Maps a MySQL or MariaDB column, as `information_schema.COLUMNS` gives it
/// (`DATA_TYPE`, `COLUMN_TYPE`), to a logical type. `ENUM` and `SET` columns
/// are resolved by the caller, which names their enum. Returns the type and
/// whether the column is `UNSIGNED`.
pub fn from_mysql(data_type: &str, column_type: &str) -> (LogicalType, bool) {
    let data_type = data_type.to_ascii_lowercase();
    let column_type = column_type.to_ascii_lowercase();
    let unsigned = column_type.contains("unsigned");
    let (_, args) = split_args(&column_type);
    let logical = match data_type.as_str() {
        // MySQL spells BOOLEAN as tinyint(1).
        "tinyint" if column_type.starts_with("tinyint(1)") => LogicalType::Boolean,
        "tinyint" => LogicalType::Int16,
        "smallint" if unsigned => LogicalType::Int32,
        "smallint" => LogicalType::Int16,
        "mediumint" => LogicalType::Int32,
        "int" | "integer" if unsigned => LogicalType::Int64,
        "int" | "integer" => LogicalType::Int32,
        "bigint" => LogicalType::Int64,
        "year" => LogicalType::Int16,
        "float" => LogicalType::Float32,
        "double" | "real" => LogicalType::Float64,
        "decimal" | "numeric" => LogicalType::Decimal {
            precision: args.first().copied(),
            scale: args.get(1).copied().or(args.first().map(|_| 0)),
        },
        "char" => LogicalType::Char {
            length: args.first().copied().unwrap_or(1),
        },
        "varchar" => LogicalType::Text {
            max_length: args.first().copied(),
        },
        "tinytext" => LogicalType::Text {
            max_length: Some(255),
        },
        "text" | "mediumtext" | "longtext" => LogicalType::Text { max_length: None },
        "binary" | "varbinary" => LogicalType::Binary {
            max_length: args.first().copied(),
        },
        "tinyblob" => LogicalType::Binary {
            max_length: Some(255),
        },
        "blob" | "mediumblob" | "longblob" => LogicalType::Binary { max_length: None },
        "date" => LogicalType::Date,
        "datetime" | "timestamp" => LogicalType::Timestamp,
        "time" => LogicalType::Time,
        "json" => LogicalType::Json,
        "uuid" => LogicalType::Uuid,
        "inet4" | "inet6" => LogicalType::Inet,
        "bit" if args.first().copied().unwrap_or(1) == 1 => LogicalType::Boolean,
        _ => LogicalType::Opaque { literal: None },
    };
    (logical, unsigned)
}

/// Splits `numeric(10,2)` into `("numeric", [10, 2])`; also handles
/// `timestamp(3) without time zone` by removing the argument list.
fn split_args(t: &str) -> (&str, Vec<u32>) {
    let Some(open) = t.find('(') else {
        return (t, Vec::new());
    };
    let Some(close) = t[open..].find(')').map(|c| c + open) else {
        return (t, Vec::new());
    };
    let args = t[open + 1..close]
        .split(',')
        .filter_map(|a| a.trim().parse::<u32>().ok())
        .collect();
    let rest = t[close + 1..].trim();
    let head = t[..open].trim_end();
    if rest.is_empty() {
        (head, args)
    } else {
        // `timestamp(3) without time zone`: the modifier sits in the middle.
        match (head, rest) {
            ("timestamp", "without time zone") => ("timestamp without time zone", Vec::new()),
            ("timestamp", "with time zone") => ("timestamp with time zone", Vec::new()),
            ("time", "without time zone") => ("time without time zone", Vec::new()),
            ("time", "with time zone") => ("time with time zone", Vec::new()),
            _ => (head, args),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_types_map() {
        assert_eq!(
            from_postgres("numeric(10,2)"),
            LogicalType::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(
            from_postgres("numeric"),
            LogicalType::Decimal {
                precision: None,
                scale: None
            }
        );
        assert_eq!(
            from_postgres("character varying(40)"),
            LogicalType::Text {
                max_length: Some(40)
            }
        );
        assert_eq!(
            from_postgres("character(3)"),
            LogicalType::Char { length: 3 }
        );
        assert_eq!(
            from_postgres("timestamp(3) without time zone"),
            LogicalType::Timestamp
        );
        assert_eq!(
            from_postgres("timestamp with time zone"),
            LogicalType::TimestampTz
        );
        assert_eq!(
            from_postgres("integer[]"),
            LogicalType::Array {
                element: Box::new(LogicalType::Int32)
            }
        );
        assert_eq!(
            from_postgres("tsvector"),
            LogicalType::Opaque {
                literal: Some(String::new())
            }
        );
        assert_eq!(
            from_postgres("geometry"),
            LogicalType::Opaque { literal: None }
        );
    }

    #[test]
    fn mysql_types_map() {
        assert_eq!(
            from_mysql("tinyint", "tinyint(1)"),
            (LogicalType::Boolean, false)
        );
        assert_eq!(
            from_mysql("int", "int(10) unsigned"),
            (LogicalType::Int64, true)
        );
        assert_eq!(from_mysql("int", "int(11)"), (LogicalType::Int32, false));
        assert_eq!(
            from_mysql("decimal", "decimal(10,2)"),
            (
                LogicalType::Decimal {
                    precision: Some(10),
                    scale: Some(2)
                },
                false
            )
        );
        assert_eq!(
            from_mysql("varchar", "varchar(160)"),
            (
                LogicalType::Text {
                    max_length: Some(160)
                },
                false
            )
        );
        assert_eq!(
            from_mysql("datetime", "datetime"),
            (LogicalType::Timestamp, false)
        );
        assert_eq!(
            from_mysql("geometry", "geometry"),
            (LogicalType::Opaque { literal: None }, false)
        );
    }

    #[test]
    fn sqlite_types_follow_affinity() {
        assert_eq!(from_sqlite("INTEGER"), LogicalType::Int64);
        assert_eq!(
            from_sqlite("NVARCHAR(160)"),
            LogicalType::Text {
                max_length: Some(160)
            }
        );
        assert_eq!(
            from_sqlite("NUMERIC(10,2)"),
            LogicalType::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(from_sqlite("DATETIME"), LogicalType::Timestamp);
        assert_eq!(from_sqlite(""), LogicalType::Binary { max_length: None });
        assert_eq!(
            from_sqlite("BLOB"),
            LogicalType::Binary { max_length: None }
        );
    }
}
