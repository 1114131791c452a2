'use strict';
// VS Code side of monitorc: highlighting and snippets are static contributions in
// package.json; this file only starts the language server, `monitorc lsp`, which talks LSP
// over stdin/stdout. Plain JavaScript so the extension needs no build step.

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const CLIENT_ID = 'monitorc'; // also the prefix of the 'monitorc.trace.server' setting
const CLIENT_NAME = 'monitorc language server';

/** @type {LanguageClient | undefined} */
let client;

/** The command line of the server, from the settings. */
function serverCommand() {
  const config = vscode.workspace.getConfiguration('monitorc');
  const command = (config.get('path') || '').trim() || 'monitorc';
  return { command, args: ['lsp'] };
}

function createClient() {
  const { command, args } = serverCommand();
  // The same executable for run and debug: there is no separate debug build of the server.
  const executable = { command, args };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'monitorc' },
      { scheme: 'untitled', language: 'monitorc' },
    ],
    synchronize: {
      // Imports make one file's diagnostics depend on others, so the server hears about
      // .mon files that change on disk even when they are not open.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.mon'),
    },
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

async function startClient() {
  if (!vscode.workspace.getConfiguration('monitorc').get('lsp.enabled', true)) return;
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    // Most often the binary is not installed or not on PATH. Highlighting and snippets do
    // not need it, so say how to fix it once instead of failing the extension.
    const { command } = serverCommand();
    const detail = err && err.message ? err.message : String(err);
    client = undefined;
    vscode.window.showWarningMessage(
      `monitorc: could not start "${command} lsp" (${detail}). ` +
      'Set "monitorc.path" to the monitorc binary, or turn the server off with "monitorc.lsp.enabled".');
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // A server that failed to start cannot be stopped; nothing is left to clean up.
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('monitorc.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('monitorc.path') || event.affectsConfiguration('monitorc.lsp.enabled')) {
        restartClient();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate, serverCommand };
