// Every form that posts: a second press while the first is on its way does nothing (double-submit guard),
// and a ".busy" note inside the form (a progress bar and what is happening) is shown until the answer comes.
// A file, not an inline script: the Content-Security-Policy allows scripts from this site only.
(function () {
  function reset(form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
    var busy = form.querySelector(".busy");
    if (busy) { busy.hidden = true; }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var busy = form.querySelector(".busy");
    if (busy) { busy.hidden = false; }
    // After the browser has read the form (a button disabled before that would not send its name and value).
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // A page brought back with the Back button must be usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(reset);
  });
})();
