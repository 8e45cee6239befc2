// Browser tests: real headless Chromium (Debian's /usr/bin/chromium) against sites built by
// ahnb, opened from file:// exactly as a reader would. Run by scripts/test.sh after `cargo build`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "../..");
const ahnb = process.env.AHNB_BIN || join(repo, "target/debug/ahnb");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const required = process.env.AHNB_REQUIRE_BROWSER === "1";
const haveBrowser = existsSync(browserPath);
if (!haveBrowser && required) {
  throw new Error(`Chromium not found at ${browserPath}, and AHNB_REQUIRE_BROWSER=1`);
}
const skip = haveBrowser ? false : `Chromium not found at ${browserPath}; install Debian's chromium to run browser tests`;

let browser;
const work = mkdtempSync(join(tmpdir(), "ahnb-browser-"));
const exampleSite = join(work, "example");
const hostileSite = join(work, "hostile");

function build(logs, out) {
  execFileSync(ahnb, ["build", logs, "-o", out, "-q"], { stdio: "inherit" });
}

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return name.endsWith(".html") ? [path] : [];
  });
}

/** Opens a page, recording console errors, page errors, dialogs and requests leaving `root`. */
async function open(path, root) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  const rootUrl = pathToFileURL(root).href;
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(rootUrl) && !url.startsWith("data:")) problems.push(`request left the site: ${url}`);
  });
  await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  return { page, problems };
}

before(async () => {
  if (skip) return;
  build(join(repo, "example-logs"), exampleSite);
  build(join(repo, "tests/fixtures/hostile-names"), hostileSite);
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => { if (browser) await browser.close(); });

test("every page loads with no console error and no request leaving the site", { skip }, async () => {
  const pages = htmlFiles(exampleSite);
  assert.ok(pages.length > 25, `only ${pages.length} pages`);
  for (const path of pages) {
    const { page, problems } = await open(path, exampleSite);
    await page.waitForTimeout(50);
    // The script-named run's notes embed <img src=x>: kept by the sanitizer (a relative image),
    // missing on disk, so Chromium reports it. Anything else is a real problem.
    const real = path.includes("script-alert") ? problems.filter((p) => !p.includes("ERR_FILE_NOT_FOUND")) : problems;
    assert.deepEqual(real, [], `${path}`);
    await page.close();
  }
});

test("sorting and filtering the results table", { skip }, async () => {
  const { page, problems } = await open(join(exampleSite, "mnist-cnn/index.html"), exampleSite);
  const names = () => page.$$eval("#results tbody tr:not([hidden]) td.run-name a", (as) => as.map((a) => a.textContent));
  const before = await names();
  await page.click("#results thead th:nth-child(2)"); // Run name, ascending
  const sorted = await names();
  assert.deepEqual(sorted, [...before].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
  await page.fill("input.table-filter", "status:failed");
  const failed = await page.$$eval("#results tbody tr:not([hidden])", (rows) => rows.map((r) => r.dataset.status));
  assert.ok(failed.length >= 1);
  assert.ok(failed.every((s) => s === "failed"), failed.join());
  await page.fill("input.table-filter", "optimizer.learning_rate<0.002");
  const small = await page.$$eval("#results tbody tr:not([hidden])", (rows) => rows.length);
  const all = await page.$$eval("#results tbody tr", (rows) => rows.length);
  assert.ok(small > 0 && small < all, `${small} of ${all}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a legend click hides a series and a hover shows a tooltip", { skip }, async () => {
  const { page, problems } = await open(join(exampleSite, "mnist-cnn/runs/lr0.001-do0.5-seed2.html"), exampleSite);
  const figure = page.locator(".figure").first();
  const path = figure.locator(".x-step-view path.series[data-series='1']");
  assert.ok(await path.isVisible());
  await figure.locator(".x-step-view .legend-item[data-series='1']").click();
  assert.equal(await path.isVisible(), false, "series hidden after a legend click");
  await figure.locator(".x-step-view .legend-item[data-series='1']").click();
  assert.ok(await path.isVisible(), "shown again");

  const box = await figure.locator(".x-step-view svg.chart").boundingBox();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
  const tip = figure.locator(".x-step-view .chart-tip");
  assert.ok(await tip.isVisible(), "tooltip visible on hover");
  assert.match(await tip.textContent(), /(epoch|step) \d+/);

  await page.locator("input.smoothing").fill("0.8");
  assert.ok((await page.locator("path.smoothed").count()) > 0, "smoothing draws smoothed lines");
  assert.deepEqual(problems, []);
  await page.close();
});

test("hovering a table row highlights the run in the charts", { skip }, async () => {
  const { page } = await open(join(exampleSite, "mnist-cnn/index.html"), exampleSite);
  const row = page.locator("#results tbody tr").first();
  const run = await row.getAttribute("data-run");
  await row.hover();
  const lit = await page.$$eval(`svg.chart [data-run='${run}'].hl`, (els) => els.length);
  assert.ok(lit > 0, "the run's lines are highlighted");
  await page.close();
});

test("no script from a log ever runs", { skip }, async () => {
  for (const path of htmlFiles(hostileSite)) {
    const { page, problems } = await open(path, hostileSite);
    await page.mouse.move(200, 200);
    await page.waitForTimeout(50);
    const flag = await page.evaluate(() => window.__pwned);
    assert.equal(flag, undefined, path);
    assert.deepEqual(problems.filter((p) => p.startsWith("dialog")), [], path);
    await page.close();
  }
});
