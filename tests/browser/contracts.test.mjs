// The contracts between Rust and the page scripts, from the script's side (no browser needed):
// format.js prints every case of tests/fixtures/contracts/numbers.json as Rust does (Rust
// checks the same file in src/render/contract.rs), and filter.js's grammar, the one the results
// table uses, answers the cases below. The page-level check (the results table the script draws
// reads cell for cell as the one Rust wrote) is in site.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import vm from "node:vm";

const repo = resolve(import.meta.dirname, "../..");
const staticDir = join(repo, "themes/default/static");

/** Runs the DOM-free page scripts in a bare context and returns their `ahnb` namespace. */
function scripts(...names) {
  const context = { window: {} };
  for (const name of names) vm.runInNewContext(readFileSync(join(staticDir, name), "utf8"), context, { filename: name });
  return context.window.ahnb;
}

const ahnb = scripts("format.js", "filter.js");
const contract = JSON.parse(readFileSync(join(repo, "tests/fixtures/contracts/numbers.json"), "utf8"));
const value = (v) => (typeof v === "string" ? Number(v) : v);
const f = ahnb.format;
// Arrays from the script's context have its Array prototype: copied into ours to compare.
const labels = (ticks) => Array.from(ticks, (v) => f.tick(v));
const sections = {
  number: ([v]) => f.number(value(v)),
  tick: ([v]) => f.tick(value(v)),
  duration: ([v]) => f.duration(value(v)),
  plus_minus: ([m, s, k]) => f.plusMinus(value(m), value(s), k),
  param: ([v]) => f.param(value(v)),
  x_ticks: ([lo, hi, max]) => labels(ahnb.ticks.nice(lo, hi, max, Number.isInteger(lo) && Number.isInteger(hi))),
  y_ticks: ([lo, hi, log]) => labels(ahnb.ticks.y(lo, hi, log)),
};

for (const [section, print] of Object.entries(sections)) {
  test(`format.js prints ${section} as Rust does`, () => {
    const cases = contract[section];
    assert.ok(cases && cases.length > 3, `no ${section} cases`);
    for (const c of cases) {
      const inputs = c.slice(0, -1), rust = c[c.length - 1];
      assert.deepEqual(print(inputs), rust, `${section}(${JSON.stringify(inputs)})`);
    }
  });
}

test("the x axis of a zoomed step chart keeps whole steps (chart/x_axis.rs)", () => {
  // What the script drew when "show all" redrew a 3-step chart: 1, 1.5, 2, 2.5, 3.
  assert.deepEqual(labels(ahnb.ticks.x(1, 3)), ["1", "2", "3"]);
  assert.deepEqual(labels(ahnb.ticks.x(1.25, 2.75)), ["1.4", "1.6", "1.8", "2", "2.2", "2.4", "2.6"], "a zoomed view's ends are fractional");
});

// A small table in the results table's terms: columns as results.js builds them from the
// page's data, rows as it exposes them to the grammar.
const columns = [
  { key: "rank", label: "#" },
  { key: "run", label: "Run" },
  { key: "best:loss", label: "loss", sub: "best" },
  { key: "last:loss", label: "loss", sub: "last", last: true },
  { key: "status", label: "Status" },
  { key: "steps", label: "Steps logged" },
  { key: "param:lr", label: "lr" },
  { key: "param:optimizer", label: "optimizer" },
];
const runs = [
  { rank: 1, run: "alpha", seed: 1, "best:loss": 0.05, "last:loss": 0.07, status: "finished", steps: 20, "param:lr": 0.001, "param:optimizer": "adam" },
  { rank: 2, run: "beta", seed: 2, "best:loss": 0.2, "last:loss": 0.9, status: "failed", steps: 12, "param:lr": 1e-7, "param:optimizer": "SGD" },
  { rank: null, run: "gamma", "best:loss": "NaN", "last:loss": "NaN", status: "diverged", steps: 3, "param:optimizer": "sgd" },
];
/** The runs (by name) a filter keeps, with results.js's searchable text. */
function kept(filter) {
  const terms = ahnb.filter.parse(filter);
  return runs.filter((r) => {
    const params = columns.filter((c) => c.key.startsWith("param:") && r[c.key] !== undefined)
      .map((c) => `${c.label}=${f.param(r[c.key])}`);
    const row = { text: [r.run, r.status].concat(params).join(" "), value: (c) => r[c.key] };
    return ahnb.filter.matches(terms, columns, row);
  }).map((r) => r.run);
}

test("the filter grammar: words, comparisons, text matches", () => {
  assert.deepEqual(kept(""), ["alpha", "beta", "gamma"]);
  assert.deepEqual(kept("loss<0.1"), ["alpha"], "a metric's name means its best");
  assert.deepEqual(kept("loss>=0.2"), ["beta"], "NaN is no number: it never compares");
  assert.deepEqual(kept("status:fail"), ["beta"]);
  assert.deepEqual(kept("status:f steps>15"), ["alpha"], "every word must hold");
  assert.deepEqual(kept("optimizer=sgd"), ["beta", "gamma"], "text compares ignoring case");
  assert.deepEqual(kept("optimizer!=adam"), ["beta", "gamma"]);
  assert.deepEqual(kept("lr=0.001"), ["alpha"], "numbers compare as numbers");
  assert.deepEqual(kept("lr=1e-3"), ["alpha"]);
  assert.deepEqual(kept("lr!=0.001"), ["beta"], "a run without the value never matches");
  assert.deepEqual(kept("#<2"), ["alpha"], "columns by label");
  assert.deepEqual(kept("rank<2"), ["alpha"], "columns by key");
  assert.deepEqual(kept("step>10"), ["alpha", "beta"], "columns by the start of their label");
  assert.deepEqual(kept("nosuchcolumn>0"), [], "a key naming no column matches nothing");
  assert.deepEqual(kept("FAILED"), ["beta"], "words ignore case");
});

// Where the static table's filter (ahnb.js, for tables without page data; no template made one,
// so it was removed) and the results table's disagreed: each now has one answer.
test("the filter's answers where the two grammars disagreed", () => {
  // Words: the static filter searched the row's text as shown (a metric's "0.05" matched);
  // the results table searches names, statuses, groups and hyperparameters.
  assert.deepEqual(kept("0.05"), [], "a shown metric value is not searched");
  assert.deepEqual(kept("lr=0.001"), ["alpha"]);
  // `run:` — the static filter read the cell's text, with its "seed 1" suffix.
  assert.deepEqual(kept("run:seed"), [], "the seed suffix is not part of the name");
  assert.deepEqual(kept("run:al"), ["alpha"]);
  // Hyperparameters are searched as the table shows them: 1e-7 is written 0.0000001.
  assert.deepEqual(kept("lr=0.0000001"), ["beta"]);
  assert.deepEqual(kept("0.0000001"), ["beta"], "the word as the cell shows it");
  assert.deepEqual(kept("1e-7"), [], "not as JavaScript writes the number");
});
