/*
 * Fixes for the book's theme (sphinx-book-theme 1.3.0 on pydata-sphinx-theme
 * 0.17.1). Jupyter Book loads every .js file of _static/ in the page <head>.
 * The fixes run once the page is parsed ("interactive") and before the themes'
 * deferred scripts bind their handlers; tools/site/check.mjs (make test-site)
 * checks their effect in a browser.
 */
(function () {
  "use strict";

  // Sidebar toggles (pydata-sphinx-theme issue 2451). pydata-sphinx-theme 0.17
  // renders its own .primary-toggle and .secondary-toggle buttons in the top
  // navbar, which sphinx-book-theme never shows. Both themes look their toggles
  // up with document.querySelector, get those hidden buttons, and never bind the
  // visible ones in the article header: the navigation drawer cannot be opened
  // on a phone, and the sidebar cannot be collapsed on a desktop. Without the
  // hidden duplicates, both themes bind the visible buttons.
  function removeHiddenNavbarToggles() {
    document
      .querySelectorAll("#pst-header .sidebar-toggle")
      .forEach(function (button) {
        button.remove();
      });
  }

  // Search buttons: the theme labels them "Search" (aria-label) while they show
  // "Search Ctrl+K", so speech users who say what they see do not match the
  // name (WCAG 2.5.3, axe rule label-content-name-mismatch). Without the
  // aria-label the name is the visible text; the shortcut is also declared.
  function nameSearchButtonsByTheirText() {
    document
      .querySelectorAll(".search-button-field[aria-label]")
      .forEach(function (button) {
        button.removeAttribute("aria-label");
        button.setAttribute("aria-keyshortcuts", "Control+K Meta+K");
      });
  }

  // Colour-mode button: its visible icon is labelled "Light", "Dark" or
  // "System Settings", its name only "Color mode" (the same axe rule). The
  // name now says the current mode too, and follows it when it changes.
  function nameThemeButtonByItsMode() {
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      var label = button.getAttribute("aria-label") || "Color mode";
      var titles = {};
      button.querySelectorAll("[data-mode][title]").forEach(function (icon) {
        titles[icon.getAttribute("data-mode")] = icon.getAttribute("title");
      });
      function update() {
        var title = titles[document.documentElement.getAttribute("data-mode") || "auto"];
        button.setAttribute("aria-label", title ? label + ": " + title : label);
      }
      update();
      new MutationObserver(update).observe(document.documentElement, {
        attributes: true,
        attributeFilter: ["data-mode"],
      });
    });
  }

  function applyFixes() {
    removeHiddenNavbarToggles();
    nameSearchButtonsByTheirText();
    nameThemeButtonByItsMode();
  }

  if (document.readyState === "loading") {
    // "interactive" is reached after parsing and before deferred scripts run.
    document.addEventListener("readystatechange", function onChange() {
      document.removeEventListener("readystatechange", onChange);
      applyFixes();
    });
  } else {
    applyFixes();
  }
})();
