/* Draws the workflow diagrams of templates/diagrams/_figure.html: reads each figure's DOT text
 * (a json_script block), lays it out with Graphviz compiled to WebAssembly (static/vendor/viz-js,
 * loaded on first use) and puts the SVG in place. The page's table shows the same graph, so a
 * browser that cannot draw loses nothing but the picture. */
(function () {
  "use strict";

  if (window.sigesDiagrams) {
    return; // included once per diagram; one copy does the work
  }
  var script = document.currentScript;
  var vizSrc = script ? script.getAttribute("data-viz-src") : null;
  var vizPromise = null;

  function loadViz() {
    if (!vizPromise) {
      vizPromise = new Promise(function (resolve, reject) {
        if (window.Viz) {
          resolve(window.Viz);
          return;
        }
        var tag = document.createElement("script");
        tag.src = vizSrc;
        tag.addEventListener("load", function () { resolve(window.Viz); });
        tag.addEventListener("error", reject);
        document.head.appendChild(tag);
      }).then(function (Viz) { return Viz.instance(); });
    }
    return vizPromise;
  }

  function status(canvas, text, isError) {
    var note = canvas.querySelector(".diagram-status");
    if (!note) {
      note = document.createElement("p");
      note.className = "diagram-status muted";
      canvas.appendChild(note);
    }
    note.textContent = text;
    if (isError) {
      note.className = "diagram-status alert alert-warning";
      note.setAttribute("role", "alert");
    }
  }

  function drawOne(viz, canvas) {
    var source = document.getElementById(canvas.getAttribute("data-diagram-source"));
    var svg = viz.renderSVGElement(JSON.parse(source.textContent));
    svg.classList.add("diagram-svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", canvas.getAttribute("data-diagram-title") || "");
    canvas.textContent = "";
    canvas.appendChild(svg);
    canvas.setAttribute("data-drawn", "true");
    // On a phone the drawing is wider than the box: start from its middle, where it begins.
    canvas.scrollLeft = (canvas.scrollWidth - canvas.clientWidth) / 2;
  }

  function drawAll() {
    var canvases = document.querySelectorAll("[data-diagram-source]:not([data-drawn])");
    if (!canvases.length) {
      return;
    }
    canvases.forEach(function (canvas) { status(canvas, canvas.getAttribute("data-drawing")); });
    loadViz().then(function (viz) {
      canvases.forEach(function (canvas) {
        try {
          drawOne(viz, canvas);
        } catch (error) {
          status(canvas, canvas.getAttribute("data-error"), true);
          canvas.setAttribute("data-drawn", "error");
        }
      });
    }).catch(function () {
      canvases.forEach(function (canvas) {
        status(canvas, canvas.getAttribute("data-error"), true);
        canvas.setAttribute("data-drawn", "error");
      });
    });
  }

  window.sigesDiagrams = { draw: drawAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  document.addEventListener("htmx:afterSettle", drawAll);
})();
