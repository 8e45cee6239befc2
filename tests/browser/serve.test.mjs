// `ahnb serve` in a real browser: a line appended to a log reaches the open pages in place — the
// chart's last point, the headline and the results table change — without a navigation, and a
// zoomed chart stays zoomed. Starts the binary on a free loopback port; every wait is bounded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "../..");
const ahnb = process.env.AHNB_BIN || join(repo, "target/debug/ahnb");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const required = process.env.AHNB_REQUIRE_BROWSER === "1" || Boolean(process.env.CI);
const haveBrowser = existsSync(browserPath);
if (!haveBrowser && required) throw new Error(`Chromium not found at ${browserPath}`);
const skip = haveBrowser ? false : `Chromium not found at ${browserPath}`;

const work = mkdtempSync(join(tmpdir(), "ahnb-serve-browser-"));
const logs = join(work, "logs");
let browser;
let server;
let origin;

function line(record) { return JSON.stringify(record) + "\n"; }

function writeRun(name, lr, steps) {
  let text = line({ type: "header", run: name, params: { lr } });
  for (let s = 1; s <= steps; s++) text += line({ step: s, loss: 1 / s, val_accuracy: s / 40 });
  writeFileSync(join(logs, "live", `${name}.jsonl`), text);
}

/** Starts `ahnb serve FOLDER` and resolves with [process, address] once printed (at most 60 s). */
function serve(folder, site) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(ahnb, ["serve", folder, "-o", site, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let seen = "";
    let found = null;
    const timer = setTimeout(() => reject(new Error(`no address printed:\n${seen}`)), 60000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match && !found) { found = match[1]; clearTimeout(timer); resolvePromise([child, found]); }
    });
    child.on("exit", (code) => reject(new Error(`ahnb serve exited ${code}:\n${seen}`)));
  });
}

async function startServer() {
  const [child, address] = await serve(logs, join(work, "site"));
  origin = address;
  return child;
}

before(async () => {
  if (skip) return;
  mkdirSync(join(logs, "live"), { recursive: true });
  writeRun("run-a", 0.1, 20);
  writeRun("run-b", 0.2, 20);
  server = await startServer();
  browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
});

after(async () => {
  if (browser) await browser.close();
  // SIGTERM, as Ctrl-C: the server removes the site folder it owns.
  if (server) await new Promise((done) => { server.on("exit", done); server.kill("SIGTERM"); });
  rmSync(work, { recursive: true, force: true });
});

async function openPage(path) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(origin + path, { waitUntil: "load" });
  // Wait for live.js to have its baseline, then mark the document: a navigation loses the mark.
  await page.waitForFunction(() => window.ahnb && typeof window.ahnb.liveVersion === "function", null, { timeout: 10000 });
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.waitForTimeout(300);
  return { page, problems };
}

function lastX() {
  const data = JSON.parse(document.querySelector(".figure .chart-data").textContent);
  const xs = data.series[0].x;
  return xs[xs.length - 1];
}

function rowText() {
  const link = document.querySelector('#results tbody tr a[href="runs/run-a.html"]');
  return link ? link.closest("tr").textContent : "";
}

test("an appended line changes the chart, the headline and the table in place", { skip }, async () => {
  const run = await openPage("/live/runs/run-a.html");
  const project = await openPage("/live/");
  assert.equal(await run.page.evaluate(lastX), 20);
  assert.ok(!(await project.page.evaluate(rowText)).includes("0.99"));

  // The reader's choices on the project page: sorted by run name (descending), first chart zoomed.
  await project.page.click("#results thead th[data-key='run']");
  await project.page.click("#results thead th[data-key='run']");
  const svg = project.page.locator(".figure svg.chart").first();
  const box = await svg.boundingBox();
  await project.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await project.page.mouse.down();
  await project.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.55, { steps: 4 });
  await project.page.mouse.up();
  const chosen = () => ({
    names: Array.from(document.querySelectorAll("#results tbody td.run-name a"), (a) => a.textContent),
    x0: document.querySelector(".figure svg.chart").getAttribute("data-x0"),
  });
  const before = await project.page.evaluate(chosen);
  assert.deepEqual(before.names, ["run-b", "run-a"]);
  assert.ok(before.x0, "the chart did not zoom");

  appendFileSync(join(logs, "live", "run-a.jsonl"), line({ step: 21, loss: 0.0123, val_accuracy: 0.99 }));

  await run.page.waitForFunction(() => {
    const data = JSON.parse(document.querySelector(".figure .chart-data").textContent);
    return data.series[0].x[data.series[0].x.length - 1] === 21;
  }, null, { timeout: 20000 });
  await project.page.waitForFunction(() => {
    const link = document.querySelector('#results tbody tr a[href="runs/run-a.html"]');
    return Boolean(link) && link.closest("tr").textContent.includes("0.99");
  }, null, { timeout: 20000 });
  assert.equal(await run.page.evaluate(() => window.__sameDocument), true, "the run page navigated");
  assert.equal(await project.page.evaluate(() => window.__sameDocument), true, "the project page navigated");
  assert.match(await run.page.evaluate(() => document.querySelector(".headline").textContent), /0\.99/);
  assert.deepEqual(await project.page.evaluate(chosen), before, "sort or zoom lost");
  assert.deepEqual(run.problems, []);
  assert.deepEqual(project.problems, []);

  // The end record changes the status badge, still in place.
  appendFileSync(join(logs, "live", "run-a.jsonl"), line({ type: "end", status: "finished" }));
  await run.page.waitForFunction(() => document.querySelector(".run-header .badge").textContent.trim() === "finished", null, { timeout: 20000 });
  assert.equal(await run.page.evaluate(() => window.__sameDocument), true);
  await run.page.close();
  await project.page.close();
});

test("a new run appears in its project without a navigation", { skip }, async () => {
  const project = await openPage("/live/");
  writeRun("run-c", 0.3, 5);
  await project.page.waitForFunction(() => Boolean(document.querySelector('#results a[href="runs/run-c.html"]')), null, { timeout: 20000 });
  assert.equal(await project.page.evaluate(() => window.__sameDocument), true);
  await project.page.close();
});

test("a page opened before the first run shows the site once a log is written", { skip }, async () => {
  const empty = join(work, "empty-logs");
  mkdirSync(empty);
  const [child, address] = await serve(empty, join(work, "empty-site"));
  try {
    const page = await browser.newPage();
    await page.goto(address + "/", { waitUntil: "load" });
    assert.match(await page.textContent("body"), /No run in the logs yet/);
    mkdirSync(join(empty, "first-project"));
    writeFileSync(join(empty, "first-project", "run-1.jsonl"), line({ type: "header", run: "run-1" }) + line({ step: 1, loss: 0.5 }));
    await page.waitForFunction(() => document.body.textContent.includes("first-project"), null, { timeout: 20000 });
    await page.close();
  } finally {
    await new Promise((done) => { child.on("exit", done); child.kill("SIGTERM"); });
  }
});
