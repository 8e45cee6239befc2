// ahnb: progressive enhancement for the static pages. No framework, no network; every page is
// complete without this script.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }

  // Numbers sort as numbers; missing values always go last, whatever the direction.
  function compare(a, b, numeric, ascending) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1;
    if (b === "") return -1;
    var x = numeric ? parseFloat(a) : a, y = numeric ? parseFloat(b) : b;
    if (numeric && (isNaN(x) || isNaN(y))) { numeric = false; x = a; y = b; }
    var r = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return ascending ? r : -r;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "columnheader");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.getAttribute("data-type") === "number" ||
          (th.getAttribute("data-type") === "mixed" && rows.every(function (r) {
            var v = cellValue(r, index); return v === "" || !isNaN(parseFloat(v));
          }));
        rows.sort(function (a, b) { return compare(cellValue(a, index), cellValue(b, index), numeric, ascending); });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  // Filter syntax: words match anywhere in the row; `key<value`, `key>=value`, `key=value`
  // compare a column by its header; `status:failed` matches a column's text.
  function parseFilter(text) {
    return text.trim().split(/\s+/).filter(Boolean).map(function (term) {
      var m = term.match(/^([^<>=!:]+)(<=|>=|!=|<|>|=|:)(.*)$/);
      if (m) return { key: m[1].toLowerCase(), op: m[2], value: m[3].toLowerCase() };
      return { text: term.toLowerCase() };
    });
  }

  function headerIndex(table, key) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) {
      var label = cells[i].textContent.replace(/\s+(best|last)$/, "").trim().toLowerCase();
      if (label === key) return i;
    }
    for (var j = 0; j < cells.length; j++) {
      if (cells[j].textContent.trim().toLowerCase().indexOf(key) === 0) return j;
    }
    return -1;
  }

  function rowMatches(table, row, terms) {
    return terms.every(function (t) {
      if (t.text !== undefined) return row.textContent.toLowerCase().indexOf(t.text) >= 0;
      var i = headerIndex(table, t.key);
      if (i < 0) return false;
      var raw = cellValue(row, i), v = raw.toLowerCase();
      if (t.op === ":") return v.indexOf(t.value) >= 0;
      if (raw === "") return false;
      var x = parseFloat(raw), y = parseFloat(t.value);
      var numeric = !isNaN(x) && !isNaN(y);
      switch (t.op) {
        case "<": return numeric && x < y;
        case ">": return numeric && x > y;
        case "<=": return numeric && x <= y;
        case ">=": return numeric && x >= y;
        case "=": return numeric ? x === y : v === t.value;
        case "!=": return numeric ? x !== y : v !== t.value;
      }
      return false;
    });
  }

  function wireFilter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    var counter = document.querySelector(".table-count[data-table='" + table.id + "']");
    function apply() {
      var terms = parseFilter(input.value), shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = rowMatches(table, row, terms);
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (counter) counter.textContent = shown + " of " + rows.length + " runs";
    }
    input.addEventListener("input", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("input.table-filter"), wireFilter);
    // Constant hyperparameters are hidden once the script runs; without it, every column shows.
    Array.prototype.forEach.call(document.querySelectorAll("input.toggle-constant"), function (box) {
      var table = document.getElementById(box.getAttribute("data-table"));
      if (!table) return;
      table.classList.add("hide-constant");
      box.addEventListener("change", function () { table.classList.toggle("hide-constant", !box.checked); });
    });
  });
})();
