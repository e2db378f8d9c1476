// The explorer: modules as a network (Cytoscape.js, installed from package-lock.json and served by us),
// edges coloured by kind of relation, a filter per kind, a search box; a click picks a module for the
// comparison (2 to 4), a double click opens its page.
"use strict";

const KIND_NAMES = JSON.parse(document.getElementById("kind-names").textContent);
const picked = [];

const COLOURS = {
  reference: "#0b5cad", funding: "#2c7a2c", project: "#b35c00", town: "#7b2ea8", "network-type": "#a61e4d",
  literature: "#0b7285", "target-group": "#8a6d00", "field-of-action": "#566573",
};
const MODULES = "SELECT ?n ?title WHERE { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n " +
  "OPTIONAL { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?title } }";

async function json(url) {
  const response = await fetch(url, { headers: { Accept: "application/sparql-results+json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function caption(binding) {  // the number and the start of the title
  const title = binding.title ? binding.title.value : "";
  return title ? `${binding.n.value} ${title.length > 22 ? title.slice(0, 21) + "…" : title}` : binding.n.value;
}

function pick(cy, node) {
  const at = picked.indexOf(node.id());
  if (at >= 0) picked.splice(at, 1);
  else if (picked.length < 4) picked.push(node.id());
  node.toggleClass("picked", picked.includes(node.id()));
  const list = document.getElementById("picked");
  list.replaceChildren(...picked.map((id) => Object.assign(document.createElement("li"), { textContent: `${id} ${cy.getElementById(id).data("title")}` })));
  const link = document.getElementById("compare");
  link.hidden = picked.length < 2;
  link.href = "/compare?modules=" + picked.join(",");
}

function elements(modules, relations) {
  const nodes = modules.results.bindings.map((b) => ({
    data: { id: b.n.value, label: caption(b), title: b.title ? b.title.value : "" },
  }));
  const edges = new Map();
  for (const b of relations.results.bindings) {
    const kind = b.kind.value.startsWith("reference") ? "reference" : b.kind.value;
    const [a, z] = [Number(b.number.value), Number(b.otherNumber.value)].sort((x, y) => x - y);
    const id = `${a}-${z}-${kind}`;
    if (!edges.has(id)) edges.set(id, { data: { id, source: String(a), target: String(z), kind, weight: Number(b.weight.value), via: b.via.value } });
  }
  return [...nodes, ...edges.values()];
}

function shown(cy) {
  // an edge shows when its kind is ticked and it is at least as strong as the chosen weight (references always)
  const kinds = new Set([...document.querySelectorAll("#kinds input:checked")].map((i) => i.value));
  const weight = Number(document.getElementById("min-weight").value);
  cy.batch(() => cy.edges().forEach((e) => e.style("display", kinds.has(e.data("kind")) && (e.data("kind") === "reference" || e.data("weight") >= weight) ? "element" : "none")));
}

function weights(cy) {
  // start with the weakest weight that keeps the picture readable: at most six edges a module
  const select = document.getElementById("min-weight");
  const strongest = Math.max(1, ...cy.edges().map((e) => e.data("weight")));
  let start = 1;
  while (start < strongest && cy.edges().filter((e) => e.data("weight") >= start).length > 6 * cy.nodes().length) start += 1;
  for (let w = 1; w <= strongest; w += 1) select.appendChild(Object.assign(document.createElement("option"), { value: w, textContent: w, selected: w === start }));
  select.addEventListener("change", () => shown(cy));
}

function filters(cy, kinds) {
  const box = document.getElementById("kinds");
  for (const kind of kinds) {
    const label = document.createElement("label");
    const input = Object.assign(document.createElement("input"), { type: "checkbox", checked: true, value: kind });
    input.addEventListener("change", () => shown(cy));
    const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
    swatch.style.background = COLOURS[kind] || "#999";
    label.append(input, swatch, ` ${KIND_NAMES[kind] || kind} (${cy.edges(`[kind = "${kind}"]`).length})`);
    box.appendChild(label);
  }
}

function search(cy) {
  const input = document.getElementById("search");
  input.addEventListener("input", () => {
    const text = input.value.trim().toLowerCase();
    cy.nodes().removeClass("match");
    if (!text) return;
    const found = cy.nodes().filter((n) => n.data("title").toLowerCase().includes(text) || n.id() === text);
    found.addClass("match");
    if (found.length) cy.animate({ fit: { eles: found, padding: 80 } }, { duration: 300 });
  });
}

async function start() {
  const status = document.getElementById("explore-status");
  if (typeof cytoscape === "undefined") {
    status.textContent = "Die Netzwerk-Bibliothek ist nicht installiert (npm ci); hier das Bild des Servers.";
    document.getElementById("fallback").hidden = false;
    return;
  }
  const [modules, relations] = await Promise.all([
    json("/sparql?" + new URLSearchParams({ query: MODULES, format: "json" })),
    json("/api/relations?format=json"),
  ]);
  const cy = cytoscape({
    container: document.getElementById("network"),
    elements: elements(modules, relations),
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, width: 14, height: 14, "background-color": "#fff",
        "border-width": 1.5, "border-color": "#1d2a33", "text-valign": "bottom", "text-halign": "center", "text-margin-y": 2,
        "text-wrap": "wrap", "text-max-width": 90, "min-zoomed-font-size": 6 } },
      { selector: "node.match", style: { "background-color": "#ffd43b", "border-width": 3 } },
      { selector: "node.picked", style: { "background-color": "#0b5cad", color: "#0b5cad", "font-weight": 700 } },
      { selector: "edge", style: { width: "mapData(weight, 1, 5, 1, 5)", opacity: 0.6, "curve-style": "haystack",
        "line-color": (e) => COLOURS[e.data("kind")] || "#999" } },
    ],
    layout: { name: "preset" },
    wheelSensitivity: 0.3,
    maxZoom: 2,
  });
  cy.on("tap", "node", (event) => pick(cy, event.target));
  cy.on("dbltap", "node", (event) => { window.location.href = "/module/" + event.target.id(); });
  cy.on("mouseover", "node", (event) => { status.textContent = `Modul ${event.target.id()}: ${event.target.data("title")}`; });
  filters(cy, [...new Set(cy.edges().map((e) => e.data("kind")))].sort());
  weights(cy);
  shown(cy);
  cy.layout({ name: "cose", animate: false, randomize: true, padding: 20, nodeDimensionsIncludeLabels: true, gravity: 0.2, nodeRepulsion: 12000, idealEdgeLength: 110,
    eles: cy.elements().filter((e) => e.isNode() || e.style("display") !== "none") }).run();
  search(cy);
  status.textContent = `${cy.nodes().length} Module, ${cy.edges().length} Beziehungen`;
  window.cy = cy;
}

document.addEventListener("DOMContentLoaded", () => start().catch((err) => {
  document.getElementById("explore-status").textContent = "Fehler: " + err.message;
}));
