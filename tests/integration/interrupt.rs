//! A signal during a load (Ctrl-C, SIGTERM) stops it at the next chunk and
//! leaves the target as it was: PostgreSQL rolled back, MySQL's created
//! tables dropped, no partial file left. The exit code is 130.

use crate::util::*;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the tests wait for a run to reach its load, and then to stop.
const PATIENCE: Duration = Duration::from_secs(120);

/// A run the test interrupts: the shipped Chinook profile at a scale that
/// keeps it busy for minutes, in small chunks so that it is between chunks
/// often. Killed on drop, should a test fail before it ends.
struct Run(Child);

impl Run {
    fn start(target: &[&str]) -> Self {
        Self::start_with(None, target)
    }

    /// [`Run::start`], through `wrapper` (such as `nohup`) when given.
    fn start_with(wrapper: Option<&str>, target: &[&str]) -> Self {
        let profile = root().join("profiles/chinook.json");
        let bin = env!("CARGO_BIN_EXE_patina");
        let mut command = match wrapper {
            Some(w) => {
                let mut c = Command::new(w);
                c.arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let child = command
            .args(["generate", s(&profile), "--scale", "2000", "--chunk-rows"])
            .args(["500", "--threads", "1", "-q"])
            .args(target)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the patina binary runs");
        Self(child)
    }

    /// Waits until `ready` holds, failing the test after [`PATIENCE`].
    fn wait_for(&mut self, what: &str, ready: impl Fn() -> bool) {
        let start = Instant::now();
        while !ready() {
            if let Some(status) = self.0.try_wait().unwrap() {
                panic!("patina ended ({status}) before {what}:\n{}", self.stderr());
            }
            assert!(start.elapsed() < PATIENCE, "no {what} after {PATIENCE:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends the signal (`INT`, `TERM`, `HUP`), then waits for the exit: its
    /// code and what the run printed. `INT` becomes `TERM` where this test
    /// runs with SIGINT ignored (a background job of a script), which the
    /// run inherits and keeps.
    fn interrupt(&mut self, signal: &str) -> (Option<i32>, String) {
        let signal = if signal == "INT" && ignored_here(2) {
            "TERM"
        } else {
            signal
        };
        self.signal(signal);
        let start = Instant::now();
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return (status.code(), self.stderr());
            }
            assert!(
                start.elapsed() < PATIENCE,
                "patina still running {PATIENCE:?} after SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args(["-s", signal, &self.0.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -s {signal} failed");
    }

    fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut err) = self.0.stderr.take() {
            err.read_to_string(&mut text).unwrap();
        }
        text
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether this process ignores signal `n` (children inherit it): Linux's
/// `SigIgn` mask in /proc/self/status.
fn ignored_here(n: u32) -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let mask = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
            u64::from_str_radix(mask.trim(), 16).ok()
        })
        .is_some_and(|mask| mask >> (n - 1) & 1 == 1)
}

/// Whether a chunk's rows have reached a `FILE.partial` in `dir`.
fn partial_with_rows(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.path().to_string_lossy().ends_with(".partial")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        })
    })
}

/// Asserts that an interrupted run left no file in `dir`.
fn assert_nothing_in(dir: &std::path::Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// Checks what every interrupted run prints and returns.
fn assert_interrupted((code, stderr): (Option<i32>, String)) {
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("interrupted: stopping at the next chunk and undoing the load"),
        "{stderr}"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "one error line:\n{stderr}");
    assert!(
        errors[0].contains("interrupted before the load ended; nothing of it was kept"),
        "{stderr}"
    );
    assert_eq!(
        code,
        Some(130),
        "exit code of an interrupted run:\n{stderr}"
    );
}

#[test]
fn ctrl_c_while_writing_files_leaves_no_file() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let mut run = Run::start(&["--out", s(&out), "--format", "csv"]);
    // A chunk has reached a partial file: the run is in its load.
    run.wait_for("partial file with rows", || partial_with_rows(&out));
    assert_interrupted(run.interrupt("INT"));
    assert_nothing_in(&out);
}

#[test]
fn ctrl_c_during_a_postgres_load_rolls_it_back() {
    let target = PgDb::new("intr");
    target.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)");
    let mut run = Run::start(&["--target", &target.url(), "--create-schema"]);
    // The session's last statement stays in `query` while it is idle in
    // its transaction, between chunks.
    run.wait_for("COPY on the target", || {
        target.scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'COPY%'",
        ) > 0
    });
    assert_interrupted(run.interrupt("INT"));
    assert_eq!(
        target
            .scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"),
        1,
        "only the table that was there before"
    );
    assert_eq!(target.scalar("SELECT count(*) FROM kept"), 2);
}

#[test]
fn sigterm_during_a_mysql_load_drops_the_tables_it_created() {
    let target = MyDb::new("intr");
    target.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)");
    let mut run = Run::start(&["--target", &target.url(), "--create-schema"]);
    // --create-schema's tables are committed before the load begins ...
    run.wait_for("the created tables", || {
        target.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()",
        ) > 1
    });
    // ... then one LOAD DATA per chunk, the session asleep in its
    // transaction between them: wait to see one running, a few seconds at most.
    let loading = Instant::now();
    while loading.elapsed() < Duration::from_secs(5)
        && target.scalar(
            "SELECT count(*) FROM information_schema.processlist \
             WHERE db = DATABASE() AND info LIKE 'LOAD DATA%'",
        ) == 0
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_interrupted(run.interrupt("TERM"));
    assert_eq!(
        target.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
        ),
        vec!["kept".to_owned()],
        "only the table that was there before"
    );
    assert_eq!(target.scalar("SELECT count(*) FROM kept"), 2);
}

#[test]
fn a_signal_the_parent_ignores_stays_ignored() {
    // nohup starts patina with SIGHUP ignored: a closed terminal must not
    // stop a long load, while SIGTERM still stops it and undoes it.
    let dir = temp_dir();
    let out = dir.path().join("out");
    let mut run = Run::start_with(Some("nohup"), &["--out", s(&out), "--format", "csv"]);
    run.wait_for("partial file with rows", || partial_with_rows(&out));
    run.signal("HUP");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        run.0.try_wait().unwrap().is_none(),
        "SIGHUP ended a run started with it ignored:\n{}",
        run.stderr()
    );
    assert_interrupted(run.interrupt("TERM"));
    assert_nothing_in(&out);
}

#[test]
fn sigterm_during_a_load_over_several_sessions_drops_what_it_created() {
    let target = PgDb::new("intrsess");
    target.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)");
    let mut run = Run::start(&[
        "--target",
        &target.url(),
        "--create-schema",
        "--defer-indexes",
        "--sessions",
        "2",
    ]);
    // With --sessions the schema is committed first; then the other
    // sessions COPY. Wait to see one of them at it.
    run.wait_for("COPY in another session", || {
        target.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name LIKE 'patina generate (session %' AND query LIKE 'COPY%'",
        ) > 0
    });
    assert_interrupted(run.interrupt("TERM"));
    assert_eq!(
        target
            .scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"),
        1,
        "only the table that was there before: the committed schema dropped again"
    );
    assert_eq!(target.scalar("SELECT count(*) FROM kept"), 2);
    assert_eq!(
        target.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'patina%' \
             AND datname = current_database()"
        ),
        0,
        "every session closed"
    );
}
