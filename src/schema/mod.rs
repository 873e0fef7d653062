//! The engine-neutral schema model: tables, columns, logical types, keys,
//! uniques, foreign keys, checks, enums, domains and partitioning.
//!
//! Introspection fills it from a live database, the profile stores it, the
//! planner reads it and `sink::ddl` writes it back in any dialect. It knows
//! nothing of drivers or files.

pub mod check;
pub mod types;

pub use types::LogicalType;

use serde::{Deserialize, Serialize};
use std::fmt;

/// A schema-qualified name of a table, enum or domain.
///
/// `schema` is `None` for engines without schemas (SQLite) and is dropped
/// when a profile is generated into such an engine.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    /// The schema (namespace), if the engine has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's own name, exactly as the source spells it.
    pub name: String,
}

impl QualifiedName {
    /// A name with a schema.
    pub fn new(schema: Option<&str>, name: &str) -> Self {
        Self {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Everything patina knows about the structure of a database.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Tables, sorted by name.
    pub tables: Vec<Table>,
    /// Enumerated types (PostgreSQL `CREATE TYPE … AS ENUM`).
    #[serde(default)]
    pub enums: Vec<EnumType>,
    /// Domains (PostgreSQL `CREATE DOMAIN`).
    #[serde(default)]
    pub domains: Vec<Domain>,
}

impl Schema {
    /// The table with this name.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// The index of the table with this name.
    pub fn table_index(&self, name: &QualifiedName) -> Option<usize> {
        self.tables.iter().position(|t| &t.name == name)
    }

    /// The enum with this name.
    pub fn enum_type(&self, name: &QualifiedName) -> Option<&EnumType> {
        self.enums.iter().find(|e| &e.name == name)
    }

    /// The domain with this name.
    pub fn domain(&self, name: &QualifiedName) -> Option<&Domain> {
        self.domains.iter().find(|d| &d.name == name)
    }

    /// The distinct schemas the tables live in, sorted.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .tables
            .iter()
            .filter_map(|t| t.name.schema.as_deref())
            .collect();
        names.extend(self.enums.iter().filter_map(|e| e.name.schema.as_deref()));
        names.extend(self.domains.iter().filter_map(|d| d.name.schema.as_deref()));
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// One table (a partitioned table counts once, as its parent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The table's name.
    pub name: QualifiedName,
    /// Columns in their physical order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<Key>,
    /// Unique constraints and unique indexes other than the primary key.
    #[serde(default)]
    pub uniques: Vec<Key>,
    /// Foreign keys out of this table.
    #[serde(default)]
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints, with their expression in the source dialect.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// How the table is partitioned, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitioning: Option<Partitioning>,
    /// The table's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Table {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The index of the column with this name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// A column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The column's name, exactly as the source spells it.
    pub name: String,
    /// The type as the source engine writes it (`character varying(40)`).
    pub native_type: String,
    /// The engine-neutral type patina generates.
    pub logical_type: LogicalType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression, in the source dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// How the database numbers this column by itself, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The expression of a generated (computed) column; patina never writes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// The domain the column's type is, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<QualifiedName>,
    /// MySQL's `UNSIGNED`: no value below zero.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
    /// The collation of a text column (MySQL), which names its character set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The column's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// How a database numbers a column by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
    /// `serial`: a default of `nextval(…)` on an owned sequence.
    Serial,
    /// SQLite's `INTEGER PRIMARY KEY` (the rowid) or MySQL's `AUTO_INCREMENT`.
    AutoIncrement,
}

/// A primary key or unique constraint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// The constraint's name, if the engine gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its columns, in key order.
    pub columns: Vec<String>,
}

impl Key {
    /// The name, or the column list when the constraint has none.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("({})", self.columns.join(", ")),
        }
    }
}

/// A foreign key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint's name, if the engine gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: QualifiedName,
    /// The referenced columns, pairwise with `columns`.
    pub referenced_columns: Vec<String>,
    /// Whether the constraint can be deferred to commit.
    #[serde(default)]
    pub deferrable: bool,
}

impl ForeignKey {
    /// The name, or the column list when the constraint has none.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("({}) -> {}", self.columns.join(", "), self.referenced_table),
        }
    }
}

/// A CHECK constraint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// The constraint's name (SQLite's unnamed checks get `<table>_check<N>`).
    pub name: String,
    /// The boolean expression, in the source dialect, without `CHECK`.
    pub expression: String,
}

/// An enumerated type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumType {
    /// The type's name.
    pub name: QualifiedName,
    /// Its labels in declaration order (schema, not data: always kept).
    pub values: Vec<String>,
}

/// A domain: a named base type with its own constraints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    /// The domain's name.
    pub name: QualifiedName,
    /// The base type as the source writes it.
    pub native_type: String,
    /// The base type, engine-neutral.
    pub logical_type: LogicalType,
    /// Whether the domain allows NULL.
    pub nullable: bool,
    /// The domain's default, in the source dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Its CHECK constraints; `VALUE` stands for the value.
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// How a table is partitioned (PostgreSQL declarative partitioning).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partitioning {
    /// `range`, `list` or `hash`.
    pub strategy: PartitionStrategy,
    /// The partition key columns.
    pub columns: Vec<String>,
    /// The partitions, each with its bound as PostgreSQL writes it
    /// (`FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`, `DEFAULT`).
    pub partitions: Vec<Partition>,
}

/// A partitioning strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionStrategy {
    /// `PARTITION BY RANGE`.
    Range,
    /// `PARTITION BY LIST`.
    List,
    /// `PARTITION BY HASH`.
    Hash,
}

/// One partition of a partitioned table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partition {
    /// The partition's own table name.
    pub name: QualifiedName,
    /// Its bound, as PostgreSQL's `pg_get_expr(relpartbound, oid)` writes it.
    pub bound: String,
}
