/* The monthly split of a new budget line (templates/finance/_month_split.html): shows the
   twelve month inputs only for a custom split and keeps their sum up to date. The server
   checks the sum again; without JavaScript the inputs stay visible and are ignored for an
   automatic split. */
(function () {
  "use strict";
  function cents(text) {
    var value = (text || "").trim().replace(/\s/g, "").replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) {
      return 0;
    }
    var parts = value.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }
  function format(total) {
    var whole = Math.floor(total / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return whole + "," + ("0" + (total % 100)).slice(-2);
  }
  function start() {
    var box = document.querySelector("[data-month-split]");
    if (!box) {
      return;
    }
    var grid = box.querySelector("[data-month-grid]");
    var output = box.querySelector("[data-month-total]");
    var inputs = box.querySelectorAll("[data-month]");
    var radios = box.querySelectorAll("input[type=radio]");
    function refresh() {
      var total = 0;
      inputs.forEach(function (input) {
        total += cents(input.value);
      });
      output.textContent = format(total);
      var custom = box.querySelector("input[type=radio][value=custom]:checked");
      grid.hidden = !custom;
    }
    inputs.forEach(function (input) {
      input.addEventListener("input", refresh);
    });
    radios.forEach(function (radio) {
      radio.addEventListener("change", refresh);
    });
    refresh();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
