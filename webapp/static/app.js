// The pages' only script (the Content-Security-Policy allows no inline script): a control
// marked data-autosubmit sends its form as soon as it changes. Everything works without it.
document.addEventListener("change", function (event) {
  var control = event.target;
  if (control.hasAttribute && control.hasAttribute("data-autosubmit") && control.form) {
    control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
  }
});
