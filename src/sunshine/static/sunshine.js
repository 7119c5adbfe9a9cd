// What every page may use, as a file: the Content-Security-Policy (infra/headers.py) allows
// no inline script, no onchange="…" and no javascript: link.
//   <select data-submit-on-change>   submits its form when another option is chosen
//   <a href="/" data-history-back>   goes back a page (the href is where it goes without one)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
}());
