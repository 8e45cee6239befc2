//! The live side of a served site: a version number that every rebuild raises, and the stream
//! of Server-Sent Events (`/__ahnb/events`) that tells open pages which files changed.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// The live script, embedded: it belongs to serve, not to the site or its theme.
pub const LIVE_JS: &str = include_str!("../../themes/default/static/live.js");

/// One rebuild, as sent to pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Update {
    pub version: u64,
    pub changed: Vec<String>,
}

#[derive(Debug)]
pub struct Live {
    version: AtomicU64,
    updates: broadcast::Sender<Update>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            version: AtomicU64::new(1),
            updates: broadcast::channel(64).0,
        }
    }
}

impl Live {
    /// The version of the site now served.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Announces a rebuild that changed `changed`.
    pub fn publish(&self, changed: Vec<String>) {
        let version = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        // No open page is not an error.
        let _ = self.updates.send(Update { version, changed });
    }

    /// The event stream of one page: first the current version (a page served before a rebuild
    /// it missed sees that it is behind), then every update. A page too slow to keep up gets a
    /// `lagged` event and reloads.
    pub fn events(
        self: &Arc<Self>,
    ) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>> + use<>> {
        let receiver = self.updates.subscribe();
        let hello = Event::default()
            .event("version")
            .data(self.version().to_string());
        let updates = BroadcastStream::new(receiver).map(|update| {
            Ok(match update {
                Ok(update) => Event::default()
                    .event("update")
                    .data(serde_json::to_string(&update).unwrap_or_default()),
                Err(_) => Event::default().event("lagged").data(""),
            })
        });
        let stream = tokio_stream::once(Ok(hello)).chain(updates);
        // A comment every 30 s keeps idle connections open through proxies; it costs nothing
        // worth measuring.
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(30)))
    }
}
