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

  // Sends a form in the background and hands its JSON answer to `done`; on any failure the
  // form is sent the ordinary way, so the page still does what was asked.
  function sendInBackground(selector, done) {
    document.querySelectorAll(selector).forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        fetch(form.action, {
          method: "POST",
          body: new URLSearchParams(new FormData(form)),
          headers: { "Accept": "application/json" },
          credentials: "same-origin"
        }).then(function (r) {
          if (!r.ok) { throw new Error(form.action + " " + r.status); }
          return r.json();
        }).then(function (data) { done(form, data); })
          .catch(function () { form.submit(); });
      });
    });
  }

  // The phone number: asked for in the background and shown in place of the button.
  sendInBackground("form.phone-form", function (form, data) {
    var link = document.createElement("a");
    link.className = "phone-number";
    link.href = "tel:" + data.tel;
    link.textContent = data.phone;
    var p = document.createElement("p");
    p.className = "phone";
    p.appendChild(link);
    form.replaceWith(p);
    link.focus();
  });

  // Favorites: send the form in the background and flip the heart, no reload.
  sendInBackground("form.fav-form", function (form, data) {
    form.querySelector(".fav-btn").setAttribute("aria-pressed", data.favorite ? "true" : "false");
  });

  // A form sent back with errors: the first field in error takes the focus, so the keyboard
  // is where the fix goes and a screen reader reads the field with its error
  // (aria-describedby); the summary above the form is a role=alert.
  var invalid = document.querySelector("form [aria-invalid=true]");
  if (invalid) { invalid.focus(); }

  // The folding menus (header, filters) are checkboxes: Space toggles them natively, Enter
  // does here too instead of sending the filters' form.
  document.querySelectorAll("input.fold-toggle").forEach(function (box) {
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); box.click(); }
    });
  });

  // Destructive buttons ask first.
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (ev) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
})();

// The ad form: previews of the chosen photos before they are sent, the photo counter, and the
// main-photo choice among them (`main_photo=new:<i>`, the i-th chosen file).
(function () {
  "use strict";
  var input = document.getElementById("f-photos");
  var list = document.getElementById("photo-previews");
  var count = document.getElementById("photo-count");
  if (!input || !list || !count || !window.URL || !URL.createObjectURL) { return; }
  var over = document.getElementById("photo-over");
  var existing = parseInt(count.getAttribute("data-existing"), 10) || 0;
  var max = parseInt(list.getAttribute("data-max"), 10) || 10;
  var urls = [];
  input.addEventListener("change", function () {
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    list.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    var chosenMain = document.querySelector("input[name=main_photo]:checked");
    if (chosenMain && chosenMain.value.indexOf("new:") === 0) { chosenMain = null; }
    files.forEach(function (file, i) {
      var li = document.createElement("li");
      li.className = "photo-item photo-preview";
      var img = document.createElement("img");
      var url = URL.createObjectURL(file);
      urls.push(url);
      img.src = url;
      img.alt = file.name;
      img.width = 120;
      img.height = 90;
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "main_photo";
      radio.value = "new:" + i;
      radio.checked = !chosenMain && i === 0 && list.getAttribute("data-first-main") === "1";
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + list.getAttribute("data-main-label")));
      li.appendChild(img);
      li.appendChild(label);
      list.appendChild(li);
    });
    list.hidden = files.length === 0;
    var total = existing + files.length;
    count.textContent = String(total);
    if (over) { over.hidden = total <= max; }
  });
})();

// "Скопировать ссылку" under an ad: shown only where the clipboard can be written.
(function () {
  "use strict";
  document.querySelectorAll("button.copy-link").forEach(function (b) {
    if (!navigator.clipboard || !window.isSecureContext) { return; }
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(b.getAttribute("data-url")).then(function () {
        b.textContent = b.getAttribute("data-done");
      });
    });
  });
})();

// Cities follow the country (issue 17): a select or datalist marked data-city-for="<id of a
// country select>" is refilled in place from the JSON block #city-data when that country
// changes, keeping its first option ("all cities", "—") and any option[data-keep] ("other").
// With no country chosen, a list marked data-hide-empty is hidden and not sent; any other
// gets back what the server rendered. A currency select marked data-currency-for follows the
// country's currency until the visitor picks one themselves.
(function () {
  "use strict";
  var block = document.getElementById("city-data");
  if (!block) { return; }
  var places;
  try { places = JSON.parse(block.textContent); } catch (e) { return; }

  document.querySelectorAll("[data-city-for]").forEach(function (list) {
    var country = document.getElementById(list.getAttribute("data-city-for"));
    if (!country) { return; }
    var rendered = Array.prototype.map.call(list.children, function (n) { return n.cloneNode(true); });
    var first = list.tagName === "SELECT" ? list.querySelector("option") : null;
    var keep = Array.prototype.slice.call(list.querySelectorAll("option[data-keep]"));
    var field = list.closest(".city-field");
    function fill() {
      var place = places[country.value];
      var was = list.value;
      list.textContent = "";
      if (!place) {
        rendered.forEach(function (n) { list.appendChild(n.cloneNode(true)); });
      } else {
        if (first) { list.appendChild(first.cloneNode(true)); }
        place.cities.forEach(function (name) {
          var o = document.createElement("option");
          o.value = name;
          o.textContent = name;
          list.appendChild(o);
        });
        keep.forEach(function (o) { list.appendChild(o.cloneNode(true)); });
      }
      if (list.tagName === "SELECT") {
        list.value = was;
        if (list.value !== was) { list.selectedIndex = 0; }
      }
      if (list.hasAttribute("data-hide-empty")) {
        list.disabled = !place;
        if (field) { field.hidden = !place; }
      }
    }
    country.addEventListener("change", fill);
  });

  document.querySelectorAll("select[data-currency-for]").forEach(function (cur) {
    var country = document.getElementById(cur.getAttribute("data-currency-for"));
    if (!country) { return; }
    var code = document.getElementById("price-currency-code");
    var picked = cur.hasAttribute("data-chosen");
    function show() { if (code) { code.textContent = cur.value; } }
    cur.addEventListener("change", function () { picked = true; show(); });
    country.addEventListener("change", function () {
      if (picked) { return; }
      var place = places[country.value];
      cur.value = place ? place.currency : "USD";
      show();
    });
  });
})();
