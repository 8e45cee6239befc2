//! Ingest under load with a crash: 50 writers × 1,000 lines each, sent in batches with offsets,
//! while the server is killed (SIGKILL) and started again on the same port in the middle. Every
//! acknowledged line must be in its log exactly once, in order, with no torn line; the writers
//! resend what was not acknowledged, so in the end every line is there.

mod serve_support;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serve_support::{Server, TOKEN, request};

const WRITERS: usize = 50;
const LINES: usize = 1000;
const BATCH: usize = 25;
/// The whole test gives up after this, so a bug cannot hang CI.
const DEADLINE: Duration = Duration::from_secs(240);

fn line(writer: usize, index: usize) -> String {
    format!(
        "{{\"step\":{index},\"writer\":{writer},\"loss\":{}}}\n",
        1.0 / (index + 1) as f64
    )
}

/// One writer: sends its batches as a client should, resuming from the server's offset.
/// Returns how many of its lines were acknowledged.
fn write_run(
    address: SocketAddr,
    writer: usize,
    acknowledged: &AtomicUsize,
) -> Result<usize, String> {
    let started = Instant::now();
    let path = format!("/api/v1/runs/load/w{writer:02}");
    let mut offset: u64 = 0;
    let mut sent = 0;
    let mut attempts = 0;
    while sent < LINES {
        let body: String = (sent..sent + BATCH).map(|i| line(writer, i)).collect();
        attempts += 1;
        if attempts > 5_000 || started.elapsed() > DEADLINE {
            return Err(format!(
                "writer {writer} gave up at line {sent} after {attempts} attempts"
            ));
        }
        match request(
            address,
            "POST",
            &format!("{path}?offset={offset}"),
            Some(TOKEN),
            body.as_bytes(),
        ) {
            Ok(response) if response.status == 200 => {
                let answer = response.json();
                assert_eq!(answer["stored"], BATCH, "{answer}");
                offset = answer["offset"].as_u64().unwrap();
            }
            // The answer to an earlier attempt of this batch was lost (the server died after
            // storing it): the log is exactly one batch longer than what this writer knew.
            Ok(response) if response.status == 409 => {
                let current = response.json()["offset"].as_u64().unwrap();
                if current != offset + body.len() as u64 {
                    return Err(format!(
                        "writer {writer}: 409 with offset {current}, expected {offset} + {}",
                        body.len()
                    ));
                }
                offset = current;
            }
            Ok(response) => {
                return Err(format!(
                    "writer {writer}: {} {}",
                    response.status,
                    response.text()
                ));
            }
            // The server is down: try again shortly.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        }
        sent += BATCH;
        acknowledged.fetch_add(BATCH, Ordering::SeqCst);
    }
    Ok(sent)
}

fn check_log(path: &Path, writer: usize) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'), "{}: torn last line", path.display());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), LINES, "{}", path.display());
    for (index, stored) in lines.iter().enumerate() {
        assert_eq!(
            format!("{stored}\n"),
            line(writer, index),
            "{}:{}",
            path.display(),
            index + 1
        );
    }
}

#[test]
fn every_acknowledged_line_survives_a_kill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    // The site beside LOGS: a server killed by SIGKILL leaves no folder of its own behind.
    let site = dir.path().join("site");
    let site = site.to_str().unwrap();
    let mut server = Server::start(&logs, 0, &["--ingest", "-q", "-o", site]);
    let address = server.address;
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let acknowledged = Arc::clone(&acknowledged);
            std::thread::spawn(move || write_run(address, writer, &acknowledged))
        })
        .collect();

    // Kill the server once about a third of the lines are acknowledged.
    let started = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < WRITERS * LINES / 3 {
        assert!(started.elapsed() < DEADLINE, "the writers made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    let at_kill = acknowledged.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    let _restarted = Server::start(&logs, address.port(), &["--ingest", "-q", "-o", site]);

    for (writer, handle) in writers.into_iter().enumerate() {
        assert_eq!(handle.join().unwrap(), Ok(LINES), "writer {writer}");
    }
    assert!(
        at_kill < WRITERS * LINES,
        "the kill came after every line was sent"
    );
    for writer in 0..WRITERS {
        check_log(&logs.join(format!("load/w{writer:02}.jsonl")), writer);
    }
}
