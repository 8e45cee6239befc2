// Browser test of the outlier-robust y axis: one diverged run reaching 1e21 is left off the first
// view (marked at the edge) so the healthy runs fill the chart, and "show all" brings every value
// onto the axis; a second click goes back. Values are chosen so that an axis that always shows
// everything, or a button that does nothing, fails.
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

const work = mkdtempSync(join(tmpdir(), "ahnb-outliers-"));
const site = join(work, "site");
let browser;

before(async () => {
  if (skip) return;
  mkdirSync(join(work, "logs", "sweep"), { recursive: true });
  for (let r = 0; r < 6; r++) {
    const lines = [JSON.stringify({ type: "header", run: `run-${r}`, params: { lr: 0.001 * (r + 1) } })];
    for (let step = 0; step < 10; step++) {
      // Healthy losses between 0.5 and 1.5; run-5 diverges to 1e21 from step 5 on.
      const loss = r === 5 && step >= 5 ? 10 ** (15 + step - 5 + 1) : 1.5 - step * 0.1 + r * 0.01;
      lines.push(JSON.stringify({ type: "metrics", step, metrics: { train_loss: loss } }));
    }
    lines.push(JSON.stringify({ type: "end", status: "finished" }));
    writeFileSync(join(work, "logs", "sweep", `run-${r}.jsonl`), lines.join("\n") + "\n");
  }
  execFileSync(ahnb, ["build", join(work, "logs"), "-o", site, "-q"], { stdio: "inherit" });
  browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
});
after(async () => { if (browser) await browser.close(); });

test("a diverged run stays off the first view, marked at the edge, and 'show all' puts it on the axis", { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(site, "sweep/index.html")).href);
  const svg = page.locator("svg.chart[aria-label='train_loss']").first();
  await svg.scrollIntoViewIfNeeded();
  const top = async () => Math.max(...(await svg.locator(".y-tick-labels text").allTextContents()).map(Number).filter(Number.isFinite));
  const first = await top();
  assert.ok(first < 10, `the first view is scaled to the healthy runs (top tick ${first})`);
  assert.ok(await svg.locator("path.off-scale").count() > 0, "the off-scale values are marked");
  const figure = page.locator(".figure", { has: svg });
  const button = figure.locator("button.y-all");
  await button.click();
  assert.equal(await button.getAttribute("aria-pressed"), "true");
  const all = await top();
  assert.ok(all >= 1e18, `show all reaches up to the diverged run (1e21; top tick ${all})`);
  await button.click();
  assert.equal(await top(), first, "a second click goes back to the first view");
  assert.deepEqual(errors, []);
  await page.close();
});
