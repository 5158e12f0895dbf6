// Small enhancements of the server-rendered pages; every page works without them.
// - Tables: each cell gets its column's header text as data-label, so that app.css can show each row as a card
//   on a phone (`table.stack`). Without this script, tables scroll sideways inside their own box instead.
// - The main menu: open on a wide screen, behind its menu button on a phone.
// - A form with errors: the focus goes to its error summary.
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 40rem)");

  function headerTexts(table) {
    // One text per column, repeated for headers that span several columns.
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) return null;
    var texts = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      // A header that is there for screen readers only (a column of buttons) gives no visible label either.
      var visible = cell.cloneNode(true);
      Array.prototype.forEach.call(visible.querySelectorAll(".visually-hidden"), function (hidden) { hidden.remove(); });
      var text = visible.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i += 1) texts.push(text);
    });
    return texts;
  }

  function labelCells(table) {
    // Grids (heat maps, month-by-month figures) stay grids; they scroll inside their box instead.
    if (table.classList.contains("heat") || table.hasAttribute("data-no-stack") || table.closest(".scroll")) return;
    var texts = headerTexts(table);
    if (!texts) return;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var text = texts[column] || "";
          if (text && !cell.hasAttribute("data-label") && (cell.colSpan || 1) < texts.length) {
            cell.setAttribute("data-label", text);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("stack");
  }

  function placeMenu() {
    var menu = document.querySelector("details.site-menu");
    if (menu) menu.open = !PHONE.matches;
  }

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), labelCells);
    // A box that scrolls sideways can be reached and scrolled with the keyboard.
    // It is a region named after its table's caption or its section's heading.
    Array.prototype.forEach.call(document.querySelectorAll(".scroll:not([tabindex])"), function (box) {
      var caption = box.querySelector("caption");
      var section = box.closest("section");
      var heading = section && section.querySelector("h2, h3");
      var name = (caption || heading || { textContent: "" }).textContent.replace(/\s+/g, " ").trim();
      box.setAttribute("tabindex", "0");
      if (name) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      }
    });
    placeMenu();
    if (PHONE.addEventListener) PHONE.addEventListener("change", placeMenu);
    focusErrorSummary();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
