#!/usr/bin/env node
'use strict';
// Prints each token of a .mon file with its scopes (root scope left out), to see what the
// grammar makes of a construct before writing an assertion for it.
//   node tests/editors/tools/dump-scopes.js FILE.mon [FIRST_LINE [LAST_LINE]]

const fs = require('node:fs');
const { tokenize } = require('../lib/textmate');

async function main() {
  const [file, first = '1', last = 'Infinity'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: dump-scopes.js FILE.mon [FIRST_LINE [LAST_LINE]]');
    process.exit(2);
  }
  const lines = await tokenize(fs.readFileSync(file, 'utf8'));
  lines.forEach((line, i) => {
    const n = i + 1;
    if (n < Number(first) || n > Number(last)) return;
    console.log(`${n}: ${line.text}`);
    for (const t of line.tokens) {
      if (!/\S/.test(t.text)) continue;
      console.log(`  ${String(t.start + 1).padStart(3)} ${JSON.stringify(t.text).padEnd(24)} ${t.scopes.slice(1).join(' ')}`);
    }
  });
}

main().catch((err) => { console.error(err); process.exit(1); });
