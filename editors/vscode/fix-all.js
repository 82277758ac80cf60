"use strict";
// "alembic-lint: Fix all problems in this file": the server's source.fixAll.alembic-lint code action.

const FIX_ALL = "source.fixAll.alembic-lint";

/** Whether the server's capabilities offer the fix-all code action kind (or a kind above it). */
function offersFixAll(capabilities) {
  const provider = capabilities && capabilities.codeActionProvider;
  const kinds = provider && typeof provider === "object" ? provider.codeActionKinds || [] : [];
  return kinds.some((kind) => FIX_ALL === kind || FIX_ALL.startsWith(`${kind}.`));
}

/**
 * Apply the fix-all action to the active editor's file.
 *
 * @param {typeof import("vscode")} vscode
 * @param {import("vscode-languageclient/node").LanguageClient|undefined} client
 * @returns {Promise<number>} how many actions were applied
 */
async function fixAll(vscode, client) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    vscode.window.showInformationMessage("alembic-lint: open a migration to fix it.");
    return 0;
  }
  if (!client || !offersFixAll(client.initializeResult && client.initializeResult.capabilities)) {
    vscode.window.showWarningMessage(
      `alembic-lint: the server offers no fix-all (code action kind ${FIX_ALL}); upgrade alembic-lint.`,
    );
    return 0;
  }
  const document = editor.document;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand("vscode.executeCodeActionProvider", document.uri, whole, FIX_ALL)) || [];
  let applied = 0;
  for (const action of actions) {
    if (!action.kind || !(action.kind.value === FIX_ALL || action.kind.value.startsWith(`${FIX_ALL}.`))) continue;
    if (action.edit && (await vscode.workspace.applyEdit(action.edit))) applied += 1;
    if (action.command) {
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
      applied += 1;
    }
  }
  if (applied === 0) vscode.window.showInformationMessage("alembic-lint: nothing to fix.");
  return applied;
}

module.exports = { FIX_ALL, offersFixAll, fixAll };
