// Loads built pages in headless Chromium from file:// and reports what a reader waits for:
// bytes fetched, DOM nodes at the load event and once the page is quiet (parts of a big project
// page are built after load), DOMContentLoaded, load, first contentful paint, time to
// interactive, total blocking time, and how long sorting and filtering the results table take.
//
//   node bench/tti.mjs [--label NAME] PAGE.html [[--label NAME] PAGE.html ...] [--loads N]
//
// Time to interactive follows Lighthouse's definition, simplified for a page with no network:
// the end of the last long task (main-thread work over 50 ms) before a 5 s window without one,
// and never earlier than DOMContentLoaded or first contentful paint. Total blocking time is the
// sum over long tasks after first contentful paint of their time beyond 50 ms. Each page is
// loaded N times (default 3) in a fresh context; the median of each figure is printed as a
// Markdown table row, after one uncounted warm-up load. playwright-core is borrowed from
// tests/browser/node_modules.
import { createRequire } from "node:module";
import { statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join, resolve } from "node:path";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(repo, "tests/browser/package.json"));
const { chromium } = require("playwright-core");

const QUIET_MS = 5000;
const LIMIT_MS = 120000;

const pages = [];
let loads = 3;
let label = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--label") label = args[++i];
  else if (args[i] === "--loads") loads = Number(args[++i]);
  else {
    pages.push({ label: label || args[i], path: resolve(args[i]) });
    label = null;
  }
}
if (pages.length === 0) {
  console.error("usage: node bench/tti.mjs [--label NAME] PAGE.html ... [--loads N]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

async function measureOnce(path) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const fetched = new Set();
  page.on("requestfinished", (r) => {
    const url = r.url();
    if (url.startsWith("file://")) fetched.add(url.split("#")[0].split("?")[0]);
  });
  await page.addInitScript(() => {
    window.__longTasks = [];
    window.addEventListener("load", () => { window.__loadNodes = document.getElementsByTagName("*").length; });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  });
  const started = Date.now();
  await page.goto(pathToFileURL(path).href, { waitUntil: "load", timeout: LIMIT_MS });
  // Wait for QUIET_MS without a long task.
  for (;;) {
    const now = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(() => window.__longTasks);
    const lastEnd = tasks.reduce((m, [s, d]) => Math.max(m, s + d), 0);
    if (now - lastEnd >= QUIET_MS || Date.now() - started > LIMIT_MS) break;
    await page.waitForTimeout(250);
  }
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      dcl: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      fcp: fcp ? fcp.startTime : nav.domContentLoadedEventEnd,
      tasks: window.__longTasks,
      nodes: document.getElementsByTagName("*").length,
      loadNodes: window.__loadNodes,
      heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
    };
  });
  const lastEnd = timing.tasks.reduce((m, [s, d]) => Math.max(m, s + d), 0);
  const tti = Math.max(timing.fcp, timing.dcl, lastEnd);
  const tbt = timing.tasks
    .filter(([s]) => s >= timing.fcp)
    .reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0);
  // Interactions, each timed until the next frame: sort the results table by run name (the
  // script's Run header; the static table's second column without it), then filter it.
  let sortMs = null;
  let filterMs = null;
  const untilFrame = (what) =>
    page.evaluate(
      (what) =>
        new Promise((done) => {
          const t0 = performance.now();
          if (what === "sort") {
            const th = document.querySelector("table.results th[data-key=run]") || document.querySelector("table.results th:nth-child(2)");
            th.click();
          } else {
            const input = document.querySelector("input.table-filter");
            input.value = "s1";
            input.dispatchEvent(new Event("input"));
          }
          requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
        }),
      what,
    );
  if (await page.$("table.results th:nth-child(2)")) sortMs = await untilFrame("sort");
  if (await page.$("input.table-filter")) filterMs = await untilFrame("filter");
  let bytes = 0;
  for (const url of fetched) {
    try {
      bytes += statSync(fileURLToPath(url)).size;
    } catch {
      // A request for a file that does not exist counts nothing.
    }
  }
  await context.close();
  return { ...timing, tti, tbt, sortMs, filterMs, bytes, files: fetched.size, errors };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const ms = (v) => (v === null || v === undefined ? "–" : `${Math.round(v)} ms`);

console.log("| page | HTML | fetched (files) | DOM nodes at load | when quiet | DOMContentLoaded | load | FCP | TTI | TBT | sort by name | filter | JS heap |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
// One load not counted: the browser's first page pays its start-up (compiling the scripts,
// loading fonts), which made the first page listed look slower than it is.
await measureOnce(pages[0].path);
for (const { label: name, path } of pages) {
  const runs = [];
  for (let i = 0; i < loads; i++) runs.push(await measureOnce(path));
  const pick = (k) => median(runs.map((r) => r[k]));
  const html = statSync(path).size;
  const errors = [...new Set(runs.flatMap((r) => r.errors))];
  console.log(
    `| ${name} | ${(html / 1e6).toFixed(2)} MB | ${(pick("bytes") / 1e6).toFixed(2)} MB (${pick("files")}) | ${pick("loadNodes")} | ${pick("nodes")} | ${ms(pick("dcl"))} | ${ms(pick("load"))} | ${ms(pick("fcp"))} | ${ms(pick("tti"))} | ${ms(pick("tbt"))} | ${ms(runs[0].sortMs === null ? null : pick("sortMs"))} | ${ms(runs[0].filterMs === null ? null : pick("filterMs"))} | ${(pick("heap") / 1e6).toFixed(0)} MB |`,
  );
  if (errors.length) console.log(`\n${name}: page errors: ${errors.join("; ")}\n`);
}
await browser.close();
