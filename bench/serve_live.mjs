// Live latency of `ahnb serve` and its idle cost, measured with headless Chromium:
//
//   node bench/serve_live.mjs [--bin target/release/ahnb] [--runs 1000] [--steps 100] [--appends 30]
//
// Writes a project of RUNS runs x STEPS steps (6 metrics) into a temporary LOGS, starts
// `ahnb serve` on a free loopback port, opens the run page of one run and the project page, then
// appends one metrics line at a time to that run's log (every 1.5 s) and times how long each takes
// to show on the open pages: the run page's chart reaching the new step, and the project page's
// data holding the new value. Prints p50 / p95 / max per page, then the server's CPU time over
// 10 s with nothing changing and both pages connected (from /proc/PID/stat, Linux only).
// playwright-core is borrowed from tests/browser/node_modules.
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(repo, "tests/browser/package.json"));
const { chromium } = require("playwright-core");

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const bin = resolve(option("bin", join(repo, "target/release/ahnb")));
const RUNS = Number(option("runs", 1000));
const STEPS = Number(option("steps", 100));
const APPENDS = Number(option("appends", 30));
const METRICS = ["loss", "val_loss", "accuracy", "val_accuracy", "lr", "grad_norm"];

const work = mkdtempSync(join(tmpdir(), "ahnb-serve-bench-"));
const logs = join(work, "logs");
mkdirSync(join(logs, "big"), { recursive: true });
const name = (i) => `run-${String(i).padStart(4, "0")}`;
for (let i = 0; i < RUNS; i++) {
  let text = JSON.stringify({ type: "header", run: name(i), params: { lr: 0.001 * (1 + (i % 10)), seed: i } }) + "\n";
  for (let s = 1; s <= STEPS; s++) {
    const metrics = {};
    METRICS.forEach((m, k) => { metrics[m] = Math.exp(-s / (50 + i % 7)) + k * 0.01; });
    text += JSON.stringify({ step: s, metrics }) + "\n";
  }
  writeFileSync(join(logs, "big", `${name(i)}.jsonl`), text);
}

function startServer() {
  return new Promise((done, fail) => {
    const child = spawn(bin, ["serve", logs, "-o", join(work, "site"), "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let seen = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      seen += chunk;
      const found = seen.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (found) done({ child, origin: found[1], log: () => seen });
    });
    child.on("exit", (code) => fail(new Error(`serve exited ${code}: ${seen}`)));
    setTimeout(() => fail(new Error(`no address in 300 s: ${seen}`)), 300000);
  });
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const started = Date.now();
const server = await startServer();
const firstBuild = (Date.now() - started) / 1000;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const open = async (path) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(server.origin + path, { waitUntil: "load", timeout: 120000 });
  await page.waitForTimeout(1000);
  return page;
};
const runPage = await open(`/big/runs/${name(0)}.html`);
const projectPage = await open("/big/");
const runLatency = [];
const projectLatency = [];
let navigations = 0;
runPage.on("framenavigated", () => navigations++);
projectPage.on("framenavigated", () => navigations++);
for (let k = 1; k <= APPENDS; k++) {
  const step = STEPS + k;
  const marker = 9 + k / 1000; // a value no other run has: 9.001, 9.002, ...
  const sent = Date.now();
  appendFileSync(join(logs, "big", `${name(0)}.jsonl`), JSON.stringify({ step, metrics: { loss: marker } }) + "\n");
  const onRun = runPage.waitForFunction((want) => {
    const data = document.querySelector(".figure .chart-data");
    if (!data) return false;
    const xs = JSON.parse(data.textContent).series[0].x;
    return xs[xs.length - 1] >= want;
  }, step, { timeout: 30000, polling: 10 }).then(() => runLatency.push(Date.now() - sent));
  const onProject = projectPage.waitForFunction((want) => {
    const data = document.getElementById("project-data");
    return data && data.textContent.includes(String(want));
  }, marker, { timeout: 30000, polling: 10 }).then(() => projectLatency.push(Date.now() - sent));
  await Promise.all([onRun, onProject]);
  await new Promise((r) => setTimeout(r, 1500));
}
await new Promise((r) => setTimeout(r, 2000));
const before = cpuSeconds(server.child.pid);
await new Promise((r) => setTimeout(r, 10000));
const idle = cpuSeconds(server.child.pid) - before;
const rebuilds = server.log().split("\n").filter((l) => l.startsWith("rebuilt in")).slice(-5);

const row = (label, values) => `| ${label} | ${values.length} | ${percentile(values, 50)} | ${percentile(values, 95)} | ${Math.max(...values)} |`;
console.log(`${RUNS} runs x ${STEPS} steps x ${METRICS.length} metrics; first build and serve start: ${firstBuild.toFixed(1)} s`);
console.log("| page | appends | p50 ms | p95 ms | max ms |");
console.log("| --- | ---: | ---: | ---: | ---: |");
console.log(row(`run page (${name(0)})`, runLatency));
console.log(row("project page", projectLatency));
console.log(`page navigations during the appends: ${navigations} (0 = every update patched in place)`);
console.log(`server CPU over 10 s idle with 2 pages connected: ${idle.toFixed(2)} s`);
console.log("last rebuilds:\n" + rebuilds.join("\n"));
await browser.close();
server.child.kill("SIGTERM");
await new Promise((r) => setTimeout(r, 500));
rmSync(work, { recursive: true, force: true });
