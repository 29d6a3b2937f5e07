//! Wiring an instance: create the data folder, open the store, build the
//! application and its router, serve HTTP, and shut down cleanly (stop
//! accepting, finish requests in flight, let the writer drain, flush).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use std::sync::Arc;

use crate::config::Config;
use crate::search::{Indexer, SearchError, SearchIndex};
use crate::service::{App, StoreFeed};
use crate::store::{Store, StoreError};

const SESSION_PURGE_EVERY: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("could not create the data folder {path}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("could not listen on {address}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("serving HTTP failed: {0}")]
    Serve(std::io::Error),
}

/// Opens the store of `config`, creating the data folder on first start.
pub fn open_store(config: &Config) -> Result<Store, ServerError> {
    std::fs::create_dir_all(config.data_dir()).map_err(|source| ServerError::DataDir {
        path: config.data_dir().to_owned(),
        source,
    })?;
    Ok(Store::open_on(&config.store_dir(), config.clock.clone())?)
}

/// A server running in this process (for tests and the CLI).
pub struct RunningServer {
    pub address: SocketAddr,
    pub app: App,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), ServerError>>,
}

impl RunningServer {
    /// Graceful shutdown: stop accepting, finish in-flight requests, flush.
    pub async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(result) => result,
            Err(join_error) => Err(ServerError::Serve(std::io::Error::other(join_error))),
        }
    }

    /// Resolves when the server stops by itself (a signal, or a failure).
    pub async fn wait(mut self) -> Result<(), ServerError> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(join_error) => Err(ServerError::Serve(std::io::Error::other(join_error))),
        }
    }
}

/// Opens the store, binds `config.listen` (port 0 picks a free port) and
/// serves until `RunningServer::stop` or `extra_stop` resolves.
pub async fn start(
    config: Config,
    extra_stop: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningServer, ServerError> {
    let store = open_store(&config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            address: config.listen,
            source,
        })?;
    let address = listener.local_addr().map_err(ServerError::Serve)?;
    // The port actually bound (port 0 picks one), for the links made from it.
    let mut config = config;
    config.listen = address;
    let (index, resume) = SearchIndex::open(&config.index_dir())?;
    let feed = StoreFeed::new(store.clone(), config.default_lang);
    let indexer = Arc::new(Indexer::spawn(&index, resume, Box::new(feed))?);
    let app = App::new(store.clone(), config);
    app.attach_search(index, indexer.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let purge = tokio::spawn(purge_sessions_periodically(app.clone()));
    let governance = tokio::spawn(keep_governance_time(app.clone()));

    let serving_app = app.clone();
    let task = tokio::spawn(async move {
        let shutdown = async move {
            tokio::select! {
                _ = stopped => {}
                () = extra_stop => {}
            }
            tracing::info!("shutting down: finishing requests in flight");
        };
        let served = crate::http::serve(listener, serving_app, shutdown)
            .await
            .map_err(ServerError::Serve);
        purge.abort();
        governance.abort();
        // Wait for them to go, so their handles on the store go with them.
        let _ = purge.await;
        let _ = governance.await;
        // Commit what the indexer has, then stop it.
        let _ = tokio::task::spawn_blocking(move || indexer.stop()).await;
        // Every handler has finished: drain the writer and flush.
        let stored = tokio::task::spawn_blocking(move || store.shutdown())
            .await
            .map_err(|error| ServerError::Serve(std::io::Error::other(error)))?;
        served?;
        stored?;
        tracing::info!("stopped; all writes are on disk");
        Ok(())
    });
    Ok(RunningServer {
        address,
        app,
        stop: Some(stop),
        task,
    })
}

async fn purge_sessions_periodically(app: App) {
    let mut ticker = tokio::time::interval(SESSION_PURGE_EVERY);
    loop {
        ticker.tick().await;
        match app.maintain().await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "expired sessions purged"),
            Err(error) => tracing::warn!(%error, "purging expired sessions failed"),
        }
    }
}

/// What the clock decides: revisions published by lazy consensus, newcomers
/// promoted once their time is served.
async fn keep_governance_time(app: App) {
    let mut ticker = tokio::time::interval(app.config().governance.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = app.governance_tick().await {
            tracing::warn!(%error, "governance housekeeping failed");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn termination_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
