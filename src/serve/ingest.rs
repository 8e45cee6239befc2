//! The HTTP ingest API (opt-in with `--ingest`), under `/api/v1`:
//! `POST /runs/{project}/{run}[?offset=N]` appends a body of native JSON lines to
//! `LOGS/{project}/{run}.jsonl`; `GET /runs/{project}/{run}` gives a run's offset, `GET /runs`
//! every run's; `GET /health` needs no token. Every answer is JSON; every refusal stores nothing.
//! See docs/api.md for the statuses.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use super::batch::check_batch;
use super::names::check_name;
use super::store::{AppendError, LogStore};
use super::token::Token;

/// Largest request body accepted by default: far above a batch a client sends (it sends what
/// a training loop wrote since the last request), far below what memory notices.
pub const DEFAULT_MAX_BODY: usize = 8 * 1024 * 1024;

/// What the handlers share.
#[derive(Debug)]
pub struct Ingest {
    pub store: LogStore,
    pub token: Token,
    pub max_body: usize,
}

/// The API's routes, to nest under `/api/v1`.
pub fn routes(ingest: Arc<Ingest>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/runs", get(list_runs))
        .route("/runs/{project}/{run}", get(run_offset).post(append))
        .fallback(not_found)
        .with_state(ingest)
}

/// `GET /api/v1/health` when ingest is off: says so, so a client can tell.
pub fn routes_disabled() -> Router {
    Router::new()
        .route("/health", get(health_without_ingest))
        .fallback(|| async {
            refusal(
                StatusCode::NOT_FOUND,
                "the ingest API is off; start the server with `ahnb serve LOGS --ingest`",
            )
        })
}

fn refusal(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

async fn not_found() -> Response {
    refusal(StatusCode::NOT_FOUND, "no such endpoint; see docs/api.md")
}

async fn health() -> Response {
    Json(json!({ "status": "ok", "ingest": true, "version": env!("CARGO_PKG_VERSION") }))
        .into_response()
}

async fn health_without_ingest() -> Response {
    Json(json!({ "status": "ok", "ingest": false, "version": env!("CARGO_PKG_VERSION") }))
        .into_response()
}

/// `401` unless the request carries the token.
// The refusal is the answer itself, built once per refused request: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn authorize(ingest: &Ingest, headers: &HeaderMap) -> Result<(), Response> {
    let sent = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if ingest.token.accepts(sent) {
        return Ok(());
    }
    let mut response = refusal(
        StatusCode::UNAUTHORIZED,
        match sent {
            None => {
                "missing `Authorization: Bearer TOKEN` (the token `ahnb serve` printed, or AHNB_TOKEN)"
            }
            Some(_) => "wrong token",
        },
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    Err(response)
}

#[allow(clippy::result_large_err)]
fn check_names(project: &str, run: &str) -> Result<(), Response> {
    check_name("project", project)
        .and_then(|()| check_name("run", run))
        .map_err(|message| refusal(StatusCode::BAD_REQUEST, message))
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {e}"),
        )
    })
}

#[derive(Debug, Deserialize)]
struct AppendQuery {
    offset: Option<u64>,
}

async fn append(
    State(ingest): State<Arc<Ingest>>,
    Path((project, run)): Path<(String, String)>,
    query: Result<Query<AppendQuery>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Response {
    if let Err(response) = authorize(&ingest, request.headers()) {
        return response;
    }
    if let Err(response) = check_names(&project, &run) {
        return response;
    }
    let Ok(Query(query)) = query else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "the offset must be a whole number of bytes (`?offset=1234`)",
        );
    };
    let body: Body = request.into_body();
    let bytes = match to_bytes(body, ingest.max_body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is larger than {} bytes; send fewer lines per request",
                    ingest.max_body
                ),
            );
        }
    };
    let shared = Arc::clone(&ingest);
    let outcome = blocking(move || {
        let batch = check_batch(&bytes).map_err(|e| (e.line, e.message))?;
        Ok::<_, (Option<usize>, String)>(shared.store.append(
            &project,
            &run,
            query.offset,
            &batch.bytes,
            batch.lines,
        ))
    })
    .await;
    match outcome {
        Err(response) => response,
        Ok(Err((line, message))) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": message, "line": line })),
        )
            .into_response(),
        Ok(Ok(Ok(appended))) => {
            Json(json!({ "stored": appended.lines, "offset": appended.offset })).into_response()
        }
        Ok(Ok(Err(AppendError::Conflict { current }))) => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": format!(
                    "the log is {current} bytes long, not the offset sent; nothing was stored"
                ),
                "offset": current,
            })),
        )
            .into_response(),
        Ok(Ok(Err(AppendError::Io(message)))) => {
            refusal(StatusCode::INTERNAL_SERVER_ERROR, message)
        }
    }
}

async fn run_offset(
    State(ingest): State<Arc<Ingest>>,
    Path((project, run)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorize(&ingest, &headers) {
        return response;
    }
    if let Err(response) = check_names(&project, &run) {
        return response;
    }
    let shared = Arc::clone(&ingest);
    let (p, r) = (project.clone(), run.clone());
    match blocking(move || shared.store.offset(&p, &r)).await {
        Err(response) => response,
        Ok(Ok(offset)) => {
            Json(json!({ "project": project, "run": run, "offset": offset })).into_response()
        }
        Ok(Err(message)) => refusal(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

async fn list_runs(State(ingest): State<Arc<Ingest>>, headers: HeaderMap) -> Response {
    if let Err(response) = authorize(&ingest, &headers) {
        return response;
    }
    let shared = Arc::clone(&ingest);
    match blocking(move || shared.store.list()).await {
        Err(response) => response,
        Ok(runs) => {
            let runs: Vec<_> = runs
                .into_iter()
                .map(|(project, run, offset)| json!({ "project": project, "run": run, "offset": offset }))
                .collect();
            Json(json!({ "runs": runs })).into_response()
        }
    }
}
