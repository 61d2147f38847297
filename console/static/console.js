// mercato console: small progressive enhancements. Every page works without this script.
(function () {
  "use strict";

  // Refund amount step: the amount field matters only for a partial refund.
  function amountStep() {
    var amount = document.getElementById("amount");
    var full = document.getElementById("kind-full");
    var partial = document.getElementById("kind-partial");
    if (!amount || !full || !partial) return;
    function sync() {
      amount.disabled = full.checked;
      if (full.checked) amount.value = "";
    }
    full.addEventListener("change", sync);
    partial.addEventListener("change", function () { sync(); amount.focus(); });
    amount.addEventListener("focus", function () { if (!partial.checked) { partial.checked = true; sync(); } });
    sync();
  }

  // Reason step: say at once why OTHER is discouraged.
  function reasonStep() {
    var hint = document.getElementById("other-hint");
    if (!hint) return;
    var radios = document.querySelectorAll('input[name="reason_code"]');
    function sync() {
      var other = document.getElementById("reason-OTHER");
      hint.hidden = !(other && other.checked);
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  // A new subscriber goes on to the seller's registration page at once, as on AWS
  // Marketplace; the page's button does the same without this script.
  function fulfillment() {
    var form = document.getElementById("fulfillment-form");
    if (form) form.submit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    amountStep();
    reasonStep();
    fulfillment();
  });
})();
