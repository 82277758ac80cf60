"use strict";
// The graph view's conversation with the server and the webview, over stand-ins for both.
const test = require("node:test");
const assert = require("node:assert/strict");
const Module = require("node:module");

const opened = [];
class Range {
  constructor(...args) {
    this.args = args;
  }
}
const fakeVscode = {
  Range,
  ViewColumn: { One: 1 },
  Uri: { parse: (text) => ({ parsed: text }) },
  window: { showTextDocument: async (uri, options) => opened.push([uri, options]) },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? fakeVscode : load.call(this, request, ...rest);
};
const { GraphView, GRAPH, CONTEXT, LARGE, initialLimit } = require("../graph-view");
Module._load = load;

test("small graphs are drawn whole, large ones start with the heads and some context", () => {
  assert.equal(initialLimit({ revisions: LARGE, hidden: 3 }, CONTEXT), null);
  assert.equal(initialLimit({ revisions: LARGE + 1, hidden: 3 }, CONTEXT), CONTEXT);
  assert.equal(initialLimit({ revisions: 5, hidden: 0 }, CONTEXT), CONTEXT); // already whole
  assert.equal(initialLimit(null, CONTEXT), CONTEXT);
});

function node(revision, key, line = 14) {
  const range = { start: { line, character: 16 }, end: { line, character: 30 } };
  return { revision, key, uri: `file:///v/${revision}.py`, range };
}

function setUp(answers) {
  const requests = [];
  const client = {
    isRunning: () => true,
    sendRequest: async (method, params) => {
      requests.push([method, params]);
      return answers(params);
    },
  };
  const view = new GraphView({}, () => client);
  const posted = [];
  view.panel = { webview: { postMessage: (message) => posted.push(message) } };
  view.targets = ["file:///v/a.py", "file:///project"];
  return { view, requests, posted };
}

test("asks for the Mermaid picture, redraws only when it changed, and opens a clicked node's file", async () => {
  let text = "flowchart TD\n    r0\n";
  const { view, requests, posted } = setUp(() => ({ text, revisions: 2, hidden: 0, nodes: [node("a1", "r0"), node("b2", "r1")] }));
  await view.receive({ type: "ready" });
  await view.refresh();
  text = "flowchart TD\n    r0 --> r1\n";
  await view.refresh();
  assert.deepEqual(requests.map(([method, params]) => [method, params.uri, params.format, params.headsOnlyContext]), [
    [GRAPH, "file:///v/a.py", "mermaid", CONTEXT],
    [GRAPH, "file:///v/a.py", "mermaid", CONTEXT],
    [GRAPH, "file:///v/a.py", "mermaid", CONTEXT],
  ]);
  assert.deepEqual(posted, [
    { type: "graph", text: "flowchart TD\n    r0\n", revisions: 2, hidden: 0, shown: 2 },
    { type: "graph", text: "flowchart TD\n    r0 --> r1\n", revisions: 2, hidden: 0, shown: 2 },
  ]);
  await view.receive({ type: "open", key: "r1" });
  assert.deepEqual(opened.pop(), [{ parsed: "file:///v/b2.py" }, { viewColumn: 1, selection: new Range(14, 16, 14, 30) }]);
});

test("a file in no folder falls back to the workspace folder; more and all widen the limit", async () => {
  const { view, requests, posted } = setUp((params) =>
    params.uri === "file:///project"
      ? { text: `limit ${params.headsOnlyContext}`, revisions: 500, hidden: params.headsOnlyContext === null ? 0 : 400, nodes: [] }
      : null,
  );
  await view.refresh();
  await view.receive({ type: "more" });
  await view.receive({ type: "all" });
  assert.deepEqual(requests.map(([, params]) => [params.uri, params.headsOnlyContext]), [
    ["file:///v/a.py", CONTEXT],
    ["file:///project", CONTEXT],
    ["file:///project", 2 * CONTEXT],
    ["file:///project", null],
  ]);
  assert.deepEqual(posted.map((message) => [message.text, message.hidden]), [
    [`limit ${CONTEXT}`, 400],
    [`limit ${2 * CONTEXT}`, 400],
    ["limit null", 0],
  ]);
});

test("no folder anywhere, or a server error: said in the view", async () => {
  const { view, posted } = setUp(() => null);
  await view.refresh();
  const failing = setUp(() => {
    throw new Error("alembic-lint/graph: `since` x: no revision 'x' in this folder");
  });
  await failing.view.refresh();
  assert.deepEqual([...posted, ...failing.posted], [
    { type: "error", message: "alembic-lint: no Alembic versions folder in this workspace." },
    { type: "error", message: "alembic-lint: alembic-lint/graph: `since` x: no revision 'x' in this folder" },
  ]);
});
