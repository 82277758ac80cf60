"use strict";
// Fills what the .vsix bundles besides the extension's own code (run by `npm run package` before vsce):
//   bundled/libs/     alembic-lint (copied from this checkout) and the language server's pure-Python
//                     dependencies from bundled/requirements.txt (pinned, hash-checked wheels)
//   media/mermaid.min.js  the mermaid library the graph view draws with (from node_modules, no network at run time)
// ALEMBIC_LINT_BUNDLE_PYTHON names the Python whose pip installs the wheels (default: python3).

const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const HERE = path.resolve(__dirname, "..");
const REPO = path.resolve(HERE, "..", "..");
const LIBS = path.join(HERE, "bundled", "libs");
const PACKAGES = [path.join(REPO, "alembic_lint"), path.join(REPO, "lsp", "alembic_lint_lsp")];

function run(command, args) {
  const done = spawnSync(command, args, { stdio: "inherit" });
  if (done.error || done.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${done.error || `exit ${done.status}`}`);
  }
}

/** Copy a package's source, without byte-code or caches. */
function copyPackage(from, to) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (source) => !/(^|[\\/])(__pycache__|\.alembic_lint_cache)$/.test(source) && !source.endsWith(".pyc"),
  });
}

function bundle() {
  fs.rmSync(LIBS, { recursive: true, force: true });
  const python = process.env.ALEMBIC_LINT_BUNDLE_PYTHON || "python3";
  // The pure-Python wheels whatever Python runs this (--platform any): the .vsix works with any 3.10+.
  run(python, [
    "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--no-deps",
    "--require-hashes", "--only-binary", ":all:", "--platform", "any", "--implementation", "py",
    "--abi", "none", "--python-version", "3.10", "--target", LIBS,
    "-r", path.join(HERE, "bundled", "requirements.txt"),
  ]);
  fs.rmSync(path.join(LIBS, "bin"), { recursive: true, force: true });
  for (const source of PACKAGES) {
    copyPackage(source, path.join(LIBS, path.basename(source)));
  }
  fs.mkdirSync(path.join(HERE, "media"), { recursive: true });
  fs.copyFileSync(require.resolve("mermaid/dist/mermaid.min.js"), path.join(HERE, "media", "mermaid.min.js"));
}

if (require.main === module) {
  bundle();
}

module.exports = { bundle };
