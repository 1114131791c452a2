// The peer of bench/backends/run.py's dashboard row: plain Jsonnet writing the same Grafana
// dashboards `monitorc build` writes for the source run.py generates (same uids, panels,
// queries, units and layout), in the style of a grafonnet setup: small constructor functions
// composed per panel. run.py checks that both outputs are equal as JSON before timing them.
//   jsonnet -m OUTDIR --ext-code dashboards=100 --ext-code panels=10 dashboards.jsonnet
local nDashboards = std.extVar('dashboards');
local nPanels = std.extVar('panels');
local datasource = { type: 'prometheus', uid: 'prom' };

local query(expr, legend=null) =
  { refId: 'A', datasource: datasource, expr: expr }
  + (if legend == null then {} else { legendFormat: legend });

local panel(id, type, title, x, y, w, h) = {
  id: id,
  type: type,
  title: title,
  gridPos: { x: x, y: y, w: w, h: h },
  datasource: datasource,
};

local timeseries(id, title, x, y, w, h, expr, legend, unit) =
  panel(id, 'timeseries', title, x, y, w, h) {
    targets: [query(expr, legend)],
    fieldConfig: { defaults: { unit: unit }, overrides: [] },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'single', sort: 'none' },
    },
  };

local stat(id, title, x, y, w, h, expr, decimals, suffix) =
  panel(id, 'stat', title, x, y, w, h) {
    targets: [query(expr)],
    fieldConfig: { defaults: { unit: 'suffix:' + suffix, decimals: decimals }, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      graphMode: 'none',
      colorMode: 'value',
      justifyMode: 'auto',
      textMode: 'auto',
      wideLayout: true,
      showPercentChange: false,
      percentChangeColorMode: 'standard',
      orientation: 'auto',
    },
  };

local expr(j) = 'sum by (instance) (rate(http_requests_total{job="job%d"}[5m]))' % j;

// Two panels a row, 12 columns wide and 6 rows high: graphs left, stats right.
local panelAt(j) =
  local x = (j % 2) * 12, y = std.floor(j / 2) * 6, title = 'Panel %d' % j;
  if j % 2 == 0 then timeseries(j + 1, title, x, y, 12, 6, expr(j), '{{instance}}', 'reqps')
  else stat(j + 1, title, x, y, 12, 6, expr(j), 2, 'req/s');

local dashboard(i) = {
  uid: 'bench-d%d' % i,
  title: 'Bench dashboard %d' % i,
  description: 'generated',
  tags: ['monitorc'],
  timezone: 'browser',
  editable: true,
  graphTooltip: 0,
  schemaVersion: 41,
  time: { from: 'now-6h', to: 'now' },
  refresh: '1m',
  templating: { list: [] },
  annotations: { list: [] },
  panels: [panelAt(j) for j in std.range(0, nPanels - 1)],
};

{ ['bench-d%d.json' % i]: dashboard(i) for i in std.range(0, nDashboards - 1) }
