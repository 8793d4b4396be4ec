// dozvon workspace: open one result form at a time; keyboard shortcuts.
(function () {
  "use strict";

  function openOutcome(code) {
    document.querySelectorAll("[data-outcome-form]").forEach(function (form) {
      form.hidden = form.dataset.outcomeForm !== code;
    });
    document.querySelectorAll(".outcome-open").forEach(function (btn) {
      btn.classList.toggle("active", btn.dataset.outcome === code);
    });
    var form = document.querySelector('[data-outcome-form="' + code + '"]');
    var first = form && form.querySelector("select, textarea, input:not([type=hidden])");
    if (first) first.focus();
  }

  function openForm() {
    return document.querySelector("[data-outcome-form]:not([hidden])");
  }

  document.addEventListener("click", function (event) {
    var btn = event.target.closest(".outcome-open");
    if (btn) openOutcome(btn.dataset.outcome);
  });

  document.addEventListener("keydown", function (event) {
    // Ctrl+Enter: save the open result form
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      var form = openForm();
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (!event.altKey) return;
    var key = event.code;
    if (key === "KeyT") {
      // take next: the queue being viewed, else the first callable queue with orders
      var params = new URLSearchParams(location.search);
      var take = document.querySelector('[data-take="' + params.get("queue") + '"]');
      if (!take) {
        take = Array.prototype.find.call(document.querySelectorAll("[data-take]"), function (b) {
          var count = document.querySelector('[data-count="' + b.dataset.take + '"]');
          return count && Number(count.textContent) > 0;
        });
      }
      if (take) { event.preventDefault(); take.click(); }
    } else if (key === "KeyN") {
      var noAnswer = document.querySelector('[data-call="no_answer"]');
      if (noAnswer) { event.preventDefault(); noAnswer.click(); }
    } else if (/^Digit[1-9]$/.test(key)) {
      var btn = document.querySelector('.outcome-open[data-hotkey="' + key.slice(5) + '"]');
      if (btn) { event.preventDefault(); openOutcome(btn.dataset.outcome); }
    }
  });
})();
