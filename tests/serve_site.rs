//! `ahnb serve` shows what `ahnb build` writes: every file of a built site, fetched from the
//! server, is byte for byte the built file once the two serve-time changes to HTML pages (the
//! live tag and the `connect-src` of the policy) are taken out; and a line appended to a log
//! reaches the event stream and the served page.

mod serve_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serve_support::Server;

/// Takes out what serve adds to an HTML page.
fn unserved(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let start = text
        .find("<script src=\"/__ahnb/live.js\"")
        .expect("live tag");
    let end = start + text[start..].find("</script>").unwrap() + "</script>".len();
    let without_tag = format!("{}{}", &text[..start], &text[end..]);
    without_tag
        .replacen(ahnb::serve::LIVE_CSP, "", 1)
        .into_bytes()
}

#[test]
fn serve_shows_what_build_writes() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-logs"),
        &logs,
    );
    let built = dir.path().join("built");
    let served_site = dir.path().join("served");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ahnb"))
        .args(["build", "-q"])
        .arg(&logs)
        .arg("-o")
        .arg(&built)
        .status()
        .unwrap();
    assert!(status.success());
    let server = Server::start(&logs, 0, &["-o", served_site.to_str().unwrap()]);
    let files: Vec<_> = walkdir::WalkDir::new(&built)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .collect();
    assert!(files.len() > 30, "{} files", files.len());
    let mut pages = 0;
    for entry in files {
        let relative = entry
            .path()
            .strip_prefix(&built)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let expected = std::fs::read(entry.path()).unwrap();
        let url: String = relative
            .split('/')
            .map(|segment| {
                segment
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/");
        let response = server.request("GET", &format!("/{url}"), None, b"");
        assert_eq!(response.status, 200, "{relative}");
        if relative.ends_with(".html") {
            pages += 1;
            assert_eq!(unserved(&response.body), expected, "{relative}");
        } else {
            assert_eq!(response.body, expected, "{relative}");
        }
        // The folder served is the static site itself: no live script in it.
        assert_eq!(
            std::fs::read(served_site.join(&relative)).unwrap(),
            expected,
            "{relative}"
        );
    }
    assert!(pages > 25);
    let folder = server.request("GET", "/mnist-cnn", None, b"");
    assert_eq!(
        (folder.status, folder.header("location")),
        (301, Some("/mnist-cnn/"))
    );
    assert_eq!(
        server.request("GET", "/../Cargo.toml", None, b"").status,
        404
    );
}

#[test]
fn an_appended_line_reaches_the_event_stream_and_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("live")).unwrap();
    let log = logs.join("live/run-a.jsonl");
    std::fs::write(
        &log,
        "{\"type\":\"header\",\"run\":\"run-a\"}\n{\"step\":1,\"loss\":0.5}\n",
    )
    .unwrap();
    let server = Server::start(&logs, 0, &[]);
    let mut events = TcpStream::connect(server.address).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        events,
        "GET /__ahnb/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut next_data = |event: &str| -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut current = String::new();
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let trimmed = line.trim_end();
            if let Some(name) = trimmed.strip_prefix("event: ") {
                current = name.to_owned();
            } else if let Some(data) = trimmed.strip_prefix("data: ")
                && current == event
            {
                return data.to_owned();
            }
        }
        panic!("no {event} event");
    };
    assert_eq!(next_data("version"), "1");
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(b"{\"step\":2,\"loss\":0.123456}\n").unwrap();
    drop(file);
    let update: serde_json::Value = serde_json::from_str(&next_data("update")).unwrap();
    assert_eq!(update["version"], 2);
    let changed: Vec<&str> = update["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(changed.contains(&"live/runs/run-a.html"), "{changed:?}");
    assert!(changed.contains(&"live/index.html"), "{changed:?}");
    let page = server
        .request("GET", "/live/runs/run-a.html", None, b"")
        .text();
    assert!(
        page.contains("0.1235") || page.contains("0.123"),
        "the new value is not on the page"
    );
    assert!(page.contains("data-ahnb-live=\"2\""));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
