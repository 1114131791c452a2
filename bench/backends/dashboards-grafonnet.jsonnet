// The grafonnet peer of bench/backends/run.py's dashboard row: the same 100 dashboards x 10
// panels `monitorc build` writes, built with grafonnet's own constructors (dashboard.new,
// panel.timeSeries/stat, query.prometheus, gridPos, units). grafonnet is not part of this
// repository; run.py takes its location (a jsonnet-bundler vendor folder) with --grafonnet and
// passes it to jsonnet as -J:
//   jsonnet -J VENDOR -m OUTDIR --ext-code dashboards=100 --ext-code panels=10 dashboards-grafonnet.jsonnet
// Where grafonnet has no setter (graphTooltip's default 0) a literal mixin sets the field.
// grafonnet adds `pluginVersion` to every panel, which monitorc does not write; run.py compares
// the fields monitorc writes and names the extra ones.
local g = import 'github.com/grafana/grafonnet/gen/grafonnet-latest/main.libsonnet';

local nDashboards = std.extVar('dashboards');
local nPanels = std.extVar('panels');
local dashboard = g.dashboard, timeSeries = g.panel.timeSeries, stat = g.panel.stat, prometheus = g.query.prometheus;

local expr(j) = 'sum by (instance) (rate(http_requests_total{job="job%d"}[5m]))' % j;

local graphPanel(j, x, y) =
  timeSeries.new('Panel %d' % j)
  + timeSeries.panelOptions.withGridPos(h=6, w=12, x=x, y=y)
  + timeSeries.queryOptions.withDatasource('prometheus', 'prom')
  + timeSeries.queryOptions.withTargets([
    prometheus.new('prom', expr(j)) + prometheus.withRefId('A') + prometheus.withLegendFormat('{{instance}}'),
  ])
  + timeSeries.standardOptions.withUnit('reqps')
  + timeSeries.standardOptions.withOverrides([])
  + timeSeries.options.legend.withDisplayMode('list')
  + timeSeries.options.legend.withPlacement('bottom')
  + timeSeries.options.legend.withShowLegend(true)
  + timeSeries.options.legend.withCalcs([])
  + timeSeries.options.tooltip.withMode('single')
  + timeSeries.options.tooltip.withSort('none');

local valuePanel(j, x, y) =
  stat.new('Panel %d' % j)
  + stat.panelOptions.withGridPos(h=6, w=12, x=x, y=y)
  + stat.queryOptions.withDatasource('prometheus', 'prom')
  + stat.queryOptions.withTargets([prometheus.new('prom', expr(j)) + prometheus.withRefId('A')])
  + stat.standardOptions.withUnit('suffix:req/s')
  + stat.standardOptions.withDecimals(2)
  + stat.standardOptions.withOverrides([])
  + stat.options.reduceOptions.withCalcs(['lastNotNull'])
  + stat.options.reduceOptions.withFields('')
  + stat.options.reduceOptions.withValues(false)
  + stat.options.withGraphMode('none')
  + stat.options.withColorMode('value')
  + stat.options.withJustifyMode('auto')
  + stat.options.withTextMode('auto')
  + stat.options.withWideLayout(true)
  + stat.options.withShowPercentChange(false)
  + stat.options.withPercentChangeColorMode('standard')
  + stat.options.withOrientation('auto');

// Two panels a row, 12 columns wide and 6 rows high: graphs left, stats right.
local panelAt(j) =
  local x = (j % 2) * 12, y = std.floor(j / 2) * 6;
  if j % 2 == 0 then graphPanel(j, x, y) else valuePanel(j, x, y);

local dashboardAt(i) =
  dashboard.new('Bench dashboard %d' % i)
  + dashboard.withUid('bench-d%d' % i)
  + dashboard.withDescription('generated')
  + dashboard.withTags(['monitorc'])
  + dashboard.withTimezone('browser')
  + dashboard.withEditable(true)
  + { graphTooltip: 0 }
  + dashboard.withSchemaVersion(41)
  + dashboard.withRefresh('1m')
  + dashboard.withVariables([])
  + dashboard.withAnnotations([])
  // withPanels numbers the panels 1, 2, ... in order, as monitorc does.
  + dashboard.withPanels([panelAt(j) for j in std.range(0, nPanels - 1)]);

{ ['bench-d%d.json' % i]: dashboardAt(i) for i in std.range(0, nDashboards - 1) }
