"use strict";
// "alembic-lint: Show revision graph": a webview that draws the server's `alembic-lint/graph` answer
// (the Mermaid text `alembic-lint graph --format mermaid` prints) with the bundled mermaid library.

const crypto = require("node:crypto");
const vscode = require("vscode");

const GRAPH = "alembic-lint/graph";
/** Graphs with more revisions start with the heads and CONTEXT revisions behind each ("Show more" adds CONTEXT). */
const LARGE = 80;
const CONTEXT = 10;
const DEBOUNCE_MS = 300;

/** The limit for the first request: none for small graphs (re-asked when the first answer says so). */
function initialLimit(result, limit) {
  return result && limit !== null && result.revisions <= LARGE && result.hidden > 0 ? null : limit;
}

class GraphView {
  /**
   * @param {vscode.ExtensionContext} context
   * @param {() => import("vscode-languageclient/node").LanguageClient|undefined} getClient
   */
  constructor(context, getClient) {
    this.context = context;
    this.getClient = getClient;
    this.panel = undefined;
    this.targets = [];
    this.limit = CONTEXT;
    this.nodes = new Map();
    this.lastText = undefined;
    this.timer = undefined;
    this.listeners = [];
  }

  /** Show the graph of the active migration's folder (else of the workspace folders). */
  async show() {
    const editor = vscode.window.activeTextEditor;
    const document = editor && editor.document.uri.scheme === "file" ? [editor.document.uri.toString()] : [];
    const folders = (vscode.workspace.workspaceFolders || []).map((folder) => folder.uri.toString());
    this.targets = [...document, ...folders];
    this.limit = CONTEXT;
    this.lastText = undefined;
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside);
      await this.refresh();
      return;
    }
    const media = vscode.Uri.joinPath(this.context.extensionUri, "media");
    this.panel = vscode.window.createWebviewPanel("alembic-lint.graph", "Revision graph", vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [media],
    });
    this.panel.webview.html = this.html(this.panel.webview, media);
    this.listeners = [
      this.panel.webview.onDidReceiveMessage((message) => this.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === "python" && event.contentChanges.length > 0) this.schedule();
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.schedule()),
      vscode.languages.onDidChangeDiagnostics(() => this.schedule()),
    ];
    const watcher = vscode.workspace.createFileSystemWatcher("**/*.py");
    this.listeners.push(watcher, watcher.onDidCreate(() => this.schedule()), watcher.onDidDelete(() => this.schedule()));
  }

  html(webview, media) {
    const nonce = crypto.randomBytes(16).toString("base64");
    const src = (name) => webview.asWebviewUri(vscode.Uri.joinPath(media, name));
    // Mermaid puts <style> inside the SVG it draws: inline styles are allowed, scripts only with the nonce.
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src("graph.css")}">
<title>Revision graph</title>
</head>
<body>
<header><span id="status">Asking the language server…</span>
<button id="more" hidden>Show ${CONTEXT} more behind each head</button><button id="all" hidden>Show all</button></header>
<div id="graph"></div>
<script nonce="${nonce}" src="${src("mermaid.min.js")}"></script>
<script nonce="${nonce}" src="${src("graph.js")}"></script>
</body>
</html>`;
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), DEBOUNCE_MS);
  }

  async request(target, limit) {
    return this.getClient().sendRequest(GRAPH, { uri: target, format: "mermaid", headsOnlyContext: limit });
  }

  /** Ask the server again; redraw only when the picture changed. */
  async refresh() {
    if (!this.panel) return;
    const client = this.getClient();
    if (!client || !client.isRunning()) {
      this.post({ type: "error", message: "alembic-lint: the language server is not running." });
      return;
    }
    try {
      for (const target of this.targets) {
        let result = await this.request(target, this.limit);
        const limit = initialLimit(result, this.limit);
        if (limit !== this.limit) {
          this.limit = limit;
          result = await this.request(target, limit);
        }
        if (result) {
          this.targets = [target];
          this.nodes = new Map(result.nodes.map((node) => [node.key, node]));
          if (result.text !== this.lastText) {
            this.lastText = result.text;
            const { text, revisions, hidden } = result;
            this.post({ type: "graph", text, revisions, hidden, shown: result.nodes.length });
          }
          return;
        }
      }
      this.post({ type: "error", message: "alembic-lint: no Alembic versions folder in this workspace." });
    } catch (error) {
      this.post({ type: "error", message: `alembic-lint: ${error && error.message ? error.message : error}` });
    }
  }

  post(message) {
    if (this.panel) this.panel.webview.postMessage(message);
  }

  async receive(message) {
    if (message.type === "ready") {
      this.lastText = undefined;
      await this.refresh();
    } else if (message.type === "open") {
      const node = this.nodes.get(message.key);
      if (node) {
        const { start, end } = node.range;
        await vscode.window.showTextDocument(vscode.Uri.parse(node.uri), {
          viewColumn: vscode.ViewColumn.One,
          selection: new vscode.Range(start.line, start.character, end.line, end.character),
        });
      }
    } else if (message.type === "more" || message.type === "all") {
      this.limit = message.type === "all" || this.limit === null ? null : this.limit + CONTEXT;
      await this.refresh();
    }
  }

  dispose() {
    clearTimeout(this.timer);
    for (const listener of this.listeners) listener.dispose();
    this.listeners = [];
    this.panel = undefined;
  }
}

module.exports = { GraphView, GRAPH, LARGE, CONTEXT, initialLimit };
