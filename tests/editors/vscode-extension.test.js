'use strict';
// editors/vscode/src/extension.js against stand-ins for the 'vscode' API and
// vscode-languageclient: it must start `<monitorc.path> lsp` over stdio for .mon documents,
// restart when the path changes, and survive a missing binary with one warning.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { REPO } = require('./lib/textmate');

const EXT_DIR = path.join(REPO, 'editors', 'vscode');
const EXT_MAIN = path.join(EXT_DIR, 'src', 'extension.js');

/** Loads a fresh copy of extension.js wired to fakes; returns it with what the fakes saw. */
function loadExtension({ settings = {}, startError } = {}) {
  const seen = { clients: [], warnings: [], commands: {}, onConfig: [], watchers: [] };

  class FakeLanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, state: 'new' });
      seen.clients.push(this);
    }
    async start() {
      if (startError) throw startError;
      this.state = 'running';
    }
    async stop() {
      this.state = 'stopped';
    }
  }

  const vscode = {
    workspace: {
      getConfiguration: (section) => ({
        get: (key, fallback) => {
          const value = settings[`${section}.${key}`];
          return value === undefined ? fallback : value;
        },
      }),
      createFileSystemWatcher: (glob) => {
        seen.watchers.push(glob);
        return { dispose() {} };
      },
      onDidChangeConfiguration: (listener) => {
        seen.onConfig.push(listener);
        return { dispose() {} };
      },
    },
    window: { showWarningMessage: (message) => { seen.warnings.push(message); } },
    commands: {
      registerCommand: (name, fn) => {
        seen.commands[name] = fn;
        return { dispose() {} };
      },
    },
  };

  const realLoad = Module._load;
  Module._load = function load(request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient: FakeLanguageClient };
    return realLoad.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve(EXT_MAIN)];
    return { ext: require(EXT_MAIN), seen, context: { subscriptions: [] } };
  } finally {
    Module._load = realLoad;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('starts "monitorc lsp" for monitorc documents by default', async () => {
  const { ext, seen, context } = loadExtension();
  await ext.activate(context);
  assert.equal(seen.clients.length, 1);
  const [client] = seen.clients;
  assert.equal(client.id, 'monitorc');
  assert.equal(client.state, 'running');
  assert.deepEqual(client.serverOptions.run, { command: 'monitorc', args: ['lsp'] });
  assert.deepEqual(client.serverOptions.debug, client.serverOptions.run);
  // No 'transport' key: an executable without one talks over stdin/stdout.
  assert.equal(client.serverOptions.run.transport, undefined);
  assert.deepEqual(client.clientOptions.documentSelector.map((s) => s.language), ['monitorc', 'monitorc']);
  assert.deepEqual(seen.watchers, ['**/*.mon']);
  assert.equal(seen.warnings.length, 0);
  assert.ok(context.subscriptions.length >= 2);
});

test('monitorc.path chooses the binary', async () => {
  const { ext, seen, context } = loadExtension({ settings: { 'monitorc.path': '/opt/monitorc/bin/monitorc' } });
  await ext.activate(context);
  assert.deepEqual(seen.clients[0].serverOptions.run, { command: '/opt/monitorc/bin/monitorc', args: ['lsp'] });
});

test('a blank monitorc.path falls back to "monitorc"', async () => {
  const { ext, seen, context } = loadExtension({ settings: { 'monitorc.path': '  ' } });
  await ext.activate(context);
  assert.equal(seen.clients[0].serverOptions.run.command, 'monitorc');
});

test('a server that cannot start gives one warning, and activation still succeeds', async () => {
  const { ext, seen, context } = loadExtension({ startError: new Error('spawn monitorc ENOENT') });
  await ext.activate(context);
  assert.equal(seen.warnings.length, 1);
  assert.match(seen.warnings[0], /spawn monitorc ENOENT/);
  assert.match(seen.warnings[0], /monitorc\.path/);
  await ext.deactivate(); // nothing to stop, must not throw
});

test('monitorc.lsp.enabled = false starts no server', async () => {
  const { ext, seen, context } = loadExtension({ settings: { 'monitorc.lsp.enabled': false } });
  await ext.activate(context);
  assert.equal(seen.clients.length, 0);
  assert.equal(seen.warnings.length, 0);
});

test('changing monitorc.path restarts the server; other settings do not', async () => {
  const settings = {};
  const { ext, seen, context } = loadExtension({ settings });
  await ext.activate(context);
  const [listener] = seen.onConfig;

  listener({ affectsConfiguration: (s) => s === 'editor.fontSize' });
  await settle();
  assert.equal(seen.clients.length, 1);

  settings['monitorc.path'] = '/usr/local/bin/monitorc';
  listener({ affectsConfiguration: (s) => s === 'monitorc.path' });
  await settle();
  assert.equal(seen.clients.length, 2);
  assert.equal(seen.clients[0].state, 'stopped');
  assert.equal(seen.clients[1].state, 'running');
  assert.equal(seen.clients[1].serverOptions.run.command, '/usr/local/bin/monitorc');
});

test('the restart command and deactivate', async () => {
  const { ext, seen, context } = loadExtension();
  await ext.activate(context);
  await seen.commands['monitorc.restartServer']();
  assert.equal(seen.clients.length, 2);
  assert.equal(seen.clients[0].state, 'stopped');
  await ext.deactivate();
  assert.equal(seen.clients[1].state, 'stopped');
});

// Only when editors/vscode has its node_modules (package.sh installs them): the real client
// library must export LanguageClient from the path extension.js requires.
const clientLib = path.join(EXT_DIR, 'node_modules', 'vscode-languageclient');
test('the real vscode-languageclient/node exports LanguageClient',
  { skip: fs.existsSync(clientLib) ? false : 'editors/vscode/node_modules not installed' }, () => {
    const stub = new Proxy(function stubFn() {}, {
      get: (_t, key) => (key === '__esModule' ? false : stub), apply: () => stub, construct: () => stub,
    });
    const realLoad = Module._load;
    Module._load = function load(request, ...rest) {
      return request === 'vscode' ? stub : realLoad.call(this, request, ...rest);
    };
    try {
      const lib = require(require.resolve('vscode-languageclient/node', { paths: [EXT_DIR] }));
      assert.equal(typeof lib.LanguageClient, 'function');
    } finally {
      Module._load = realLoad;
    }
  });
