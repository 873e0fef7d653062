//! `--sessions N`: more PostgreSQL connections that COPY a table's chunks at
//! once, so N server processes take the rows in instead of one.
//!
//! One server process turns binary COPY into tuples on one core; on the
//! benchmark's lineitem it, not generation, bounds the load (docs/benchmarks.md).
//! Each extra session is a thread holding its own connection, runtime and
//! transaction. The sink's thread hands them encoded chunks through one
//! bounded queue (two chunks waiting; each session holds the one it is
//! sending), whichever session is free takes the next, and each reports
//! the rows the server took. They commit only when the sink asks, after every
//! row is in, so a failure before that rolls all of them back: closing a
//! connection in a transaction rolls it back.
//!
//! Which chunk lands in which session changes nothing in the rows stored,
//! only their physical order and which transaction wrote them.

use super::Buffers;
use super::session::db_err;
use crate::error::SinkError;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Work for a session.
enum Job {
    /// COPY these bytes with this statement; `action` names the table for errors.
    Copy {
        statement: Arc<str>,
        action: Arc<str>,
        bytes: Vec<u8>,
    },
    /// Commit, and take no more work.
    Commit,
}

/// What a session did.
enum Done {
    /// Connected, and in its transaction.
    Ready,
    /// A chunk went in: the rows the server reported.
    Copied(u64),
    /// Its transaction committed.
    Committed,
}

/// The extra sessions of a load.
pub struct Sessions {
    /// The queue every session takes work from; dropped to send them home.
    jobs: Option<SyncSender<Job>>,
    done: Receiver<Result<Done, SinkError>>,
    threads: Vec<JoinHandle<()>>,
    /// Chunks handed out whose reply has not come yet.
    pending: usize,
    /// Rows the sessions reported since [`Sessions::drain`] last returned.
    loaded: u64,
    /// How many sessions have committed.
    committed: usize,
}

impl Sessions {
    /// Opens `n` sessions, each connected and in its transaction.
    pub fn open(
        options: &PgConnectOptions,
        n: usize,
        buffers: Arc<Buffers>,
    ) -> Result<Self, SinkError> {
        // Two chunks wait while every session is busy: more would only hold
        // memory (a chunk is about 16 MB), since generation is what refills it.
        let (jobs, queue) = sync_channel::<Job>(2);
        let queue = Arc::new(Mutex::new(queue));
        let (report, done) = channel();
        let mut threads = Vec::with_capacity(n);
        for k in 0..n {
            let options = options
                .clone()
                .application_name(&format!("patina generate (session {})", k + 2));
            let (queue, report, buffers) = (queue.clone(), report.clone(), buffers.clone());
            let thread = std::thread::Builder::new()
                .name(format!("patina-pg-{}", k + 2))
                .spawn(move || serve(&options, &queue, &report, &buffers))
                .map_err(|e| SinkError::Session(format!("cannot start its thread: {e}")))?;
            threads.push(thread);
        }
        let mut sessions = Self {
            jobs: Some(jobs),
            done,
            threads,
            pending: 0,
            loaded: 0,
            committed: 0,
        };
        for _ in 0..n {
            if let Err(e) = sessions.reply() {
                sessions.close();
                return Err(e);
            }
        }
        Ok(sessions)
    }

    /// How many sessions there are.
    pub fn len(&self) -> usize {
        self.threads.len()
    }

    /// Hands a chunk to the next free session. Reports a failure of an
    /// earlier chunk as soon as it is known.
    pub fn copy(
        &mut self,
        statement: &Arc<str>,
        action: &Arc<str>,
        bytes: Vec<u8>,
    ) -> Result<(), SinkError> {
        while let Ok(reply) = self.done.try_recv() {
            self.take(reply)?;
        }
        let job = Job::Copy {
            statement: statement.clone(),
            action: action.clone(),
            bytes,
        };
        let jobs = self.jobs.as_ref().ok_or_else(gone)?;
        if jobs.send(job).is_err() {
            // Every session has stopped: one of them says why.
            while self.pending > 0 {
                self.reply()?;
            }
            return Err(gone());
        }
        self.pending += 1;
        Ok(())
    }

    /// Waits for every chunk handed out; returns the rows they held.
    pub fn drain(&mut self) -> Result<u64, SinkError> {
        while self.pending > 0 {
            self.reply()?;
        }
        Ok(std::mem::take(&mut self.loaded))
    }

    /// Commits every session (after [`Sessions::drain`]).
    pub fn commit(&mut self) -> Result<(), SinkError> {
        self.drain()?;
        for _ in 0..self.len() {
            let jobs = self.jobs.as_ref().ok_or_else(gone)?;
            if jobs.send(Job::Commit).is_err() {
                break;
            }
        }
        while self.committed < self.len() {
            self.reply()?;
        }
        self.close();
        Ok(())
    }

    /// Whether any session committed: its rows are in the target for good.
    pub fn any_committed(&self) -> bool {
        self.committed > 0
    }

    /// Ends every session; those that did not commit roll back.
    pub fn close(&mut self) {
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    /// Waits for one reply.
    fn reply(&mut self) -> Result<(), SinkError> {
        let reply = self.done.recv().map_err(|_| gone())?;
        self.take(reply)
    }

    fn take(&mut self, reply: Result<Done, SinkError>) -> Result<(), SinkError> {
        match reply? {
            Done::Ready => {}
            Done::Copied(rows) => {
                self.pending -= 1;
                self.loaded += rows;
            }
            Done::Committed => self.committed += 1,
        }
        Ok(())
    }
}

impl Drop for Sessions {
    fn drop(&mut self) {
        self.close();
    }
}

fn gone() -> SinkError {
    SinkError::Session("its thread ended before the load did".into())
}

/// A session's thread: connect, begin, then COPY what the queue hands out
/// until told to commit, the queue closes, or a statement fails.
fn serve(
    options: &PgConnectOptions,
    queue: &Mutex<Receiver<Job>>,
    report: &Sender<Result<Done, SinkError>>,
    buffers: &Buffers,
) {
    let runtime = match super::runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = report.send(Err(e));
            return;
        }
    };
    let opened = runtime.block_on(async {
        let mut conn = options
            .connect()
            .await
            .map_err(|source| SinkError::Connect {
                engine: "PostgreSQL",
                source,
            })?;
        conn.execute("BEGIN")
            .await
            .map_err(db_err("starting a loading session's transaction"))?;
        Ok(conn)
    });
    let mut conn = match opened {
        Ok(conn) => conn,
        Err(e) => {
            let _ = report.send(Err(e));
            return;
        }
    };
    let _ = report.send(Ok(Done::Ready));
    loop {
        // The lock is held only while waiting: the next free session waits next.
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = job else { break };
        let (result, last) = match job {
            Job::Copy {
                statement,
                action,
                bytes,
            } => {
                let result = runtime.block_on(async {
                    let mut copy = conn.copy_in_raw(&statement).await?;
                    copy.send(bytes.as_slice()).await?;
                    copy.finish().await
                });
                buffers.give(bytes);
                let result = result.map(Done::Copied).map_err(db_err(&*action));
                let failed = result.is_err();
                (result, failed)
            }
            Job::Commit => {
                let result = runtime
                    .block_on(conn.execute("COMMIT"))
                    .map(|_| Done::Committed)
                    .map_err(db_err("committing a loading session"));
                (result, true)
            }
        };
        let _ = report.send(result);
        if last {
            break;
        }
    }
    // A session that did not commit rolls back as its connection closes.
    let _ = runtime.block_on(conn.close());
}
