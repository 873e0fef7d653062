//! `--create-schema`: the profile's schema as DDL in the target's dialect.
//!
//! A profile from the same engine keeps its native types, defaults and
//! CHECK expressions verbatim; across engines, types are mapped from the
//! logical type (docs/type-mapping.md) and CHECKs are re-written from their
//! parsed form, so any supported engine's profile creates valid DDL in any
//! other.

use crate::profile::Engine;
use crate::schema::check::{self, CmpOp, Literal, Predicate};
use crate::schema::{
    Column, ForeignKey, Identity, LogicalType, PartitionStrategy, QualifiedName, Schema, Table,
};

/// A SQL dialect patina writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL and MariaDB.
    Mysql,
}

impl Dialect {
    /// The engine whose profiles this dialect reproduces verbatim.
    fn engine(self) -> Engine {
        match self {
            Dialect::Postgres => Engine::Postgres,
            Dialect::Sqlite => Engine::Sqlite,
            Dialect::Mysql => Engine::Mysql,
        }
    }
}

/// An identifier quoted for the dialect (`"name"`, or `` `name` `` for MySQL).
pub fn quote_in(name: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// `"name"` with embedded quotes doubled (PostgreSQL and SQLite).
pub fn quote(name: &str) -> String {
    quote_in(name, Dialect::Postgres)
}

/// A table's (or type's) name in the dialect: schema-qualified where the dialect has schemas.
pub fn qualified(name: &QualifiedName, dialect: Dialect) -> String {
    match (&name.schema, dialect) {
        (Some(schema), Dialect::Postgres) => format!("{}.{}", quote(schema), quote(&name.name)),
        _ => quote_in(&name.name, dialect),
    }
}

/// DDL to run before loading, in order, plus warnings about what could not be carried over.
pub fn create_statements(
    schema: &Schema,
    source: Engine,
    dialect: Dialect,
) -> (Vec<String>, Vec<String>) {
    let same = source == dialect.engine();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    if dialect == Dialect::Postgres {
        for namespace in schema.namespaces() {
            out.push(format!("CREATE SCHEMA IF NOT EXISTS {}", quote(namespace)));
        }
        for e in &schema.enums {
            let labels: Vec<String> = e.values.iter().map(|v| sql_string(v)).collect();
            out.push(format!(
                "CREATE TYPE {} AS ENUM ({})",
                qualified(&e.name, dialect),
                labels.join(", ")
            ));
        }
        for d in &schema.domains {
            let base = if same {
                d.native_type.clone()
            } else {
                pg_type(&d.logical_type)
            };
            let mut sql = format!("CREATE DOMAIN {} AS {base}", qualified(&d.name, dialect));
            if let Some(default) = d.default.as_ref().filter(|_| same) {
                sql.push_str(&format!(" DEFAULT {default}"));
            }
            if !d.nullable {
                sql.push_str(" NOT NULL");
            }
            for c in &d.checks {
                sql.push_str(&format!(" CONSTRAINT {} {}", quote(&c.name), c.expression));
            }
            out.push(sql);
        }
    }
    for table in &schema.tables {
        out.push(create_table(
            schema,
            table,
            source,
            dialect,
            same,
            &mut warnings,
        ));
        if let Some(p) = &table.partitioning {
            if dialect == Dialect::Postgres {
                for part in &p.partitions {
                    let name = QualifiedName {
                        schema: part.name.schema.clone().or(table.name.schema.clone()),
                        name: part.name.name.clone(),
                    };
                    out.push(format!(
                        "CREATE TABLE {} PARTITION OF {} {}",
                        qualified(&name, dialect),
                        qualified(&table.name, dialect),
                        part.bound
                    ));
                }
            } else {
                warnings.push(format!(
                    "{}: partitioning is not carried over; created as one table",
                    table.name
                ));
            }
        }
    }
    if dialect != Dialect::Sqlite {
        // Foreign keys last, so cycles and any table order work.
        for table in &schema.tables {
            for fk in &table.foreign_keys {
                out.push(add_foreign_key(table, fk, dialect));
            }
        }
    }
    (out, warnings)
}

fn add_foreign_key(table: &Table, fk: &ForeignKey, dialect: Dialect) -> String {
    format!(
        "ALTER TABLE {} {}",
        qualified(&table.name, dialect),
        foreign_key_clause(fk, dialect)
    )
}

/// `ADD [CONSTRAINT name] FOREIGN KEY (…) REFERENCES …`.
fn foreign_key_clause(fk: &ForeignKey, dialect: Dialect) -> String {
    let name = fk
        .name
        .as_ref()
        .map(|n| format!("CONSTRAINT {} ", quote_in(n, dialect)))
        .unwrap_or_default();
    let deferrable = if fk.deferrable && dialect == Dialect::Postgres {
        " DEFERRABLE"
    } else {
        ""
    };
    format!(
        "ADD {name}FOREIGN KEY ({}) REFERENCES {} ({}){deferrable}",
        list(&fk.columns, dialect),
        qualified(&fk.referenced_table, dialect),
        list(&fk.referenced_columns, dialect),
    )
}

/// A statement `--defer-indexes` runs after the load, with what it adds.
#[derive(Clone, Debug)]
pub struct AfterLoad {
    /// For messages: "the keys of `shop.orders`".
    pub what: String,
    /// The `ALTER TABLE`.
    pub sql: String,
}

/// `--defer-indexes`: takes the primary keys, unique keys and foreign keys
/// out of `schema` (except the keys of tables `keep` names), so the tables
/// are created bare and loaded without index upkeep, and returns the
/// statements that add them back after the load: one per table for its keys,
/// then one per table for its foreign keys, which need those keys. Each
/// builds its index in one sort instead of row by row, and checks every row.
pub fn defer_keys(
    schema: &mut Schema,
    dialect: Dialect,
    keep: impl Fn(usize, &Table) -> bool,
) -> Vec<AfterLoad> {
    let mut keys = Vec::new();
    let mut foreign_keys = Vec::new();
    for (t, table) in schema.tables.iter_mut().enumerate() {
        let name = qualified(&table.name, dialect);
        if !keep(t, table) {
            let constraint = |n: &Option<String>| {
                n.as_ref()
                    .map(|n| format!("CONSTRAINT {} ", quote_in(n, dialect)))
                    .unwrap_or_default()
            };
            let mut clauses = Vec::new();
            if let Some(pk) = table.primary_key.take() {
                // MySQL names every primary key PRIMARY.
                let named = if dialect == Dialect::Mysql {
                    String::new()
                } else {
                    constraint(&pk.name)
                };
                clauses.push(format!(
                    "ADD {named}PRIMARY KEY ({})",
                    list(&pk.columns, dialect)
                ));
            }
            for u in std::mem::take(&mut table.uniques) {
                clauses.push(format!(
                    "ADD {}UNIQUE ({})",
                    constraint(&u.name),
                    list(&u.columns, dialect)
                ));
            }
            if !clauses.is_empty() {
                keys.push(AfterLoad {
                    what: format!("the keys of `{}`", table.name),
                    sql: format!("ALTER TABLE {name} {}", clauses.join(", ")),
                });
            }
        }
        if !table.foreign_keys.is_empty() {
            let clauses: Vec<String> = table
                .foreign_keys
                .iter()
                .map(|fk| foreign_key_clause(fk, dialect))
                .collect();
            foreign_keys.push(AfterLoad {
                what: format!("the foreign keys of `{}`", table.name),
                sql: format!("ALTER TABLE {name} {}", clauses.join(", ")),
            });
            table.foreign_keys.clear();
        }
    }
    keys.extend(foreign_keys);
    keys
}

fn list(columns: &[String], dialect: Dialect) -> String {
    columns
        .iter()
        .map(|c| quote_in(c, dialect))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a column is part of an index MySQL creates (keys and foreign
/// keys), which limits its type's length.
pub(crate) fn in_key(table: &Table, column: &str) -> bool {
    let keyed = |columns: &[String]| columns.iter().any(|c| c == column);
    table
        .primary_key
        .iter()
        .chain(&table.uniques)
        .any(|k| keyed(&k.columns))
        || table.foreign_keys.iter().any(|f| keyed(&f.columns))
}

fn create_table(
    schema: &Schema,
    table: &Table,
    source: Engine,
    dialect: Dialect,
    same: bool,
    warnings: &mut Vec<String>,
) -> String {
    let mut parts: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_definition(schema, table, c, source, dialect, same, warnings))
        .collect();
    let rowid_alias = dialect == Dialect::Sqlite && sqlite_rowid_alias(table).is_some();
    let constraint_name = |name: &Option<String>| {
        name.as_ref()
            .filter(|_| dialect != Dialect::Sqlite)
            .map(|n| format!("CONSTRAINT {} ", quote_in(n, dialect)))
            .unwrap_or_default()
    };
    if let Some(pk) = &table.primary_key
        && !rowid_alias
    {
        // MySQL names every primary key PRIMARY.
        let name = if dialect == Dialect::Mysql {
            String::new()
        } else {
            constraint_name(&pk.name)
        };
        parts.push(format!(
            "{name}PRIMARY KEY ({})",
            list(&pk.columns, dialect)
        ));
    }
    for u in &table.uniques {
        parts.push(format!(
            "{}UNIQUE ({})",
            constraint_name(&u.name),
            list(&u.columns, dialect)
        ));
    }
    let mut checks: Vec<(String, String)> = table
        .checks
        .iter()
        .map(|c| (c.name.clone(), c.expression.clone()))
        .collect();
    if dialect != Dialect::Postgres {
        // Only PostgreSQL has domains: their checks become column checks.
        for column in &table.columns {
            if let Some(d) = column.domain.as_ref().and_then(|d| schema.domain(d)) {
                for c in &d.checks {
                    checks.push((
                        format!("{}_{}", column.name, c.name),
                        c.expression.replace("VALUE", &quote(&column.name)),
                    ));
                }
            }
        }
    }
    for (name, expression) in checks {
        let body = if same {
            let trimmed = expression.trim();
            if trimmed.len() >= 5 && trimmed[..5].eq_ignore_ascii_case("CHECK") {
                trimmed.to_owned()
            } else {
                format!("CHECK ({trimmed})")
            }
        } else {
            match check::parse(&expression) {
                Ok(p) => format!("CHECK ({})", render(&p, dialect)),
                Err(reason) => {
                    warnings.push(format!(
                        "{}: check {name} not created in the target ({reason})",
                        table.name
                    ));
                    continue;
                }
            }
        };
        let body = body.trim_end_matches(" NOT VALID").to_owned();
        parts.push(format!("CONSTRAINT {} {body}", quote_in(&name, dialect)));
    }
    if dialect == Dialect::Sqlite {
        for fk in &table.foreign_keys {
            parts.push(format!(
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                list(&fk.columns, dialect),
                quote(&fk.referenced_table.name),
                list(&fk.referenced_columns, dialect)
            ));
        }
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n  {}\n)",
        qualified(&table.name, dialect),
        parts.join(",\n  ")
    );
    match dialect {
        Dialect::Postgres => {
            if let Some(p) = &table.partitioning {
                let strategy = match p.strategy {
                    PartitionStrategy::Range => "RANGE",
                    PartitionStrategy::List => "LIST",
                    PartitionStrategy::Hash => "HASH",
                };
                sql.push_str(&format!(
                    " PARTITION BY {strategy} ({})",
                    list(&p.columns, dialect)
                ));
            }
        }
        Dialect::Mysql => sql.push_str(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"),
        Dialect::Sqlite => {}
    }
    sql
}

/// The integer primary-key column that becomes SQLite's rowid, if any.
fn sqlite_rowid_alias(table: &Table) -> Option<&Column> {
    let pk = table.primary_key.as_ref()?;
    if pk.columns.len() != 1 {
        return None;
    }
    let column = table.column(&pk.columns[0])?;
    (column.identity.is_some() && column.logical_type.integer_range().is_some()).then_some(column)
}

#[allow(clippy::too_many_lines)]
fn column_definition(
    schema: &Schema,
    table: &Table,
    column: &Column,
    source: Engine,
    dialect: Dialect,
    same: bool,
    warnings: &mut Vec<String>,
) -> String {
    let mut sql = quote_in(&column.name, dialect);
    sql.push(' ');
    let rowid = dialect == Dialect::Sqlite
        && sqlite_rowid_alias(table).is_some_and(|c| c.name == column.name);
    match dialect {
        Dialect::Postgres => {
            if let Some(domain) = &column.domain {
                sql.push_str(&qualified(domain, dialect));
            } else if column.identity == Some(Identity::Serial) {
                sql.push_str(match column.logical_type {
                    LogicalType::Int16 => "smallserial",
                    LogicalType::Int64 => "bigserial",
                    _ => "serial",
                });
            } else if same && !contains_enum(&column.logical_type) {
                sql.push_str(&column.native_type);
            } else {
                sql.push_str(&pg_type(&column.logical_type));
            }
        }
        Dialect::Sqlite => {
            if rowid {
                sql.push_str("INTEGER PRIMARY KEY");
            } else if same {
                sql.push_str(&column.native_type);
            } else {
                sql.push_str(&sqlite_type(&column.logical_type));
            }
        }
        Dialect::Mysql => {
            if same {
                sql.push_str(&column.native_type);
                if let Some(collation) = &column.collation {
                    sql.push_str(&format!(" COLLATE {collation}"));
                }
            } else {
                sql.push_str(&mysql_type(
                    schema,
                    &column.logical_type,
                    in_key(table, &column.name),
                ));
            }
        }
    }
    if let Some(expr) = &column.generated {
        let expr = if same {
            expr.clone()
        } else {
            portable_expression(expr, dialect)
        };
        let stored = if dialect == Dialect::Sqlite {
            ""
        } else {
            " STORED"
        };
        sql.push_str(&format!(
            " GENERATED ALWAYS AS {}{stored}",
            parenthesised(&expr)
        ));
        if source != dialect.engine() {
            warnings.push(format!(
                "{}.{}: generated column expression carried over as written",
                table.name, column.name
            ));
        }
        return sql;
    }
    match (column.identity, dialect) {
        (Some(Identity::Always), Dialect::Postgres) if same => {
            sql.push_str(" GENERATED ALWAYS AS IDENTITY")
        }
        (
            Some(Identity::ByDefault | Identity::AutoIncrement | Identity::Always),
            Dialect::Postgres,
        ) => {
            sql.push_str(" GENERATED BY DEFAULT AS IDENTITY");
        }
        (Some(_), Dialect::Mysql)
            if column.logical_type.integer_range().is_some() && in_key(table, &column.name) =>
        {
            sql.push_str(" AUTO_INCREMENT");
        }
        _ => {}
    }
    let pk_column = table
        .primary_key
        .as_ref()
        .is_some_and(|k| k.columns.contains(&column.name));
    // An identity primary key is NOT NULL by being the key.
    let implied = rowid || (pk_column && dialect == Dialect::Postgres && column.identity.is_some());
    if !column.nullable && !implied {
        sql.push_str(" NOT NULL");
    }
    if column.identity.is_none()
        && let Some(default) = &column.default
    {
        let translated =
            translate_default(default, same).map(|d| match (&column.logical_type, d.as_str()) {
                // MySQL and SQLite spell booleans 1 and 0; PostgreSQL does not take them.
                (LogicalType::Boolean, "1") if !same => "TRUE".to_owned(),
                (LogicalType::Boolean, "0") if !same => "FALSE".to_owned(),
                _ => d,
            });
        match translated.filter(|d| same || default_fits(schema, &column.logical_type, d)) {
            Some(d) if dialect == Dialect::Mysql && !same => {
                sql.push_str(&format!(
                    " DEFAULT {}",
                    mysql_default(&column.logical_type, &d)
                ));
            }
            Some(d) => sql.push_str(&format!(" DEFAULT {d}")),
            None => warnings.push(format!(
                "{}.{}: default `{default}` not carried over",
                table.name, column.name
            )),
        }
    }
    sql
}

/// A translated default in MySQL's form: `CURRENT_TIMESTAMP(6)` for the
/// DATETIME(6) patina creates, and defaults of TEXT, BLOB and JSON columns as
/// expressions in parentheses (MySQL 8.0.13+, MariaDB 10.2+).
fn mysql_default(t: &LogicalType, default: &str) -> String {
    match (t, default) {
        (LogicalType::Timestamp | LogicalType::TimestampTz, "CURRENT_TIMESTAMP") => {
            "CURRENT_TIMESTAMP(6)".into()
        }
        (LogicalType::Date, "CURRENT_DATE") => "(CURRENT_DATE)".into(),
        (
            LogicalType::Text { max_length: None }
            | LogicalType::Binary { max_length: None }
            | LogicalType::Json
            | LogicalType::Array { .. },
            _,
        ) => format!("({default})"),
        _ => default.to_owned(),
    }
}

/// Whether a translated default is valid for the column's type in another
/// engine (an enum's default must be one of its labels: MySQL's empty SET is not).
fn default_fits(schema: &Schema, t: &LogicalType, default: &str) -> bool {
    match t {
        LogicalType::Enum { name } => {
            let label = default.trim_matches('\'').replace("''", "'");
            schema
                .enum_type(name)
                .is_some_and(|e| e.values.contains(&label))
        }
        _ => true,
    }
}

fn contains_enum(t: &LogicalType) -> bool {
    match t {
        LogicalType::Enum { .. } => true,
        LogicalType::Array { element } => contains_enum(element),
        _ => false,
    }
}

fn parenthesised(expr: &str) -> String {
    let e = expr.trim();
    if e.starts_with('(') && e.ends_with(')') {
        e.to_owned()
    } else {
        format!("({e})")
    }
}

/// An expression from another engine with PostgreSQL's `::type` casts
/// removed and identifiers re-quoted: enough for arithmetic on columns.
fn portable_expression(expr: &str, dialect: Dialect) -> String {
    let mut out = String::with_capacity(expr.len());
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ':' && chars.get(i + 1) == Some(&':') {
            // Skip the cast's type name, with `(p,s)` and `[]` if present.
            i += 2;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == ' ')
            {
                if chars[i] == ' '
                    && !chars[i + 1..]
                        .iter()
                        .take_while(|c| **c != ' ')
                        .all(|c| c.is_alphabetic())
                {
                    break;
                }
                i += 1;
            }
            if chars.get(i) == Some(&'(') {
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
                i += 1;
            }
            continue;
        }
        // Re-quote identifiers: backticks outside MySQL, double quotes inside it.
        if c == '`' || (c == '"' && dialect == Dialect::Mysql) {
            let close = c;
            let mut name = String::new();
            i += 1;
            while i < chars.len() && chars[i] != close {
                name.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push_str(&quote_in(&name, dialect));
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A default expression the target understands: verbatim within one engine,
/// literals and the current time across engines.
fn translate_default(default: &str, same: bool) -> Option<String> {
    if same {
        return Some(default.to_owned());
    }
    let d = default.trim();
    let upper = d.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "NOW()" | "CURRENT_TIMESTAMP" | "CURRENT_TIMESTAMP()" | "CURRENT_DATE" | "CURRENT_TIME"
    ) {
        return Some(
            if upper.starts_with("NOW") || upper.starts_with("CURRENT_TIMESTAMP") {
                "CURRENT_TIMESTAMP".into()
            } else {
                upper
            },
        );
    }
    if upper == "TRUE" || upper == "FALSE" {
        return Some(upper);
    }
    // Strip a trailing `::type` cast from a literal.
    let literal = match d.find("::") {
        Some(i)
            if d.starts_with('\'')
                || d.starts_with('(')
                || d.starts_with(|c: char| c.is_ascii_digit() || c == '-') =>
        {
            &d[..i]
        }
        _ => d,
    };
    let literal = literal.trim_start_matches('(').trim_end_matches(')');
    if literal.parse::<f64>().is_ok() {
        return Some(literal.to_owned());
    }
    if literal.starts_with('\'') && literal.ends_with('\'') && literal.len() >= 2 {
        return Some(literal.to_owned());
    }
    None
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The PostgreSQL type of a logical type.
pub fn pg_type(t: &LogicalType) -> String {
    match t {
        LogicalType::Boolean => "boolean".into(),
        LogicalType::Int16 => "smallint".into(),
        LogicalType::Int32 => "integer".into(),
        LogicalType::Int64 => "bigint".into(),
        LogicalType::Float32 => "real".into(),
        LogicalType::Float64 => "double precision".into(),
        LogicalType::Decimal {
            precision: Some(p),
            scale,
        } => format!("numeric({p},{})", scale.unwrap_or(0)),
        LogicalType::Decimal { .. } => "numeric".into(),
        LogicalType::Text {
            max_length: Some(n),
        } => format!("varchar({n})"),
        LogicalType::Text { max_length: None } => "text".into(),
        LogicalType::Char { length } => format!("char({length})"),
        LogicalType::Binary { .. } => "bytea".into(),
        LogicalType::Date => "date".into(),
        LogicalType::Time => "time".into(),
        LogicalType::Timestamp => "timestamp".into(),
        LogicalType::TimestampTz => "timestamptz".into(),
        LogicalType::Interval => "interval".into(),
        LogicalType::Uuid => "uuid".into(),
        LogicalType::Json => "jsonb".into(),
        LogicalType::Inet => "inet".into(),
        LogicalType::Enum { name } => qualified(name, Dialect::Postgres),
        LogicalType::Array { element } => format!("{}[]", pg_type(element)),
        LogicalType::Opaque { .. } => "text".into(),
    }
}

/// The SQLite declared type of a logical type (chosen for the right affinity).
pub fn sqlite_type(t: &LogicalType) -> String {
    match t {
        LogicalType::Boolean => "BOOLEAN".into(),
        LogicalType::Int16 | LogicalType::Int32 | LogicalType::Int64 => "INTEGER".into(),
        LogicalType::Float32 | LogicalType::Float64 => "REAL".into(),
        LogicalType::Decimal {
            precision: Some(p),
            scale,
        } => format!("NUMERIC({p},{})", scale.unwrap_or(0)),
        LogicalType::Decimal { .. } => "NUMERIC".into(),
        LogicalType::Text {
            max_length: Some(n),
        } => format!("VARCHAR({n})"),
        LogicalType::Char { length } => format!("CHAR({length})"),
        LogicalType::Binary { .. } => "BLOB".into(),
        LogicalType::Date => "DATE".into(),
        LogicalType::Time => "TIME".into(),
        LogicalType::Timestamp | LogicalType::TimestampTz => "TIMESTAMP".into(),
        LogicalType::Json => "JSON".into(),
        _ => "TEXT".into(),
    }
}

/// VARCHAR length for unbounded text in a key: InnoDB keys hold 3072 bytes,
/// 768 utf8mb4 characters, shared by all the key's columns; 255 lets three
/// such columns share one key. Longer values fail the load naming the column.
const MYSQL_KEY_CHARS: u32 = 255;
/// Longest VARCHAR in utf8mb4 before a row outgrows 65 535 bytes.
const MYSQL_VARCHAR_CHARS: u32 = 16_383;

/// The MySQL type of a logical type; `key` when the column is part of an index.
pub fn mysql_type(schema: &Schema, t: &LogicalType, key: bool) -> String {
    match t {
        LogicalType::Boolean => "BOOLEAN".into(),
        LogicalType::Int16 => "SMALLINT".into(),
        LogicalType::Int32 => "INT".into(),
        LogicalType::Int64 => "BIGINT".into(),
        LogicalType::Float32 => "FLOAT".into(),
        LogicalType::Float64 => "DOUBLE".into(),
        LogicalType::Decimal { precision, scale } => {
            // MySQL allows 65 digits and a scale of 30.
            let p = precision.unwrap_or(38).min(65);
            format!("DECIMAL({p},{})", scale.unwrap_or(2).min(30).min(p))
        }
        LogicalType::Text {
            max_length: Some(n),
        } if *n <= MYSQL_VARCHAR_CHARS => format!("VARCHAR({n})"),
        LogicalType::Text { .. } if key => format!("VARCHAR({MYSQL_KEY_CHARS})"),
        LogicalType::Text { .. } => "LONGTEXT".into(),
        LogicalType::Char { length } if *length <= 255 => format!("CHAR({length})"),
        LogicalType::Char { length } => format!("VARCHAR({length})"),
        LogicalType::Binary {
            max_length: Some(n),
        } if *n <= 65_535 => format!("VARBINARY({n})"),
        LogicalType::Binary { .. } if key => "VARBINARY(3072)".into(),
        LogicalType::Binary { .. } => "LONGBLOB".into(),
        LogicalType::Date => "DATE".into(),
        LogicalType::Time => "TIME(6)".into(),
        // DATETIME, not TIMESTAMP: TIMESTAMP stops at 2038 and shifts with the session zone.
        LogicalType::Timestamp | LogicalType::TimestampTz => "DATETIME(6)".into(),
        LogicalType::Interval => "VARCHAR(64)".into(),
        LogicalType::Uuid => "CHAR(36)".into(),
        LogicalType::Json | LogicalType::Array { .. } => "JSON".into(),
        LogicalType::Inet => "VARCHAR(45)".into(),
        LogicalType::Enum { name } => {
            let labels = schema
                .enum_type(name)
                .map(|e| e.values.clone())
                .unwrap_or_default();
            format!(
                "ENUM({})",
                labels
                    .iter()
                    .map(|l| sql_string(l))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        LogicalType::Opaque { .. } if key => format!("VARCHAR({MYSQL_KEY_CHARS})"),
        LogicalType::Opaque { .. } => "LONGTEXT".into(),
    }
}

/// A parsed check written in portable SQL for the dialect.
pub fn render(p: &Predicate, dialect: Dialect) -> String {
    let q = |name: &str| quote_in(name, dialect);
    let op = |op: &CmpOp| match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    };
    let lit = |l: &Literal| match l {
        Literal::Bool(b) => {
            if *b {
                "TRUE".to_owned()
            } else {
                "FALSE".to_owned()
            }
        }
        other => other.to_string(),
    };
    match p {
        Predicate::Compare {
            column,
            op: o,
            value,
        } => format!("{} {} {}", q(column), op(o), lit(value)),
        Predicate::Columns { left, op: o, right } => format!("{} {} {}", q(left), op(o), q(right)),
        Predicate::In {
            column,
            values,
            negated,
        } if values.is_empty() => {
            format!(
                "{} IS {}NULL",
                q(column),
                if *negated { "" } else { "NOT " }
            )
        }
        Predicate::In {
            column,
            values,
            negated,
        } => format!(
            "{} {}IN ({})",
            q(column),
            if *negated { "NOT " } else { "" },
            values.iter().map(lit).collect::<Vec<_>>().join(", ")
        ),
        Predicate::NotNull { column } => format!("{} IS NOT NULL", q(column)),
        Predicate::Length {
            column,
            op: o,
            value,
        } => {
            let f = if dialect == Dialect::Mysql {
                "CHAR_LENGTH"
            } else {
                "length"
            };
            format!("{f}({}) {} {value}", q(column), op(o))
        }
        Predicate::And(parts) => parts
            .iter()
            .map(|p| format!("({})", render(p, dialect)))
            .collect::<Vec<_>>()
            .join(" AND "),
        Predicate::UnlessNull { column, rest } => {
            format!("{} IS NULL OR ({})", q(column), render(rest, dialect))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_postgres_checks_portably() {
        let p = check::parse(
            "CHECK (((status)::text = ANY ((ARRAY['a'::character varying, 'b''c'::character varying])::text[])))",
        )
        .unwrap();
        assert_eq!(render(&p, Dialect::Sqlite), "\"status\" IN ('a', 'b''c')");
        assert_eq!(render(&p, Dialect::Mysql), "`status` IN ('a', 'b''c')");
        let p = check::parse("CHECK ((price >= (0)::numeric))").unwrap();
        assert_eq!(render(&p, Dialect::Sqlite), "\"price\" >= 0");
    }

    #[test]
    fn translates_defaults() {
        assert_eq!(
            translate_default("'new'::character varying", false).as_deref(),
            Some("'new'")
        );
        assert_eq!(
            translate_default("now()", false).as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            translate_default("current_timestamp()", false).as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(translate_default("0", false).as_deref(), Some("0"));
        assert_eq!(translate_default("gen_random_uuid()", false), None);
    }

    #[test]
    fn expressions_lose_postgres_casts() {
        assert_eq!(
            portable_expression("(total * 1.2)", Dialect::Mysql),
            "(total * 1.2)"
        );
        assert_eq!(
            portable_expression("((\"Total\")::numeric * (2)::numeric)", Dialect::Mysql),
            "((`Total`) * (2))"
        );
        assert_eq!(
            portable_expression("`Total` * 2", Dialect::Postgres),
            "\"Total\" * 2"
        );
    }
}
