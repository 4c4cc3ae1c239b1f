// khabar serve: the pages work without this script; it only saves a click or two.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A changed sort, source or grouping searches again at once (without it, press the button).
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => {
      const page = select.form.querySelector("input[name=page]");
      if (page) page.remove();
      select.form.requestSubmit();
    });
  }
  // "/" puts the cursor in the query box, as on most search sites.
  const box = document.getElementById("q");
  if (box) {
    document.addEventListener("keydown", (event) => {
      const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });
  }
});
