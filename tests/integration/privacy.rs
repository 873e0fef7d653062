//! The privacy contract: planted secrets in a source never reach the
//! profile or what `patina profile` prints.

use crate::util::*;

#[test]
fn planted_secrets_do_not_leave_the_source() {
    let source = PgDb::new("secrets");
    source.execute(
        "CREATE TABLE people (
            id int PRIMARY KEY, email text, full_name text, national_id text, card bigint,
            note text, category text, salary numeric(10,2), born date);
         INSERT INTO people
         SELECT g, 'filler' || g || '@corp.example', 'Filler Person ' || g, 'ID-' || g, 4000000000000000 + g,
                'ordinary note ' || g, CASE WHEN g % 2 = 0 THEN 'common' ELSE 'usual' END, 1000 + g, date '1980-01-01' + g
         FROM generate_series(1, 200) AS g;
         INSERT INTO people VALUES
           (1001, 'alice.secret@hidden.example', 'Zebulon Quixotefield', '987-65-4321', 4111111111111111,
            'the launch code is swordfish', 'TOPSECRET-CATEGORY', 123456.78, date '1961-07-13'),
           (1002, 'bob.secret@hidden.example', 'Xanthippe Wobblesworth', '123-45-6789', 5500000000000004,
            'meet at the blue door', 'TOPSECRET-CATEGORY', 98765.43, date '1959-03-02');",
    );
    let dir = temp_dir();
    let out = dir.path().join("p.json");
    let output = patina(&["profile", "--source", &source.url(), "--out", s(&out)]);
    assert!(output.status.success());
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let profile = std::fs::read_to_string(&out).expect("the profile");
    let inspect = patina(&["inspect", s(&out)]);
    assert!(inspect.status.success());
    let inspected = String::from_utf8_lossy(&inspect.stdout).into_owned();
    for secret in [
        "alice.secret",
        "hidden.example",
        "Zebulon",
        "Quixotefield",
        "Xanthippe",
        "987-65-4321",
        "123-45-6789",
        "4111111111111111",
        "5500000000000004",
        "swordfish",
        "blue door",
        "TOPSECRET",
        "123456.78",
        "98765.43",
        "1961-07-13",
        "1959-03-02",
        "corp.example",
        "Filler",
        "ordinary note",
    ] {
        assert!(!profile.contains(secret), "the profile holds `{secret}`");
        assert!(
            !printed.contains(secret),
            "patina profile printed `{secret}`"
        );
        assert!(
            !inspected.contains(secret),
            "patina inspect printed `{secret}`"
        );
    }
    // The extremes are kept only coarsened outward.
    let p = patina::profile::read(&out).unwrap();
    let salary = p.tables[0].column("salary").unwrap();
    assert_eq!(
        salary.max,
        Some(patina::profile::StatValue::Number(130_000.0))
    );
    // What was kept verbatim: the two categories, each in 100 rows, and nothing else.
    let kept: Vec<(String, Vec<String>)> = p.tables[0]
        .columns
        .iter()
        .filter(|c| !c.most_common.is_empty())
        .map(|c| {
            (
                c.column.clone(),
                c.most_common.iter().map(|m| m.value.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [(
            "category".to_owned(),
            vec!["common".to_owned(), "usual".to_owned()]
        )]
    );
    assert!(
        printed.contains("public.people.category: 2 values"),
        "{printed}"
    );
}
