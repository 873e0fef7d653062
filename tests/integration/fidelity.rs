//! Fidelity: data generated from a profile has the profile's shape, and
//! `patina verify` measures it (and fails on data that does not).

use crate::util::*;
use serde_json::Value as Json;

/// A source with known shapes: skewed categories, a heavy-tailed number
/// correlated with another, seasonal weekday times, a Zipf-skewed foreign
/// key with childless parents, a composite key led by a reference.
fn shaped_source() -> PgDb {
    let source = PgDb::new("fidelity");
    source.execute(
        "CREATE TABLE customer (id int PRIMARY KEY, tier text NOT NULL, perk text NOT NULL, score int NOT NULL,
                                spend numeric(12,2) NOT NULL, signup timestamp NOT NULL,
                                city text NOT NULL, verified timestamp, kyc text, era text,
                                market text, zone text);
         INSERT INTO customer
         SELECT g,
                CASE WHEN g % 10 = 0 THEN 'gold' WHEN g % 10 < 4 THEN 'silver' ELSE 'bronze' END,
                -- The perk goes with the tier.
                CASE WHEN g % 10 = 0 THEN 'lounge' WHEN g % 10 < 4 THEN 'coffee' ELSE 'none' END,
                (1000 * (1 - sqrt(((g * 7919) % 2000) / 2000.0)))::int,
                -- Spend follows score up to noise: a strong rank correlation.
                round(((1000 * (1 - sqrt(((g * 7919) % 2000) / 2000.0))) * 3 + (g * 31) % 700)::numeric, 2),
                -- Mondays, more of them in December, 2019 to 2023.
                date '2019-01-07' + ((g * 7) % 260) * 7
                  + interval '9 hours' + (g % 5) * interval '1 hour',
                'City ' || md5(g::text)
         FROM generate_series(1, 2000) g;
         -- Verified within a month of signing up (no CHECK says so), or never.
         UPDATE customer SET verified = signup + (id % 30) * interval '1 day' + interval '5 minutes'
         WHERE id % 4 <> 0;
         -- A status decided by whether a date is set, another by when it falls.
         UPDATE customer SET kyc = CASE WHEN verified IS NULL THEN 'pending' ELSE 'done' END,
                             era = CASE WHEN signup < '2021-06-01' THEN 'old' ELSE 'new' END;
         -- A sales zone only in the markets that have them, and one of theirs
         -- (a state only in the countries that have states).
         UPDATE customer SET market = CASE WHEN (id / 7) % 10 < 2 THEN 'US' WHEN (id / 7) % 10 = 2 THEN 'CA'
                                            ELSE (ARRAY['DE', 'FR', 'JP', 'BR'])[1 + (id / 7) % 4] END;
         UPDATE customer SET zone = CASE market WHEN 'US' THEN (ARRAY['CA', 'NY', 'TX'])[1 + id % 3]
                                                  WHEN 'CA' THEN (ARRAY['ON', 'QC'])[1 + id % 2] END;
         CREATE TABLE purchase (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customer,
                                amount int NOT NULL, note text, bought timestamp NOT NULL,
                                ship_city text NOT NULL, spend numeric(12,2) NOT NULL);
         -- Customer k (k <= 400) gets about 400 / k purchases: Zipf; 1600 customers get none.
         INSERT INTO purchase
         SELECT row_number() OVER (), k, (k * 37 + n * 11) % 500, CASE WHEN n % 3 = 0 THEN 'late' END,
                -- Bought one to ten days after the customer signed up.
                c.signup + (1 + (k + n) % 10) * interval '1 day',
                -- Shipped to the customer's city, copied into the purchase, and
                -- the customer's spend when it was made (a number copied).
                c.city, c.spend
         FROM customer c, generate_series(1, 400) n, LATERAL (SELECT c.id AS k) kk
         WHERE c.id <= 400 AND n <= 400 / c.id;
         CREATE TABLE line (purchase_id int NOT NULL REFERENCES purchase, line_no int NOT NULL,
                            qty int NOT NULL, PRIMARY KEY (purchase_id, line_no));
         -- 1 to 4 lines per purchase.
         INSERT INTO line SELECT p.id, l, 1 + (p.id * l) % 9 FROM purchase p, generate_series(1, 4) l
         WHERE l <= 1 + p.id % 4;",
    );
    source
}

/// Profiles `source` into a temporary directory (kept while the first value
/// lives) and generates it into a new database named after `target`.
fn profiled_and_generated(
    source: &PgDb,
    target: &str,
) -> (tempfile::TempDir, std::path::PathBuf, PgDb) {
    let dir = temp_dir();
    let profile = dir.path().join("profile.json");
    profile_to(&source.url(), &profile);
    let target = PgDb::new(target);
    patina_ok(&[
        "generate",
        s(&profile),
        "--target",
        &target.url(),
        "--create-schema",
        "-q",
    ]);
    (dir, profile, target)
}

fn verify_json(profile: &str, target: &str) -> Json {
    let out = patina(&["verify", profile, "--target", target, "--json", "-q"]);
    assert!(
        out.status.success(),
        "verify failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn distance(report: &Json, part: &str, table: &str, name: &str) -> f64 {
    report[part]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["table"].as_str().unwrap().ends_with(table)
                && (c["column"].as_str() == Some(name) || c["columns"][0].as_str() == Some(name))
        })
        .unwrap_or_else(|| panic!("no {part} score for {table}.{name}: {report}"))["distance"]
        .as_f64()
        .unwrap()
}

#[test]
fn generated_data_has_the_profiles_shape_and_verify_says_so() {
    let source = shaped_source();
    let (_dir, profile, target) = profiled_and_generated(&source, "fidelity_target");
    let report = verify_json(s(&profile), &target.url());
    assert_eq!(
        report["violations"].as_array().unwrap().len(),
        0,
        "{report}"
    );
    // Each statistic within 0.1 of the profile: categories (total variation),
    // numbers and times (KS), children per parent (KS, childless included).
    for (table, column) in [
        ("customer", "tier"),
        ("customer", "score"),
        ("customer", "spend"),
        ("customer", "signup"),
        ("purchase", "amount"),
        ("purchase", "note"),
        ("line", "qty"),
    ] {
        let d = distance(&report, "columns", table, column);
        assert!(d <= 0.1, "{table}.{column}: distance {d}");
    }
    for (table, fk) in [("purchase", "customer_id"), ("line", "purchase_id")] {
        let d = distance(&report, "foreign_keys", table, fk);
        assert!(d <= 0.1, "{table}({fk}): fan-out distance {d}");
    }
    assert!(report["score"].as_f64().unwrap() >= 0.9, "{report}");

    // The heavy head is there: the busiest customer has about 400 purchases,
    // and most customers have none, as in the source.
    let busiest = target
        .scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM purchase GROUP BY customer_id) c");
    assert!(
        (300..=500).contains(&busiest),
        "busiest customer: {busiest}"
    );
    let childless = target
        .scalar("SELECT count(*) FROM customer WHERE id NOT IN (SELECT customer_id FROM purchase)");
    assert!(
        (1500..=1700).contains(&childless),
        "childless customers: {childless}"
    );

    // Correlated columns stay correlated (Spearman, both about 0.9).
    let rank = |db: &PgDb| {
        db.scalar(
            "SELECT (100 * corr(a, b))::bigint FROM (SELECT rank() OVER (ORDER BY score) AS a,
                    rank() OVER (ORDER BY spend) AS b FROM customer) r",
        )
    };
    let (want, got) = (rank(&source), rank(&target));
    assert!(
        want >= 80 && (want - got).abs() <= 10,
        "rank correlation {got}, source {want}"
    );

    // An order the data always keeps is kept in every row.
    assert_eq!(
        target.scalar("SELECT count(*) FROM customer WHERE verified < signup"),
        0
    );
    assert!(target.scalar("SELECT count(*) FROM customer WHERE verified >= signup") > 1000);

    // Categories that go together stay together.
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM customer WHERE (tier, perk) NOT IN
             (('gold', 'lounge'), ('silver', 'coffee'), ('bronze', 'none'))"
        ),
        0
    );
    // A child comes after its parent by the delays the source shows.
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM purchase p JOIN customer c ON c.id = p.customer_id
             WHERE p.bought < c.signup OR p.bought > c.signup + interval '11 days'"
        ),
        0
    );

    // A status follows the date it depends on: exactly for NULL or not,
    // up to the histogram bucket that holds the cut-off for when.
    assert_eq!(
        target
            .scalar("SELECT count(*) FROM customer WHERE (kyc = 'pending') <> (verified IS NULL)"),
        0
    );
    let wrong_era = target
        .scalar("SELECT count(*) FROM customer WHERE (era = 'old') <> (signup < '2021-06-01')");
    assert!(
        wrong_era <= 200,
        "{wrong_era} of 2000 customers in the wrong era"
    );

    // A copied parent column is the parent's value.
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM purchase p JOIN customer c ON c.id = p.customer_id
             WHERE p.ship_city <> c.city"
        ),
        0
    );

    // So is a copied number, but where the parent's value falls outside the
    // child's own range (its profile's coarsened bounds, its CHECKs): there
    // the child draws its own (6 of 2468 rows in this source).
    let differ = target.scalar(
        "SELECT count(*) FROM purchase p JOIN customer c ON c.id = p.customer_id
         WHERE p.spend <> c.spend",
    );
    assert!(
        differ <= 25,
        "{differ} of 2468 purchases with another spend than their customer's"
    );

    // A zone where the market has them, one of the market's, and NULL
    // elsewhere: the NULLs follow the market too (up to the rounding of
    // the profile's shares).
    let misplaced = target.scalar(
        "SELECT count(*) FROM customer WHERE (zone IS NULL) <> (market NOT IN ('US', 'CA'))",
    );
    assert!(
        misplaced <= 10,
        "{misplaced} of 2000 customers with a zone where their market has none, or none where it has"
    );
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM customer WHERE (market = 'US' AND zone NOT IN ('CA', 'NY', 'TX'))
             OR (market = 'CA' AND zone NOT IN ('ON', 'QC'))"
        ),
        0
    );

    // Weekdays and hours: every signup on a Monday, between 9 and 13 o'clock.
    assert_eq!(
        target.scalar("SELECT count(*) FROM customer WHERE extract(isodow FROM signup) <> 1"),
        0
    );
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM customer WHERE extract(hour FROM signup) NOT BETWEEN 9 AND 13"
        ),
        0
    );
}

#[test]
fn verify_reads_files_back_and_fails_on_data_of_another_shape() {
    let source = shaped_source();
    let dir = temp_dir();
    let profile = dir.path().join("shape.json");
    profile_to(&source.url(), &profile);
    for format in ["parquet", "csv"] {
        let out = dir.path().join(format);
        patina_ok(&[
            "generate",
            s(&profile),
            "--out",
            s(&out),
            "--format",
            format,
            "-q",
        ]);
        let report = verify_json(s(&profile), s(&out));
        assert!(
            report["score"].as_f64().unwrap() >= 0.9,
            "{format}: {report}"
        );
        assert_eq!(report["violations"].as_array().unwrap().len(), 0);
    }

    // No generated data is a perfect copy: an impossible --min-score fails.
    let parquet = dir.path().join("parquet");
    let out = patina(&[
        "verify",
        s(&profile),
        "--target",
        s(&parquet),
        "--min-score",
        "0.9999",
    ]);
    assert_eq!(out.status.code(), Some(1));

    // Every customer made gold: verify names the column first and exits 1.
    let target = PgDb::new("fidelity_bad");
    patina_ok(&[
        "generate",
        s(&profile),
        "--target",
        &target.url(),
        "--create-schema",
        "-q",
    ]);
    target.execute("UPDATE customer SET tier = 'gold'");
    // One column far off: the mean barely moves, --max-distance catches it.
    let out = patina(&[
        "verify",
        s(&profile),
        "--target",
        &target.url(),
        "--max-distance",
        "0.6",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text
        .lines()
        .skip_while(|l| !l.starts_with("columns"))
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(first.contains("customer.tier"), "{text}");

    // A broken reference is a violation, whatever the score.
    target.execute(
        "ALTER TABLE line DROP CONSTRAINT line_purchase_id_fkey;
         DELETE FROM purchase WHERE id = (SELECT min(purchase_id) FROM line);",
    );
    let out = patina(&["verify", s(&profile), "--target", &target.url(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    let violations = report["violations"].as_array().unwrap();
    assert!(
        violations.iter().any(
            |v| v["constraint"].as_str().unwrap().contains("foreign key")
                && v["rows"].as_i64().unwrap() >= 1
        ),
        "{report}"
    );
}

/// A link table keyed by two references (TPC-H's partsupp): each part has 4
/// suppliers and each supplier exactly 20 parts. Both sides keep their
/// fan-out, and the key stays unique.
#[test]
fn a_key_of_two_references_keeps_both_fan_outs() {
    let source = PgDb::new("link");
    source.execute(
        "CREATE TABLE part (id int PRIMARY KEY);
         CREATE TABLE supplier (id int PRIMARY KEY);
         CREATE TABLE partsupp (part_id int NOT NULL REFERENCES part, supplier_id int NOT NULL REFERENCES supplier,
                                PRIMARY KEY (part_id, supplier_id));
         INSERT INTO part SELECT g FROM generate_series(1, 500) g;
         INSERT INTO supplier SELECT g FROM generate_series(1, 100) g;
         INSERT INTO partsupp SELECT p, 1 + (p + i * 25) % 100 FROM generate_series(1, 500) p, generate_series(0, 3) i;",
    );
    let (_dir, _profile, target) = profiled_and_generated(&source, "link_target");
    let range = |column: &str| {
        let per = format!("SELECT count(*) AS n FROM partsupp GROUP BY {column}");
        (
            target.scalar(&format!("SELECT min(n) FROM ({per}) c")),
            target.scalar(&format!("SELECT max(n) FROM ({per}) c")),
        )
    };
    assert_eq!(target.scalar("SELECT count(*) FROM partsupp"), 2000);
    assert_eq!(range("part_id"), (4, 4), "suppliers per part");
    assert_eq!(range("supplier_id"), (20, 20), "parts per supplier");
}

#[test]
fn an_email_is_made_from_the_names_of_its_row() {
    let source = PgDb::new("email_names");
    // Half first.last (some with digits), 30% first initial and last name,
    // a fifth unrelated to the names.
    source.execute(
        "CREATE TABLE people (id int PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL,
                              email varchar(100));
         INSERT INTO people
         SELECT g, f, l, CASE WHEN g % 10 < 5 THEN lower(f) || '.' || lower(l) || CASE WHEN g % 10 = 0 THEN '7' ELSE '' END
                              WHEN g % 10 < 8 THEN lower(left(f, 1) || l)
                              ELSE 'desk' || g END || '@corp.test'
         FROM (SELECT g, (ARRAY['Ann','Bob','Cleo','Dmitri','Eve','Farid','Gus','Hana'])[1 + g % 8] AS f,
                         (ARRAY['Smith','Okafor','Nguyen','Garcia','Kowalski','Lee','Brown'])[1 + g % 7] AS l
               FROM generate_series(1, 400) g) names;
         CREATE TABLE members (id int PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL,
                               email varchar(100) NOT NULL UNIQUE);
         INSERT INTO members SELECT id, first_name, last_name,
                                    lower(first_name) || '.' || lower(last_name) || id || '@corp.test'
                             FROM people;",
    );
    let (_dir, profile, target) = profiled_and_generated(&source, "email_names_target");
    let text = std::fs::read_to_string(&profile).unwrap();
    let json: Json = serde_json::from_str(&text).unwrap();
    let table = |name: &str| {
        json["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"]["name"] == name)
            .unwrap()
            .clone()
    };
    let found = &table("people")["email_names"][0];
    assert_eq!(found["email"], "email", "{}", table("people"));
    assert_eq!(
        (found["first"].as_str(), found["last"].as_str()),
        (Some("first_name"), Some("last_name"))
    );
    assert_eq!(found["forms"][0]["form"], "first.last");
    assert_eq!(found["forms"][1]["form"], "flast");
    for secret in ["ann.smith", "corp.test", "Okafor", "dmitri"] {
        assert!(!text.contains(secret), "the profile holds `{secret}`");
    }

    let key = |column: &str| format!("regexp_replace(lower({column}), '[^a-z0-9]', '', 'g')");
    let local = "split_part(email, '@', 1)";
    let bare = format!("regexp_replace({local}, '[0-9]+$', '')");
    let share = |condition: &str| {
        target.scalar(&format!(
            "SELECT count(*) FILTER (WHERE {condition}) * 1000 / count(*) FROM people"
        )) as f64
            / 1000.0
    };
    let dotted = share(&format!(
        "{bare} = {} || '.' || {}",
        key("first_name"),
        key("last_name")
    ));
    let initial = share(&format!(
        "{bare} = left({}, 1) || {}",
        key("first_name"),
        key("last_name")
    ));
    let digits = share(&format!(
        "{local} ~ '[0-9]$' AND {bare} = {} || '.' || {}",
        key("first_name"),
        key("last_name")
    ));
    assert!(
        (dotted - 0.5).abs() < 0.08,
        "first.last in {dotted} of the rows"
    );
    assert!(
        (initial - 0.3).abs() < 0.08,
        "flast in {initial} of the rows"
    );
    // A unique e-mail: made from the names too (cut to the column's
    // profiled length), kept distinct by a suffix after a dot.
    assert_eq!(table("members")["email_names"][0]["digits"], 1.0);
    let head = format!("regexp_replace({local}, '[.][0-9a-z]+$', '')");
    let from_names = target.scalar(&format!(
        "SELECT count(*) FILTER (WHERE length({head}) >= 5
                                 AND {} || '.' || {} LIKE {head} || '%') FROM members",
        key("first_name"),
        key("last_name")
    ));
    assert!(
        from_names > 380,
        "{from_names} of 400 unique e-mails made from the names"
    );
    assert_eq!(
        target.scalar("SELECT count(DISTINCT email) FROM members"),
        400
    );
    assert!(
        digits > 0.02 && digits < 0.2,
        "first.last with digits in {digits} of the rows"
    );
}

#[test]
fn a_column_keeps_its_own_shares_beside_bandings_and_placeholders() {
    let source = PgDb::new("shares");
    source.execute(
        "CREATE TABLE product (id int PRIMARY KEY);
         INSERT INTO product SELECT g FROM generate_series(1, 80) g;
         -- A price decided by the product (80 products in the 20 buckets of
         -- product_id's histogram: a banding), busy products first; a GNP-like number
         -- with a tenth of zeros and no value kept (nearly all distinct); a
         -- status by date whose rare cells (under 10 rows) the privacy rule drops.
         CREATE TABLE sale (id int PRIMARY KEY, product_id int NOT NULL REFERENCES product,
                            price numeric(8,2) NOT NULL, gnp numeric(12,2) NOT NULL,
                            sold date NOT NULL, status text NOT NULL);
         INSERT INTO sale
         SELECT g, p, 5 + 2.5 * ((p - 1) / 4) + CASE WHEN g % 7 = 0 THEN 0.5 ELSE 0 END,
                CASE WHEN g % 10 = 0 THEN 0 ELSE g * 13.37 END,
                date '2020-01-01' + g % 1000,
                CASE WHEN g % 53 = 0 THEN 'disputed' WHEN g % 1000 < 500 THEN 'closed' ELSE 'open' END
         FROM (SELECT g, 1 + floor(80 * power((g * 7919 % 3000) / 3000.0, 2))::int AS p
               FROM generate_series(1, 3000) g) s;",
    );
    let (_dir, profile, target) = profiled_and_generated(&source, "shares_target");
    let report = verify_json(s(&profile), &target.url());
    // 0.316 when the price followed product_id's buckets, whose rows the
    // fan-out gives to other products than the source's.
    let price = distance(&report, "columns", "sale", "price");
    assert!(price <= 0.05, "price's own shares moved by {price}");
    let zeros = target.scalar("SELECT count(*) FROM sale WHERE gnp = 0");
    assert!(
        (240..=360).contains(&zeros),
        "{zeros} zeros of 3000: the histogram's zeros, not placeholders added on top"
    );
    // 0.0187 when the dropped cells' share went to the kept ones.
    let status = distance(&report, "columns", "sale", "status");
    assert!(status <= 0.01, "status's own shares moved by {status}");
    let disputed = target.scalar("SELECT count(*) FROM sale WHERE status = 'disputed'");
    assert!(
        (35..=80).contains(&disputed),
        "{disputed} disputed sales of 3000 (56 in the source)"
    );
}

#[test]
fn a_generated_city_is_in_one_country() {
    let source = PgDb::new("belongs");
    // 60 cities, 10 in each of 6 countries.
    source.execute(
        "CREATE TABLE site (id int PRIMARY KEY, country text NOT NULL, city text NOT NULL);
         INSERT INTO site
         SELECT g, (ARRAY['France', 'Japan', 'Brazil', 'Kenya', 'Canada', 'Peru'])[1 + (g % 60) / 10],
                'Town ' || (g % 60)
         FROM generate_series(1, 600) g;",
    );
    let (_dir, profile, target) = profiled_and_generated(&source, "belongs_target");
    let text = std::fs::read_to_string(&profile).unwrap();
    let json: Json = serde_json::from_str(&text).unwrap();
    let belongs = &json["tables"][0]["belongs"][0];
    assert_eq!(
        (belongs["column"].as_str(), belongs["to"].as_str()),
        (Some("city"), Some("country"))
    );
    assert_eq!(belongs["per_value"], 10.0);
    assert!(!text.contains("Town 1"), "the profile holds a city");
    // And `patina profile` says what it kept.
    let again = profile.with_file_name("again.json");
    let out = patina(&["profile", "--source", &source.url(), "--out", s(&again)]);
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        report.contains("1 places that belong to another column (names and shares only)"),
        "{report}"
    );
    // Each generated city in the country most rows with it have: every row
    // (0.335 when cities were drawn apart from countries).
    let in_one = target.scalar(
        "SELECT sum(most)::bigint FROM (SELECT city, max(n) AS most
                                FROM (SELECT city, country, count(*) AS n FROM site GROUP BY 1, 2) p
                                GROUP BY city) c",
    );
    assert!(
        in_one >= 590,
        "{in_one} of 600 rows in their city's country"
    );
    let per_country = target.scalar(
        "SELECT max(n) - min(n) FROM (SELECT country, count(DISTINCT city) AS n FROM site GROUP BY 1) c",
    );
    let cities = target.scalar("SELECT count(DISTINCT city) FROM site");
    assert!((50..=60).contains(&cities), "{cities} cities");
    assert!(
        per_country <= 3,
        "cities per country differ by {per_country}"
    );
}
