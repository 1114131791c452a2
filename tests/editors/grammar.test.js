'use strict';
// The TextMate grammar, tokenized the way VS Code does it:
//  - snippets/*.mon carry scope assertions in comments (see lib/scope-assertions.js);
//  - every snippet and every examples/**/*.mon must leave no non-blank text with only the
//    root scope, and (except snippets/invalid*.mon) nothing scoped invalid.*.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO, ROOT_SCOPE, tokenize } = require('./lib/textmate');
const {
  parseAssertions, checkAssertions, unscopedTokens, invalidTokens,
} = require('./lib/scope-assertions');

const SNIPPETS = path.join(__dirname, 'snippets');
const EXAMPLES = path.join(REPO, 'examples');

/** All .mon files under a directory, sorted, as paths. */
function monFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...monFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.mon')) out.push(p);
  }
  return out.sort();
}

/** Fails with every message at once, so one run shows all that is wrong in a file. */
function assertNone(messages, what) {
  assert.equal(messages.length, 0, `${what}:\n  ${messages.join('\n  ')}`);
}

test('snippets', async (t) => {
  const files = monFiles(SNIPPETS);
  assert.ok(files.length > 0, 'no snippets found');
  for (const file of files) {
    const name = path.relative(REPO, file);
    await t.test(path.basename(file), async () => {
      const text = fs.readFileSync(file, 'utf8');
      const lines = await tokenize(text);
      const assertions = parseAssertions(text);
      // A file without assertions would pass whatever the grammar did.
      assert.ok(assertions.length > 0, `${name} has no scope assertions`);
      assertNone([
        ...checkAssertions(name, assertions, lines),
        ...unscopedTokens(name, lines, ROOT_SCOPE),
        ...(path.basename(file).startsWith('invalid') ? [] : invalidTokens(name, lines)),
      ], 'scope problems');
    });
  }
});

test('examples', async (t) => {
  if (!fs.existsSync(EXAMPLES)) {
    t.skip('no examples/ directory in the repository yet');
    return;
  }
  const files = monFiles(EXAMPLES);
  if (files.length === 0) {
    t.skip('examples/ holds no .mon file yet');
    return;
  }
  for (const file of files) {
    const name = path.relative(REPO, file);
    await t.test(name, async () => {
      const lines = await tokenize(fs.readFileSync(file, 'utf8'));
      assertNone([...unscopedTokens(name, lines, ROOT_SCOPE), ...invalidTokens(name, lines)], 'scope problems');
    });
  }
});

test('a wrong assertion is reported (the checker itself works)', async () => {
  const text = 'let x = 5m\n#       ^^ constant.numeric.integer.monitorc - constant.numeric.duration.monitorc\n';
  const failures = checkAssertions('self-test', parseAssertions(text), await tokenize(text));
  assert.equal(failures.length, 2); // one per column
  assert.match(failures[0], /missing constant\.numeric\.integer\.monitorc/);
  assert.match(failures[0], /must not have constant\.numeric\.duration\.monitorc/);
});

test('an unbalanced string does not leak past its line into the next statement', async () => {
  // Not required by the language, but an unterminated interpolation must at least end at
  // the closing brace of the enclosing string once typing completes.
  const lines = await tokenize('let a = "x ${ "}" } y"\nlet b = 1\n');
  const let2 = lines[1].tokens[0];
  assert.deepEqual(let2.scopes, [ROOT_SCOPE, 'keyword.declaration.let.monitorc']);
});
