//! The single writer: one thread owns the only write connection. Requests queue jobs on a
//! channel; the thread takes everything waiting (up to a cap) and commits it in ONE transaction
//! (group commit), then answers every job. A job's answer is sent only after the commit
//! returned, so an acknowledged event is on disk. If a batch fails, each of its jobs is retried
//! alone so one bad job cannot fail its neighbours.
//!
//! Triage changes from the Web API (status, assignment, comments, merges, deletes) run on the
//! same thread through [`WriterHandle::call`], in their own transaction and in arrival order
//! with ingest: there is exactly one writer, so no write ever waits on SQLite's lock or races an
//! issue row the ingest batch holds in memory.

use std::sync::mpsc;
use std::thread;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::StoreError;
use super::apply::{Batch, WriterCache};
use super::types::{Committed, WriteJob};

/// Most jobs folded into one transaction.
const MAX_BATCH_JOBS: usize = 2048;
/// Most payload bytes folded into one transaction.
const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;
/// Jobs that may wait for the writer before senders are pushed back.
const QUEUE_DEPTH: usize = 16 * 1024;

type Reply = oneshot::Sender<Result<Committed, StoreError>>;

/// A unit of work that runs on the writer thread with the write connection's transaction.
/// It returns whether to commit, and a finisher that receives the commit's outcome.
type Call = Box<dyn FnOnce(&rusqlite::Transaction<'_>) -> (bool, Finish) + Send>;
type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

enum Message {
    Ingest(WriteJob, Reply),
    Call(Call),
}

/// A cloneable handle for submitting jobs to the writer thread.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::SyncSender<Message>,
}

impl WriterHandle {
    /// Starts the writer thread on `conn`.
    pub fn spawn(conn: Connection) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::sync_channel(QUEUE_DEPTH);
        thread::Builder::new().name("sift-writer".into()).spawn(move || run(conn, rx))?;
        Ok(Self { tx })
    }

    /// Queues `job` and waits until it is committed.
    pub async fn write(&self, job: WriteJob) -> Result<Committed, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.enqueue(Message::Ingest(job, reply)).await?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `f` on the writer thread inside its own IMMEDIATE transaction, committed when `f`
    /// returns `Ok` and rolled back otherwise, and answers with `f`'s result.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, StoreError>>();
        let call: Call = Box::new(move |tx| {
            let result = f(tx);
            let commit = result.is_ok();
            // The writer commits (or rolls back), then hands the outcome to this finisher.
            let finish: Finish = Box::new(move |committed| {
                let _ = reply.send(committed.and(result));
            });
            (commit, finish)
        });
        self.enqueue(Message::Call(call)).await?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    async fn enqueue(&self, message: Message) -> Result<(), StoreError> {
        match self.tx.try_send(message) {
            Ok(()) => {}
            Err(mpsc::TrySendError::Full(queued)) => {
                // Back-pressure: wait for room off the async worker threads.
                let tx = self.tx.clone();
                // The unsent message is dropped here: only whether it went matters.
                tokio::task::spawn_blocking(move || tx.send(queued).map_err(drop))
                    .await
                    .map_err(|_| StoreError::WriterGone)?
                    .map_err(|_| StoreError::WriterGone)?;
            }
            Err(mpsc::TrySendError::Disconnected(_)) => return Err(StoreError::WriterGone),
        }
        Ok(())
    }

    /// Blocking variant for command-line tools and tests outside a runtime.
    pub fn write_blocking(&self, job: WriteJob) -> Result<Committed, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Message::Ingest(job, reply)).map_err(|_| StoreError::WriterGone)?;
        answer.blocking_recv().map_err(|_| StoreError::WriterGone)?
    }
}

fn job_bytes(job: &WriteJob) -> usize {
    job.events.iter().map(|e| e.data.len()).sum::<usize>()
        + job.items.iter().map(|i| i.data.len()).sum::<usize>()
        + job.transactions.iter().map(|t| t.data.len()).sum::<usize>()
}

fn run(mut conn: Connection, rx: mpsc::Receiver<Message>) {
    let mut cache = WriterCache::default();
    let mut pending: Option<Message> = None;
    loop {
        let first = match pending.take() {
            Some(message) => message,
            None => match rx.recv() {
                Ok(message) => message,
                Err(_) => break,
            },
        };
        let first = match first {
            Message::Call(call) => {
                run_call(&mut conn, &mut cache, call);
                continue;
            }
            Message::Ingest(job, reply) => (job, reply),
        };
        let mut bytes = job_bytes(&first.0);
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH_JOBS && bytes < MAX_BATCH_BYTES {
            match rx.try_recv() {
                Ok(Message::Ingest(job, reply)) => {
                    bytes += job_bytes(&job);
                    batch.push((job, reply));
                }
                Ok(call) => {
                    // Keep arrival order: this batch commits before the call runs.
                    pending = Some(call);
                    break;
                }
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, &mut cache, batch);
    }
    tracing::info!("writer stopped: every handle dropped");
}

fn run_call(conn: &mut Connection, cache: &mut WriterCache, call: Call) {
    // Calls may merge or delete issues, which the hash cache would otherwise still point at.
    cache.clear();
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(err) => {
            tracing::error!(%err, "could not start a transaction");
            return;
        }
    };
    // A panicking call must not take the only writer down with it: roll back, and let its
    // caller see the writer's reply dropped.
    let Ok((commit, finish)) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&tx))) else {
        tracing::error!("a triage write panicked; rolled back");
        let _ = tx.rollback();
        return;
    };
    let outcome = if commit { tx.commit().map_err(StoreError::from) } else { tx.rollback().map_err(StoreError::from) };
    if let Err(err) = &outcome {
        tracing::error!(%err, "triage write could not finish its transaction");
    }
    finish(outcome);
}

fn commit_batch(conn: &mut Connection, cache: &mut WriterCache, batch: Vec<(WriteJob, Reply)>) {
    let (jobs, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    let result = apply_jobs(conn, cache, &jobs);
    if result.is_err() {
        cache.clear();
    }
    match result {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(Ok(result));
            }
        }
        Err(err) if jobs.len() > 1 => {
            tracing::warn!(%err, jobs = jobs.len(), "batch failed; committing its jobs one by one");
            for (job, reply) in jobs.into_iter().zip(replies) {
                let result = apply_jobs(conn, cache, std::slice::from_ref(&job)).map(|mut r| r.remove(0));
                if result.is_err() {
                    cache.clear();
                }
                let _ = reply.send(result);
            }
        }
        Err(err) => {
            tracing::error!(%err, "write failed");
            for reply in replies {
                let _ = reply.send(Err(StoreError::Write(err.to_string())));
            }
        }
    }
}

fn apply_jobs(conn: &mut Connection, cache: &mut WriterCache, jobs: &[WriteJob]) -> Result<Vec<Committed>, StoreError> {
    // IMMEDIATE takes the write lock up front, so issue rows read during the batch cannot be
    // changed underneath it by another connection.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(jobs.len());
    {
        let mut batch = Batch::new(&tx, cache);
        for job in jobs {
            results.push(batch.apply_job(job)?);
        }
        batch.flush()?;
    }
    tx.commit()?;
    if cache.alerts.take_fired() {
        crate::alerts::wake();
    }
    Ok(results)
}
