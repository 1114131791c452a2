'use strict';
// Smoke test of editors/vim in a real Vim (`vim -es -u NONE`): filetype detection, the
// ftplugin's options, syntax groups of sample constructs, no unhighlighted or error
// columns in the snippets and examples, and indentation. Skipped when vim is not installed.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { REPO } = require('./lib/textmate');

const VIM_RUNTIME = path.join(REPO, 'editors', 'vim');
const SNIPPETS = path.join(__dirname, 'snippets');
const EXAMPLES = path.join(REPO, 'examples');
const INDENT_SAMPLE = path.join(__dirname, 'vim', 'indent.mon');

const HAVE_VIM = spawnSync('vim', ['--version'], { stdio: 'ignore' }).status === 0;

function monFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...monFiles(p));
    else if (e.name.endsWith('.mon')) out.push(p);
  }
  return out.sort();
}

// [snippet, a text that picks the first line holding it, text on that line, occurrence,
//  expected group]. Lines are found by content so that editing a snippet moves nothing.
const PROBES = [
  ['monitors.mon', 'monitor host "CPU high', 'monitor', 1, 'monitorcBlock'],
  ['monitors.mon', 'monitor host "CPU high', 'host', 1, 'monitorcMonitorKind'],
  ['monitors.mon', 'monitor host "CPU high', 'CPU', 1, 'monitorcString'],
  ['monitors.mon', 'monitor host "CPU high', '${', 1, 'monitorcInterpDelim'],
  ['monitors.mon', 'monitor host "CPU high', 'scope', 1, 'monitorcName'],
  ['monitors.mon', 'monitor hots', 'hots', 1, 'monitorcUnknownKind'],
  ['monitors.mon', 'metric   = "cpu%"', 'metric', 1, 'monitorcField'],
  ['monitors.mon', 'metric   = "cpu%"', '=', 1, 'monitorcOperator'],
  ['monitors.mon', 'duration = 5m', '5m', 1, 'monitorcDuration'],
  ['monitors.mon', 'critical = null', 'null', 1, 'monitorcNull'],
  ['monitors.mon', 'is_mute', 'false', 1, 'monitorcBoolean'],
  ['monitors.mon', 'method = POST', 'POST', 1, 'monitorcEnum'],
  ['monitors.mon', 'alert_status_on_gone = warning', 'warning', 1, 'monitorcEnum'],
  ['monitors.mon', 'request_body', '\\"', 1, 'monitorcEscape'],
  ['monitors.mon', 'url    = "https://www.example.com/#top"', '#top', 1, 'monitorcString'],
  ['dashboards.mon', 'dashboard "Web overview"', 'dashboard', 1, 'monitorcBlock'],
  ['dashboards.mon', 'row height = 4', 'row', 1, 'monitorcBlock'],
  ['dashboards.mon', 'row height = 4', 'height', 1, 'monitorcField'],
  ['dashboards.mon', 'graph "Web CPU"', 'graph', 1, 'monitorcWidget'],
  ['dashboards.mon', 'value "5xx"', 'value', 1, 'monitorcWidget'],
  ['dashboards.mon', 'markdown "On call"', 'markdown', 1, 'monitorcWidget'],
  ['dashboards.mon', 'alert_status "Web alerts"', 'alert_status', 1, 'monitorcWidget'],
  ['dashboards.mon', 'reference_lines', 'value', 1, 'monitorcField'],
  ['dashboards.mon', 'offset = -30m', '-', 1, 'monitorcOperator'],
  ['control.mon', 'import "common', 'import', 1, 'monitorcImport'],
  ['control.mon', 'variable "env"', 'variable', 1, 'monitorcKeyword'],
  ['control.mon', 'let web_roles', 'web_roles', 1, 'monitorcLetName'],
  ['control.mon', 'target mackerel', 'target', 1, 'monitorcBlock'],
  ['control.mon', 'target mackerel', 'mackerel', 1, 'monitorcTargetKind'],
  ['control.mon', 'record "job:up:sum"', 'record', 1, 'monitorcBlock'],
  ['control.mon', 'record "job:up:sum"', 'expr', 1, 'monitorcField'],
  ['control.mon', 'for role in', 'for', 1, 'monitorcRepeat'],
  ['control.mon', 'for role in', 'role', 1, 'monitorcLoopVar'],
  ['control.mon', 'for role in', 'in', 1, 'monitorcRepeat'],
  ['control.mon', 'for name, path', 'path', 1, 'monitorcLoopVar'],
  ['control.mon', 'if var.env == "prod"', 'if', 1, 'monitorcConditional'],
  ['control.mon', 'if var.env == "prod"', 'var.env', 1, 'monitorcVar'],
  ['control.mon', 'if var.env == "prod"', '==', 1, 'monitorcOperator'],
  ['control.mon', '} else if', 'else', 1, 'monitorcConditional'],
  ['control.mon', '} else if', '&&', 1, 'monitorcOperator'],
  ['control.mon', 'notifier slack', 'notifier', 1, 'monitorcBlockUnknown'],
  ['templates.mon', 'template cpu_high', 'template', 1, 'monitorcKeyword'],
  ['templates.mon', 'template cpu_high', 'cpu_high', 1, 'monitorcTemplateName'],
  ['templates.mon', 'use cpu_high("svc:web"', 'cpu_high', 1, 'monitorcTemplateName'],
  ['expressions.mon', 'concat(', 'concat', 1, 'monitorcBuiltin'],
  ['expressions.mon', 'frobnicate', 'frobnicate', 1, 'monitorcFunction'],
  ['interpolation.mon', 'runbooks#cpu', '#cpu', 1, 'monitorcString'],
  ['interpolation.mon', 'runbooks#cpu', "# '#'", 1, 'monitorcComment'],
  ['interpolation.mon', '//not/a/comment', '//not', 1, 'monitorcString'],
  ['interpolation.mon', '//not/a/comment', '// but', 1, 'monitorcComment'],
  ['interpolation.mon', 'let brace', '"}"', 1, 'monitorcString'],
  ['interpolation.mon', 'let brace', 'b"', 1, 'monitorcString'],
  ['interpolation.mon', 'let brace', '# a', 1, 'monitorcComment'],
  ['interpolation.mon', 'let nested', 'end', 1, 'monitorcString'],
  ['interpolation.mon', 'let escapes', '\\u{1F600}', 1, 'monitorcEscape'],
  ['numbers.mon', 'let durations', '1h30m', 1, 'monitorcDuration'],
  ['numbers.mon', 'let durations', '3000ms', 1, 'monitorcDuration'],
  ['numbers.mon', 'let names', 'm5', 1, 'monitorcName'],
  ['numbers.mon', 'let numbers', '0.5', 1, 'monitorcFloat'],
  ['numbers.mon', 'let numbers', '12', 1, 'monitorcNumber'],
  ['comments.mon', 'warning = 70#no', '#no', 1, 'monitorcComment'],
  ['comments.mon', '}  // after', '//', 1, 'monitorcComment'],
  ['invalid.mon', 'let a = 1;', ';', 1, 'monitorcError'],
  ['invalid.mon', 'let b = "bad', '\\q', 1, 'monitorcBadEscape'],
  ['invalid.mon', 'let c = 1.5h', '1.5h', 1, 'monitorcBadNumber'],
];

/** [line, column] (1-based) of a probe in a snippet, skipping assertion comments. */
function probePosition(file, locator, text, occurrence) {
  const lines = fs.readFileSync(path.join(SNIPPETS, file), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(locator) && !/^\s*#\s*(\^|<-)/.test(l));
  if (index < 0) throw new Error(`${file}: no line holds ${JSON.stringify(locator)}`);
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = lines[index].indexOf(text, at + 1);
    if (at < 0) throw new Error(`${file}:${index + 1}: no ${JSON.stringify(text)} in ${JSON.stringify(lines[index])}`);
  }
  return [index + 1, at + 1];
}

/** Runs probe.vim once over everything and returns its JSON report. */
function runVim() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitorc-vim-'));
  try {
    const files = [...monFiles(SNIPPETS), ...monFiles(EXAMPLES)];
    const probes = PROBES.map(([file, locator, text, occurrence, group]) => {
      const [line, col] = probePosition(file, locator, text, occurrence);
      return { file: path.join(SNIPPETS, file), line, col, text, expect: group };
    });
    const jobPath = path.join(dir, 'job.json');
    const outPath = path.join(dir, 'out.json');
    // The indent sample is edited in place by the probe, so it gets a copy.
    const indentCopy = path.join(dir, 'indent.mon');
    fs.copyFileSync(INDENT_SAMPLE, indentCopy);
    fs.writeFileSync(jobPath, JSON.stringify({ runtime: VIM_RUNTIME, files, probes, indent: [indentCopy] }));
    const res = spawnSync('vim', ['-es', '-u', 'NONE', '-i', 'NONE', '-N',
      '-S', path.join(__dirname, 'vim', 'probe.vim'), '--', jobPath, outPath], {
      encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.ok(fs.existsSync(outPath),
      `vim wrote no report (status ${res.status}, signal ${res.signal}):\n${res.stdout}\n${res.stderr}`);
    const out = JSON.parse(fs.readFileSync(outPath, 'utf8'));
    return { ...out, indentCopy, inputs: files };
  } finally {
    // Kept only on failure would be nicer, but a temp dir per run is cheap to recreate.
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('vim', { skip: HAVE_VIM ? false : 'vim is not installed: Vim syntax smoke test skipped' }, async (t) => {
  const report = runVim();

  await t.test('no Vim error while loading the runtime files', () => {
    assert.equal(report.errmsg, '');
  });

  await t.test('ftdetect and ftplugin', () => {
    for (const file of report.inputs) {
      const f = report.files[file];
      assert.ok(f, `no report for ${file}`);
      assert.equal(f.filetype, 'monitorc', file);
      assert.equal(f.commentstring, '# %s');
      assert.equal(f.shiftwidth, 2);
      assert.equal(f.expandtab, 1);
      assert.match(f.indentexpr, /GetMonitorcIndent/);
    }
  });

  await t.test('syntax groups of sample constructs', () => {
    const wrong = report.probes.filter((p) => p.group !== p.expect)
      .map((p) => `${path.basename(p.file)}:${p.line}:${p.col} ${JSON.stringify(p.text)}: ${p.group || '(none)'}, expected ${p.expect}`);
    assert.equal(wrong.length, 0, wrong.join('\n'));
    assert.equal(report.probes.length, PROBES.length);
  });

  await t.test('every non-blank column has a syntax group, and valid files no error group', () => {
    const problems = [];
    for (const [file, f] of Object.entries(report.files)) {
      const name = path.relative(REPO, file);
      for (const at of f.unscoped) problems.push(`${name}:${at} has no syntax group`);
      if (!path.basename(file).startsWith('invalid')) {
        for (const e of f.errors) problems.push(`${name}:${e}`);
      }
    }
    assert.equal(problems.length, 0, problems.slice(0, 40).join('\n'));
  });

  await t.test('indentation: gg=G restores the sample', () => {
    const expected = fs.readFileSync(INDENT_SAMPLE, 'utf8').replace(/\n$/, '').split('\n');
    const got = report.indent[report.indentCopy];
    assert.deepEqual(got, expected);
  });
});
