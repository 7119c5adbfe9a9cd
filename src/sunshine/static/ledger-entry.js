// The booking form (templates/ledger/entry_form.html): show the running totals and the
// difference, and keep the submit button disabled while debits and credits differ.
// Amounts are added as whole fen (integers), never as floating-point yuan. The server
// refuses an unbalanced entry anyway; this only saves a round trip.
(function () {
  "use strict";
  var form = document.querySelector("[data-entry-form]");
  if (!form) { return; }
  var YUAN = /^\s*[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/;
  var rows = form.querySelector("[data-rows]");
  var submit = form.querySelector("[data-submit]");
  var message = form.querySelector("[data-balance-message]");
  var debitTotal = form.querySelector("[data-debit-total]");
  var creditTotal = form.querySelector("[data-credit-total]");

  // Whole fen of a yuan amount; 0 for an empty box; null when it is not an amount.
  function fen(text) {
    if (!text.trim()) { return 0; }
    var match = YUAN.exec(text);
    if (!match) { return null; }
    var cents = (match[2] || "0") + "0";
    return parseInt(match[1].replace(/,/g, ""), 10) * 100 + parseInt(cents.slice(0, 2), 10);
  }

  function yuan(value) {
    var sign = value < 0 ? "-" : "";
    var whole = Math.floor(Math.abs(value) / 100);
    var cents = Math.abs(value) % 100;
    return sign + String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + (cents < 10 ? "0" : "") + cents;
  }

  function sum(selector) {
    var total = 0;
    var bad = false;
    form.querySelectorAll(selector).forEach(function (input) {
      var value = fen(input.value);
      if (value === null) { bad = true; } else { total += value; }
      input.classList.toggle("bad", value === null);
    });
    return bad ? null : total;
  }

  function update() {
    var debit = sum("[data-debit]");
    var credit = sum("[data-credit]");
    var text;
    var ok = false;
    if (debit === null || credit === null) {
      text = form.dataset.msgBad;
    } else if (debit === 0 && credit === 0) {
      text = form.dataset.msgEmpty;
    } else if (debit === credit) {
      text = form.dataset.msgBalanced;
      ok = true;
    } else {
      text = form.dataset.msgUnbalanced + " " + yuan(debit - credit);
    }
    debitTotal.textContent = debit === null ? "?" : yuan(debit);
    creditTotal.textContent = credit === null ? "?" : yuan(credit);
    message.textContent = text;
    message.classList.toggle("ok", ok);
    submit.disabled = !ok;
  }

  form.querySelector("[data-add-row]").addEventListener("click", function () {
    var all = rows.querySelectorAll("[data-row]");
    var copy = all[all.length - 1].cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) { input.value = ""; input.classList.remove("bad"); });
    copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
    rows.appendChild(copy);
    update();
  });
  form.addEventListener("input", update);
  update();
}());
