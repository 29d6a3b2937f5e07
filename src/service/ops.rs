//! Operational views: spaces list and the figures `/metrics` exposes.

use std::sync::atomic::Ordering;

use super::{App, ServiceResult};

/// Counters of the store since start-up.
#[derive(Debug, Clone, Copy)]
pub struct Metrics {
    pub writes: u64,
    pub batches: u64,
    pub flushes: u64,
    pub durable_seq: u64,
    /// Markdown renderings made (cache misses, writes, previews).
    pub renders: u64,
    /// The last event whose effects are searchable.
    pub indexed_seq: u64,
}

impl App {
    pub fn metrics(&self) -> Metrics {
        let stats = self.store().stats();
        Metrics {
            writes: stats.writes.load(Ordering::Relaxed),
            batches: stats.batches.load(Ordering::Relaxed),
            flushes: stats.flushes.load(Ordering::Relaxed),
            durable_seq: self.store().durable_seq(),
            renders: self.inner.renders.renders(),
            indexed_seq: self.indexed_seq(),
        }
    }
}

impl App {
    /// Periodic housekeeping: expired sessions, idle rate-limit state.
    pub async fn maintain(&self) -> ServiceResult<usize> {
        self.inner.renders.shrink();
        self.inner.accounts.shrink();
        self.purge_expired_sessions().await
    }
}
