"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { declaresAlembic, isAlembicWorkspace, EXCLUDE } = require("../workspace");

test("[tool.alembic] in pyproject.toml declares an Alembic project; other tables do not", () => {
  assert.equal(declaresAlembic('[project]\nname = "x"\n\n[tool.alembic]\nscript_location = "migrations"\n'), true);
  assert.equal(declaresAlembic("  [ tool . alembic ]\n"), true);
  assert.equal(declaresAlembic('[tool."alembic"]\n'), true);
  assert.equal(declaresAlembic("[tool.alembic.post_write_hooks]\n"), true);
  assert.equal(declaresAlembic("[tool.alembic-lint]\nselect = []\n"), false);
  assert.equal(declaresAlembic("[tool.alembicx]\n"), false);
  assert.equal(declaresAlembic('# [tool.alembic]\ndescription = "[tool.alembic]"\n'), false);
});

/** A stand-in for vscode.workspace over a dictionary of files (path -> text, or null for a folder). */
function fakeVscode(files) {
  const globs = { "**/alembic.ini": /(^|\/)alembic\.ini$/, "**/pyproject.toml": /(^|\/)pyproject\.toml$/, "**/env.py": /(^|\/)env\.py$/ };
  const uri = (path) => ({ path });
  return {
    FileType: { File: 1, Directory: 2 },
    Uri: { joinPath: (base, ...parts) => uri(require("node:path").posix.join(base.path, ...parts)) },
    workspace: {
      findFiles: async (glob, exclude, limit) => {
        assert.equal(exclude, EXCLUDE);
        return Object.keys(files)
          .filter((path) => files[path] !== null && globs[glob].test(path))
          .slice(0, limit)
          .map(uri);
      },
      fs: {
        readFile: async ({ path }) => new TextEncoder().encode(files[path]),
        stat: async ({ path }) => {
          if (!(path in files)) throw new Error(`ENOENT ${path}`);
          return { type: files[path] === null ? 2 : 1 };
        },
      },
    },
  };
}

test("an Alembic workspace has alembic.ini, [tool.alembic] or env.py beside versions/", async () => {
  assert.equal(await isAlembicWorkspace(fakeVscode({ "/w/alembic.ini": "[alembic]\n" })), true);
  assert.equal(await isAlembicWorkspace(fakeVscode({ "/w/pyproject.toml": "[tool.alembic]\n" })), true);
  assert.equal(await isAlembicWorkspace(fakeVscode({ "/w/db/env.py": "", "/w/db/versions": null })), true);
});

test("a Python workspace without those is not", async () => {
  const plain = {
    "/w/pyproject.toml": "[tool.ruff]\n",
    "/w/app/env.py": "", // an env.py that is not alembic's: no versions/ beside it
    "/w/app/main.py": "",
  };
  assert.equal(await isAlembicWorkspace(fakeVscode(plain)), false);
});
