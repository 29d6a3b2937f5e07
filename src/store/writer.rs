//! Group commit: one thread applies every write and shares flushes.
//!
//! sled 0.34 has no group commit of its own, and `flush_async` deadlocks with
//! concurrent callers (spacejam/sled#1308), so no other code path flushes.
//! The thread takes the first queued write, then drains whatever else queued
//! up meanwhile (up to `MAX_BATCH_WRITES` or `MAX_BATCH_BYTES`), applies the
//! whole batch in one sled transaction, calls the blocking `Db::flush()` once,
//! and only then answers every caller of the batch. Writes that arrive while a
//! flush runs form the next batch, so the more writers wait, the more each
//! flush carries.
//!
//! Inside the batch, each write sees the ones before it. A write that fails
//! before writing anything (a moved head, a taken name) fails alone. If one
//! fails after writing, or the batch transaction fails, the batch is applied
//! again one transaction per write, so no write can take another down.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use sled::transaction::ConflictableTransactionError;

use super::tx::{self, Abort, Tx};
use super::{StoreError, Trees};

const MAX_BATCH_WRITES: usize = 512;
const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

type FlushOutcome = Result<(), String>;

/// A queued write: applied inside a transaction, answered after the flush.
trait Op: Send {
    /// Applies the write and keeps its outcome. `Err` means the transaction
    /// must not commit: a storage failure, or a write that failed half-way.
    fn apply(&mut self, tx: &Tx<'_>) -> Result<(), Abort>;
    /// Records a failure of the transaction this write was part of.
    fn fail(&mut self, error: StoreError);
    /// Answers the caller once the batch's flush has returned.
    fn complete(self: Box<Self>, flushed: &FlushOutcome);
    /// Bytes this write carries, to bound a batch.
    fn weight(&self) -> usize;
}

struct Pending<T, F> {
    apply: F,
    weight: usize,
    outcome: Option<Result<T, StoreError>>,
    reply: tokio::sync::oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Op for Pending<T, F>
where
    T: Send,
    F: Fn(&Tx<'_>) -> Result<T, Abort> + Send,
{
    fn apply(&mut self, tx: &Tx<'_>) -> Result<(), Abort> {
        tx.start_write();
        let outcome = catch_unwind(AssertUnwindSafe(|| (self.apply)(tx)))
            .unwrap_or_else(|_| Err(StoreError::Flush("a write panicked".to_owned()).into()));
        match outcome {
            Ok(value) => {
                self.outcome = Some(Ok(value));
                Ok(())
            }
            // Refused before writing anything: this write fails alone.
            Err(ConflictableTransactionError::Abort(error)) if !tx.wrote() => {
                self.outcome = Some(Err(error));
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    fn fail(&mut self, error: StoreError) {
        self.outcome = Some(Err(error));
    }

    fn complete(self: Box<Self>, flushed: &FlushOutcome) {
        let outcome = self.outcome.unwrap_or(Err(StoreError::Closed));
        let result = match flushed {
            Ok(()) => outcome,
            Err(error) => outcome.and(Err(StoreError::Flush(error.clone()))),
        };
        // The caller may have gone away (client disconnected): the write stands.
        let _ = self.reply.send(result);
    }

    fn weight(&self) -> usize {
        self.weight
    }
}

enum Command {
    Write(Box<dyn Op>),
    Shutdown,
}

pub(crate) struct Writer {
    sender: Sender<Command>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Writer {
    pub(crate) fn start(trees: Arc<Trees>) -> Result<Self, StoreError> {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let thread = std::thread::Builder::new()
            .name("ostrom-writer".to_owned())
            .spawn(move || run(&trees, &receiver))
            .map_err(|error| StoreError::Flush(format!("could not start the writer: {error}")))?;
        Ok(Self {
            sender,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Queues `apply` (carrying `weight` bytes) and waits until it is
    /// applied and flushed.
    pub(crate) async fn submit<T, F>(&self, weight: usize, apply: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&Tx<'_>) -> Result<T, Abort> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let op = Pending {
            apply,
            weight,
            outcome: None,
            reply,
        };
        self.sender
            .send(Command::Write(Box::new(op)))
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Finishes the writes queued so far, then stops the thread. Idempotent.
    pub(crate) fn shutdown(&self) {
        let _ = self.sender.send(Command::Shutdown);
        let handle = match self.thread.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

fn run(trees: &Trees, receiver: &Receiver<Command>) {
    let mut stopping = false;
    while !stopping {
        let Ok(first) = receiver.recv() else { break };
        let mut batch: Vec<Box<dyn Op>> = Vec::new();
        let mut bytes = 0;
        let mut next = Some(first);
        while let Some(command) = next.take() {
            match command {
                Command::Write(op) => {
                    bytes += op.weight();
                    batch.push(op);
                }
                Command::Shutdown => stopping = true,
            }
            if stopping || batch.len() >= MAX_BATCH_WRITES || bytes >= MAX_BATCH_BYTES {
                break;
            }
            next = receiver.try_recv().ok();
        }
        if !batch.is_empty() {
            commit(trees, batch);
        }
    }
}

/// Applies `batch`, flushes once, answers everyone.
fn commit(trees: &Trees, mut batch: Vec<Box<dyn Op>>) {
    apply_batch(trees, &mut batch);
    trees.generation.fetch_add(1, Ordering::AcqRel);
    let last_seq = tx::last_event_seq(trees).unwrap_or(0);
    let flushed: FlushOutcome = trees.db.flush().map(drop).map_err(|e| e.to_string());
    let stats = &trees.stats;
    stats.flushes.fetch_add(1, Ordering::Relaxed);
    stats.batches.fetch_add(1, Ordering::Relaxed);
    stats
        .writes
        .fetch_add(batch.len() as u64, Ordering::Relaxed);
    match &flushed {
        Ok(()) => trees.durable_seq.store(last_seq, Ordering::Release),
        Err(error) => tracing::error!(%error, "flushing the store failed"),
    }
    for op in batch {
        op.complete(&flushed);
    }
}

fn apply_batch(trees: &Trees, batch: &mut [Box<dyn Op>]) {
    let shared = RefCell::new(&mut *batch);
    let together = tx::run(trees, |tx| {
        shared
            .borrow_mut()
            .iter_mut()
            .try_for_each(|op| op.apply(tx))
    });
    if together.is_err() {
        isolate(trees, batch);
    }
}

/// Applies each write in its own transaction, so a failing one fails alone.
fn isolate(trees: &Trees, batch: &mut [Box<dyn Op>]) {
    for op in batch.iter_mut() {
        let cell = RefCell::new(&mut *op);
        if let Err(error) = tx::run(trees, |tx| cell.borrow_mut().apply(tx)) {
            op.fail(error);
        }
    }
}
