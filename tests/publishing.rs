//! The publishing files: the Pages workflow, netlify.toml and the workflows of docs/publishing.md
//! parse, use the current official actions, and only call `ahnb` subcommands and flags that exist.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_norway::Value;

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every step of every job of a workflow.
fn steps(workflow: &Value) -> Vec<&Value> {
    workflow["jobs"]
        .as_mapping()
        .expect("jobs")
        .values()
        .flat_map(|job| job["steps"].as_sequence().expect("steps"))
        .collect()
}

fn uses(workflow: &Value) -> Vec<String> {
    steps(workflow)
        .iter()
        .filter_map(|s| s["uses"].as_str().map(str::to_owned))
        .collect()
}

fn runs(workflow: &Value) -> Vec<String> {
    steps(workflow)
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_owned))
        .collect()
}

/// The fenced code blocks of a Markdown file with the given info string.
fn code_blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{language}") => current = Some(String::new()),
            Some(block) if line.trim_start() == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// The code of a Markdown file, one piece per line: fenced blocks and inline code spans.
fn code_of(markdown: &str) -> String {
    let mut code = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            code.push_str(line);
            code.push('\n');
            continue;
        }
        for (i, piece) in line.split('`').enumerate() {
            if i % 2 == 1 {
                code.push_str(piece);
                code.push('\n');
            }
        }
    }
    code
}

/// Every `ahnb …` command in some text, split into words (quotes kept together, stopping at
/// `&&`, `|`, `;`, `)` or a closing backtick).
fn ahnb_commands(text: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("ahnb ") {
            let before = rest[..at].chars().last();
            let after = &rest[at + "ahnb ".len()..];
            rest = after;
            // `ahnb` as a command: at the start, after a space, a backtick or a path separator.
            if !matches!(before, None | Some(' ' | '`' | '/' | '(' | '"')) {
                continue;
            }
            let words = split_words(after);
            if words.first().is_some_and(|w| {
                w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.is_empty()
            }) {
                commands.push(words);
            }
        }
    }
    commands
}

fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for ch in text.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => quote = Some(ch),
            (None, '`' | ';' | '|' | ')' | '&') => break,
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Checks that a command's subcommand exists and that `ahnb SUB --help` lists each flag.
fn assert_accepted(command: &[String], source: &str) {
    let subcommand = &command[0];
    let help = ahnb()
        .args([subcommand.as_str(), "--help"])
        .output()
        .unwrap();
    assert!(
        help.status.success(),
        "{source}: `ahnb {}` uses an unknown subcommand",
        command.join(" ")
    );
    let help = String::from_utf8(help.stdout).unwrap();
    for word in &command[1..] {
        if !word.starts_with('-') || word == "-" {
            continue;
        }
        let flag = word.split('=').next().unwrap();
        let listed = if flag.starts_with("--") {
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n"))
        } else {
            help.contains(&format!("{flag},"))
        };
        assert!(
            listed,
            "{source}: `ahnb {}` passes {flag}, which `ahnb {subcommand} --help` does not list",
            command.join(" ")
        );
    }
}

#[test]
fn pages_workflow_builds_and_deploys_the_example_site() {
    let text = read(".github/workflows/pages.yml");
    let workflow: Value = serde_norway::from_str(&text).expect("pages.yml is valid YAML");
    let permissions = &workflow["permissions"];
    assert_eq!(permissions["pages"].as_str(), Some("write"));
    assert_eq!(permissions["id-token"].as_str(), Some("write"));
    let actions = uses(&workflow);
    for action in [
        "actions/checkout@v5",
        "actions/configure-pages@v5",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    ] {
        assert!(actions.iter().any(|a| a == action), "uses {action}");
    }
    let upload = steps(&workflow)
        .into_iter()
        .find(|s| s["uses"].as_str() == Some("actions/upload-pages-artifact@v5"))
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("_site"));
    assert_eq!(
        upload["with"]["include-hidden-files"].as_bool(),
        Some(true),
        "v5 drops .nojekyll otherwise"
    );
    assert_eq!(
        workflow["jobs"]["deploy"]["environment"]["name"].as_str(),
        Some("github-pages")
    );

    let scripts = runs(&workflow).join("\n");
    assert!(
        scripts.contains("rustup toolchain install stable"),
        "installs Rust itself"
    );
    assert!(scripts.contains("cargo build --release --locked"));
    let commands = ahnb_commands(&scripts);
    assert_eq!(commands.len(), 1, "{commands:?}");
    let build = &commands[0];
    assert_eq!(build[..4], ["build", "example-logs", "-o", "_site"]);
    assert!(
        build
            .windows(2)
            .any(|w| w[0] == "--base-url" && w[1] == "${{ steps.pages.outputs.base_url }}"),
        "the Pages URL is the base URL: {build:?}"
    );
    assert_accepted(build, "pages.yml");
    assert!(repo_file("example-logs").is_dir());
}

#[test]
fn netlify_builds_the_example_site_with_the_deploy_url() {
    let config: toml::Table = toml::from_str(&read("netlify.toml")).expect("valid TOML");
    assert_eq!(config["build"]["publish"].as_str(), Some("_site"));
    let command = config["build"]["command"].as_str().unwrap();
    assert_eq!(command, "bash scripts/netlify-build.sh");
    assert_eq!(
        config["context"]["deploy-preview"]["command"].as_str(),
        Some(command)
    );
    let script = read("scripts/netlify-build.sh");
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(repo_file("scripts/netlify-build.sh"))
        .status()
        .unwrap();
    assert!(syntax.success(), "the build script parses");
    for needed in [
        "https://sh.rustup.rs",
        "cargo build --release --locked",
        "args=(build example-logs -o _site)",
        "args+=(--base-url \"$base_url\")",
        "DEPLOY_PRIME_URL",
        "base_url=\"${URL:-}\"",
        "./target/release/ahnb \"${args[@]}\"",
    ] {
        assert!(script.contains(needed), "the script has {needed:?}");
    }
    let args: Vec<String> = ["build", "example-logs", "-o", "_site", "--base-url"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_accepted(&args, "scripts/netlify-build.sh");
}

#[test]
fn publishing_docs_workflows_parse_and_call_real_commands() {
    let doc = read("docs/publishing.md");
    let yaml = code_blocks(&doc, "yaml");
    assert!(yaml.len() >= 3, "Pages, pull request and fork workflows");
    let workflows: Vec<Value> = yaml
        .iter()
        .map(|block| {
            serde_norway::from_str(block)
                .unwrap_or_else(|e| panic!("invalid YAML in docs/publishing.md: {e}\n{block}"))
        })
        .collect();
    for workflow in &workflows {
        assert!(workflow["on"].is_mapping(), "a trigger");
        for action in uses(workflow) {
            let (_, version) = action
                .split_once('@')
                .unwrap_or_else(|| panic!("{action} is not pinned"));
            assert!(version.starts_with('v'), "{action} uses a release tag");
        }
    }

    // The Pages workflow.
    let pages = &workflows[0];
    let actions = uses(pages);
    for action in [
        "actions/configure-pages@v5",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    ] {
        assert!(actions.iter().any(|a| a == action), "docs use {action}");
    }

    // The pull-request workflow: base logs, job summary, one comment found by the marker.
    let pull_request = workflows
        .iter()
        .find(|w| w["on"]["pull_request"].is_mapping())
        .expect("a pull_request workflow");
    assert_eq!(
        pull_request["permissions"]["pull-requests"].as_str(),
        Some("write")
    );
    let scripts = runs(pull_request).join("\n");
    assert!(scripts.contains(">> \"$GITHUB_STEP_SUMMARY\""));
    assert!(
        ahnb_commands(&scripts)
            .iter()
            .any(|c| c[0] == "summary" && c.contains(&"--baseline".to_owned())),
        "ahnb summary --baseline"
    );
    let base_checkout = steps(pull_request)
        .into_iter()
        .find(|s| s["with"]["path"].as_str() == Some("base"))
        .expect("the base branch checked out into base/");
    assert_eq!(
        base_checkout["with"]["ref"].as_str(),
        Some("${{ github.event.pull_request.base.sha }}")
    );
    let comment = steps(pull_request)
        .into_iter()
        .find(|s| s["uses"].as_str() == Some("actions/github-script@v7"))
        .expect("a step that comments");
    let script = comment["with"]["script"].as_str().unwrap();
    assert!(script.contains(&format!("'{}'", ahnb::report::markdown::MARKER)));
    assert!(script.contains("updateComment") && script.contains("createComment"));
    assert!(
        comment["if"]
            .as_str()
            .unwrap()
            .contains("head.repo.full_name"),
        "skipped for forks, whose token is read-only"
    );

    // The Netlify example.
    let netlify = code_blocks(&doc, "toml");
    assert_eq!(netlify.len(), 1);
    let config: toml::Table = toml::from_str(&netlify[0]).expect("valid TOML in the docs");
    let command = config["build"]["command"].as_str().unwrap();
    assert!(command.contains("${DEPLOY_PRIME_URL:-$URL}"));
    assert!(command.contains("rustup"));
    assert_eq!(
        command.trim().lines().count(),
        1,
        "line continuations join one command"
    );

    // Every ahnb command anywhere in the document exists, with the flags it passes.
    let commands = ahnb_commands(&code_of(&doc));
    assert!(commands.len() >= 10, "{commands:?}");
    for command in &commands {
        assert_accepted(command, "docs/publishing.md");
    }
}

#[test]
fn workflow_commands_run_against_the_example_logs() {
    // The commands of the pull-request workflow, for real, with the example logs as both sides.
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    ahnb()
        .args(["summary", "-q"])
        .arg(example_logs())
        .arg("--baseline")
        .arg(example_logs())
        .arg("-o")
        .arg(&summary)
        .assert()
        .success();
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with(ahnb::report::markdown::MARKER));
    assert!(text.contains("Same runs as the baseline.") || text.contains("within noise"));
}
