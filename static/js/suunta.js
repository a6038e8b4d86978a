// Suunta's only script besides htmx. No inline scripts anywhere (CSP).
// After htmx swaps the annex, move keyboard focus to the item the server marked
// (the one just saved or moved), so keyboard and screen-reader users stay in place.
document.addEventListener("htmx:afterSettle", function () {
  var marked = document.querySelector("[data-focus]");
  if (marked) {
    marked.removeAttribute("data-focus");
    marked.focus();
  }
});
