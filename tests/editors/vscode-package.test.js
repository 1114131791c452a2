'use strict';
// editors/vscode as VS Code reads it: the manifest points at files that exist and agree
// with each other, the language configuration's patterns behave, and every snippet, once
// expanded, is monitorc that the grammar scopes completely.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO, ROOT_SCOPE, tokenize } = require('./lib/textmate');
const { unscopedTokens, invalidTokens } = require('./lib/scope-assertions');
const { expandSnippet, maxChoices } = require('./lib/snippets');

const EXT = path.join(REPO, 'editors', 'vscode');
const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(EXT, rel), 'utf8'));
const manifest = readJson('package.json');

const MONITOR_KINDS = ['host', 'connectivity', 'service', 'external', 'expression', 'anomaly_detection', 'query'];
const WIDGET_KINDS = ['graph', 'value', 'markdown', 'alert_status'];

test('manifest: language, grammar, snippets, entry point', () => {
  const [lang] = manifest.contributes.languages;
  assert.equal(lang.id, 'monitorc');
  assert.deepEqual(lang.extensions, ['.mon']);
  assert.ok(fs.existsSync(path.join(EXT, lang.configuration)), lang.configuration);

  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'monitorc');
  assert.equal(grammar.scopeName, ROOT_SCOPE);
  assert.equal(readJson(grammar.path).scopeName, ROOT_SCOPE);

  const [snippets] = manifest.contributes.snippets;
  assert.equal(snippets.language, 'monitorc');
  assert.ok(fs.existsSync(path.join(EXT, snippets.path)));

  assert.ok(fs.existsSync(path.join(EXT, manifest.main)), manifest.main);
  assert.ok(manifest.activationEvents.includes('onLanguage:monitorc'));
});

test('manifest: settings and the command', () => {
  const props = manifest.contributes.configuration.properties;
  assert.equal(props['monitorc.path'].type, 'string');
  assert.equal(props['monitorc.path'].default, 'monitorc');
  assert.equal(props['monitorc.lsp.enabled'].default, true);
  // vscode-languageclient reads '<client id>.trace.server'; the client id is 'monitorc'.
  assert.deepEqual(props['monitorc.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command), ['monitorc.restartServer']);
});

test('manifest: dependencies are pinned by the lockfile', () => {
  assert.ok(manifest.dependencies['vscode-languageclient']);
  assert.ok(manifest.devDependencies['@vscode/vsce']);
  const lock = readJson('package-lock.json');
  const client = lock.packages['node_modules/vscode-languageclient'];
  const vsce = lock.packages['node_modules/@vscode/vsce'];
  assert.equal(client.version, manifest.dependencies['vscode-languageclient']);
  assert.equal(vsce.version, manifest.devDependencies['@vscode/vsce']);
  assert.equal(vsce.dev, true, '@vscode/vsce must stay out of the packaged dependencies');
  // The extension may not claim an older VS Code than its language client supports.
  assert.equal(manifest.engines.vscode, client.engines.vscode);
  // vsce needs no newer node than the one the project documents.
  assert.match(vsce.engines.node, />=\s*20\b/);
});

test('package.sh builds with npx @vscode/vsce package', () => {
  const script = path.join(EXT, 'package.sh');
  assert.ok(fs.statSync(script).mode & 0o111, 'package.sh is not executable');
  assert.match(fs.readFileSync(script, 'utf8'), /npx .*@vscode\/vsce package/);
});

test('language configuration', () => {
  const conf = readJson('language-configuration.json');
  assert.equal(conf.comments.lineComment, '#');
  assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const pairs = conf.autoClosingPairs.map((p) => p.open + p.close);
  assert.deepEqual(pairs.sort(), ['""', '()', '[]', '{}']);

  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
  for (const line of ['monitor host "x" {', '  scopes = [', '  use t(', 'row {  # widgets', '} else {']) {
    assert.match(line, inc);
  }
  for (const line of ['# {', '  x = 1', '  }', 'a = "{"x']) assert.doesNotMatch(line, inc);
  for (const line of ['}', '  ]', ')', '  } else {']) assert.match(line, dec);
  assert.doesNotMatch('  x = { }', dec);

  // A duration or a name is one word for double-click and word navigation.
  const word = new RegExp(`^(?:${conf.wordPattern})$`);
  for (const w of ['1h30m', '3000ms', '-30m', '0.5', 'cpu_high', 'm5']) assert.match(w, word);
  assert.doesNotMatch('var.env', word);
});

const snippets = readJson('snippets/monitorc.json');

test('snippets cover every monitor kind, the dashboard parts, template and for', async () => {
  const firstLines = Object.values(snippets).map((s) => expandSnippet([].concat(s.body).join('\n')).split('\n')[0]);
  for (const kind of MONITOR_KINDS) {
    assert.ok(firstLines.some((l) => l.startsWith(`monitor ${kind} "`)), `no snippet for monitor ${kind}`);
  }
  for (const start of ['dashboard "', 'row {', ...WIDGET_KINDS.map((k) => `${k} "`), 'template ', 'for ']) {
    assert.ok(firstLines.some((l) => l.startsWith(start)), `no snippet starting ${JSON.stringify(start)}`);
  }
  const prefixes = Object.values(snippets).map((s) => s.prefix);
  assert.equal(new Set(prefixes).size, prefixes.length, 'two snippets share a prefix');
});

test('every snippet expands to fully scoped, valid monitorc', async (t) => {
  for (const [name, snippet] of Object.entries(snippets)) {
    const body = [].concat(snippet.body).join('\n');
    await t.test(name, async () => {
      assert.ok(snippet.description, 'missing description');
      // Once per choice, so every offered enum word or operator is checked.
      for (let choice = 0; choice < maxChoices(body); choice++) {
        const text = expandSnippet(body, choice);
        const lines = await tokenize(text);
        const where = `${name} (choice ${choice + 1})`;
        const problems = [...unscopedTokens(where, lines, ROOT_SCOPE), ...invalidTokens(where, lines)];
        assert.equal(problems.length, 0, `${problems.join('\n')}\n--- expanded:\n${text}`);
      }
    });
  }
});

test('monitor snippets start with the block and kind scopes', async () => {
  for (const kind of MONITOR_KINDS) {
    const lines = await tokenize(expandSnippet([].concat(snippets[`monitor ${kind}`].body).join('\n')));
    const [monitor, , kindTok] = lines[0].tokens;
    assert.ok(monitor.scopes.includes('storage.type.block.monitorc'), kind);
    assert.equal(kindTok.text, kind);
    assert.ok(kindTok.scopes.includes('support.type.monitor-kind.monitorc'), kind);
  }
});

test('snippet expansion helper', () => {
  assert.equal(expandSnippet('a ${1:x ${2:y}} \\${b} ${3|p,q|}$0'), 'a x y ${b} p');
  assert.equal(expandSnippet('${1|p,q|} ${2|r|}', 1), 'q r');
  assert.equal(expandSnippet('"${1:{{a\\}\\}}"'), '"{{a}}"');
  assert.throws(() => expandSnippet('$TM_FILENAME'));
});

test('SCOPES.md lists every scope the grammar uses', () => {
  const names = new Set();
  (function walk(node) {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'name' || key === 'contentName') && typeof value === 'string') names.add(value);
        else walk(value);
      }
    }
  })(readJson('syntaxes/monitorc.tmLanguage.json').repository);
  const doc = fs.readFileSync(path.join(EXT, 'SCOPES.md'), 'utf8');
  const missing = [...names].filter((n) => {
    const short = n.replace(/\.monitorc$/, '');
    // A begin/end pair may be written once as 'x.begin' / '.end'.
    const pair = short.replace(/\.end$/, '.begin');
    return !doc.includes(`\`${short}\``) && !doc.includes(`\`${pair}\``);
  });
  assert.deepEqual(missing, []);
});
