//! Schemas a review found patina mishandling, each now loading with every
//! constraint on (or refused with a clear reason, never a hang).

use crate::util::*;

/// Tables that must all load, at several scales and chunk sizes.
const VALID: &str = "
CREATE TABLE tenant (id int PRIMARY KEY);
CREATE TABLE node (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenant, UNIQUE (tenant_id, id));
-- tenant_id is in two foreign keys: the composite one must decide it.
CREATE TABLE doc (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenant, node_id int NOT NULL,
                  FOREIGN KEY (tenant_id, node_id) REFERENCES node (tenant_id, id));
-- A linked list: a unique self-reference must point backwards.
CREATE TABLE item (id int PRIMARY KEY, next_id int UNIQUE REFERENCES item (id));
-- A referenced column that is itself a nullable reference.
CREATE TABLE region (id int PRIMARY KEY);
CREATE TABLE store (id int PRIMARY KEY, region_id int REFERENCES region, UNIQUE (id, region_id));
CREATE TABLE sale (id int PRIMARY KEY, store_id int NOT NULL, region_id int NOT NULL,
                   FOREIGN KEY (store_id, region_id) REFERENCES store (id, region_id));
-- Keys and orderings inside CHECK bounds.
CREATE TABLE ticket (id int GENERATED ALWAYS AS IDENTITY (START WITH 1000) PRIMARY KEY CHECK (id >= 1000),
                     seat_no int UNIQUE CHECK (seat_no BETWEEN 1 AND 500),
                     min_qty int CHECK (min_qty >= 0), max_qty int CHECK (max_qty > 0), CHECK (max_qty >= min_qty),
                     opens time CHECK (opens BETWEEN '06:00' AND '12:00'),
                     rate real CHECK (rate >= 0 AND rate <= 0.3),
                     half int CHECK (half > 0.5 AND half < 1.5));
CREATE TABLE m (v int NOT NULL) PARTITION BY RANGE (v);
CREATE TABLE m_low PARTITION OF m FOR VALUES FROM (MINVALUE) TO (100);
CREATE TABLE m_high PARTITION OF m FOR VALUES FROM (100) TO (195);
INSERT INTO tenant SELECT g FROM generate_series(1, 10) g;
INSERT INTO node SELECT g, 1 + g % 10 FROM generate_series(1, 50) g;
INSERT INTO doc SELECT g, 1 + (1 + g % 50) % 10, 1 + g % 50 FROM generate_series(1, 200) g;
INSERT INTO item SELECT g, NULL FROM generate_series(1, 300) g;
UPDATE item SET next_id = id - 1 WHERE id > 1;
INSERT INTO region SELECT g FROM generate_series(1, 5) g;
INSERT INTO store SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 5 END FROM generate_series(1, 30) g;
INSERT INTO sale SELECT g, s, 1 + s % 5 FROM generate_series(1, 100) g, LATERAL (SELECT 1 + (g % 30) AS s) x
  WHERE (1 + (g % 30)) % 3 <> 0;
INSERT INTO ticket (seat_no, min_qty, max_qty, opens, rate, half)
  SELECT g, g % 5, g % 5 + 1 + g % 3, time '06:00' + g * interval '1 minute', (g % 30) / 100.0, 1 FROM generate_series(1, 300) g;
INSERT INTO m SELECT g % 195 FROM generate_series(1, 400) g;
";

#[test]
fn review_findings_load_with_every_constraint() {
    let source = PgDb::new("review");
    source.execute(VALID);
    let dir = temp_dir();
    let out = dir.path().join("review.json");
    profile_to(&source.url(), &out);
    for (scale, chunk) in [("1", "100"), ("1.5", "7")] {
        let target = PgDb::new("reviewdst");
        patina_ok(&[
            "generate",
            s(&out),
            "--target",
            &target.url(),
            "--create-schema",
            "--scale",
            scale,
            "--chunk-rows",
            chunk,
            "-q",
        ]);
        assert!(target.scalar("SELECT count(*) FROM doc") > 0);
        assert_eq!(target.scalar("SELECT min(id)::int8 FROM ticket"), 1000);
        let lite = dir.path().join(format!("review{scale}.db"));
        patina_ok(&[
            "generate",
            s(&out),
            "--target",
            &format!("sqlite://{}", s(&lite)),
            "--create-schema",
            "--scale",
            scale,
            "--chunk-rows",
            chunk,
            "-q",
        ]);
        sqlite_dump(&lite);
    }
    // A unique key cannot hold more values than its CHECK allows: said before loading.
    let err = patina_err(&[
        "generate",
        s(&out),
        "--out",
        s(dir.path()),
        "--rows",
        "ticket=600",
    ]);
    assert!(
        err.contains("ticket") && err.contains("at most 500"),
        "{err}"
    );
}

#[test]
fn a_self_reference_defining_its_own_column_is_refused_not_looped() {
    let source = PgDb::new("selfshare");
    source.execute(
        "CREATE TABLE node (id int PRIMARY KEY, tenant_id int NOT NULL, parent_id int, UNIQUE (tenant_id, id),
                            FOREIGN KEY (tenant_id, parent_id) REFERENCES node (tenant_id, id));",
    );
    let dir = temp_dir();
    let out = dir.path().join("p.json");
    profile_to(&source.url(), &out);
    let err = patina_err(&[
        "generate",
        s(&out),
        "--out",
        s(dir.path()),
        "--rows",
        "*=10",
    ]);
    assert!(
        err.contains("tenant_id") && err.contains("defined by itself"),
        "{err}"
    );
}
