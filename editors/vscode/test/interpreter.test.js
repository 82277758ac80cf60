"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { chooseInterpreter, findOnPath, fromPythonExtension } = require("../interpreter");

test("alembic-lint.interpreter wins over the Python extension and PATH", async () => {
  const chosen = await chooseInterpreter({
    setting: " /venv/bin/python ",
    fromExtension: async () => "/selected/bin/python",
    onPath: () => "/usr/bin/python3",
  });
  assert.deepEqual(chosen, { path: "/venv/bin/python", source: "setting" });
});

test("then the Python extension's selection, then PATH, else nothing", async () => {
  const onPath = () => "/usr/bin/python3";
  assert.deepEqual(await chooseInterpreter({ setting: "", fromExtension: async () => "/sel/python", onPath }), {
    path: "/sel/python",
    source: "python extension",
  });
  assert.deepEqual(await chooseInterpreter({ setting: "  ", fromExtension: async () => undefined, onPath }), {
    path: "/usr/bin/python3",
    source: "PATH",
  });
  assert.equal(await chooseInterpreter({ fromExtension: async () => undefined, onPath: () => undefined }), undefined);
});

test("PATH is searched in order for python3, then python", () => {
  const present = new Set(["/b/python3", "/a/python", "/c/python3"]);
  const env = { PATH: "/a:/b:/c" };
  assert.equal(findOnPath(env, "linux", (file) => present.has(file)), "/b/python3");
  assert.equal(findOnPath({ PATH: "/a" }, "linux", (file) => present.has(file)), "/a/python");
  assert.equal(findOnPath({ PATH: "" }, "linux", () => true), undefined);
  const windows = new Set(["D:\\Py\\python.exe"]);
  assert.equal(findOnPath({ Path: "C:\\x;D:\\Py" }, "win32", (file) => windows.has(file)), "D:\\Py\\python.exe");
});

function pythonExtension(api, active = true) {
  return {
    extensions: {
      getExtension: (id) => (id === "ms-python.python" ? { isActive: active, exports: api, activate: async () => api } : undefined),
    },
  };
}

test("the Python extension's environments API gives the selected interpreter", async () => {
  const api = {
    environments: {
      getActiveEnvironmentPath: (resource) => ({ id: "venv", path: `${resource}/.venv` }),
      resolveEnvironment: async (env) => ({ executable: { uri: { fsPath: `${env.path}/bin/python` } } }),
    },
  };
  assert.equal(await fromPythonExtension(pythonExtension(api, false), "/project"), "/project/.venv/bin/python");
});

test("older Python extensions: settings.getExecutionDetails; none installed or failing: undefined", async () => {
  const old = { settings: { getExecutionDetails: () => ({ execCommand: ["/old/python", "-X"] }) } };
  assert.equal(await fromPythonExtension(pythonExtension(old), undefined), "/old/python");
  assert.equal(await fromPythonExtension({ extensions: { getExtension: () => undefined } }), undefined);
  const broken = {
    environments: {
      getActiveEnvironmentPath: () => {
        throw new Error("no workspace");
      },
    },
  };
  assert.equal(await fromPythonExtension(pythonExtension(broken), undefined), undefined);
});
