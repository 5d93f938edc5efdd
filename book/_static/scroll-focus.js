// Boxes that scroll sideways (a wide table or output, above all on a narrow screen) take the
// keyboard focus, so that they can be scrolled without a mouse (WCAG 2.1.1, axe-core's
// scrollable-region-focusable).  Charts do the same for themselves (tokenpower/charts.py).
(function () {
  var SELECTOR = ".bd-article .output.text_html, .bd-article .output pre, " +
                 ".bd-article .pst-scrollable-table-container, .bd-article .table-wrapper";
  function update() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-tp-focus", "");
      } else if (!scrolls && box.hasAttribute("data-tp-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-tp-focus");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("load", update);
  window.addEventListener("resize", update);
  // a tab or a dropdown that opens may show a box that scrolls
  document.addEventListener("click", function () { setTimeout(update, 50); });
})();
