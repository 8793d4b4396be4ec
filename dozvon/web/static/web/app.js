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
      // no answer in one key: the failed call and the result together where the playbook
      // has one (COD-17), else the failed call alone
      var noAnswer = document.querySelector("[data-no-answer]") ||
        document.querySelector('[data-call="no_answer"]');
      if (noAnswer) { event.preventDefault(); noAnswer.click(); }
    } else if (/^Digit[1-9]$/.test(key)) {
      var btn = document.querySelector('.outcome-open[data-hotkey="' + key.slice(5) + '"]');
      if (btn) { event.preventDefault(); openOutcome(btn.dataset.outcome); }
    }
  });

  // a call timer from "call" (the phone link) to the result; its duration is sent
  // with the call attempt. Kept per order in sessionStorage so a reload does not reset it.
  var card = document.querySelector("[data-order]");
  var timer = document.querySelector("[data-call-timer]");
  var key = card ? "dozvon-call-" + card.dataset.order : null;

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function callSeconds() {
    var started = key && Number(sessionStorage.getItem(key));
    return started ? Math.max(0, Math.round((Date.now() - started) / 1000)) : 0;
  }
  document.addEventListener("click", function (event) {
    if (key && event.target.closest('a.phone[href^="tel:"]') && !sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, String(Date.now()));
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-timed]");
    if (!form || !key) return;
    form.querySelector('[name="duration_s"]').value = String(callSeconds());
    sessionStorage.removeItem(key);
  });

  // How long the order has been held, and a warning before the claim expires (COD-9).
  var claimedAt = card && card.dataset.claimedAt ? Date.parse(card.dataset.claimedAt) : 0;
  var idle = card ? Number(card.dataset.claimIdle || 0) : 0;
  var held = document.querySelector("[data-held]");
  function tick() {
    if (timer && key && sessionStorage.getItem(key)) {
      timer.hidden = false;
      timer.textContent = clock(callSeconds());
    }
    if (held && claimedAt) {
      var seconds = Math.max(0, Math.round((Date.now() - claimedAt) / 1000));
      held.hidden = false;
      held.querySelector("[data-held-time]").textContent = clock(seconds);
      held.querySelector("[data-claim-warning]").hidden = !(idle && idle - seconds <= 120);
    }
  }
  tick();
  setInterval(tick, 1000);
})();
