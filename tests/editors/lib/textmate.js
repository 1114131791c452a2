'use strict';
// Loads editors/vscode's TextMate grammar into vscode-textmate + vscode-oniguruma, the
// tokenizer and regex engine VS Code itself runs, so what passes here is what users see.

const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const REPO = path.resolve(__dirname, '..', '..', '..');
const GRAMMAR_PATH = path.join(REPO, 'editors', 'vscode', 'syntaxes', 'monitorc.tmLanguage.json');
const ROOT_SCOPE = 'source.monitorc';

let grammarPromise;

/** The grammar, loaded once per process. */
function loadGrammar() {
  if (!grammarPromise) {
    // onig.wasm ships next to the package's main.js (release/).
    const wasmPath = path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm');
    const wasm = fs.readFileSync(wasmPath);
    const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength))
      .then(() => ({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== ROOT_SCOPE) return null;
        return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
      },
    });
    grammarPromise = registry.loadGrammar(ROOT_SCOPE);
  }
  return grammarPromise;
}

/**
 * Tokenizes a whole text. Returns one entry per line:
 * { text, tokens: [{ start, end, text, scopes }] }.
 */
async function tokenize(text) {
  const grammar = await loadGrammar();
  let stack = vsctm.INITIAL;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return {
      text: line,
      tokens: result.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })).filter((t) => t.end > t.start),
    };
  });
}

module.exports = { REPO, GRAMMAR_PATH, ROOT_SCOPE, loadGrammar, tokenize };
