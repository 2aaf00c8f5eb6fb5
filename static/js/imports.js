/*
 * The import page's progress bar (no inline scripts: CSP script-src 'self'). While the job works,
 * the page asks the small JSON endpoint in data-progress-url every second and updates the bar;
 * when the job ends it reloads the page, which then shows the counts or the report. The
 * progress lives on the job row, so a reload (or another device) picks it up where it is.
 */
(function () {
  "use strict";

  function poll(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (bar) {
            bar.value = data.percent;
            bar.textContent = data.percent + " %";
          }
          ["processed_rows", "total_rows", "percent", "status_label"].forEach(function (name) {
            box.querySelectorAll('[data-field="' + name + '"]').forEach(function (node) {
              node.textContent = data[name];
            });
          });
          if (data.working) {
            window.setTimeout(tick, 1000);
          } else {
            window.location.reload();
          }
        })
        .catch(function () {
          window.setTimeout(tick, 3000);
        });
    }
    window.setTimeout(tick, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-url]").forEach(poll);
  });
})();
