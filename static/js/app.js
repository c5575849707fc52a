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
})();
