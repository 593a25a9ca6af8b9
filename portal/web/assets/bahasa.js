// Portal DTKS in the browser, before Streamlit's own bundle runs (portal.web.localize puts this script first in
// the page's <head> and fills in WORDS and PATTERNS from portal/words.py):
// 1. the browser's languages read as Indonesian, so Streamlit's "localized" numbers and dates come out as
//    6.510 and 10,69 whatever the visitor's browser is set to;
// 2. Streamlit's own English (uploader, dialogs, menus, table toolbar) is replaced with Bahasa Indonesia as it
//    appears, in text and in aria-label, title and placeholder attributes;
// 3. on a phone, choosing a page in the menu closes the menu.
(function () {
  "use strict";
  var WORDS = __WORDS__;
  var PATTERNS = __PATTERNS__.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  var LANGUAGES = Object.freeze(["id-ID", "id"]);
  try {
    Object.defineProperty(Navigator.prototype, "languages", { get: function () { return LANGUAGES; }, configurable: true });
    Object.defineProperty(Navigator.prototype, "language", { get: function () { return "id-ID"; }, configurable: true });
  } catch (e) { /* a browser that refuses: numbers then follow its own locale */ }
  document.documentElement.lang = "id";

  function translate(text) {
    var core = text.trim();
    if (!core) return null;
    var found = Object.prototype.hasOwnProperty.call(WORDS, core) ? WORDS[core] : null;
    if (found === null) {
      for (var i = 0; i < PATTERNS.length; i++) {
        if (PATTERNS[i][0].test(core)) { found = core.replace(PATTERNS[i][0], PATTERNS[i][1]); break; }
      }
    }
    if (found === null || found === core) return null;
    return text.replace(core, function () { return found; });
  }

  var ATTRIBUTES = ["aria-label", "title", "placeholder"];
  function visitElement(el) {
    for (var i = 0; i < ATTRIBUTES.length; i++) {
      var value = el.getAttribute(ATTRIBUTES[i]);
      if (value) {
        var done = translate(value);
        if (done !== null) el.setAttribute(ATTRIBUTES[i], done);
      }
    }
  }
  // What the portal's pages write (their markdown and code, which may quote a person's own words) is never
  // rewritten, even when it happens to equal one of Streamlit's strings.
  var PAGE_TEXT = '[data-testid="stMarkdown"], [data-testid="stHeading"], [data-testid="stWidgetLabel"], ' +
    '[data-testid="stCode"], [data-testid="stAlert"], [data-testid="stMetric"]';
  function visitText(node) {
    var parent = node.parentElement;
    if (!parent || parent.nodeName === "SCRIPT" || parent.nodeName === "STYLE" || parent.closest(PAGE_TEXT)) return;
    var done = translate(node.nodeValue);
    if (done !== null) node.nodeValue = done;
  }
  function visit(root) {
    if (root.nodeType === 3) { visitText(root); return; }
    if (root.nodeType !== 1) return;
    visitElement(root);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === 3) visitText(node); else visitElement(node);
    }
  }

  // Streamlit's page menu is a <ul> whose children are section <div>s holding a heading and the <li> links, which
  // screen readers and axe-core read as a broken list; present it as what it is, a navigation of links.
  function repairMenu() {
    var broken = document.querySelectorAll('ul[data-testid="stSidebarNavItems"]:not([role]), ' +
      'ul[data-testid="stSidebarNavItems"] li:not([role])');
    for (var i = 0; i < broken.length; i++) broken[i].setAttribute("role", "none");
  }

  var observer = new MutationObserver(function (records) {
    repairMenu();
    for (var i = 0; i < records.length; i++) {
      var record = records[i];
      if (record.type === "childList") {
        for (var j = 0; j < record.addedNodes.length; j++) visit(record.addedNodes[j]);
      } else if (record.type === "characterData") {
        visitText(record.target);
      } else {
        visitElement(record.target);
      }
    }
  });
  observer.observe(document.documentElement, {
    childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES
  });
  document.addEventListener("DOMContentLoaded", function () { visit(document.documentElement); });

  // Streamlit lays the sidebar over the page below its "md" breakpoint (768 px) and leaves it open after a page
  // is chosen; close it, as a phone user expects of a menu.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('[data-testid="stSidebarNavLink"]');
    if (!link || window.innerWidth >= 768) return;
    setTimeout(function () {
      var close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }, 0);
  }, true);
})();
