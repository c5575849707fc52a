// Thi đua: small behaviours, no inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  // A form with data-confirm asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A select with data-autosubmit sends its form when it changes.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (window.htmx && el.form.hasAttribute("hx-get")) {
        window.htmx.trigger(el.form, "submit");
      } else {
        el.form.requestSubmit();
      }
    }
  });

  // A button with data-print prints the page (the printable commitment has its print styles).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // Number inputs with data-sum="<name>" keep the form's <output data-sum-total="<name>"> up to
  // date as the person types (the council's points and criteria weights); the server checks.
  document.addEventListener("input", function (event) {
    var el = event.target;
    var name = el.getAttribute && el.getAttribute("data-sum");
    if (!name || !el.form) return;
    var total = 0;
    el.form.querySelectorAll('[data-sum="' + name + '"]').forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) total += value;
    });
    el.form.querySelectorAll('[data-sum-total="' + name + '"]').forEach(function (output) {
      output.textContent = String(total);
    });
  });

  // A survey question with data-show-if="q<id>" appears only while that question's answer is
  // one of data-show-values; the server ignores its answer otherwise.
  function refreshConditions(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var name = block.getAttribute("data-show-if");
      var wanted = (block.getAttribute("data-show-values") || "").split(",");
      var chosen = [];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
          chosen.push(input.value);
        }
      });
      block.hidden = !chosen.some(function (value) { return wanted.indexOf(value) !== -1; });
    });
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest(".survey-form");
    if (form) refreshConditions(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".survey-form").forEach(refreshConditions);
  });
})();
