"use strict";
// Whether a workspace is an Alembic project: the extension starts the server only in those.

/** Folders never searched for Alembic projects. */
const EXCLUDE = "**/{node_modules,.git,.venv,venv,.tox,.nox,site-packages}/**";

/** True when a pyproject.toml has Alembic's own configuration table, [tool.alembic]. */
function declaresAlembic(text) {
  return /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*(?:alembic|"alembic")[ \t]*[\].]/m.test(String(text));
}

/**
 * An alembic.ini, a pyproject.toml with [tool.alembic], or an env.py with a versions/ folder beside it.
 *
 * @param {typeof import("vscode")} vscode
 */
async function isAlembicWorkspace(vscode) {
  const find = (glob, limit) => vscode.workspace.findFiles(glob, EXCLUDE, limit);
  if ((await find("**/alembic.ini", 1)).length > 0) {
    return true;
  }
  for (const uri of await find("**/pyproject.toml", 50)) {
    try {
      if (declaresAlembic(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)))) {
        return true;
      }
    } catch {
      // unreadable: not evidence either way
    }
  }
  for (const uri of await find("**/env.py", 50)) {
    try {
      const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, "..", "versions"));
      if (stat.type & vscode.FileType.Directory) {
        return true;
      }
    } catch {
      // no versions/ beside this env.py
    }
  }
  return false;
}

module.exports = { EXCLUDE, declaresAlembic, isAlembicWorkspace };
