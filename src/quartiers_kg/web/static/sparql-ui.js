// The query page: a SPARQL editor with highlighting, examples, a results table and downloads.
// No third-party code: it works offline on a machine that has only Python (see README, "Query UI").
"use strict";

const KEYWORDS = /^(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|PREFIX|BASE|FROM|NAMED|GRAPH|OPTIONAL|UNION|MINUS|FILTER|BIND|VALUES|AS|DISTINCT|REDUCED|ORDER|BY|ASC|DESC|LIMIT|OFFSET|GROUP|HAVING|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|NOT|EXISTS|IN|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IRI|URI|BNODE|REGEX|CONTAINS|STRSTARTS|STRENDS|LCASE|UCASE|CONCAT|SUBSTR|STRLEN|YEAR|NOW|IF|COALESCE|ISIRI|ISURI|ISBLANK|ISLITERAL|ISNUMERIC|A|TRUE|FALSE)$/i;
const TOKEN = /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|(#[^\n]*)|([?$][\w\u00b7-\u00ff]+)|([A-Za-z_][\w.-]*)?(:[\w.-]*)|([A-Za-z_]+)|(@[a-zA-Z-]+|\^\^|\d+(?:\.\d+)?)/g;

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function highlight(text) {
  let out = "", last = 0;
  text.replace(TOKEN, (match, str, iri, comment, variable, prefix, local, word, other, offset) => {
    out += escapeHtml(text.slice(last, offset));
    let cls = str ? "str" : iri ? "iri" : comment ? "cmt" : variable ? "var" : local !== undefined ? "pname" : other ? "lit" : KEYWORDS.test(word || "") ? "kw" : "";
    out += cls ? `<span class="tok-${cls}">${escapeHtml(match)}</span>` : escapeHtml(match);
    last = offset + match.length;
    return match;
  });
  return out + escapeHtml(text.slice(last)) + "\n";
}

function localHref(iri, base) {
  if (iri.startsWith(base)) return "/" + iri.slice(base.length);
  return /^https?:\/\//i.test(iri) ? iri : "#";  // never a javascript:, data: or vbscript: link
}

function cell(term, base) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = document.createElement("a");
    a.href = localHref(term.value, base);
    a.textContent = term.value;
    td.appendChild(a);
  } else {
    td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
    if (term["xml:lang"]) {
      const lang = document.createElement("span");
      lang.className = "muted";
      lang.textContent = " @" + term["xml:lang"];
      td.appendChild(lang);
    }
  }
  return td;
}

function table(json, base) {
  const t = document.createElement("table");
  t.id = "results-table";
  const head = t.createTHead().insertRow();
  const body = t.createTBody();
  if ("boolean" in json) {
    head.appendChild(Object.assign(document.createElement("th"), { textContent: "boolean" }));
    body.insertRow().appendChild(Object.assign(document.createElement("td"), { textContent: String(json.boolean) }));
    return t;
  }
  for (const v of json.head.vars) head.appendChild(Object.assign(document.createElement("th"), { textContent: v }));
  for (const row of json.results.bindings) {
    const tr = body.insertRow();
    for (const v of json.head.vars) tr.appendChild(cell(row[v], base));
  }
  return t;
}

function downloads(query, graph) {
  const formats = graph ? ["turtle", "jsonld", "ntriples", "rdfxml"] : ["csv", "tsv", "json", "xml"];
  const p = document.getElementById("downloads");
  p.replaceChildren(document.createTextNode("Herunterladen: "));
  for (const f of formats) {
    const a = document.createElement("a");
    a.href = "/sparql?" + new URLSearchParams({ query, format: f });
    a.textContent = f.toUpperCase();
    a.className = "download";
    a.setAttribute("download", "");
    p.append(a, " ");
  }
}

async function run(editor, base) {
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  status.textContent = "läuft …";
  results.replaceChildren();
  const started = performance.now();
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    body: new URLSearchParams({ query: editor.value }),
  });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    status.textContent = `Fehler ${response.status}: ${(await response.text()).trim()}`;
    status.className = "error";
    return;
  }
  status.className = "";
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const cut = response.headers.get("X-Result-Truncated") ? ` (gekürzt auf ${response.headers.get("X-Result-Limit")} Zeilen)` : "";
  if (type.startsWith("text/turtle")) {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    results.appendChild(pre);
    status.textContent = `Graph in ${seconds} s${cut}`;
    downloads(editor.value, true);
  } else {
    const json = await response.json();
    results.appendChild(table(json, base));
    status.textContent = ("boolean" in json ? "Antwort" : `${json.results.bindings.length} Zeilen`) + ` in ${seconds} s${cut}`;
    downloads(editor.value, false);
  }
}

function addPrefixes(editor, prefixes) {
  const missing = Object.entries(prefixes).filter(([p]) => !new RegExp(`PREFIX\\s+${p}:`, "i").test(editor.value));
  editor.value = missing.map(([p, ns]) => `PREFIX ${p}: <${ns}>\n`).join("") + editor.value;
  editor.dispatchEvent(new Event("input"));
}

function start() {
  const root = document.getElementById("sparql-ui");
  if (!root) return;
  const base = root.dataset.base;
  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const editor = document.getElementById("query");
  const shadow = document.getElementById("highlight");
  const paint = () => { shadow.innerHTML = highlight(editor.value); shadow.scrollTop = editor.scrollTop; shadow.scrollLeft = editor.scrollLeft; };
  root.classList.add("enhanced");
  editor.addEventListener("input", paint);
  editor.addEventListener("scroll", paint);
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(editor, base); }
  });
  document.getElementById("query-form").addEventListener("submit", (e) => { e.preventDefault(); run(editor, base); });
  document.getElementById("add-prefixes").addEventListener("click", () => addPrefixes(editor, prefixes));
  const select = document.getElementById("example");
  for (const [name, ex] of Object.entries(examples)) select.appendChild(Object.assign(document.createElement("option"), { value: name, textContent: ex.title }));
  select.addEventListener("change", () => {
    if (!select.value) return;
    editor.value = examples[select.value].sparql;
    paint();
  });
  paint();
}

document.addEventListener("DOMContentLoaded", start);
