// The Rust ↔ script contracts on real pages, in headless Chromium from file://: the results
// table results.js draws from the page's data reads, header for header and cell for cell, as
// the table Rust wrote (its columns come from the page's data, its numbers from format.js);
// the compare view shows hyperparameters as the table does; and `ahnb.refresh` (the hook
// live.js calls after replacing parts of a page) keeps what the reader chose.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "../..");
const ahnb = process.env.AHNB_BIN || join(repo, "target/debug/ahnb");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const required = process.env.AHNB_REQUIRE_BROWSER === "1" || Boolean(process.env.CI);
if (!existsSync(browserPath) && required) throw new Error(`Chromium not found at ${browserPath}`);
const skip = existsSync(browserPath) ? false : `Chromium not found at ${browserPath}`;

const work = mkdtempSync(join(tmpdir(), "ahnb-agree-"));
const tiesSite = join(work, "ties");
const exampleSite = join(work, "example");
let browser;

before(async () => {
  if (skip) return;
  execFileSync(ahnb, ["build", join(repo, "tests/fixtures/contracts/logs"), "-o", tiesSite, "-q"], { stdio: "inherit" });
  execFileSync(ahnb, ["build", join(repo, "example-logs"), "-o", exampleSite, "-q"], { stdio: "inherit" });
  browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
});
after(async () => { if (browser) await browser.close(); });

/** The results table as { headers, rows: { run name: { header: text } } }. */
function readTable(page) {
  return page.evaluate(() => {
    const table = document.getElementById("results");
    const text = (el) => el.textContent.replace(/\s+/g, " ").trim();
    const headers = Array.from(table.tHead.rows[0].cells).filter((th) => !th.classList.contains("pick")).map(text);
    const rows = {};
    Array.from(table.tBodies[0].rows).forEach((tr) => {
      const cells = Array.from(tr.cells).filter((td) => !td.classList.contains("pick"));
      const link = tr.querySelector("td.run-name a"), name = link.textContent;
      rows[name] = Object.fromEntries(cells.map((td, i) => [headers[i], text(td)]));
      // The run page's link: the data leaves it out where it is the run's name under runs/.
      rows[name]["(link)"] = link.getAttribute("href");
    });
    return { headers, rows };
  });
}

async function open(path, javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  return { page, context, problems };
}

test("the script's results table reads as the one Rust wrote, cell for cell", { skip }, async () => {
  for (const [site, project] of [[tiesSite, "ties"], [exampleSite, "mnist-cnn"], [exampleSite, "text-transformer"], [exampleSite, "detectron-style"]]) {
    const path = join(site, project, "index.html");
    const plain = await open(path, false);
    const rust = await readTable(plain.page);
    await plain.context.close();
    const { page, context, problems } = await open(path);
    if (await page.locator("input.toggle-fold").count()) await page.uncheck("input.toggle-fold");
    await page.check("input.toggle-constant");
    const script = await readTable(page);
    assert.deepEqual(script.headers, rust.headers, `${project}: the columns`);
    for (const [name, cells] of Object.entries(rust.rows)) assert.deepEqual(script.rows[name], cells, `${project}: run ${name}`);
    assert.deepEqual(problems, []);
    await context.close();
  }
  // The ties fixture's values are where JavaScript's rounding and Rust's differ.
  const { page, context } = await open(join(tiesSite, "ties/index.html"));
  const { rows } = await readTable(page);
  assert.equal(rows.a["loss best"], "10.12");
  assert.equal(rows.b["loss best"], "1.062");
  assert.equal(rows.b["score last"], "1.236e6");
  assert.equal(rows.a.lr, "0.0000001", "as Rust writes 1e-7");
  await context.close();
});

test("a folded seed group's mean ± std reads as Rust's repeated-configurations table", { skip }, async () => {
  const { page, context, problems } = await open(join(exampleSite, "mnist-cnn/index.html"));
  const primary = await page.evaluate(() => window.ahnb.projectData().primary);
  const folded = await page.evaluate((primary) => {
    const headers = Array.from(document.querySelectorAll("#results thead th"), (th) => th.textContent.replace(/\s+/g, " ").trim());
    return Array.from(document.querySelectorAll("#results tr.group-row"), (tr) => ({
      label: tr.querySelector("button.fold").textContent.replace(/^[▸▾] /, ""),
      best: tr.cells[headers.indexOf(`${primary} best`)].textContent,
      last: tr.cells[headers.indexOf(`${primary} last`)].textContent,
    }));
  }, primary);
  const rust = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll("table.groups tbody tr"), (tr) => [
    tr.cells[0].textContent, { best: tr.cells[1].textContent.replace(/ \(n = \d+\)$/, ""), last: tr.cells[3].textContent.replace(/ \(n = \d+\)$/, "") },
  ])));
  assert.ok(folded.length >= 4, "seed groups fold");
  for (const g of folded) assert.deepEqual({ best: g.best, last: g.last }, rust[g.label], `group ${g.label}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the compare view writes hyperparameters as the table does", { skip }, async () => {
  const { page, context, problems } = await open(join(tiesSite, "ties/index.html"));
  const boxes = page.locator("#results tbody input[type=checkbox]");
  for (let i = 0; i < 3; i++) await boxes.nth(i).check();
  await page.click("button.compare-button");
  await page.locator(".compare-params").waitFor();
  const lr = await page.locator(".compare-params tbody tr", { hasText: "lr" }).locator("td").allTextContents();
  assert.deepEqual([...lr].sort(), ["0.00031415", "0.0000001", "0.001"].sort(), "not 3.142e-4 or 1e-7");
  assert.deepEqual(problems, []);
  await context.close();
});

test("ahnb.refresh re-binds replaced parts of a page and keeps sort, filter, ticks, zoom and legend", { skip }, async () => {
  const { page, context, problems } = await open(join(exampleSite, "mnist-cnn/index.html"));
  await page.uncheck("input.toggle-fold");
  await page.click("#results thead th[data-key='run']");
  await page.fill("input.table-filter", "status:finished");
  await page.locator("#results tbody input[type=checkbox]").nth(1).check();
  // Zoom the first chart and hide a legend entry.
  const fig = page.locator(".figure").first();
  const svg = fig.locator("svg.chart");
  await svg.scrollIntoViewIfNeeded();
  const box = await svg.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.52, { steps: 4 });
  await page.mouse.up();
  await fig.locator(".legend-item").nth(2).click({ modifiers: ["Shift"] });
  const before = await page.evaluate(() => ({
    names: Array.from(document.querySelectorAll("#results tbody td.run-name a"), (a) => a.textContent),
    ticked: Array.from(document.querySelectorAll("#results tbody input:checked"), (b) => b.closest("tr").querySelector("td.run-name a").textContent),
    x0: document.querySelector(".figure svg.chart").getAttribute("data-x0"),
  }));
  assert.ok(before.names.length > 1);
  assert.notEqual(before.x0, "1", "the drag zoomed the chart");
  // What live.js does: replace a figure (with a copy as Rust wrote it) and the page's data,
  // then refresh.
  const plain = await open(join(exampleSite, "mnist-cnn/index.html"), false);
  const pristine = await plain.page.evaluate(() => document.querySelector(".figure").innerHTML);
  const pristineTable = await plain.page.evaluate(() => document.getElementById("results").outerHTML);
  const pristineMain = await plain.page.evaluate(() => document.querySelector("main").innerHTML);
  await plain.context.close();
  await page.evaluate((html) => {
    const fig = document.querySelector(".figure");
    const fresh = fig.cloneNode(false);
    fresh.innerHTML = html;
    fig.replaceWith(fresh);
    const data = document.getElementById("project-data");
    const copy = document.createElement("script");
    copy.type = "application/json"; copy.id = "project-data";
    copy.setAttribute("data-curves", data.getAttribute("data-curves"));
    copy.textContent = data.textContent + " ";
    data.replaceWith(copy);
    window.ahnb.refresh(fresh);
  }, pristine);
  const after = await page.evaluate(() => ({
    names: Array.from(document.querySelectorAll("#results tbody td.run-name a"), (a) => a.textContent),
    ticked: Array.from(document.querySelectorAll("#results tbody input:checked"), (b) => b.closest("tr").querySelector("td.run-name a").textContent),
    x0: document.querySelector(".figure svg.chart").getAttribute("data-x0"),
    filter: document.querySelector("input.table-filter").value,
    sort: document.querySelector("#results thead th[aria-sort]").dataset.key,
    off: document.querySelectorAll(".figure")[0].querySelectorAll(".legend-item.off").length,
    wired: document.querySelectorAll(".figure")[0].querySelectorAll(".legend-item[role=button]").length > 0,
  }));
  assert.deepEqual(after.names, before.names, "same rows, same order");
  assert.deepEqual(after.ticked, before.ticked, "ticked runs stay ticked");
  assert.equal(after.filter, "status:finished");
  assert.equal(after.sort, "run");
  assert.ok(after.wired, "the new chart is wired");
  assert.equal(after.x0, before.x0, "the new chart shows the zoomed view");
  assert.equal(after.off, 1, "the hidden legend entry stays hidden");
  // A new table element (as Rust wrote it): the same rows and one toolbar, not two.
  await page.evaluate((html) => {
    const table = document.getElementById("results");
    const wrap = document.createElement("div");
    wrap.innerHTML = html;
    table.replaceWith(wrap.firstElementChild);
    window.ahnb.refresh(document.getElementById("results"));
  }, pristineTable);
  assert.deepEqual(await page.$$eval("#results tbody td.run-name a", (as) => as.map((a) => a.textContent)), before.names);
  assert.equal(await page.locator(".columns-chooser").count(), 1);
  assert.equal(await page.locator(".pager").count(), 1);
  // The whole <main> replaced (live.js does so when a page's structure changed).
  await page.evaluate((html) => {
    const main = document.querySelector("main");
    const fresh = document.createElement("main");
    fresh.id = "main";
    fresh.innerHTML = html;
    main.replaceWith(fresh);
    window.ahnb.refresh(document);
  }, pristineMain);
  const whole = await page.evaluate(() => ({
    names: Array.from(document.querySelectorAll("#results tbody td.run-name a"), (a) => a.textContent),
    ticked: Array.from(document.querySelectorAll("#results tbody input:checked"), (b) => b.closest("tr").querySelector("td.run-name a").textContent),
    filter: document.querySelector("input.table-filter").value,
    x0: document.querySelector(".figure svg.chart").getAttribute("data-x0"),
    off: document.querySelectorAll(".figure")[0].querySelectorAll(".legend-item.off").length,
    choosers: document.querySelectorAll(".columns-chooser").length,
    foldBoxes: document.querySelectorAll("input.toggle-fold").length,
    folded: document.querySelector("input.toggle-fold").checked,
  }));
  assert.deepEqual(whole, { names: before.names, ticked: before.ticked, filter: "status:finished", x0: before.x0, off: 1, choosers: 1, foldBoxes: 1, folded: false });
  // The new toolbar works: the filter input drives the table.
  await page.fill("input.table-filter", "status:failed");
  assert.ok((await page.$$eval("#results tbody tr", (rows) => rows.map((r) => r.dataset.status))).every((st) => st === "failed"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("colour-by stays on charts a live update replaced", { skip }, async () => {
  const { page, context, problems } = await open(join(exampleSite, "mnist-cnn/index.html"));
  const strokes = () => page.$$eval(".figure:first-of-type svg.chart path.series", (ps) => ps.map((p) => p.getAttribute("stroke")));
  const original = await strokes();
  await page.selectOption(".colour-by select", { index: 1 });
  const coloured = await strokes();
  assert.notDeepEqual(coloured, original, "colour-by recolours the lines");
  const plain = await open(join(exampleSite, "mnist-cnn/index.html"), false);
  const pristine = await plain.page.evaluate(() => document.querySelector(".figure").outerHTML);
  await plain.context.close();
  await page.evaluate((html) => {
    const wrap = document.createElement("div");
    wrap.innerHTML = html;
    document.querySelector(".figure").replaceWith(wrap.firstElementChild);
    window.ahnb.refresh(document);
  }, pristine);
  assert.deepEqual(await strokes(), coloured, "the new chart takes the chosen colours");
  assert.deepEqual(problems, []);
  await context.close();
});
