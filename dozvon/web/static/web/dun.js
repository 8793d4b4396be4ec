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
