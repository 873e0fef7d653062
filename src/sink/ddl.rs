//! `--create-schema`: the profile's schema as DDL in the target's dialect.
//!
//! A profile from the same engine keeps its native types, defaults and
//! CHECK expressions verbatim; across engines, types are mapped from the
//! logical type (docs/type-mapping.md) and CHECKs are re-written from their
//! parsed form, so a PostgreSQL profile creates valid SQLite and the reverse.

use crate::profile::Engine;
use crate::schema::check::{self, CmpOp, Literal, Predicate};
use crate::schema::{
    Column, Identity, LogicalType, PartitionStrategy, QualifiedName, Schema, Table,
};

/// A SQL dialect patina writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// `"name"` with embedded quotes doubled.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A table's (or type's) name in the dialect: schema-qualified where the dialect has schemas.
pub fn qualified(name: &QualifiedName, dialect: Dialect) -> String {
    match (&name.schema, dialect) {
        (Some(schema), Dialect::Postgres) => format!("{}.{}", quote(schema), quote(&name.name)),
        _ => quote(&name.name),
    }
}

/// DDL to run before loading, in order, plus warnings about what could not be carried over.
pub fn create_statements(
    schema: &Schema,
    source: Engine,
    dialect: Dialect,
) -> (Vec<String>, Vec<String>) {
    let same = matches!(
        (source, dialect),
        (Engine::Postgres, Dialect::Postgres) | (Engine::Sqlite, Dialect::Sqlite)
    );
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
            let base = if source == Engine::Postgres {
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
        if dialect == Dialect::Postgres
            && let Some(p) = &table.partitioning
        {
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
        }
    }
    if dialect == Dialect::Postgres {
        // Foreign keys last, so cycles and any table order work.
        for table in &schema.tables {
            for fk in &table.foreign_keys {
                let name = fk
                    .name
                    .as_ref()
                    .map(|n| format!("CONSTRAINT {} ", quote(n)))
                    .unwrap_or_default();
                out.push(format!(
                    "ALTER TABLE {} ADD {name}FOREIGN KEY ({}) REFERENCES {} ({}){}",
                    qualified(&table.name, dialect),
                    list(&fk.columns),
                    qualified(&fk.referenced_table, dialect),
                    list(&fk.referenced_columns),
                    if fk.deferrable { " DEFERRABLE" } else { "" }
                ));
            }
        }
    }
    (out, warnings)
}

fn list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ")
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
    if let Some(pk) = &table.primary_key {
        let name = pk
            .name
            .as_ref()
            .filter(|_| dialect == Dialect::Postgres)
            .map(|n| format!("CONSTRAINT {} ", quote(n)))
            .unwrap_or_default();
        if !rowid_alias {
            parts.push(format!("{name}PRIMARY KEY ({})", list(&pk.columns)));
        }
    }
    for u in &table.uniques {
        let name = u
            .name
            .as_ref()
            .filter(|_| dialect == Dialect::Postgres)
            .map(|n| format!("CONSTRAINT {} ", quote(n)))
            .unwrap_or_default();
        parts.push(format!("{name}UNIQUE ({})", list(&u.columns)));
    }
    let mut checks: Vec<(String, String)> = table
        .checks
        .iter()
        .map(|c| (c.name.clone(), c.expression.clone()))
        .collect();
    if dialect == Dialect::Sqlite {
        // SQLite has no domains: their checks become column checks.
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
                format!("CHECK {trimmed}")
            }
        } else {
            match check::parse(&expression) {
                Ok(p) => format!("CHECK ({})", render(&p)),
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
        parts.push(format!("CONSTRAINT {} {body}", quote(&name)));
    }
    if dialect == Dialect::Sqlite {
        for fk in &table.foreign_keys {
            parts.push(format!(
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                list(&fk.columns),
                quote(&fk.referenced_table.name),
                list(&fk.referenced_columns)
            ));
        }
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n  {}\n)",
        qualified(&table.name, dialect),
        parts.join(",\n  ")
    );
    if dialect == Dialect::Postgres
        && let Some(p) = &table.partitioning
    {
        let strategy = match p.strategy {
            PartitionStrategy::Range => "RANGE",
            PartitionStrategy::List => "LIST",
            PartitionStrategy::Hash => "HASH",
        };
        sql.push_str(&format!(" PARTITION BY {strategy} ({})", list(&p.columns)));
    } else if table.partitioning.is_some() {
        warnings.push(format!(
            "{}: partitioning has no SQLite equivalent; created as one table",
            table.name
        ));
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

fn column_definition(
    schema: &Schema,
    table: &Table,
    column: &Column,
    source: Engine,
    dialect: Dialect,
    same: bool,
    warnings: &mut Vec<String>,
) -> String {
    let mut sql = quote(&column.name);
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
            } else if source == Engine::Postgres && !contains_enum(&column.logical_type) {
                sql.push_str(&column.native_type);
            } else {
                sql.push_str(&pg_type(&column.logical_type));
            }
        }
        Dialect::Sqlite => {
            if rowid {
                sql.push_str("INTEGER PRIMARY KEY");
            } else if source == Engine::Sqlite {
                sql.push_str(&column.native_type);
            } else {
                sql.push_str(&sqlite_type(&column.logical_type));
            }
        }
    }
    if let Some(expr) = &column.generated {
        let stored = if dialect == Dialect::Postgres {
            " STORED"
        } else {
            ""
        };
        sql.push_str(&format!(
            " GENERATED ALWAYS AS {}{stored}",
            parenthesised(expr)
        ));
        return sql;
    }
    match (column.identity, dialect) {
        (Some(Identity::Always), Dialect::Postgres) if same => {
            sql.push_str(" GENERATED ALWAYS AS IDENTITY")
        }
        (Some(Identity::ByDefault), Dialect::Postgres) => {
            sql.push_str(" GENERATED BY DEFAULT AS IDENTITY")
        }
        (Some(Identity::AutoIncrement | Identity::Always), Dialect::Postgres) => {
            sql.push_str(" GENERATED BY DEFAULT AS IDENTITY")
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
        match translate_default(default, same) {
            Some(d) => sql.push_str(&format!(" DEFAULT {d}")),
            None => warnings.push(format!(
                "{}.{}: default `{default}` not carried over",
                table.name, column.name
            )),
        }
    }
    let _ = schema;
    sql
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
        "NOW()" | "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME"
    ) {
        return Some(if upper == "NOW()" {
            "CURRENT_TIMESTAMP".into()
        } else {
            upper
        });
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

/// A parsed check written in portable SQL.
pub fn render(p: &Predicate) -> String {
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
        } => format!("{} {} {}", quote(column), op(o), lit(value)),
        Predicate::Columns { left, op: o, right } => {
            format!("{} {} {}", quote(left), op(o), quote(right))
        }
        Predicate::In {
            column,
            values,
            negated,
        } if values.is_empty() => {
            format!(
                "{} IS {}NULL",
                quote(column),
                if *negated { "" } else { "NOT " }
            )
        }
        Predicate::In {
            column,
            values,
            negated,
        } => format!(
            "{} {}IN ({})",
            quote(column),
            if *negated { "NOT " } else { "" },
            values.iter().map(lit).collect::<Vec<_>>().join(", ")
        ),
        Predicate::NotNull { column } => format!("{} IS NOT NULL", quote(column)),
        Predicate::Length {
            column,
            op: o,
            value,
        } => format!("length({}) {} {value}", quote(column), op(o)),
        Predicate::And(parts) => parts
            .iter()
            .map(|p| format!("({})", render(p)))
            .collect::<Vec<_>>()
            .join(" AND "),
        Predicate::UnlessNull { column, rest } => {
            format!("{} IS NULL OR ({})", quote(column), render(rest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_postgres_checks_portably() {
        let p = check::parse("CHECK (((status)::text = ANY ((ARRAY['a'::character varying, 'b''c'::character varying])::text[])))").unwrap();
        assert_eq!(render(&p), "\"status\" IN ('a', 'b''c')");
        let p = check::parse("CHECK ((price >= (0)::numeric))").unwrap();
        assert_eq!(render(&p), "\"price\" >= 0");
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
        assert_eq!(translate_default("0", false).as_deref(), Some("0"));
        assert_eq!(translate_default("gen_random_uuid()", false), None);
    }
}
