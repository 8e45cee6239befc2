// ahnb media.js: one media name logged at many steps shows one step at a time, with a slider
// (Agnez's cells); without the script every step shows.
(function (ahnb) {
  "use strict";

  function wireMediaSliders(root) {
    ahnb.all(root, ".media-group").forEach(function (group) {
      var items = group.querySelectorAll(".media-item");
      if (items.length < 2 || !ahnb.once(group, "slider")) return;
      var label = document.createElement("label");
      label.className = "media-slider";
      var input = document.createElement("input");
      input.type = "range"; input.min = "0"; input.max = String(items.length - 1); input.step = "1";
      input.value = String(items.length - 1);
      var out = document.createElement("output");
      label.appendChild(document.createTextNode("step "));
      label.appendChild(input);
      label.appendChild(out);
      group.insertBefore(label, items[0]);
      function show() {
        var k = +input.value;
        Array.prototype.forEach.call(items, function (item, i) { item.hidden = i !== k; });
        out.textContent = " " + (items[k].getAttribute("data-step") || "") + " (" + (k + 1) + " of " + items.length + ")";
      }
      input.addEventListener("input", show);
      show();
    });
  }

  ahnb.register("media", wireMediaSliders);
})(window.ahnb);
