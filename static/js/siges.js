/*
 * SIGES page behaviour. Loaded with `defer` from base.html, after htmx; no inline scripts anywhere
 * (CSP script-src 'self'). Everything here is progressive enhancement: pages work without it.
 *
 * 1. htmx requests carry the CSRF token read from <meta name="csrf-token">.
 * 2. The main navigation collapses behind a "Menú" button on narrow screens.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  function setupNavToggle() {
    var button = document.querySelector(".nav-toggle");
    var nav = document.getElementById("navegacion-principal");
    if (!button || !nav) {
      return;
    }
    // Without this class (no JavaScript) the CSS always shows the navigation.
    document.documentElement.classList.add("js-nav");
    button.hidden = false;

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupNavToggle);
  } else {
    setupNavToggle();
  }
})();
