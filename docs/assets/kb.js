/* Timeline filter buttons (the kb plugin writes them; without this script every event shows).
   Local, small, no dependencies, no requests. */
(function () {
  function setUp() {
    var bar = document.querySelector(".kb-filter");
    if (!bar || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    var buttons = bar.querySelectorAll("button[data-kind]");
    function show(kind) {
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.kind === kind));
      });
      document.querySelectorAll(".kb-timeline").forEach(function (list) {
        var visible = 0;
        list.querySelectorAll(".kb-event").forEach(function (ev) {
          var on = kind === "all" || ev.dataset.kind === kind;
          ev.hidden = !on;
          if (on) visible += 1;
        });
        list.hidden = visible === 0;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("kb-decade")) heading.hidden = visible === 0;
      });
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { show(b.dataset.kind); });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);  /* mkdocs-material's instant navigation */
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
