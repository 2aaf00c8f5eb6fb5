/* Draws the charts of templates/charts/_chart.html with Chart.js (static/vendor/chartjs, loaded
 * on first use) from each chart's json_script data (core/charts.py). The table beside each chart
 * holds the same numbers, so a browser that cannot draw loses nothing but the picture. */
(function () {
  "use strict";

  if (window.sigesCharts) {
    return; // included once per chart; one copy does the work
  }
  var script = document.currentScript;
  var chartSrc = script ? script.getAttribute("data-chartjs-src") : null;
  var loading = null;

  function loadChartJs() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        if (window.Chart) {
          resolve(window.Chart);
          return;
        }
        var tag = document.createElement("script");
        tag.src = chartSrc;
        tag.addEventListener("load", function () { resolve(window.Chart); });
        tag.addEventListener("error", reject);
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  // Long category names (people, queues) on several lines, so a phone shows them whole.
  function wrap(label, width) {
    var lines = [];
    var current = "";
    String(label).split(" ").forEach(function (word) {
      if (current && (current + " " + word).length > width) {
        lines.push(current);
        current = word;
      } else {
        current = current ? current + " " + word : word;
      }
    });
    lines.push(current);
    return lines.length > 1 ? lines : lines[0];
  }

  function config(data) {
    var line = data.kind === "line";
    var valueAxis = { beginAtZero: true, stacked: data.stacked, ticks: { precision: 0 } };
    var categoryAxis = { stacked: data.stacked, ticks: { autoSkip: true, maxRotation: 0 } };
    return {
      type: data.kind,
      data: {
        labels: data.horizontal
          ? data.labels.map(function (label) { return wrap(label, 16); })
          : data.labels,
        datasets: data.datasets.map(function (set) {
          return {
            label: set.label,
            data: set.values,
            backgroundColor: set.colour,
            borderColor: set.colour,
            borderWidth: line ? 2.5 : 0,
            borderDash: set.dashed ? [6, 4] : [],
            pointRadius: line ? 2 : undefined,
            stack: set.stack || undefined,
            fill: false,
            maxBarThickness: 28
          };
        })
      },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || "es",
        interaction: { mode: "index", intersect: false },
        scales: data.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          // A line's legend shows a line (dashed or not), not a box.
          legend: {
            display: data.datasets.length > 1,
            position: "bottom",
            labels: line ? { usePointStyle: true, pointStyle: "line" } : {}
          },
          tooltip: { enabled: true }
        }
      }
    };
  }

  function drawAll() {
    var boxes = document.querySelectorAll("[data-chart]:not([data-drawn])");
    if (!boxes.length) {
      return;
    }
    loadChartJs().then(function (Chart) {
      Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
      Chart.defaults.color = "#1b1f24";
      boxes.forEach(function (box) {
        var data = JSON.parse(document.getElementById(box.getAttribute("data-chart")).textContent);
        box.hidden = false;
        box.style.height = data.height + "px"; // CSSOM, allowed by the CSP (no style attribute)
        try {
          new Chart(box.querySelector("canvas"), config(data));
          box.setAttribute("data-drawn", "true");
          var table = box.parentNode.querySelector("details[data-chart-fold]");
          if (table) {
            table.open = false;
          }
        } catch (error) {
          box.hidden = true;
          box.setAttribute("data-drawn", "error");
        }
      });
    }).catch(function () { /* the tables stay: nothing else to do */ });
  }

  window.sigesCharts = { draw: drawAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  document.addEventListener("htmx:afterSettle", drawAll);
})();
