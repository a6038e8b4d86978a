// Suunta's only script besides htmx. No inline scripts anywhere (CSP).
// After htmx swaps the annex, move keyboard focus to the item the server marked
// (the one just saved or moved), so keyboard and screen-reader users stay in place.
document.addEventListener("htmx:afterSettle", function (event) {
  var marked = document.querySelector("[data-focus]");
  if (marked) {
    marked.removeAttribute("data-focus");
    marked.focus();
    return;
  }
  // Nothing marked and the focused element swapped away (a delete, a cancel): keep
  // keyboard users where they were, in the swapped part (its scrolling table region, or
  // the part itself), instead of dropping them to the start of the page.
  var active = document.activeElement;
  var swapped = event.target;
  if ((active && active !== document.body) || !swapped || !swapped.isConnected || swapped === document.body) {
    return;
  }
  if (swapped.nodeType !== 1 || swapped.matches("[aria-live], [role=status]")) {
    return; // the announcer, filled out of band, is read, not focused
  }
  var landing = swapped.querySelector("[role=region][tabindex]") || swapped;
  if (!landing.hasAttribute("tabindex")) {
    landing.setAttribute("tabindex", "-1");
  }
  landing.focus();
});

// A page that comes back with a form's errors: move focus to the error summary, so
// keyboard users start from it and screen readers read it (role=alert is not announced
// when it is already in the page as it loads). An invalid field the server marked
// autofocus wins; an autofocus on a valid field (the login's username) does not.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("main .form-errors");
  if (summary && !document.querySelector("[autofocus][aria-invalid=true]")) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
});
