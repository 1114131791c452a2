'use strict';
// Scope assertions written inside .mon files as comments, in the style of VS Code's grammar
// tests, so each expectation sits under the code it is about:
//
//   monitor host "CPU" {
//   # <------- storage.type.block.monitorc
//   #       ^^^^ support.type.monitor-kind.monitorc
//   #            ^^^^^ string.quoted.double.monitorc - meta.interpolation.monitorc
//
// A line '#', blanks, then a run of '^' asserts on the same columns of the nearest
// non-assertion line above; '<' followed by N dashes asserts on columns 0..N-1 (which a '^'
// cannot reach under the '#'). Scopes after the marker must each be on every token in those
// columns (exact names); scopes after a lone '-' must not be. Assertion lines are ordinary
// comments to the language, so the files stay valid .mon.

const ASSERTION = /^(\s*#\s*)(\^+|<-+)\s+(\S.*)$/;

/** Parses the assertions of a file: [{ line, source, columns, expect, forbid }]. */
function parseAssertions(text) {
  const lines = text.split(/\r?\n/);
  const out = [];
  let source = -1;
  lines.forEach((line, i) => {
    const m = ASSERTION.exec(line);
    if (!m) {
      source = i;
      return;
    }
    if (source < 0) throw new Error(`line ${i + 1}: assertion before any source line`);
    const [, lead, marker, rest] = m;
    const columns = [];
    if (marker.startsWith('<')) {
      for (let c = 0; c < marker.length - 1; c++) columns.push(c);
    } else {
      for (let c = 0; c < marker.length; c++) columns.push(lead.length + c);
    }
    const words = rest.trim().split(/\s+/);
    const dash = words.indexOf('-');
    const expect = dash < 0 ? words : words.slice(0, dash);
    const forbid = dash < 0 ? [] : words.slice(dash + 1);
    out.push({ line: i, source, columns, expect, forbid });
  });
  return out;
}

/** Returns the token covering a column of a tokenized line, or undefined. */
function tokenAt(tokLine, column) {
  return tokLine.tokens.find((t) => t.start <= column && column < t.end);
}

/** Checks the assertions against tokenized lines; returns a list of failure messages. */
function checkAssertions(name, assertions, tokLines) {
  const failures = [];
  for (const a of assertions) {
    const src = tokLines[a.source];
    const where = `${name}:${a.source + 1}`;
    for (const col of a.columns) {
      const tok = tokenAt(src, col);
      if (!tok) {
        failures.push(`${where}:${col + 1}: assertion (line ${a.line + 1}) points past the end of the line`);
        continue;
      }
      const missing = a.expect.filter((s) => !tok.scopes.includes(s));
      const present = a.forbid.filter((s) => tok.scopes.includes(s));
      if (missing.length || present.length) {
        failures.push(`${where}:${col + 1}: token ${JSON.stringify(tok.text)} has [${tok.scopes.join(', ')}]` +
          (missing.length ? `; missing ${missing.join(', ')}` : '') +
          (present.length ? `; must not have ${present.join(', ')}` : ''));
      }
    }
  }
  return failures;
}

/** Tokens holding something other than blanks that got no scope but the root one. */
function unscopedTokens(name, tokLines, rootScope) {
  const out = [];
  tokLines.forEach((l, i) => {
    for (const t of l.tokens) {
      if (t.scopes.length === 1 && t.scopes[0] === rootScope && /\S/.test(t.text)) {
        out.push(`${name}:${i + 1}:${t.start + 1}: ${JSON.stringify(t.text)} has only ${rootScope}`);
      }
    }
  });
  return out;
}

/** Tokens scoped invalid.*: in a valid file these mean the grammar misread something. */
function invalidTokens(name, tokLines) {
  const out = [];
  tokLines.forEach((l, i) => {
    for (const t of l.tokens) {
      const bad = t.scopes.find((s) => s.startsWith('invalid.'));
      if (bad) out.push(`${name}:${i + 1}:${t.start + 1}: ${JSON.stringify(t.text)} is ${bad}`);
    }
  });
  return out;
}

module.exports = { parseAssertions, checkAssertions, unscopedTokens, invalidTokens, tokenAt };
