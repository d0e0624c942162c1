// Uzmat: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Auto-submit selects marked data-autosubmit (country, city).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // Theme toggle without a reload: flip the attribute and remember it in the cookie.
  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function (ev) {
      ev.preventDefault();
      var root = document.documentElement;
      var next = root.getAttribute("data-theme") === "light" ? "dark" : "light";
      root.setAttribute("data-theme", next);
      document.cookie = "theme=" + next + "; path=/; max-age=31536000; samesite=lax";
    });
  }

  // Gallery: thumbnails swap the main photo.
  var main = document.getElementById("gallery-main");
  if (main) {
    document.querySelectorAll(".thumb").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        main.src = a.getAttribute("data-full");
        document.querySelectorAll(".thumb").forEach(function (t) { t.removeAttribute("aria-current"); });
        a.setAttribute("aria-current", "true");
      });
    });
  }
})();
