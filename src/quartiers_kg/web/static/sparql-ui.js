// The query page for browsers: YASGUI (served from /assets) over our endpoint, with our prefixes, the named
// queries as examples and IRIs of this dataset opening our own pages. Without YASGUI the plain form stays.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var holder = document.getElementById("yasgui");
  if (!window.Yasgui || !holder) return;

  function prologue(query) {  // the PREFIX lines a query needs, for the prefixes it uses and does not declare
    var lines = Object.keys(config.prefixes).filter(function (p) {
      return new RegExp("(^|[\\s(,/^|!])" + p + ":").test(query) && !new RegExp("PREFIX\\s+" + p + ":", "i").test(query);
    }).map(function (p) { return "PREFIX " + p + ": <" + config.prefixes[p] + ">"; });
    return lines.length ? lines.join("\n") + "\n" : "";
  }

  document.getElementById("query-form").hidden = true;
  Yasgui.Yasqe.defaults.prefixes = config.prefixes;
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: new URL(config.endpoint, window.location.href).href, method: "POST", acceptHeaderGraph: "text/turtle",
                     acceptHeaderSelect: "application/sparql-results+json" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: null,  // a fresh page shows the query of its URL, not an old session's
    populateFromUrl: true,
    tabName: "Abfrage",
    yasqe: { value: config.query, resizeable: true },
    // results show our IRIs as kg:module/116 (a display name: SPARQL would need kg:module\/116)
    yasr: { prefixes: Object.assign({ kg: config.base }, config.prefixes), defaultPlugin: "table", pluginOrder: ["table", "response"] },
  });

  document.getElementById("example").addEventListener("change", function (event) {
    var example = config.examples[event.target.value];
    if (!example) return;
    var tab = yasgui.getTab();
    tab.setQuery(prologue(example.sparql) + example.sparql);
    tab.setName(example.title.slice(0, 40));
  });

  // links in results: this dataset's IRIs open our own pages; anything not http(s) is no link at all
  new MutationObserver(function () {
    holder.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href.indexOf(config.base) === 0) {
        a.setAttribute("href", "/" + href.slice(config.base.length));
        a.removeAttribute("target");
      } else if (!/^(https?:|#|\/)/i.test(href)) {
        a.removeAttribute("href");
      }
    });
  }).observe(holder, { childList: true, subtree: true });
})();
