//! Serves the built site as it is on disk, with one change made at serve time only: HTML pages
//! get the live script's tag before `</body>`, so the files themselves stay the static site that
//! `ahnb build` writes.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// The tag added to every HTML page served; `{version}` is the site version the page was
/// served at, so that a page that missed an update notices on connecting.
pub fn live_tag(version: u64) -> String {
    format!("<script src=\"/__ahnb/live.js\" data-ahnb-live=\"{version}\" defer></script>")
}

/// What serve adds to the page's Content-Security-Policy: the built pages allow no connection
/// at all (`default-src 'none'`), and the live script needs one to its own server.
pub const LIVE_CSP: &str = "connect-src 'self'; ";

const CSP_CONTENT: &[u8] = b"http-equiv=\"Content-Security-Policy\" content=\"";

/// The page as served: the live tag before the last `</body>` (or at the end of a page without
/// one), and [`LIVE_CSP`] at the start of the policy of a page that has one. Nothing else
/// differs from the built file.
pub fn inject_live_tag(html: &[u8], version: u64) -> Vec<u8> {
    let tag = live_tag(version);
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let policy = memchr::memmem::find(&html[..at], CSP_CONTENT).map(|p| p + CSP_CONTENT.len());
    let mut out = Vec::with_capacity(html.len() + tag.len() + LIVE_CSP.len());
    let mut copied = 0;
    if let Some(policy) = policy {
        out.extend_from_slice(&html[..policy]);
        out.extend_from_slice(LIVE_CSP.as_bytes());
        copied = policy;
    }
    out.extend_from_slice(&html[copied..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The file of the site a request path names, or why there is none. `..`, `.` and separators
/// inside a segment never leave the site; a folder is its `index.html`.
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative links need it.
    AddSlash,
    NotFound,
}

pub fn resolve(site: &Path, uri_path: &str) -> Resolved {
    let Some(decoded) = percent_decode(uri_path) else {
        return Resolved::NotFound;
    };
    let mut path = site.to_path_buf();
    for segment in decoded.split('/') {
        if segment.is_empty() {
            continue;
        }
        if segment == "." || segment == ".." || segment.contains(['\\', '\0']) {
            return Resolved::NotFound;
        }
        path.push(segment);
    }
    if path.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::AddSlash;
        }
        path.push("index.html");
    }
    if path.is_file() {
        Resolved::File(path)
    } else {
        Resolved::NotFound
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media type of a site file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" | "jsonl" | "ndjson" | "log" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Answers a request for a site file.
pub async fn serve_file(site: &Path, uri: &Uri, version: u64) -> Response {
    let (path, attempt_again) = match resolve(site, uri.path()) {
        Resolved::File(path) => (path, true),
        Resolved::AddSlash => {
            let location = format!("{}/", uri.path());
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
        // Browsers ask for it on their own; a site without one should not log an error.
        Resolved::NotFound if uri.path() == "/favicon.ico" => {
            return StatusCode::NO_CONTENT.into_response();
        }
        Resolved::NotFound => return not_found(site, version).await,
    };
    // A rebuild swaps the whole site in by renaming; a read that lands in that instant finds
    // nothing and is tried once more.
    let mut read = tokio::fs::read(&path).await;
    if read.is_err() && attempt_again {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        read = tokio::fs::read(&path).await;
    }
    match read {
        Ok(bytes) => file_response(StatusCode::OK, &path, bytes, version),
        Err(_) => not_found(site, version).await,
    }
}

/// Shown while no site is built yet (LOGS holds no run so far); the live tag makes it reload
/// itself once the first build is there.
const NOT_BUILT: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ahnb</title></head><body><p>No run in the logs yet: this page shows the site as soon as the first log is written.</p></body></html>";

async fn not_found(site: &Path, version: u64) -> Response {
    let page = site.join("404.html");
    match tokio::fs::read(&page).await {
        Ok(bytes) => file_response(StatusCode::NOT_FOUND, &page, bytes, version),
        Err(_) => file_response(
            StatusCode::NOT_FOUND,
            Path::new("not-built.html"),
            NOT_BUILT.as_bytes().to_vec(),
            version,
        ),
    }
}

fn file_response(status: StatusCode, path: &Path, bytes: Vec<u8>, version: u64) -> Response {
    let kind = content_type(path);
    let bytes = if kind.starts_with("text/html") {
        inject_live_tag(&bytes, version)
    } else {
        bytes
    };
    let mut response = (status, Body::from(bytes)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The site changes under the same names while training runs: always ask again.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_goes_before_the_last_body_end() {
        let page = b"<html><body><p>`</body>` in text</p></body></html>";
        let served = inject_live_tag(page, 7);
        let text = String::from_utf8(served).unwrap();
        assert!(text.ends_with(&format!("in text</p>{}</body></html>", live_tag(7))));
        assert_eq!(text.replacen(&live_tag(7), "", 1).as_bytes(), page);
        let bare = inject_live_tag(b"<p>x", 1);
        assert!(String::from_utf8(bare).unwrap().ends_with("</script>"));
        let page = b"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"><body></body>";
        let served = String::from_utf8(inject_live_tag(page, 2)).unwrap();
        assert!(served.starts_with("<meta http-equiv=\"Content-Security-Policy\" content=\"connect-src 'self'; default-src 'none'\">"), "{served}");
    }

    #[test]
    fn paths_never_leave_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("p")).unwrap();
        std::fs::write(site.join("index.html"), "i").unwrap();
        std::fs::write(site.join("p/index.html"), "p").unwrap();
        std::fs::write(site.join("p/a b.html"), "ab").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        let file = |path: &str| match resolve(&site, path) {
            Resolved::File(p) => Some(
                p.strip_prefix(&site)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            ),
            _ => None,
        };
        assert_eq!(file("/").as_deref(), Some("index.html"));
        assert_eq!(file("/p/").as_deref(), Some("p/index.html"));
        assert_eq!(file("/p/a%20b.html").as_deref(), Some("p/a b.html"));
        assert!(matches!(resolve(&site, "/p"), Resolved::AddSlash));
        for hostile in [
            "/../secret",
            "/p/../../secret",
            "/%2e%2e/secret",
            "/p%2f..%2f..%2fsecret",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(file(hostile), None, "{hostile}");
        }
    }
}
