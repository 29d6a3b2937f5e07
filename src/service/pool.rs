//! Where CPU-heavy work runs: rendering, diffs and merges.
//!
//! Off the async workers (a render of a large page takes a fraction of a
//! second, which would stall every request sharing the worker), and at
//! most one job per core at once: a burst of expensive requests waits its
//! turn here instead of taking every core, so `/healthz`, cached page reads
//! and the writer thread keep answering. The permit travels with the job,
//! so a request that gives up (a client gone, a timeout) still frees its
//! place only when its job has really finished.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{ServiceError, ServiceResult};

pub(super) struct CpuPool {
    permits: Arc<Semaphore>,
}

impl CpuPool {
    /// A pool running as many jobs at once as the machine has cores.
    pub(super) fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }

    /// Runs `job` on the blocking pool once a core is free for it.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> ServiceResult<T> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| ServiceError::Internal("the CPU pool is closed".to_owned()))?;
        tokio::task::spawn_blocking(move || {
            let outcome = job();
            drop(permit);
            outcome
        })
        .await
        .map_err(|error| ServiceError::Internal(format!("a CPU job failed: {error}")))
    }
}
