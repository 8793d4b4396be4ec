// DUN-7/X-8: the caller line chosen above the call buttons goes with every call attempt.
(function () {
  "use strict";
  var select = document.querySelector("[data-call-line]");
  if (!select) return;
  var key = "dozvon-call-line";
  var saved = sessionStorage.getItem(key);
  if (saved && Array.prototype.some.call(select.options, function (o) { return o.value === saved; })) {
    select.value = saved;
  }
  function sync() {
    document.querySelectorAll("[data-line-input]").forEach(function (input) {
      input.value = select.value;
    });
    sessionStorage.setItem(key, select.value);
  }
  select.addEventListener("change", sync);
  sync();
})();

// DUN-4: an email or a payment confirmation is sent once: the button is disabled as the
// form goes, so a double click sends one request (the server refuses a repeat anyway).
(function () {
  "use strict";
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    });
  });
})();
