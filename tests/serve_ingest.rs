//! The ingest API of `ahnb serve --ingest`, against the real binary on a loopback port: the
//! documented status of every refusal, that a refusal stores nothing, exactly-once appends with
//! offsets, and that two requests to one run never interleave.

mod serve_support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serve_support::{Server, TOKEN};

fn start(logs: &Path, args: &[&str]) -> Server {
    let mut all = vec!["--ingest", "-q"];
    all.extend_from_slice(args);
    Server::start(logs, 0, &all)
}

fn tree(logs: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(logs)
        .into_iter()
        .flatten()
        .map(|e| {
            e.path()
                .strip_prefix(logs)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn appends_lines_and_answers_with_the_new_offset() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let server = start(&logs, &[]);
    let health = server.request("GET", "/api/v1/health", None, b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["ingest"], true);

    let body = b"{\"type\":\"header\",\"project\":\"mnist\",\"run\":\"lr-0.1\",\"params\":{\"lr\":0.1}}\n{\"step\":1,\"loss\":NaN}\n";
    let stored = server.request(
        "POST",
        "/api/v1/runs/mnist/lr-0.1?offset=0",
        Some(TOKEN),
        body,
    );
    assert_eq!(stored.status, 200, "{}", stored.text());
    assert_eq!(
        stored.json(),
        serde_json::json!({"stored": 2, "offset": body.len()})
    );

    // A body without a final newline gets one, so the next batch starts on its own line.
    let more = server.request(
        "POST",
        &format!("/api/v1/runs/mnist/lr-0.1?offset={}", body.len()),
        Some(TOKEN),
        b"{\"step\":2,\"loss\":0.5}",
    );
    assert_eq!(more.json()["offset"], body.len() + 22);
    let text = std::fs::read_to_string(logs.join("mnist/lr-0.1.jsonl")).unwrap();
    assert_eq!(
        text,
        format!(
            "{}{{\"step\":2,\"loss\":0.5}}\n",
            String::from_utf8_lossy(body)
        )
    );

    // A request sent again at an old offset, as a client retries after a lost answer: the
    // server finds those bytes already there and stores nothing twice.
    let retry = server.request(
        "POST",
        &format!("/api/v1/runs/mnist/lr-0.1?offset={}", body.len()),
        Some(TOKEN),
        b"{\"step\":2,\"loss\":0.5}",
    );
    assert_eq!(retry.status, 200, "{}", retry.text());
    assert_eq!(
        retry.json(),
        serde_json::json!({"stored": 1, "offset": text.len()})
    );
    // Anything else at an old offset (other bytes, or more than one batch back): 409 with the
    // real offset.
    let stale = server.request(
        "POST",
        "/api/v1/runs/mnist/lr-0.1?offset=0",
        Some(TOKEN),
        body,
    );
    assert_eq!(stale.status, 409);
    let stale = server.request(
        "POST",
        "/api/v1/runs/mnist/lr-0.1?offset=0",
        Some(TOKEN),
        b"{\"step\":9}\n",
    );
    assert_eq!(stale.status, 409);
    assert_eq!(stale.json()["offset"], text.len());
    let ahead = server.request(
        "POST",
        "/api/v1/runs/mnist/lr-0.1?offset=999999",
        Some(TOKEN),
        b"{\"step\":9}\n",
    );
    assert_eq!(
        (ahead.status, ahead.json()["offset"].as_u64()),
        (409, Some(text.len() as u64))
    );
    assert_eq!(
        std::fs::read_to_string(logs.join("mnist/lr-0.1.jsonl")).unwrap(),
        text
    );

    let offset = server.request("GET", "/api/v1/runs/mnist/lr-0.1", Some(TOKEN), b"");
    assert_eq!(
        offset.json(),
        serde_json::json!({"project": "mnist", "run": "lr-0.1", "offset": text.len()})
    );
    let missing = server.request("GET", "/api/v1/runs/mnist/new", Some(TOKEN), b"");
    assert_eq!(missing.json()["offset"], 0);
    let runs = server.request("GET", "/api/v1/runs", Some(TOKEN), b"");
    assert_eq!(
        runs.json(),
        serde_json::json!({"runs": [{"project": "mnist", "run": "lr-0.1", "offset": text.len()}]})
    );
}

#[test]
fn refusals_get_their_status_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let server = start(&logs, &["--max-body", "1000"]);
    let line = b"{\"step\":1,\"loss\":0.5}\n";
    assert_eq!(
        server
            .request("POST", "/api/v1/runs/p/r", Some(TOKEN), line)
            .status,
        200
    );
    let before = std::fs::read(logs.join("p/r.jsonl")).unwrap();
    let files_before = tree(&logs);

    // No token, a wrong one, a right one in the wrong scheme.
    let no_token = server.request("POST", "/api/v1/runs/p/r", None, line);
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.header("www-authenticate"), Some("Bearer"));
    assert!(
        no_token.json()["error"]
            .as_str()
            .unwrap()
            .contains("missing `Authorization: Bearer TOKEN`")
    );
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/runs/p/r",
                Some("wrong-token-0123456789"),
                line
            )
            .status,
        401
    );
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/runs/p/r",
                Some(&TOKEN[..TOKEN.len() - 1]),
                line
            )
            .status,
        401
    );
    assert_eq!(server.request("GET", "/api/v1/runs", None, b"").status, 401);

    // Hostile names, URL-encoded so that they reach the server as one path segment.
    let hostile = [
        ("p", "..%2F..%2Fescape", "path separator"),
        ("..", "r", "is not allowed"),
        ("p", "%2e%2e", "is not allowed"),
        ("p", "a%5Cb", "path separator '\\\\'"),
        ("p", "a%00b", "control character U+0000"),
        ("p", "a%0Ab", "control character U+000A"),
        ("p", ".hidden", "starts with '.'"),
        ("%2Fetc", "r", "path separator"),
    ];
    for (project, run, message) in hostile {
        let response = server.request(
            "POST",
            &format!("/api/v1/runs/{project}/{run}"),
            Some(TOKEN),
            line,
        );
        assert_eq!(response.status, 400, "{project}/{run}: {}", response.text());
        let error = response.json()["error"].as_str().unwrap().to_owned();
        assert!(error.contains(message), "{project}/{run}: {error}");
    }
    let long = "x".repeat(129);
    let response = server.request("POST", &format!("/api/v1/runs/p/{long}"), Some(TOKEN), line);
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json()["error"],
        "the run name is 129 bytes long; at most 128 are allowed"
    );

    // Too large a body: 413.
    let big = line.repeat(100);
    let response = server.request("POST", "/api/v1/runs/p/r", Some(TOKEN), &big);
    assert_eq!(response.status, 413, "{}", response.text());
    assert!(
        response.json()["error"]
            .as_str()
            .unwrap()
            .contains("larger than 1000 bytes")
    );

    // A malformed line anywhere: 400 naming the line, and the good lines before it are not
    // stored either.
    let malformed = b"{\"step\":2,\"loss\":0.4}\n{\"step\":3,\"loss\":0.3}\n{\"step\":4,\"loss\":\n{\"step\":5}\n";
    let response = server.request("POST", "/api/v1/runs/p/r", Some(TOKEN), malformed);
    assert_eq!(response.status, 400);
    let answer = response.json();
    assert_eq!(answer["line"], 3);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("line 3 is not valid JSON"),
        "{answer}"
    );
    let response = server.request(
        "POST",
        "/api/v1/runs/p/r",
        Some(TOKEN),
        b"{\"step\":2}\n\xff\xfe\n",
    );
    assert_eq!(
        (response.status, response.json()["line"].as_u64()),
        (400, Some(2))
    );
    let response = server.request("POST", "/api/v1/runs/p/r?offset=abc", Some(TOKEN), line);
    assert_eq!(response.status, 400);

    assert_eq!(std::fs::read(logs.join("p/r.jsonl")).unwrap(), before);
    assert_eq!(
        tree(&logs),
        files_before,
        "a refused request created a file"
    );
}

#[test]
fn a_non_loopback_address_without_a_chosen_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ahnb"))
        .args(["serve", "--ingest", "--bind", "0.0.0.0", "--port", "0"])
        .arg(dir.path())
        .env_remove("AHNB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "refusing to take logs over HTTP on 0.0.0.0, which is not a loopback address"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("serving"), "{stderr}");
}

#[test]
fn concurrent_requests_to_one_run_never_interleave() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let server = Arc::new(start(&logs, &[]));
    const WRITERS: usize = 8;
    const REQUESTS: usize = 40;
    const LINES: usize = 25;
    let threads: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                for request in 0..REQUESTS {
                    let body: String = (0..LINES)
                        .map(|line| {
                            format!(
                                "{{\"step\":{line},\"writer\":{writer},\"request\":{request}}}\n"
                            )
                        })
                        .collect();
                    let response = server.request(
                        "POST",
                        "/api/v1/runs/p/shared",
                        Some(TOKEN),
                        body.as_bytes(),
                    );
                    assert_eq!(response.status, 200, "{}", response.text());
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let text = std::fs::read_to_string(logs.join("p/shared.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), WRITERS * REQUESTS * LINES);
    // Every batch is one block of consecutive lines, in step order.
    for block in lines.chunks(LINES) {
        let (writer, request) = (&block[0]["writer"], &block[0]["request"]);
        for (step, line) in block.iter().enumerate() {
            assert_eq!(
                (&line["writer"], &line["request"], line["step"].as_u64()),
                (writer, request, Some(step as u64))
            );
        }
    }
    let mut batches: Vec<(u64, u64)> = lines
        .chunks(LINES)
        .map(|b| {
            (
                b[0]["writer"].as_u64().unwrap(),
                b[0]["request"].as_u64().unwrap(),
            )
        })
        .collect();
    batches.sort();
    batches.dedup();
    assert_eq!(batches.len(), WRITERS * REQUESTS);
}

#[test]
fn served_site_shows_a_run_sent_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let server = Server::start(&logs, 0, &["--ingest"]);
    let body = b"{\"type\":\"header\",\"project\":\"fresh\",\"run\":\"first-run\"}\n{\"step\":1,\"loss\":0.25}\n";
    assert_eq!(
        server
            .request("POST", "/api/v1/runs/fresh/first-run", Some(TOKEN), body)
            .status,
        200
    );
    assert!(
        server
            .wait_for_line("rebuilt", Duration::from_secs(60))
            .is_some()
    );
    let page = server.request("GET", "/fresh/", None, b"");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("first-run"));
}

#[test]
fn a_torn_last_line_left_by_a_crash_is_cut_before_appending() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    let whole = "{\"step\":1,\"loss\":0.5}\n";
    std::fs::write(logs.join("p/r.jsonl"), format!("{whole}{{\"step\":2,\"lo")).unwrap();
    let server = start(&logs, &[]);
    let offset = server.request("GET", "/api/v1/runs/p/r", Some(TOKEN), b"");
    assert_eq!(offset.json()["offset"], whole.len());
    let next = "{\"step\":2,\"loss\":0.4}\n";
    let path = format!("/api/v1/runs/p/r?offset={}", whole.len());
    assert_eq!(
        server
            .request("POST", &path, Some(TOKEN), next.as_bytes())
            .status,
        200
    );
    assert_eq!(
        std::fs::read_to_string(logs.join("p/r.jsonl")).unwrap(),
        format!("{whole}{next}")
    );
}

#[test]
fn before_the_first_run_the_server_answers_with_a_page_that_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let server = Server::start(&logs, 0, &["--ingest"]);
    let waiting = server.request("GET", "/", None, b"");
    assert_eq!(waiting.status, 404);
    assert!(waiting.text().contains("No run in the logs yet"));
    assert!(
        waiting.text().contains("/__ahnb/live.js"),
        "the page would never update"
    );
}
