/// The page `GET /` serves: one HTML document with its style and script inline (no external
/// assets, so it works on a machine with no network): a query box, Run, the answer as a table
/// paged 100 rows at a time, downloads as CSV or JSON, and the plan of `--explain`. It talks to
/// `/sparql` with the SPARQL 1.1 Protocol like any other client. `/?query=…` opens with that
/// query and runs it.
enum QueryPage {
    /// `prefixes`: PREFIX lines to start the query box with.
    static func html(defaultGraph: String, prefixes: [(prefix: String, iri: String)]) -> String {
        let start = prefixes.map { "PREFIX \($0.prefix): <\($0.iri)>" }.joined(separator: "\n")
            + (prefixes.isEmpty ? "" : "\n") + "SELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 100"
        return page.replacingOccurrences(of: "@QUERY@", with: escape(start))
            .replacingOccurrences(of: "@GRAPH@", with: escape(defaultGraph))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static let page = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Quiver SPARQL</title>
    <style>
      body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
      [hidden] { display: none !important; }
      h1 { font-size: 1.3em; margin: 0 0 .6em; }
      textarea { width: 100%; height: 14em; font: 13px ui-monospace, monospace; box-sizing: border-box; }
      .bar { margin: .6em 0; display: flex; gap: .5em; align-items: center; flex-wrap: wrap; }
      button { padding: .35em .9em; }
      table { border-collapse: collapse; margin-top: .6em; font: 13px ui-monospace, monospace; }
      th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
      th { background: #f3f3f3; }
      #status { color: #555; }
      #status.error { color: #b00020; white-space: pre-wrap; }
      pre { background: #f7f7f7; padding: .6em; overflow: auto; }
    </style>
    </head>
    <body>
    <h1>Quiver SPARQL</h1>
    <div>Default graph: <code>@GRAPH@</code>; other graphs are <code>&lt;urn:quiver:graph:NAME&gt;</code>
    in FROM, FROM NAMED and GRAPH.</div>
    <textarea id="query" spellcheck="false">@QUERY@</textarea>
    <div class="bar">
      <button id="run">Run</button>
      <button id="explain">Explain</button>
      <button id="csv">Download CSV</button>
      <button id="json">Download JSON</button>
      <span id="status"></span>
    </div>
    <div class="bar" id="pager" hidden>
      <button id="prev">&larr; Previous</button><span id="page"></span><button id="next">Next &rarr;</button>
    </div>
    <div id="result"></div>
    <script>
    "use strict";
    const pageSize = 100;
    let answer = null, pageIndex = 0;
    const $ = id => document.getElementById(id);

    async function ask(accept, extra) {
      const body = new URLSearchParams({ query: $("query").value });
      if (extra) for (const [k, v] of Object.entries(extra)) body.append(k, v);
      const response = await fetch("sparql", { method: "POST", headers: { "Accept": accept }, body });
      const text = await response.text();
      if (!response.ok) throw new Error(response.status + " " + response.statusText + "\n" + text);
      return { text, type: response.headers.get("Content-Type") || "" };
    }

    function status(text, isError) {
      $("status").textContent = text;
      $("status").className = isError ? "error" : "";
    }

    function cell(term) {
      if (!term) return "";
      if (term.type === "uri") return "<" + term.value + ">";
      if (term.type === "bnode") return "_:" + term.value;
      let s = JSON.stringify(term.value);
      if (term["xml:lang"]) s += "@" + term["xml:lang"];
      else if (term.datatype) s += "^^<" + term.datatype + ">";
      return s;
    }

    function show() {
      const out = $("result");
      out.textContent = "";
      if (!answer) return;
      if (answer.kind === "text") {
        const pre = document.createElement("pre");
        pre.textContent = answer.text;
        out.appendChild(pre);
        $("pager").hidden = true;
        return;
      }
      if (answer.kind === "boolean") {
        out.textContent = answer.value ? "true" : "false";
        $("pager").hidden = true;
        return;
      }
      const table = document.createElement("table");
      const head = table.insertRow();
      for (const v of answer.vars) {
        const th = document.createElement("th");
        th.textContent = "?" + v;
        head.appendChild(th);
      }
      const rows = answer.rows.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize);
      for (const row of rows) {
        const tr = table.insertRow();
        for (const v of answer.vars) tr.insertCell().textContent = cell(row[v]);
      }
      out.appendChild(table);
      const pages = Math.max(1, Math.ceil(answer.rows.length / pageSize));
      $("pager").hidden = pages < 2;
      $("page").textContent = " page " + (pageIndex + 1) + " of " + pages + " ";
    }

    async function run() {
      status("running…");
      const started = performance.now();
      try {
        const r = await ask("application/sparql-results+json, application/n-triples;q=0.9");
        if (r.type.startsWith("application/sparql-results+json")) {
          const json = JSON.parse(r.text);
          answer = "boolean" in json ? { kind: "boolean", value: json.boolean }
            : { kind: "rows", vars: json.head.vars, rows: json.results.bindings };
        } else {
          answer = { kind: "text", text: r.text };
        }
        pageIndex = 0;
        const n = answer.kind === "rows" ? answer.rows.length + (answer.rows.length === 1 ? " row" : " rows") : "";
        status(n + " in " + Math.round(performance.now() - started) + " ms");
        show();
      } catch (e) {
        answer = null;
        show();
        status(e.message, true);
      }
    }

    async function explain() {
      status("explaining…");
      try {
        const r = await ask("text/plain", { explain: "true" });
        answer = { kind: "text", text: r.text };
        status("");
        show();
      } catch (e) {
        status(e.message, true);
      }
    }

    async function download(accept, name) {
      try {
        const r = await ask(accept);
        const link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([r.text], { type: r.type }));
        link.download = name;
        link.click();
        URL.revokeObjectURL(link.href);
      } catch (e) {
        status(e.message, true);
      }
    }

    $("run").onclick = run;
    $("explain").onclick = explain;
    $("csv").onclick = () => download("text/csv", "results.csv");
    $("json").onclick = () => download("application/sparql-results+json", "results.json");
    $("prev").onclick = () => { if (pageIndex > 0) { pageIndex--; show(); } };
    $("next").onclick = () => { if (answer && (pageIndex + 1) * pageSize < answer.rows.length) { pageIndex++; show(); } };
    $("query").addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
    // A link to the page with ?query=… opens with that query and runs it (links to share).
    const linked = new URLSearchParams(location.search).get("query");
    if (linked) { $("query").value = linked; run(); }
    </script>
    </body>
    </html>
    """#
}
