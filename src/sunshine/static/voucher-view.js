// The voucher page (templates/ledger/voucher.html): zoom the public copy's pages in and
// out. The pages fit the screen's width at first; zooming widens them and the viewer
// scrolls. Sizes are set through the CSSOM, which the Content-Security-Policy allows.
(function () {
  "use strict";
  var viewer = document.querySelector("[data-voucher-viewer]");
  if (!viewer) { return; }
  var pages = viewer.querySelector("[data-pages]");
  var STEPS = [1, 1.5, 2, 3, 4];
  var step = 0;

  function show() {
    pages.style.width = (STEPS[step] * 100) + "%";
    viewer.classList.toggle("zoomed", step > 0);
  }

  viewer.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) { return; }
    var how = button.getAttribute("data-zoom");
    if (how === "in") { step = Math.min(step + 1, STEPS.length - 1); }
    else if (how === "out") { step = Math.max(step - 1, 0); }
    else { step = 0; }
    show();
  });
})();
