//! `ahnb serve`: serves a built site over HTTP on a loopback address, rebuilds it when LOGS
//! changes and tells open pages what changed (Server-Sent Events), and, with `--ingest`, takes
//! log lines over HTTP (see [`ingest`]).
//!
//! The server is axum on tokio: the stack mdBook moved its `serve` to, kept by the tokio
//! project, with Server-Sent Events built in and request bodies that can be size-limited before
//! they are read. The build itself stays synchronous (rayon) and runs on its own thread; file
//! writes of the ingest API run on tokio's blocking pool, one request at a time per log.

mod batch;
mod files;
pub mod ingest;
mod live;
pub mod names;
mod store;
pub mod token;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use files::{LIVE_CSP, inject_live_tag, live_tag};
pub use token::{Token, TokenSource};
pub use watch::{Rebuild, Rebuilt};

use live::Live;

/// How to serve.
#[derive(Debug)]
pub struct ServeOptions {
    pub logs: PathBuf,
    /// The folder the site is built into and served from.
    pub site: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port (printed at start).
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// The ingest API, when asked for.
    pub ingest: Option<IngestOptions>,
    pub quiet: bool,
}

#[derive(Debug)]
pub struct IngestOptions {
    pub token: Token,
    pub max_body: usize,
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to take logs over HTTP on {0}, which is not a loopback address, with a generated token; \
         give a token with --token-file FILE or AHNB_TOKEN, or bind to 127.0.0.1"
    )]
    UnprotectedBind(IpAddr),
    #[error("cannot listen on {address}: {source}; choose another --port or --bind")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

/// Refuses ingest on a non-loopback address unless the token was chosen by the user (a
/// generated one is printed to a terminal anyone on the network may not see, but a LAN-wide
/// writable endpoint must be deliberate).
pub fn check_bind(bind: IpAddr, ingest: Option<&IngestOptions>) -> Result<(), ServeError> {
    match ingest {
        Some(options) if !bind.is_loopback() && options.token.source == TokenSource::Generated => {
            Err(ServeError::UnprotectedBind(bind))
        }
        _ => Ok(()),
    }
}

#[derive(Clone)]
struct AppState {
    site: Arc<PathBuf>,
    live: Arc<Live>,
}

/// The whole application: API, live endpoints, then the site.
fn router(options: &ServeOptions, live: Arc<Live>) -> Router {
    let api = match &options.ingest {
        Some(ingest) => ingest::routes(Arc::new(ingest::Ingest {
            store: store::LogStore::new(&options.logs),
            token: ingest.token.clone(),
            max_body: ingest.max_body,
        })),
        None => ingest::routes_disabled(),
    };
    let state = AppState {
        site: Arc::new(options.site.clone()),
        live,
    };
    Router::new()
        .route("/__ahnb/live.js", get(live_script))
        .route("/__ahnb/events", get(events))
        .fallback(site_file)
        .with_state(state)
        .nest("/api/v1", api)
}

async fn live_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        live::LIVE_JS,
    )
        .into_response()
}

async fn events(State(state): State<AppState>) -> Response {
    state.live.events().into_response()
}

async fn site_file(State(state): State<AppState>, uri: Uri) -> Response {
    files::serve_file(&state.site, &uri, state.live.version()).await
}

/// Serves `options.site` (already built) until interrupted, rebuilding with `rebuild` whenever
/// LOGS changes. Prints the address (and the ingest token) first.
pub fn serve(options: ServeOptions, rebuild: Rebuild) -> Result<(), ServeError> {
    check_bind(options.bind, options.ingest.as_ref())?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address)
        .map_err(|source| ServeError::Bind { address, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| ServeError::Other(e.to_string()))?;
    let bound = listener
        .local_addr()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    let live = Arc::new(Live::default());
    let _watcher = watch::start(
        &options.logs,
        options.site.clone(),
        rebuild,
        Arc::clone(&live),
        options.quiet,
    )
    .map_err(ServeError::Other)?;
    let url = format!("http://{bound}/");
    eprintln!(
        "serving {} at {url} (watching {}; Ctrl-C stops)",
        options.site.display(),
        options.logs.display()
    );
    if let Some(ingest) = &options.ingest {
        match ingest.token.source {
            TokenSource::Generated => {
                eprintln!(
                    "ingest on at {url}api/v1 with the token (send it as `Authorization: Bearer TOKEN`, or set AHNB_TOKEN for the client):"
                );
                eprintln!("AHNB_TOKEN={}", ingest.token.secret());
            }
            TokenSource::File | TokenSource::Environment => {
                eprintln!("ingest on at {url}api/v1 with the token you gave");
            }
        }
    }
    if options.open {
        open_in_browser(&url);
    }
    let app = router(&options, live);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ahnb-serve")
        .build()
        .map_err(|e| ServeError::Other(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| ServeError::Other(e.to_string()))?;
        // Open event streams never end by themselves, so waiting for connections to close
        // would wait forever: on a signal the server just stops.
        tokio::select! {
            served = axum::serve(listener, app) => served.map_err(|e| ServeError::Other(e.to_string())),
            () = shutdown_signal() => Ok(()),
        }
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Best effort: a missing opener only means the user opens the printed address.
fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
