// The revision graph webview: renders the server's Mermaid text with the bundled mermaid library and
// tells the extension which node was clicked. Messages in: {type: "graph", text, revisions, shown, hidden};
// {type: "error", message}. Out: {type: "ready"} | {type: "open", key} | {type: "more"} | {type: "all"}.
/* global mermaid, acquireVsCodeApi */
(function () {
  "use strict";
  const vscode = acquireVsCodeApi();
  const canvas = document.getElementById("graph");
  const status = document.getElementById("status");
  const more = document.getElementById("more");
  const all = document.getElementById("all");
  const dark = document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast");
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: dark ? "dark" : "default",
    maxTextSize: 10000000,
    maxEdges: 100000,
    flowchart: { htmlLabels: true },
  });
  let renders = 0;

  /** The Mermaid node key (r0, m1, e2...) of an SVG node element id such as "graph-3-flowchart-r0-0". */
  function keyOf(element) {
    const match = /flowchart-([a-z]\d+)-\d+$/.exec(element.id || "");
    return match ? match[1] : undefined;
  }

  async function draw(message) {
    renders += 1;
    try {
      const { svg } = await mermaid.render(`graph-${renders}`, message.text);
      canvas.innerHTML = svg;
    } catch (error) {
      canvas.textContent = `alembic-lint: cannot draw the graph: ${error && error.message ? error.message : error}`;
      return;
    }
    for (const node of canvas.querySelectorAll("g.node")) {
      const key = keyOf(node);
      if (key && key.startsWith("r")) {
        node.style.cursor = "pointer";
        node.setAttribute("data-key", key);
        node.addEventListener("click", () => vscode.postMessage({ type: "open", key }));
      }
    }
    status.textContent =
      message.hidden > 0
        ? `${message.shown} of ${message.revisions} revisions: the heads and the revisions behind them`
        : `${message.revisions} revisions`;
    more.hidden = all.hidden = message.hidden === 0;
    document.body.setAttribute("data-rendered", String(renders));
  }

  window.addEventListener("message", (event) => {
    const message = event.data;
    if (message.type === "graph") {
      draw(message);
    } else if (message.type === "error") {
      canvas.textContent = message.message;
      status.textContent = "";
    }
  });
  more.addEventListener("click", () => vscode.postMessage({ type: "more" }));
  all.addEventListener("click", () => vscode.postMessage({ type: "all" }));
  vscode.postMessage({ type: "ready" });
})();
