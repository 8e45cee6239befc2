// ahnb deferred.js: parts of a page written inside <noscript class="deferred">, built by the
// script after the page is interactive. With JavaScript on, the browser keeps a noscript's
// content as one string, not elements: a 10,000-run project's repeated-configurations table
// (3,334 rows, 43,000 elements) and its charts (1.7 MB of SVG) then cost no parsing, styling or
// layout while the page loads. Without JavaScript the noscript is the table or the figures
// themselves, as Rust wrote them.
//
// A table is built in steps of rows, each step a few milliseconds of the main thread, so that
// a reader's click or scroll is never kept waiting; the first step runs at once (a small table
// is whole before the page's load event), the rest finish at once when the part comes near the
// viewport or the page is printed. A part marked data-when="near" (a big project's charts) is
// built whole when it comes near the viewport or the page is printed, and the page's scripts
// are then bound to it (ahnb.refresh). What is built is exactly the markup Rust wrote.
(function (ahnb) {
  "use strict";
  var BUDGET_MS = 12, ROWS_PER_PARSE = 50;
  // How near the viewport a part is built: a table's remaining rows, and a part marked
  // data-when="near" (as near as the any-two scatter is drawn, scatter.js).
  var TABLE_NEAR_PX = 600, NEAR_PX = 800;

  // `html` as nodes, in a holder of its own.
  function parseMarkup(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder;
  }

  // Puts the holder's nodes where `noscript` is, and removes the noscript; returns their parent.
  function replaceWithChildren(noscript, holder) {
    var parent = noscript.parentNode;
    while (holder.firstChild) parent.insertBefore(holder.firstChild, noscript);
    parent.removeChild(noscript);
    return parent;
  }

  // Calls `then` once, when `target` comes within `px` of the viewport or before the page is
  // printed (only then where IntersectionObserver is missing). Returns a function that cancels.
  function whenNear(target, px, then) {
    var near = null;
    function cancel() {
      if (near) near.disconnect();
      near = null;
      window.removeEventListener("beforeprint", fire);
    }
    function fire() { cancel(); then(); }
    window.addEventListener("beforeprint", fire);
    if (!window.IntersectionObserver || !target) return cancel;
    near = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) fire();
    }, { rootMargin: px + "px 0px" });
    near.observe(target);
    return cancel;
  }

  // Replaces `noscript` by its markup, the rows of its table's first tbody added in steps.
  function build(noscript) {
    // The noscript's content as markup: text when the page was parsed with scripting on, and
    // elements when live.js imported it from a fetched page (parsed without scripting).
    var html = noscript.innerHTML;
    var open = html.indexOf("<tbody>"), close = html.lastIndexOf("</tbody>");
    var rows = [];
    if (open >= 0 && close > open) {
      // Rows end in "</tr>": a log's text inside them is escaped, so the tag is only markup.
      rows = html.slice(open + 7, close).split("</tr>");
      rows.pop();
      html = html.slice(0, open + 7) + html.slice(close);
    }
    var holder = parseMarkup(html), body = holder.querySelector("tbody");
    replaceWithChildren(noscript, holder);
    if (!body || !rows.length) return;

    var next = 0, timer = null, cancelNear = null;
    function add(count) {
      var end = Math.min(rows.length, next + count);
      body.insertAdjacentHTML("beforeend", rows.slice(next, end).join("</tr>") + "</tr>");
      next = end;
    }
    function stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (cancelNear) cancelNear();
    }
    function finish() {
      if (next < rows.length && body.isConnected) add(rows.length - next);
      stop();
    }
    function step() {
      timer = null;
      // A live update replaced the page's main content: this table is gone.
      if (!body.isConnected) { stop(); return; }
      // One batch whatever the clock says: a step that found its budget spent before adding
      // anything (the thread paused between two readings of the clock, on a loaded machine)
      // would add nothing, and could go on adding nothing.
      var t0 = performance.now();
      do add(ROWS_PER_PARSE); while (next < rows.length && performance.now() - t0 < BUDGET_MS);
      if (next < rows.length) timer = setTimeout(step, 0); else stop();
    }
    step();
    if (next >= rows.length) return;
    cancelNear = whenNear(body.closest("section") || body.closest("table"), TABLE_NEAR_PX, finish);
  }

  // Builds `noscript` whole once its section comes near, then binds the page's scripts
  // (hover, smoothing, colours) to what it built.
  function buildWhenNear(noscript) {
    function now() {
      if (noscript.isConnected) ahnb.refresh(replaceWithChildren(noscript, parseMarkup(noscript.innerHTML)));
    }
    if (!window.IntersectionObserver) { now(); return; }
    whenNear(noscript.closest("section") || noscript.parentNode, NEAR_PX, now);
  }

  ahnb.register("deferred", function (root) {
    ahnb.all(root, "noscript.deferred").forEach(function (el) {
      if (!ahnb.once(el, "deferred")) return;
      if (el.getAttribute("data-when") === "near") buildWhenNear(el); else build(el);
    });
  });
})(window.ahnb);
