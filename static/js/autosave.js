// Saves the reflection as a draft while the customer writes (a few seconds after they stop
// typing). Without JavaScript the "Save" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var lastSent = null;

  function save() {
    var data = new FormData(form);
    data.delete("submit");
    // A file is sent with "Save" or "Submit" only, never every few seconds.
    form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
    var body = new URLSearchParams(data).toString();
    if (body === lastSent) { return; }
    fetch(form.dataset.autosave, {
      method: "POST",
      body: data,
      headers: { "X-Autosave": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (result) {
        if (result.saved) {
          lastSent = body;
          status.textContent = status.dataset.saved ? status.dataset.saved.replace("%s", result.at) : "Draft saved " + result.at + ".";
        }
      });
    }).catch(function () { /* offline: the Save button still works */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 3000);
  });
})();
