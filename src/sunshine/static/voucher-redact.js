// Drawing the boxes of a public copy (templates/ledger/voucher_redact.html). Drag on a
// page to draw a box; click a box to remove it. Each box is sent as fractions of its
// page's width and height ({page, x, y, w, h}), so it fits the server's rendering of the
// original whatever size the picture is shown at. The server fills the boxes in black;
// nothing here changes the picture itself.
(function () {
  "use strict";
  var form = document.querySelector("[data-redact-form]");
  if (!form) { return; }
  var field = form.querySelector("[data-boxes]");
  var save = form.querySelector("[data-save]");
  var undo = form.querySelector("[data-undo]");
  var count = form.querySelector("[data-count]");
  var countText = document.querySelector("[data-count-text]").innerHTML;
  var boxes = [];  // {page, x, y, w, h, element}
  var MIN = 0.004;  // a box smaller than this (a click) is no box

  function clamp(value) { return Math.min(Math.max(value, 0), 1); }

  function place(element, box) {
    element.style.left = (box.x * 100) + "%";
    element.style.top = (box.y * 100) + "%";
    element.style.width = (box.w * 100) + "%";
    element.style.height = (box.h * 100) + "%";
  }

  function changed() {
    field.value = JSON.stringify(boxes.map(function (b) {
      return {page: b.page, x: b.x, y: b.y, w: b.w, h: b.h};
    }));
    save.disabled = boxes.length === 0;
    undo.disabled = boxes.length === 0;
    count.textContent = countText.replace("{n}", String(boxes.length));
  }

  function remove(box) {
    boxes.splice(boxes.indexOf(box), 1);
    box.element.remove();
    changed();
  }

  function point(figure, event) {
    var rect = figure.querySelector("img").getBoundingClientRect();
    return {x: clamp((event.clientX - rect.left) / rect.width),
            y: clamp((event.clientY - rect.top) / rect.height)};
  }

  function draw(figure) {
    var page = parseInt(figure.getAttribute("data-page"), 10);
    var start = null;
    var current = null;
    figure.addEventListener("pointerdown", function (event) {
      if (event.target.classList.contains("redact-box")) { return; }
      event.preventDefault();
      figure.setPointerCapture(event.pointerId);
      start = point(figure, event);
      current = {page: page, x: start.x, y: start.y, w: 0, h: 0,
                 element: document.createElement("div")};
      current.element.className = "redact-box drawing";
      figure.appendChild(current.element);
      place(current.element, current);
    });
    figure.addEventListener("pointermove", function (event) {
      if (!current) { return; }
      var here = point(figure, event);
      current.x = Math.min(start.x, here.x);
      current.y = Math.min(start.y, here.y);
      current.w = Math.abs(here.x - start.x);
      current.h = Math.abs(here.y - start.y);
      place(current.element, current);
    });
    function finish() {
      if (!current) { return; }
      var box = current;
      current = null;
      if (box.w < MIN || box.h < MIN) { box.element.remove(); return; }
      box.element.classList.remove("drawing");
      box.element.title = count.getAttribute("data-remove") || "";
      box.element.addEventListener("click", function () { remove(box); });
      boxes.push(box);
      changed();
    }
    figure.addEventListener("pointerup", finish);
    figure.addEventListener("pointercancel", finish);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".redact-page"), draw);
  undo.addEventListener("click", function () {
    if (boxes.length) { remove(boxes[boxes.length - 1]); }
  });
  changed();
})();
