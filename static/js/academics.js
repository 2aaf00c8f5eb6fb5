/*
 * The teacher's pages (no inline scripts: CSP script-src 'self'). Progressive enhancement only:
 * the server validates everything again and re-renders with the typed values on an error.
 *
 * 1. Attendance: a row is coloured by its choice; the reason field shows for a justified absence.
 * 2. Grade grid: each cell is checked against the scale as it is typed (a number in range, or one
 *    of the scale's concepts); Enter moves to the cell below, like a spreadsheet.
 */
(function () {
  "use strict";

  function setupAttendance(form) {
    form.querySelectorAll(".attendance-row").forEach(function (row) {
      var reason = row.querySelector(".attendance-reason");
      function sync() {
        var checked = row.querySelector("input[type=radio]:checked");
        var status = checked ? checked.value : "present";
        row.className = "attendance-row attendance-row--" + status;
        if (reason) {
          reason.hidden = status !== "justified";
        }
      }
      row.addEventListener("change", sync);
      sync();
    });
  }

  function gradeProblem(form, text) {
    var value = text.trim();
    if (value === "") {
      return "";
    }
    if (form.dataset.kind === "conceptual") {
      var concepts = form.dataset.concepts.split(",").map(function (c) { return c.toLowerCase(); });
      return concepts.indexOf(value.toLowerCase()) === -1 ? form.dataset.msgConcept : "";
    }
    var normal = value.replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(normal)) {
      return form.dataset.msgNumber;
    }
    var number = parseFloat(normal);
    if (number < parseFloat(form.dataset.min) || number > parseFloat(form.dataset.max)) {
      return form.dataset.msgRange;
    }
    // More decimals than the scale keeps are fine: the server rounds them as the scale says.
    return "";
  }

  function setupGradeGrid(form) {
    var inputs = Array.prototype.slice.call(form.querySelectorAll(".grade-input"));
    var columns = form.querySelectorAll("thead th").length - 2;
    inputs.forEach(function (input, index) {
      var error = document.getElementById(input.getAttribute("aria-describedby").split(" ")[1]);
      input.addEventListener("input", function () {
        var problem = gradeProblem(form, input.value);
        error.textContent = problem;
        if (problem) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          var next = inputs[index + columns];
          if (next) {
            next.focus();
            next.select();
          } else {
            form.querySelector("button[type=submit]").focus();
          }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-attendance]").forEach(setupAttendance);
    document.querySelectorAll("form[data-grade-grid]").forEach(setupGradeGrid);
  });
})();
