// The pages' only script (the Content-Security-Policy allows no inline script). Everything works
// without it.

// A control marked data-autosubmit sends its form as soon as it changes.
document.addEventListener("change", function (event) {
  var control = event.target;
  if (control.hasAttribute && control.hasAttribute("data-autosubmit") && control.form) {
    control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
  }
});

// A page that comes back with errors puts the focus on what went wrong, so that a screen reader
// says it and a keyboard user starts from there: the error summary (or the refusal), else the
// first field marked invalid. The script is deferred: the page is parsed when it runs.
(function () {
  var target = document.querySelector("[data-error-summary]") ||
    document.querySelector("[aria-invalid=true]");
  if (target) {
    target.focus();
  }
})();

// A link of the error summary puts the focus in its field (following "#id" alone only scrolls).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
  var field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    field.focus();
  }
});

// A box that scrolls sideways on a narrow screen (a chart on a phone) takes the focus, so that
// it can be scrolled by keyboard too; where it fits, it is not a stop on the way.
(function () {
  var boxes = document.querySelectorAll("[data-scrolls]");
  function mark() {
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].scrollWidth > boxes[i].clientWidth) {
        boxes[i].setAttribute("tabindex", "0");
      } else {
        boxes[i].removeAttribute("tabindex");
      }
    }
  }
  if (boxes.length) {
    mark();
    window.addEventListener("resize", mark);
  }
})();
