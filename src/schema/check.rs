//! A small parser for CHECK constraint expressions, as PostgreSQL's
//! `pg_get_constraintdef` and SQLite's DDL write them.
//!
//! It understands what can be turned into a rule per column: comparisons
//! with literals (`price >= 0`), comparisons between two columns
//! (`ends_at >= starts_at`), `IN` lists and `= ANY (ARRAY[…])`, `BETWEEN`,
//! `IS NOT NULL`, `length(col)` comparisons, `AND`, and `col IS NULL OR …`.
//! Anything else is reported as unsupported, never guessed.

use std::fmt;

/// A literal in a check expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A number, kept as written so decimals keep their digits.
    Number(String),
    /// A string.
    Text(String),
    /// true or false.
    Bool(bool),
}

impl Literal {
    /// The literal as a float, when it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Literal::Number(n) => n.parse().ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Number(n) => f.write_str(n),
            Literal::Text(t) => write!(f, "'{}'", t.replace('\'', "''")),
            Literal::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>` or `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn flipped(self) -> Self {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }
}

/// A check expression patina can satisfy, column by column.
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// `column op literal`.
    Compare {
        /// Column name.
        column: String,
        /// Operator.
        op: CmpOp,
        /// Right-hand side.
        value: Literal,
    },
    /// `left op right`, both columns of the same row.
    Columns {
        /// Left column.
        left: String,
        /// Operator.
        op: CmpOp,
        /// Right column.
        right: String,
    },
    /// `column [NOT] IN (…)`.
    In {
        /// Column name.
        column: String,
        /// The list.
        values: Vec<Literal>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `column IS NOT NULL`.
    NotNull {
        /// Column name.
        column: String,
    },
    /// `length(column) op n`.
    Length {
        /// Column name.
        column: String,
        /// Operator.
        op: CmpOp,
        /// Length.
        value: i64,
    },
    /// All must hold.
    And(Vec<Predicate>),
    /// `column IS NULL OR rest`: rest must hold whenever the column is not NULL.
    UnlessNull {
        /// Column name.
        column: String,
        /// What must hold otherwise.
        rest: Box<Predicate>,
    },
}

impl Predicate {
    /// Flattens nested `And`s into a list of conjuncts.
    pub fn conjuncts(&self) -> Vec<&Predicate> {
        match self {
            Predicate::And(parts) => parts.iter().flat_map(Predicate::conjuncts).collect(),
            other => vec![other],
        }
    }
}

/// Parses a check expression (with or without the `CHECK (…)` around it).
pub fn parse(expression: &str) -> Result<Predicate, String> {
    let tokens = tokenize(expression)?;
    let mut parser = Parser { tokens, pos: 0 };
    if parser.peek_keyword("CHECK") {
        parser.pos += 1;
    }
    let predicate = parser.or_expr()?;
    if parser.peek_keyword("NOT") && parser.peek_keyword_at(1, "VALID") {
        parser.pos += 2;
    }
    if parser.pos != parser.tokens.len() {
        return Err(format!("unexpected `{}`", parser.tokens[parser.pos]));
    }
    Ok(predicate)
}

/// Folds `a = 1 OR a = 2 OR a IN (3)` into one IN list, and
/// `a IS NULL OR <condition on a>` into [`Predicate::UnlessNull`]: the
/// disjunctions that constrain a single column.
fn merge_disjunction(branches: Vec<Predicate>) -> Result<Predicate, String> {
    let is_null = |p: &Predicate| matches!(p, Predicate::In { negated: true, values, .. } if values.is_empty());
    let null_column = branches.iter().find(|b| is_null(b)).and_then(|b| match b {
        Predicate::In { column, .. } => Some(column.clone()),
        _ => None,
    });
    let rest: Vec<Predicate> = branches.into_iter().filter(|b| !is_null(b)).collect();
    let merged = if rest.len() == 1 {
        rest.into_iter().next().expect("one branch")
    } else {
        let mut column: Option<String> = None;
        let mut values = Vec::new();
        for branch in rest {
            let (c, vs) = match branch {
                Predicate::Compare {
                    column,
                    op: CmpOp::Eq,
                    value,
                } => (column, vec![value]),
                Predicate::In {
                    column,
                    values,
                    negated: false,
                } => (column, values),
                _ => return Err("OR between conditions".into()),
            };
            if column.as_ref().is_some_and(|existing| *existing != c) {
                return Err("OR between conditions on different columns".into());
            }
            column = Some(c);
            values.extend(vs);
        }
        let Some(column) = column else {
            return Err("OR with only IS NULL".into());
        };
        Predicate::In {
            column,
            values,
            negated: false,
        }
    };
    Ok(match null_column {
        Some(column) => Predicate::UnlessNull {
            column,
            rest: Box::new(merged),
        },
        None => merged,
    })
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident { text: String, quoted: bool },
    Number(String),
    Str(String),
    Op(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Cast,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident { text, .. } => f.write_str(text),
            Token::Number(n) => f.write_str(n),
            Token::Str(_) => f.write_str("a string literal"),
            Token::Op(op) => f.write_str(op),
            Token::Open => f.write_str("("),
            Token::Close => f.write_str(")"),
            Token::OpenBracket => f.write_str("["),
            Token::CloseBracket => f.write_str("]"),
            Token::Comma => f.write_str(","),
            Token::Cast => f.write_str("::"),
        }
    }
}

fn tokenize(s: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '[' => {
                tokens.push(Token::OpenBracket);
                i += 1;
            }
            ']' => {
                tokens.push(Token::CloseBracket);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            ':' if chars.get(i + 1) == Some(&':') => {
                tokens.push(Token::Cast);
                i += 2;
            }
            '\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated string literal".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(text));
            }
            '"' | '`' => {
                let close = c;
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated quoted identifier".into()),
                        Some(&ch) if ch == close && chars.get(i + 1) == Some(&close) => {
                            text.push(close);
                            i += 2;
                        }
                        Some(&ch) if ch == close => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Ident { text, quoted: true });
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || chars[i] == '.'
                        || ((chars[i] == 'e' || chars[i] == 'E') && i > start)
                        || ((chars[i] == '-' || chars[i] == '+')
                            && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                tokens.push(Token::Number(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                tokens.push(Token::Ident {
                    text: chars[start..i].iter().collect(),
                    quoted: false,
                });
            }
            '<' | '>' | '=' | '!' | '-' | '+' | '~' | '|' | '*' | '/' | '%' => {
                let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
                let op = match two.as_str() {
                    "<=" | ">=" | "<>" | "!=" | "==" | "||" | "~~" | "!~" => two,
                    _ => c.to_string(),
                };
                i += op.chars().count();
                tokens.push(Token::Op(op));
            }
            other => return Err(format!("unexpected character `{other}`")),
        }
    }
    Ok(tokens)
}

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq)]
enum Operand {
    Column(String),
    Literal(Literal),
    Length(String),
    List(Vec<Literal>),
    Null,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        self.peek_keyword_at(0, keyword)
    }

    fn peek_keyword_at(&self, offset: usize, keyword: &str) -> bool {
        matches!(self.tokens.get(self.pos + offset),
            Some(Token::Ident { text, quoted: false }) if text.eq_ignore_ascii_case(keyword))
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.peek_keyword(keyword);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, token: &Token) -> Result<(), String> {
        match self.peek() {
            Some(t) if t == token => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(format!("expected `{token}`, found `{t}`")),
            None => Err(format!("expected `{token}` at the end")),
        }
    }

    fn or_expr(&mut self) -> Result<Predicate, String> {
        let first = self.and_expr()?;
        if !self.peek_keyword("OR") {
            return Ok(first);
        }
        let mut branches = vec![first];
        while self.eat_keyword("OR") {
            branches.push(self.and_expr()?);
        }
        merge_disjunction(branches)
    }

    fn and_expr(&mut self) -> Result<Predicate, String> {
        let mut parts = vec![self.unary()?];
        while self.eat_keyword("AND") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Predicate::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Predicate, String> {
        if self.eat_keyword("NOT") {
            let inner = self.unary()?;
            return match inner {
                Predicate::In {
                    column,
                    values,
                    negated,
                } => Ok(Predicate::In {
                    column,
                    values,
                    negated: !negated,
                }),
                _ => Err("NOT around a condition".into()),
            };
        }
        // A parenthesised condition, or a parenthesised operand starting a comparison.
        let mut first_error = None;
        if self.peek() == Some(&Token::Open) {
            let save = self.pos;
            self.pos += 1;
            match self.or_expr() {
                Ok(inner) if self.peek() == Some(&Token::Close) => {
                    self.pos += 1;
                    if !self.at_comparison_operator() {
                        return Ok(inner);
                    }
                }
                Ok(_) => {}
                Err(e) => first_error = Some(e),
            }
            self.pos = save;
        }
        // Report what went wrong inside the parentheses, not the fallback's confusion.
        self.comparison().map_err(|e| first_error.unwrap_or(e))
    }

    fn at_comparison_operator(&self) -> bool {
        matches!(self.peek(), Some(Token::Op(op)) if matches!(op.as_str(), "=" | "==" | "<>" | "!=" | "<" | "<=" | ">" | ">="))
            || self.peek_keyword("IN")
            || self.peek_keyword("BETWEEN")
            || self.peek_keyword("IS")
            || self.peek_keyword("NOT")
            || matches!(self.peek(), Some(Token::Cast))
    }

    fn comparison(&mut self) -> Result<Predicate, String> {
        let left = self.operand()?;
        if self.eat_keyword("IS") {
            let negated = self.eat_keyword("NOT");
            if !self.eat_keyword("NULL") {
                return Err("IS without NULL".into());
            }
            let Operand::Column(column) = left else {
                return Err("IS NULL on an expression".into());
            };
            // `IS NULL` is encoded as an empty NOT IN so OR can find it.
            return Ok(if negated {
                Predicate::NotNull { column }
            } else {
                Predicate::In {
                    column,
                    values: Vec::new(),
                    negated: true,
                }
            });
        }
        let negated = self.eat_keyword("NOT");
        if self.eat_keyword("IN") {
            let Operand::Column(column) = left else {
                return Err("IN on an expression".into());
            };
            self.expect(&Token::Open)?;
            let mut values = Vec::new();
            loop {
                match self.operand()? {
                    Operand::Literal(l) => values.push(l),
                    _ => return Err("IN list with a non-literal".into()),
                }
                if self.peek() == Some(&Token::Comma) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
            self.expect(&Token::Close)?;
            return Ok(Predicate::In {
                column,
                values,
                negated,
            });
        }
        if self.eat_keyword("BETWEEN") {
            let Operand::Column(column) = left else {
                return Err("BETWEEN on an expression".into());
            };
            let low = self.literal_operand()?;
            if !self.eat_keyword("AND") {
                return Err("BETWEEN without AND".into());
            }
            let high = self.literal_operand()?;
            if negated {
                return Err("NOT BETWEEN".into());
            }
            return Ok(Predicate::And(vec![
                Predicate::Compare {
                    column: column.clone(),
                    op: CmpOp::Ge,
                    value: low,
                },
                Predicate::Compare {
                    column,
                    op: CmpOp::Le,
                    value: high,
                },
            ]));
        }
        if negated {
            return Err("NOT in the middle of a comparison".into());
        }
        let op = match self.peek() {
            Some(Token::Op(op)) => match op.as_str() {
                "=" | "==" => CmpOp::Eq,
                "<>" | "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                ">=" => CmpOp::Ge,
                other => return Err(format!("operator `{other}`")),
            },
            Some(t) => return Err(format!("unexpected `{t}`")),
            None => return Err("a comparison without operator".into()),
        };
        self.pos += 1;
        // `= ANY (ARRAY[…])` and `<> ALL (ARRAY[…])` are PostgreSQL's IN lists.
        let quantifier = if self.eat_keyword("ANY") {
            Some(true)
        } else if self.eat_keyword("ALL") {
            Some(false)
        } else {
            None
        };
        let right = self.operand()?;
        if let Some(any) = quantifier {
            let (Operand::Column(column), Operand::List(values)) = (left, right) else {
                return Err(
                    "ANY/ALL over something other than a column and a literal array".into(),
                );
            };
            return match (op, any) {
                (CmpOp::Eq, true) => Ok(Predicate::In {
                    column,
                    values,
                    negated: false,
                }),
                (CmpOp::Ne, false) => Ok(Predicate::In {
                    column,
                    values,
                    negated: true,
                }),
                _ => Err("ANY/ALL with an ordering operator".into()),
            };
        }
        match (left, right) {
            (Operand::Column(column), Operand::Literal(value)) => {
                Ok(Predicate::Compare { column, op, value })
            }
            (Operand::Literal(value), Operand::Column(column)) => Ok(Predicate::Compare {
                column,
                op: op.flipped(),
                value,
            }),
            (Operand::Column(left), Operand::Column(right)) => {
                Ok(Predicate::Columns { left, op, right })
            }
            (Operand::Length(column), Operand::Literal(Literal::Number(n))) => {
                let value = n
                    .parse()
                    .map_err(|_| "length compared with a fraction".to_owned())?;
                Ok(Predicate::Length { column, op, value })
            }
            (Operand::Literal(Literal::Number(n)), Operand::Length(column)) => {
                let value = n
                    .parse()
                    .map_err(|_| "length compared with a fraction".to_owned())?;
                Ok(Predicate::Length {
                    column,
                    op: op.flipped(),
                    value,
                })
            }
            _ => Err("a comparison between expressions".into()),
        }
    }

    fn literal_operand(&mut self) -> Result<Literal, String> {
        match self.operand()? {
            Operand::Literal(l) => Ok(l),
            _ => Err("expected a literal".into()),
        }
    }

    /// An operand, with any `::type` casts and redundant parentheses removed.
    fn operand(&mut self) -> Result<Operand, String> {
        let operand = match self.peek().cloned() {
            Some(Token::Open) => {
                self.pos += 1;
                let inner = self.operand()?;
                self.expect(&Token::Close)?;
                inner
            }
            Some(Token::Number(n)) => {
                self.pos += 1;
                Operand::Literal(Literal::Number(n))
            }
            Some(Token::Op(op)) if op == "-" || op == "+" => {
                self.pos += 1;
                match self.operand()? {
                    Operand::Literal(Literal::Number(n)) => {
                        Operand::Literal(Literal::Number(if op == "-" {
                            format!("-{n}")
                        } else {
                            n
                        }))
                    }
                    _ => return Err("unary minus on a non-number".into()),
                }
            }
            Some(Token::Str(s)) => {
                self.pos += 1;
                Operand::Literal(Literal::Text(s))
            }
            Some(Token::Ident { text, quoted }) => {
                self.pos += 1;
                let upper = text.to_ascii_uppercase();
                if !quoted && upper == "ARRAY" {
                    self.expect(&Token::OpenBracket)?;
                    let mut values = Vec::new();
                    while self.peek() != Some(&Token::CloseBracket) {
                        match self.operand()? {
                            Operand::Literal(l) => values.push(l),
                            _ => return Err("ARRAY with a non-literal".into()),
                        }
                        if self.peek() == Some(&Token::Comma) {
                            self.pos += 1;
                        }
                    }
                    self.pos += 1;
                    Operand::List(values)
                } else if !quoted && (upper == "TRUE" || upper == "FALSE") {
                    Operand::Literal(Literal::Bool(upper == "TRUE"))
                } else if !quoted && upper == "NULL" {
                    Operand::Null
                } else if !quoted
                    && matches!(
                        upper.as_str(),
                        "LENGTH" | "CHAR_LENGTH" | "CHARACTER_LENGTH"
                    )
                    && self.peek() == Some(&Token::Open)
                {
                    self.pos += 1;
                    let inner = self.operand()?;
                    self.expect(&Token::Close)?;
                    match inner {
                        Operand::Column(c) => Operand::Length(c),
                        _ => return Err("length() of an expression".into()),
                    }
                } else if self.peek() == Some(&Token::Open) {
                    return Err(format!("function `{text}`"));
                } else {
                    Operand::Column(text)
                }
            }
            Some(t) => return Err(format!("unexpected `{t}`")),
            None => return Err("an expression ends too early".into()),
        };
        self.skip_casts()?;
        if matches!(operand, Operand::Null) {
            return Err("NULL as an operand".into());
        }
        Ok(operand)
    }

    /// Skips `::type`, `::character varying(10)`, `::text[]`.
    fn skip_casts(&mut self) -> Result<(), String> {
        while self.peek() == Some(&Token::Cast) {
            self.pos += 1;
            let mut words = 0;
            while let Some(Token::Ident { text, .. }) = self.peek() {
                let upper = text.to_ascii_uppercase();
                if words > 0
                    && matches!(
                        upper.as_str(),
                        "AND" | "OR" | "IS" | "IN" | "NOT" | "BETWEEN"
                    )
                {
                    break;
                }
                self.pos += 1;
                words += 1;
            }
            if words == 0 {
                return Err("a cast without a type".into());
            }
            if self.peek() == Some(&Token::Open)
                && matches!(self.tokens.get(self.pos + 1), Some(Token::Number(_)))
            {
                while self.peek().is_some() && self.peek() != Some(&Token::Close) {
                    self.pos += 1;
                }
                self.expect(&Token::Close)?;
            }
            while self.peek() == Some(&Token::OpenBracket)
                && self.tokens.get(self.pos + 1) == Some(&Token::CloseBracket)
            {
                self.pos += 2;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: &str) -> Literal {
        Literal::Number(n.into())
    }

    #[test]
    fn postgres_comparison_with_cast() {
        assert_eq!(
            parse("CHECK ((price >= (0)::numeric))").unwrap(),
            Predicate::Compare {
                column: "price".into(),
                op: CmpOp::Ge,
                value: num("0")
            }
        );
    }

    #[test]
    fn postgres_any_array_is_an_in_list() {
        let p = parse(
            "CHECK (((status)::text = ANY ((ARRAY['new'::character varying, 'done'::character varying])::text[])))",
        )
        .unwrap();
        assert_eq!(
            p,
            Predicate::In {
                column: "status".into(),
                values: vec![Literal::Text("new".into()), Literal::Text("done".into())],
                negated: false
            }
        );
    }

    #[test]
    fn between_and_conjunction() {
        let p = parse("CHECK (qty BETWEEN 1 AND 10 AND \"Note\" IS NOT NULL)").unwrap();
        assert_eq!(p.conjuncts().len(), 3);
        assert!(p.conjuncts().contains(&&Predicate::NotNull {
            column: "Note".into()
        }));
    }

    #[test]
    fn flipped_literal_and_column_pairs() {
        assert_eq!(
            parse("0 < amount").unwrap(),
            Predicate::Compare {
                column: "amount".into(),
                op: CmpOp::Gt,
                value: num("0")
            }
        );
        assert_eq!(
            parse("CHECK ((ends_at >= starts_at))").unwrap(),
            Predicate::Columns {
                left: "ends_at".into(),
                op: CmpOp::Ge,
                right: "starts_at".into()
            }
        );
        assert_eq!(
            parse("((length(code) = 3))").unwrap(),
            Predicate::Length {
                column: "code".into(),
                op: CmpOp::Eq,
                value: 3
            }
        );
    }

    #[test]
    fn null_or_condition() {
        let p = parse("CHECK (((indepyear IS NULL) OR (indepyear > '-2000'::integer)))");
        assert!(p.is_err() || matches!(p, Ok(Predicate::UnlessNull { .. })));
        let p = parse("CHECK ((x IS NULL) OR (x > -5))").unwrap();
        assert!(matches!(p, Predicate::UnlessNull { .. }));
    }

    #[test]
    fn equalities_joined_by_or_are_an_in_list() {
        let p = parse("CHECK (((continent = 'Asia'::text) OR (continent = 'Europe'::text) OR (continent = 'North America'::text)))").unwrap();
        assert_eq!(
            p,
            Predicate::In {
                column: "continent".into(),
                values: vec![
                    Literal::Text("Asia".into()),
                    Literal::Text("Europe".into()),
                    Literal::Text("North America".into())
                ],
                negated: false
            }
        );
        let p = parse("CHECK ((kind IS NULL) OR (kind = 'a') OR (kind = 'b'))").unwrap();
        assert!(matches!(p, Predicate::UnlessNull { .. }));
    }

    #[test]
    fn unsupported_forms_are_errors() {
        assert!(parse("CHECK ((a + b) > 3)").is_err());
        assert!(parse("CHECK ((a > 1) OR (b > 2))").is_err());
        assert!(parse("CHECK (lower(email) = email)").is_err());
        assert!(parse("CHECK (email ~ '^.+@.+$')").is_err());
    }
}
