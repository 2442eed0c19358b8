// A table wider than the screen scrolls sideways inside its box (.table-scroll). Each box is
// named after its table, so a screen reader announces the region it enters, and a box whose
// table does not fit says so above it: on a phone the last columns (often the total) are
// otherwise hidden with nothing to show they are there.
(function () {
  "use strict";
  var hint = document.body.getAttribute("data-scroll-hint");

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var section = box.closest("section, fieldset");
    var heading = section && section.querySelector("h2, h3, legend");
    return heading ? heading.textContent.trim() : hint;
  }

  function mark(box) {
    var overflowing = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("is-overflowing", overflowing);
    box.previousElementSibling.hidden = !overflowing;
  }

  var boxes = document.querySelectorAll(".table-scroll");
  boxes.forEach(function (box) {
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", nameOf(box));
    var note = document.createElement("p");
    note.className = "scroll-hint";
    note.setAttribute("aria-hidden", "true");
    note.textContent = hint;
    box.parentNode.insertBefore(note, box);
    mark(box);
  });
  window.addEventListener("resize", function () {
    boxes.forEach(mark);
  });
})();
