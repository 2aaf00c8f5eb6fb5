/* The generation's progress bar on a title request's page (workflows/titles): polls the
   request's progress every two seconds while titles are generated, then reloads the page so it
   shows the titles. Without JavaScript the page offers a link to refresh. */
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-progress-url]");
    if (!box) {
      return;
    }
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data) {
            return;
          }
          bar.value = data.percent;
          bar.textContent = data.percent + " %";
          text.textContent = data.done + " / " + data.total + " · " + data.state_label;
          if (data.state === "running") {
            window.setTimeout(poll, 2000);
          } else {
            window.location.reload();
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }
    window.setTimeout(poll, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
