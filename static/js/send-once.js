// A form is sent once: while it is being sent its buttons are disabled, so a double click or a
// double tap sends nothing more. The server checks too (compassion/once.py), for when this
// script does not run. Going back to the page (the browser's cache) gives the buttons back.
(function () {
  "use strict";
  var BUTTONS = "button[type=submit], button:not([type]), input[type=submit]";

  function release(form) {
    delete form.dataset.sending;
    form.querySelectorAll(BUTTONS).forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    // After this turn, so that the pressed button's own name and value still go with the form.
    setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
    // A post that answers with a download leaves the page as it was: give the buttons back.
    setTimeout(function () { release(form); }, 10000);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(release);
  });
})();
