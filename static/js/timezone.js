/*
 * Time-zone detection for the registration form: selects the browser's IANA time zone
 * (Intl.DateTimeFormat().resolvedOptions().timeZone) in every <select data-timezone-detect>
 * (the form sets that attribute only when it is shown fresh, not when it comes back with errors).
 * Without JavaScript, or when the zone is not offered, the server's default
 * (America/El_Salvador) stays selected; the server validates the value either way.
 */
(function () {
  "use strict";

  function browserTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function detect() {
    var zone = browserTimeZone();
    if (!zone) {
      return;
    }
    var selects = document.querySelectorAll("select[data-timezone-detect]");
    Array.prototype.forEach.call(selects, function (select) {
      var option = Array.prototype.find.call(select.options, function (candidate) {
        return candidate.value === zone;
      });
      if (option) {
        select.value = zone;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", detect);
  } else {
    detect();
  }
})();
