// Type-checks Grafana dashboard JSON files against the Dashboard type of @grafana/schema.
// Usage: node check.mjs [--no-panels] [--no-lint] [--quiet] FILE.json...   (see check.sh / README.md)
//
// For each input a TypeScript module is generated in memory:
//   const dashboard: Json<Dashboard> = <the file's JSON text, verbatim>;
// (or, for an API envelope {dashboard, folderUid, overwrite, message}, the envelope type), plus one
// statement per panel: rows as Json<RowPanel>, `options` and `fieldConfig.defaults.custom` of known
// panel plugins as Loose<Json<Options|FieldConfig>> of that plugin's panelcfg types, and `targets` as
// DataQuery (refId required). tsc (strict) checks it; errors in the dashboard literal are reported
// at the JSON file's own line:column. Non-type "lint" checks (grid bounds, duplicate ids/refIds) are
// reported separately, marked [lint].
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
const ts = require('typescript');
const schemaPkg = require('@grafana/schema/package.json');

const args = process.argv.slice(2);
const opts = { panels: true, lint: true, quiet: false, maxLines: 14 };
const files = [];
for (const a of args) {
  if (a === '--no-panels') opts.panels = false;
  else if (a === '--no-lint') opts.lint = false;
  else if (a === '--quiet') opts.quiet = true;
  else if (a === '--full') opts.maxLines = Infinity;
  else if (a === '-h' || a === '--help') {
    console.log('usage: check.sh [--no-panels] [--no-lint] [--full] [--quiet] FILE.json...');
    process.exit(0);
  } else files.push(a);
}
if (files.length === 0) {
  console.error('usage: check.sh [--no-panels] [--no-lint] [--full] [--quiet] FILE.json...');
  process.exit(2);
}

// panel plugin id -> directory under raw/composable (panelcfg types shipped by @grafana/schema)
const PANEL_DIRS = {
  timeseries: 'timeseries', stat: 'stat', gauge: 'gauge', bargauge: 'bargauge', table: 'table',
  text: 'text', piechart: 'piechart', heatmap: 'heatmap', histogram: 'histogram', logs: 'logs',
  barchart: 'barchart', candlestick: 'candlestick', canvas: 'canvas', geomap: 'geomap',
  'state-timeline': 'statetimeline', 'status-history': 'statushistory', trend: 'trend',
  xychart: 'xychart', dashlist: 'dashboardlist', annolist: 'annotationslist', news: 'news',
  nodeGraph: 'nodegraph',
};
const panelModules = {};   // plugin id -> {spec, hasFieldConfig}
for (const [id, dir] of Object.entries(PANEL_DIRS)) {
  const key = Object.keys(schemaPkg.exports).find((k) => k.includes(`/composable/${dir}/panelcfg/`));
  if (!key) continue;
  const dts = path.join(HERE, 'node_modules/@grafana/schema', schemaPkg.exports[key].types);
  const text = fs.existsSync(dts) ? fs.readFileSync(dts, 'utf8') : '';
  if (!/export interface Options\b/.test(text)) continue;
  panelModules[id] = { spec: '@grafana/schema' + key.slice(1), hasFieldConfig: /export interface FieldConfig\b/.test(text) };
}

const compilerOptions = {
  strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [],
  noUnusedLocals: false, isolatedModules: false,
};

const results = [];   // {file, errors: [string], lint: [string]}
const virtual = new Map();   // virtual path -> {text, file, jsonStartLine, jsonEndLine, regions}

files.forEach((file, idx) => {
  const r = { file, errors: [], lint: [] };
  results.push(r);
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    r.errors.push(`${file}: cannot read: ${e.message}`);
    return;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    r.errors.push(`${file}: invalid JSON: ${e.message}`);
    return;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    r.errors.push(`${file}: top level is not a JSON object`);
    return;
  }
  const envelope = doc.dashboard && typeof doc.dashboard === 'object' && !('schemaVersion' in doc);
  const dash = envelope ? doc.dashboard : doc;
  const where = envelope ? 'dashboard.' : '';

  const imports = new Set(['Dashboard', 'RowPanel', 'DataQuery']);
  const panelLines = [];
  const regions = [];   // [startLine, endLine, label]
  const header = [];
  const body = [];

  const walk = (panels, prefix) => {
    if (!Array.isArray(panels)) return;
    panels.forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      const label = `${where}${prefix}[${i}]`;
      const kind = typeof p.type === 'string' ? p.type : '?';
      const stmts = [];
      if (p.type === 'row') {
        stmts.push([`${label} (row) as RowPanel`, 'Json<RowPanel>', p]);
        walk(p.panels, `${prefix}[${i}].panels`);
      } else {
        const m = panelModules[p.type];
        if (m && p.options !== undefined) {
          stmts.push([`${label}.options (${kind})`, `Loose<Json<O_${safe(p.type)}>>`, p.options]);
        }
        const custom = p.fieldConfig && p.fieldConfig.defaults && p.fieldConfig.defaults.custom;
        if (m && m.hasFieldConfig && custom !== undefined) {
          stmts.push([`${label}.fieldConfig.defaults.custom (${kind})`, `Loose<Json<F_${safe(p.type)}>>`, custom]);
        }
        if (Array.isArray(p.targets)) {
          p.targets.forEach((t, j) => {
            stmts.push([`${label}.targets[${j}]`, 'Json<DataQuery> & Record<string, unknown>', t]);
          });
        }
      }
      for (const [lab, type, value] of stmts) panelLines.push({ lab, type, value });
    });
  };
  if (opts.panels) walk(dash.panels, 'panels');

  header.push(`// generated by tests/grafana_schema/check.mjs from ${file}`);
  header.push(`import type { Dashboard, RowPanel, DataQuery } from '@grafana/schema';`);
  header.push(`import type { Json, Loose } from '${path.join(HERE, 'json').replace(/\\/g, '/')}';`);
  const usedPanels = new Set();
  for (const pl of panelLines) {
    const m = /[OF]_([A-Za-z0-9_]+)/.exec(pl.type);
    if (m) usedPanels.add(m[1]);
  }
  for (const [id, m] of Object.entries(panelModules)) {
    if (!usedPanels.has(safe(id))) continue;
    const names = [`Options as O_${safe(id)}`];
    if (m.hasFieldConfig) names.push(`FieldConfig as F_${safe(id)}`);
    header.push(`import type { ${names.join(', ')} } from '${m.spec}';`);
  }
  const rootType = envelope
    ? '{ dashboard: Json<Dashboard>; folderUid?: string; folderId?: number; overwrite?: boolean; message?: string }'
    : 'Json<Dashboard>';
  header.push(`export const __dashboard: ${rootType} =`);
  const jsonStartLine = header.length;            // 0-based line where the JSON text starts
  const jsonLines = text.split('\n').length;
  const tail = [';'];
  let line = jsonStartLine + jsonLines + 1;
  panelLines.forEach((pl, k) => {
    const s = `export const __p${k}: ${pl.type} = ${JSON.stringify(pl.value)};`;
    regions.push([line, line, pl.lab]);
    tail.push(s);
    line += 1;
  });
  const vpath = path.join(HERE, `__check_${idx}.ts`);
  virtual.set(vpath, {
    text: header.join('\n') + '\n' + text + '\n' + tail.join('\n') + '\n',
    result: r, jsonStartLine, jsonEndLine: jsonStartLine + jsonLines - 1, regions,
  });

  if (opts.lint) r.lint.push(...lint(dash, where));
});

function safe(id) { return id.replace(/[^A-Za-z0-9]/g, '_'); }

function lint(dash, where) {
  const out = [];
  const ids = new Map();
  const visit = (panels, prefix) => {
    if (!Array.isArray(panels)) return;
    panels.forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      const label = `${where}${prefix}[${i}]`;
      if (Number.isInteger(p.id)) {
        if (ids.has(p.id)) out.push(`${label}: duplicate panel id ${p.id} (also ${ids.get(p.id)})`);
        else ids.set(p.id, label);
      }
      const g = p.gridPos;
      if (g && typeof g === 'object') {
        for (const k of ['x', 'y', 'w', 'h']) {
          if (typeof g[k] === 'number' && !Number.isInteger(g[k])) out.push(`${label}.gridPos.${k} = ${g[k]} is not an integer`);
        }
        if (typeof g.w === 'number' && (g.w < 1 || g.w > 24)) out.push(`${label}.gridPos.w = ${g.w}, must be 1..24`);
        if (typeof g.x === 'number' && (g.x < 0 || g.x > 23)) out.push(`${label}.gridPos.x = ${g.x}, must be 0..23`);
        if (typeof g.x === 'number' && typeof g.w === 'number' && g.x + g.w > 24) out.push(`${label}.gridPos x+w = ${g.x + g.w} > 24 columns`);
        if (typeof g.h === 'number' && g.h < 1) out.push(`${label}.gridPos.h = ${g.h}, must be >= 1`);
        if (typeof g.y === 'number' && g.y < 0) out.push(`${label}.gridPos.y = ${g.y}, must be >= 0`);
      }
      if (Array.isArray(p.targets)) {
        const seen = new Set();
        p.targets.forEach((t) => {
          if (t && typeof t.refId === 'string') {
            if (seen.has(t.refId)) out.push(`${label}: duplicate refId "${t.refId}" in targets`);
            seen.add(t.refId);
          }
        });
      }
      if (p.type === 'row') visit(p.panels, `${prefix}[${i}].panels`);
    });
  };
  visit(dash.panels, 'panels');
  if (typeof dash.uid === 'string' && dash.uid.length > 40) out.push(`${where}uid is ${dash.uid.length} characters, max 40`);
  if (typeof dash.title === 'string' && dash.title.trim() === '') out.push(`${where}title is empty (Grafana answers 400 empty-name)`);
  return out;
}

// ---- compile everything in one program
if (virtual.size > 0) {
  const host = ts.createCompilerHost(compilerOptions, true);
  const origGet = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onErr, create) => {
    const v = virtual.get(path.resolve(name));
    if (v) return ts.createSourceFile(name, v.text, lang, true, ts.ScriptKind.TS);
    return origGet(name, lang, onErr, create);
  };
  const origExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(path.resolve(name)) || origExists(name);
  const origRead = host.readFile.bind(host);
  host.readFile = (name) => (virtual.has(path.resolve(name)) ? virtual.get(path.resolve(name)).text : origRead(name));

  const program = ts.createProgram([...virtual.keys()], compilerOptions, host);
  const diags = ts.getPreEmitDiagnostics(program);
  for (const d of diags) {
    const msgText = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const v = d.file && virtual.get(path.resolve(d.file.fileName));
    if (!v) {   // a problem outside the generated files (setup): report against every file
      for (const r of results) r.errors.push(`setup: ${msgText}`);
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    let loc;
    if (line >= v.jsonStartLine && line <= v.jsonEndLine) {
      loc = `${v.result.file}:${line - v.jsonStartLine + 1}:${character + 1}`;
    } else if (line === v.jsonStartLine - 1) {   // the declaration: an error about the whole object
      loc = `${v.result.file}:1:1 (top-level object)`;
    } else {
      const reg = v.regions.find(([a, b]) => line >= a && line <= b);
      loc = reg ? `${v.result.file}: ${reg[2]}` : `${v.result.file}: (generated line ${line + 1})`;
    }
    const lines = msgText.split('\n').map((l) => (opts.maxLines !== Infinity && l.length > 400 ? l.slice(0, 400) + ' ...' : l));
    const shown = lines.length > opts.maxLines
      ? [...lines.slice(0, opts.maxLines), `... (${lines.length - opts.maxLines} more lines; --full shows all)`]
      : lines;
    v.result.errors.push(`${loc}: error TS${d.code}: ${shown.join('\n    ')}`);
  }
}

let bad = 0;
for (const r of results) {
  const n = r.errors.length + r.lint.length;
  if (n > 0) bad += 1;
  if (n === 0) {
    if (!opts.quiet) console.log(`OK   ${r.file}`);
    continue;
  }
  console.log(`FAIL ${r.file}: ${r.errors.length} type error(s), ${r.lint.length} lint error(s)`);
  for (const e of r.errors) console.log(`  ${e}`);
  for (const e of r.lint) console.log(`  [lint] ${r.file}: ${e}`);
}
if (!opts.quiet || bad) {
  console.log(`checked against @grafana/schema ${schemaPkg.version} with typescript ${ts.version}`);
  console.log(`${results.length - bad} passed, ${bad} failed`);
}
process.exit(bad ? 1 : 0);
