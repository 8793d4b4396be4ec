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
    } else if (/^(Digit[0-9]|Key[A-Z])$/.test(key)) {
      // Alt+1…9, 0, then letters: every result of the playbook has its key
      var hotkey = key.replace(/^(Digit|Key)/, "");
      var btn = document.querySelector('.outcome-open[data-hotkey="' + hotkey + '"]');
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

  // COD-12 / SHOP-7: address suggestions (city → index, region, district filled; street;
  // house). The provider answers within a second or not at all: the operator can always
  // type by hand. SHOP: one line, "split into fields", candidates shown, never picked
  // silently.
  var addressForm = document.querySelector("[data-address-form]");
  if (addressForm) {
    var prefix = "delivery_address.";
    var status = addressForm.querySelector("[data-address-status]");
    var keys = { city: "", street: "" };
    var found = {};
    var field = function (part) {
      return addressForm.querySelector('[name="' + prefix + part + '"]');
    };
    var setPart = function (part, value) {
      var el = field(part);
      if (el && value !== undefined && value !== null) el.value = value;
    };
    var fill = function (item, kinds) {
      kinds.forEach(function (part) { setPart(part, item.parts[part] || ""); });
    };
    var say = function (text) {
      if (!status) return;
      status.hidden = !text;
      status.textContent = text || "";
    };
    var suggest = function (kind, q) {
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, 1200);
      var params = new URLSearchParams({ kind: kind, q: q, city: keys.city, street: keys.street });
      return fetch("/addresses/suggest?" + params, { signal: controller.signal, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          clearTimeout(timer);
          say(data.available === false ? data.message : "");
          return data.items || [];
        })
        .catch(function () { say(addressForm.dataset.unavailable || ""); return []; });
    };
    var whole = ["postal_code", "region", "district", "city", "street", "house", "building", "apartment"];
    var steps = {
      city: ["postal_code", "region", "district", "city"],
      street: ["street"],
      house: ["house", "building", "postal_code"],
    };
    var shown = function (kind, item) { return kind === "city" ? item.parts.city : item.parts[kind]; };
    Object.keys(steps).forEach(function (kind) {
      var el = field(kind);
      if (!el) return;
      var list = document.createElement("datalist");
      list.id = "address-" + kind;
      addressForm.appendChild(list);
      el.setAttribute("list", list.id);
      el.setAttribute("autocomplete", "off");
      var wait = null;
      el.addEventListener("input", function () {
        var chosen = (found[kind] || []).find(function (i) { return shown(kind, i) === el.value; });
        if (chosen) {
          fill(chosen, steps[kind]);
          if (kind === "city") { keys.city = chosen.key; keys.street = ""; }
          if (kind === "street") keys.street = chosen.key;
          return;
        }
        clearTimeout(wait);
        wait = setTimeout(function () {
          if (el.value.trim().length < 2) return;
          suggest(kind, el.value.trim()).then(function (items) {
            found[kind] = items;
            list.innerHTML = "";
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = shown(kind, item);
              option.label = item.value;
              list.appendChild(option);
            });
          });
        }, 250);
      });
    });
    var split = addressForm.querySelector("[data-address-split]");
    if (split) {
      var candidates = addressForm.querySelector("[data-address-candidates]");
      split.addEventListener("click", function () {
        var line = addressForm.querySelector("[data-address-line]").value.trim();
        if (!line) return;
        suggest("split", line).then(function (items) {
          candidates.innerHTML = "";
          candidates.hidden = items.length === 0;
          items.forEach(function (item) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.textContent = item.value;
            button.dataset.candidate = "";
            button.addEventListener("click", function () {
              fill(item, whole);
              keys.city = item.key;
              candidates.hidden = true;
            });
            li.appendChild(button);
            candidates.appendChild(li);
          });
        });
      });
    }
  }

  // COD-13: delivery options for the address, courier first, Post marked "do not offer";
  // choosing one sets method and cost, and the card (totals, COD-14 script) reloads.
  var delivery = document.querySelector("[data-delivery]");
  if (delivery) {
    var table = delivery.querySelector("[data-delivery-options]");
    var note = delivery.querySelector("[data-delivery-status]");
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    var days = function (o) {
      if (o.days_min === null || o.days_min === undefined) return "";
      return o.days_min === o.days_max ? o.days_min + " д." : o.days_min + "–" + o.days_max + " д.";
    };
    delivery.querySelector("[data-delivery-find]").addEventListener("click", function () {
      fetch(delivery.dataset.delivery, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var body = table.querySelector("tbody");
          body.innerHTML = "";
          (data.options || []).forEach(function (o) {
            var tr = document.createElement("tr");
            tr.dataset.option = o.code;
            if (o.do_not_offer) tr.className = "do-not-offer";
            // amounts come written by the server ("1 490 ₽", core.money.display_money)
            [o.name, days(o), o.cost_display].forEach(function (text) {
              var td = document.createElement("td");
              td.textContent = text;
              tr.appendChild(td);
            });
            var td = document.createElement("td");
            if (o.do_not_offer) {
              var badge = document.createElement("span");
              badge.className = "badge warn";
              badge.textContent = o.reason || o.rule;
              td.appendChild(badge);
            }
            var choose = document.createElement("button");
            choose.type = "button";
            choose.textContent = delivery.dataset.chooseLabel || "✓";
            choose.addEventListener("click", function () {
              var form = new FormData();
              form.append("option", o.code);
              form.append("version", delivery.dataset.version);
              fetch(delivery.dataset.delivery, {
                method: "POST", body: form, credentials: "same-origin",
                headers: { "X-CSRFToken": token ? token.value : "" },
              }).then(function (r) {
                return r.json().then(function (d) { return { ok: r.ok, data: d }; });
              }).then(function (res) {
                if (res.ok) { location.reload(); return; }
                note.hidden = false;
                note.textContent = (res.data.errors || []).map(function (e) { return e.message; }).join(" ") || res.data.detail || "";
              });
            });
            td.appendChild(choose);
            tr.appendChild(td);
            body.appendChild(tr);
          });
          table.hidden = !(data.options || []).length;
          note.hidden = !!(data.options || []).length;
          note.textContent = (data.options || []).length ? "" : (data.message || "—");
        });
    });
  }

  // SHOP-7: one delivery method. Choosing it in a result's form (handed to delivery) is
  // choosing that option: the same request as "find delivery options", priced by the rate
  // table; the totals and every form's version follow, what was typed stays.
  if (delivery) {
    document.querySelectorAll("[data-outcome-form] select[name=delivery_method]").forEach(function (select) {
      var form = select.closest("form");
      var status = document.createElement("p");
      status.className = "muted";
      status.dataset.methodStatus = "";
      status.hidden = true;
      select.closest(".field").appendChild(status);
      var chosen = select.value;
      select.addEventListener("change", function () {
        if (!select.value) return;
        var body = new FormData();
        body.append("option", select.value);
        body.append("version", form.querySelector("[name=version]").value);
        var saves = form.querySelectorAll("button[type=submit]");
        saves.forEach(function (b) { b.disabled = true; });
        fetch(delivery.dataset.delivery, {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "" },
        }).then(function (r) {
          return r.json().then(function (d) { return { ok: r.ok, data: d }; });
        }).then(function (res) {
          status.hidden = false;
          if (!res.ok) {
            status.className = "error";
            status.textContent = (res.data.errors || []).map(function (e) { return e.message + " (" + e.rule + ")"; }).join(" ") || res.data.detail || "";
            select.value = chosen;
            return;
          }
          var o = res.data.order;
          chosen = o.delivery_method;
          delivery.dataset.version = String(o.version);
          document.querySelectorAll("input[name=version]").forEach(function (v) { v.value = String(o.version); });
          var shown = o.display || {};
          var cells = { delivery: shown.delivery_cost, total: shown.total, goods: shown.goods_total };
          Object.keys(cells).forEach(function (k) {
            var cell = document.querySelector('[data-total="' + k + '"]');
            if (cell) cell.textContent = cells[k];
          });
          status.className = "muted";
          status.textContent = select.options[select.selectedIndex].text + ": " + shown.delivery_cost;
        }).finally(function () {
          saves.forEach(function (b) { b.disabled = false; });
        });
      });
    });
  }
})();
