// Browser tests that check the answers a reader gets, not that something is on the page: the
// results table sorts numbers as numbers with missing values last, in both directions; the
// highlighted best cell holds the best value for the metric's direction. Logs are written here
// with values chosen so that a string sort, a comparator that returns 0, or min and max swapped
// each give a different order or cell.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "../..");
const ahnb = process.env.AHNB_BIN || join(repo, "target/debug/ahnb");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const haveBrowser = existsSync(browserPath);
// In CI (CI set, as .ci/run does) a missing browser fails the tests instead of skipping them.
if (!haveBrowser && (process.env.AHNB_REQUIRE_BROWSER === "1" || process.env.CI)) throw new Error(`Chromium not found at ${browserPath}`);
const skip = haveBrowser ? false : `Chromium not found at ${browserPath}`;

const work = mkdtempSync(join(tmpdir(), "ahnb-answers-"));
const site = join(work, "site");
let browser;

// name: [val_accuracy curve, val_loss curve, extra (null: never logged)]. Ranked by the best
// val_accuracy: r-c (0.95), r-a (0.9), r-e (0.8), r-b (0.7), r-f (0.6), r-d (0.5), so rank order,
// name order and value order all differ.
const RUNS = {
  "r-a": [[0.5, 0.9, 0.85], [1.0, 0.4, 0.45], 10],
  "r-b": [[0.6, 0.7], [0.9, 0.3], 9],
  "r-c": [[0.95, 0.9], [0.2, 0.25], 100],
  "r-d": [[0.5], [2.0], null],
  "r-e": [[0.8, 0.7], [0.5, 0.6], 2.5],
  "r-f": [[0.6], [0.35], null],
};

before(() => {
  if (skip) return;
  mkdirSync(join(work, "logs", "answers"), { recursive: true });
  for (const [name, [acc, loss, extra]] of Object.entries(RUNS)) {
    const lines = [JSON.stringify({ type: "header", run: name, params: { width: 32 } })];
    acc.forEach((a, step) => {
      const metrics = { val_accuracy: a, val_loss: loss[step] };
      if (extra !== null) metrics.extra = extra;
      lines.push(JSON.stringify({ type: "metrics", step, metrics }));
    });
    lines.push(JSON.stringify({ type: "end", status: "finished" }));
    writeFileSync(join(work, "logs", "answers", `${name}.jsonl`), lines.join("\n") + "\n");
  }
  execFileSync(ahnb, ["build", join(work, "logs"), "-o", site, "-q"], { stdio: "inherit" });
});

before(async () => {
  if (skip) return;
  browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
});
after(async () => { if (browser) await browser.close(); });

async function projectPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(site, "answers/index.html")).href);
  return { page, errors };
}

const names = (page) => page.$$eval("#results tbody tr td.run-name a", (as) => as.map((a) => a.textContent));
const column = (page, key) => page.$$eval(`#results tbody tr`, (rows, key) => {
  const index = [...document.querySelectorAll("#results thead th")].findIndex((th) => th.dataset.key === key);
  return rows.map((r) => r.cells[index].textContent);
}, key);

test("numbers sort as numbers, missing values last in both directions", { skip }, async () => {
  const { page, errors } = await projectPage();
  // Default: ranked by best val_accuracy, best first.
  assert.deepEqual(await names(page), ["r-c", "r-a", "r-e", "r-b", "r-f", "r-d"]);
  await page.click("#results thead th[data-key='best:extra']");
  assert.deepEqual(await column(page, "best:extra"), ["2.500", "9", "10", "100", "", ""], "ascending");
  assert.deepEqual(await names(page), ["r-e", "r-b", "r-a", "r-c", "r-d", "r-f"], "ties in run order");
  await page.click("#results thead th[data-key='best:extra']");
  assert.deepEqual(await column(page, "best:extra"), ["100", "10", "9", "2.500", "", ""], "descending");
  // A lower-is-better metric sorts best (lowest) first on the first click.
  await page.click("#results thead th[data-key='best:val_loss']");
  assert.deepEqual(await column(page, "best:val_loss"), ["0.2000", "0.3000", "0.3500", "0.4000", "0.5000", "2"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the best cell holds the best value for the metric's direction", { skip }, async () => {
  const { page, errors } = await projectPage();
  const best = (key) => page.$$eval("#results tbody tr", (rows, key) => {
    const index = [...document.querySelectorAll("#results thead th")].findIndex((th) => th.dataset.key === key);
    return rows.filter((r) => r.cells[index].classList.contains("best-cell")).map((r) => [r.querySelector("td.run-name a").textContent, r.cells[index].textContent]);
  }, key);
  assert.deepEqual(await best("best:val_accuracy"), [["r-c", "0.9500"]], "higher is better: the maximum");
  assert.deepEqual(await best("best:val_loss"), [["r-c", "0.2000"]], "lower is better: the minimum");
  assert.deepEqual(await best("last:val_loss"), [], "last values are not ranked");
  // The page's own header names the best run and value.
  assert.match(await page.locator("p.lede").textContent(), /best val_accuracy 0\.9500 by r-c/);
  // Without the script, the server-rendered table marks the same cells.
  const noScript = await browser.newPage({ javaScriptEnabled: false });
  await noScript.goto(pathToFileURL(join(site, "answers/index.html")).href);
  const staticBest = await noScript.$$eval("#results tbody td.best-cell", (tds) => tds.map((td) => [td.closest("tr").querySelector("td.run-name a").textContent, td.textContent]));
  assert.ok(staticBest.some(([n, v]) => n === "r-c" && v === "0.9500"), JSON.stringify(staticBest));
  assert.ok(staticBest.some(([n, v]) => n === "r-c" && v === "0.2000"), JSON.stringify(staticBest));
  assert.ok(!staticBest.some(([, v]) => v === "0.5000" || v === "2"), JSON.stringify(staticBest));
  await noScript.close();
  assert.deepEqual(errors, []);
  await page.close();
});
