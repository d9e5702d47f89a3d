// The demo's "orders service": a small but ordinary Node HTTP service (a CSV parser, a report
// generator, a CSV export, an order lookup, query validation, a leveled logger, Prometheus
// metrics, an HTTP handler, configuration and tests), written the way people write such code.
// The replayed traffic (workload.js) is reports and health checks, as in production. Each
// commit of the demo history is a version of these files; `version` switches carry the story:
//   refactor: parseOrders' per-row normalisation moves into normalizeRow (cost moves, no change)
//   vipLookup: 'set' (fast) or 'list' (the regression: a linear includes() inside the loop)

export function appFiles(version) {
  const files = {};
  files['.gitignore'] = 'node_modules/\nprofiles/\n';
  files['package.json'] = `${JSON.stringify({ name: 'orders-service', version: `1.${version.minor}.0`, private: true, main: 'src/server.js', scripts: { start: 'node src/server.js', test: 'node --test test/', bench: 'node bench/report.js' } }, null, 2)}\n`;
  files['README.md'] = `# orders-service

Serves order reports for the fulfilment team.

- \`GET /report?region=north\` — totals per region, VIP orders, top customers
- \`GET /export?region=north\` — the orders as CSV
- \`GET /orders/:id\` — one order as JSON
- \`GET /metrics\` — request counts and latencies (Prometheus text format)
- \`GET /health\`

Run \`npm start\`; \`npm run bench\` times one report over the standard dataset.${version.docs ? '\n\nReports are cached for `cacheSeconds` (see src/config.js).\n' : '\n'}`;
  files['src/config.js'] = `'use strict';

const defaults = {
  port: 8080,
  currency: 'USD',
  topCustomers: ${version.topCustomers},
  cacheSeconds: 30,
};

function parseConfig(env) {
  const config = { ...defaults };
  if (env.PORT) config.port = Number(env.PORT);
  if (env.CURRENCY) config.currency = env.CURRENCY.toUpperCase();
  if (env.TOP_CUSTOMERS) config.topCustomers = Math.max(1, Number(env.TOP_CUSTOMERS));
  return config;
}

module.exports = { parseConfig, defaults };
`;
  files['src/parser.js'] = `'use strict';

// Orders arrive as CSV exports: id,customerId,region,cents,items,placedAt
const COLUMNS = ['id', 'customerId', 'region', 'cents', 'items', 'placedAt'];

${version.refactor ? `function normalizeRow(fields) {
  const row = {};
  for (let i = 0; i < COLUMNS.length; i++) row[COLUMNS[i]] = fields[i].trim();
  return {
    id: Number(row.id),
    customerId: Number(row.customerId),
    region: row.region.toLowerCase(),
    cents: Number(row.cents),
    items: Number(row.items),
    placedAt: Date.parse(row.placedAt),
  };
}

function parseOrders(text) {
  const orders = [];
  const lines = text.split('\\n');
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (line === '') continue;
    orders.push(normalizeRow(line.split(',')));
  }
  return orders;
}` : `function parseOrders(text) {
  const orders = [];
  const lines = text.split('\\n');
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (line === '') continue;
    const fields = line.split(',');
    const row = {};
    for (let i = 0; i < COLUMNS.length; i++) row[COLUMNS[i]] = fields[i].trim();
    orders.push({
      id: Number(row.id),
      customerId: Number(row.customerId),
      region: row.region.toLowerCase(),
      cents: Number(row.cents),
      items: Number(row.items),
      placedAt: Date.parse(row.placedAt),
    });
  }
  return orders;
}`}

function parseIdList(text) {
  return text
    .split(/[\\s,]+/)
    .filter(Boolean)
    .map(Number);
}

module.exports = { parseOrders, parseIdList, COLUMNS };
`;
  files['src/report.js'] = `'use strict';

function formatCents(cents, currency) {
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return \`\${currency} \${whole.toLocaleString('en-US')}.\${fraction}\`;
}

// Orders placed by VIP customers get priority handling in the fulfilment export.
function markVipOrders(orders, vipIds) {
${version.vipLookup === 'set' ? `  const vip = new Set(vipIds);
  const vipOrders = [];
  for (const order of orders) {
    if (vip.has(order.customerId)) {
      vipOrders.push(order.id);
    }
  }
  return vipOrders;` : `  const vipOrders = [];
  for (const order of orders) {
    if (vipIds.includes(order.customerId)) {
      vipOrders.push(order.id);
    }
  }
  return vipOrders;`}
}

function totalsByRegion(orders) {
  const totals = new Map();
  for (const order of orders) {
    let entry = totals.get(order.region);
    if (!entry) totals.set(order.region, (entry = { orders: 0, cents: 0, items: 0 }));
    entry.orders += 1;
    entry.cents += order.cents;
    entry.items += order.items;
  }
  return totals;
}

function topCustomers(orders, count) {
  const spend = new Map();
  for (const order of orders) spend.set(order.customerId, (spend.get(order.customerId) ?? 0) + order.cents);
  return [...spend].sort((a, b) => b[1] - a[1]).slice(0, count);
}

function buildReport(orders, vipIds, config) {
  const vip = markVipOrders(orders, vipIds);
  const lines = [\`orders: \${orders.length}\`, \`vip orders: \${vip.length}\`];
  const regions = [...totalsByRegion(orders)].sort((a, b) => a[0].localeCompare(b[0]));
  for (const [region, t] of regions) {
    lines.push(\`\${region.padEnd(6)} \${String(t.orders).padStart(6)} orders \${formatCents(t.cents, config.currency).padStart(18)} \${t.items} items\`);
  }
  lines.push('top customers:');
  for (const [customer, cents] of topCustomers(orders, config.topCustomers)) lines.push(\`  \${customer} \${formatCents(cents, config.currency)}\`);
  return lines.join('\\n');
}

module.exports = { buildReport, markVipOrders, totalsByRegion, topCustomers, formatCents };
`;
  files['src/dataset.js'] = `'use strict';

// A deterministic export, as the nightly job writes it: 40 000 orders, 20 000 customers, a VIP list.
function makeRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function exportCsv({ orders = 40000, customers = 20000, seed = 7 } = {}) {
  const random = makeRandom(seed);
  const regions = ['North', 'South', 'East', 'West'];
  const rows = ['id,customerId,region,cents,items,placedAt'];
  for (let i = 0; i < orders; i++) {
    const customer = 100000 + Math.floor(random() * customers);
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
    rows.push(\`\${i + 1},\${customer},\${regions[customer % 4]},\${500 + Math.floor(random() * 50000)},\${1 + Math.floor(random() * 5)},2026-05-\${day}T10:00:00Z\`);
  }
  const vip = [];
  for (let c = 0; c < customers; c++) if (random() < 0.3) vip.push(100000 + c);
  return { ordersCsv: \`\${rows.join('\\n')}\\n\`, vipList: vip.join(',') };
}

module.exports = { exportCsv };
`;
  files['src/handler.js'] = `'use strict';
const { parseOrders, parseIdList } = require('./parser');
const { buildReport } = require('./report');
const { exportCsv } = require('./export');
const { OrderIndex } = require('./orders');
const { validateReportQuery } = require('./validate');
const { logger } = require('./logger');
const { metrics } = require('./metrics');

function handleReport(input, config, query) {
  const problems = validateReportQuery(query);
  if (problems.length > 0) return { status: 400, body: problems.join('\\n') };
  let orders = parseOrders(input.ordersCsv);
  if (query.region) orders = orders.filter((o) => o.region === query.region.toLowerCase());
  const vipIds = parseIdList(input.vipList);
  logger.debug('report', () => \`\${orders.length} orders, \${vipIds.length} VIP customers\`);
  return { status: 200, body: buildReport(orders, vipIds, config) };
}

// Looking up single orders reuses one index per export; building it parses the whole CSV.
let index;
function orderIndex(input) {
  if (!index || index.source !== input.ordersCsv) index = new OrderIndex(input.ordersCsv, parseOrders(input.ordersCsv));
  return index;
}

function handleOrder(input, id) {
  const order = orderIndex(input).get(Number(id));
  if (!order) return { status: 404, body: \`no order \${id}\` };
  return { status: 200, body: JSON.stringify(order) };
}

function handleExport(input, query) {
  const problems = validateReportQuery(query);
  if (problems.length > 0) return { status: 400, body: problems.join('\\n') };
  let orders = orderIndex(input).all();
  if (query.region) orders = orders.filter((o) => o.region === query.region.toLowerCase());
  return { status: 200, body: exportCsv(orders), type: 'text/csv' };
}

function route(input, config, method, url) {
  const started = process.hrtime.bigint();
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  let response;
  if (method !== 'GET') response = { status: 405, body: 'method not allowed' };
  else if (pathname === '/health') response = { status: 200, body: 'ok' };
  else if (pathname === '/metrics') response = { status: 200, body: metrics.render(), type: 'text/plain; version=0.0.4' };
  else if (pathname === '/report') response = handleReport(input, config, Object.fromEntries(searchParams));
  else if (pathname === '/export') response = handleExport(input, Object.fromEntries(searchParams));
  else if (pathname.startsWith('/orders/')) response = handleOrder(input, pathname.slice('/orders/'.length));
  else response = { status: 404, body: 'not found' };
  metrics.observe(pathname.startsWith('/orders/') ? '/orders/:id' : pathname, response.status, Number(process.hrtime.bigint() - started) / 1e6);
  return response;
}

module.exports = { route, handleReport, handleOrder, handleExport };
`;
  files['src/validate.js'] = `'use strict';

const REGIONS = new Set(['north', 'south', 'east', 'west']);

// Query strings come from people and scripts alike: say what is wrong, all at once.
function validateReportQuery(query) {
  const problems = [];
  for (const key of Object.keys(query)) {
    if (key !== 'region' && key !== 'format') problems.push(\`unknown parameter "\${key}"\`);
  }
  if (query.region !== undefined && !REGIONS.has(String(query.region).toLowerCase())) {
    problems.push(\`region must be one of \${[...REGIONS].join(', ')}, got "\${query.region}"\`);
  }
  if (query.format !== undefined && query.format !== 'text' && query.format !== 'csv') {
    problems.push(\`format must be text or csv, got "\${query.format}"\`);
  }
  return problems;
}

module.exports = { validateReportQuery, REGIONS };
`;
  files['src/export.js'] = `'use strict';

const HEADER = ['id', 'customerId', 'region', 'amount', 'items', 'placedAt'];

// RFC 4180: quote a field that holds a comma, a quote or a line break; double its quotes.
function csvField(value) {
  const text = String(value);
  return /[",\\r\\n]/.test(text) ? \`"\${text.replace(/"/g, '""')}"\` : text;
}

function exportCsv(orders) {
  const lines = [HEADER.join(',')];
  for (const o of orders) {
    lines.push([o.id, o.customerId, o.region, (o.cents / 100).toFixed(2), o.items, new Date(o.placedAt).toISOString()].map(csvField).join(','));
  }
  return \`\${lines.join('\\r\\n')}\\r\\n\`;
}

module.exports = { exportCsv, csvField };
`;
  files['src/orders.js'] = `'use strict';

// Orders by id, for the single-order endpoint; built once per export.
class OrderIndex {
  constructor(source, orders) {
    this.source = source;
    this.orders = orders;
    this.byId = new Map();
    for (const order of orders) this.byId.set(order.id, order);
  }

  get(id) {
    return Number.isInteger(id) ? this.byId.get(id) : undefined;
  }

  all() {
    return this.orders;
  }
}

module.exports = { OrderIndex };
`;
  files['src/logger.js'] = `'use strict';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

// Messages may be functions, so nothing is formatted for a level that is off.
function createLogger(level = process.env.LOG_LEVEL || 'warn', write = (line) => process.stderr.write(\`\${line}\\n\`)) {
  const threshold = LEVELS[level] ?? LEVELS.warn;
  const log = (name) => (event, message) => {
    if (LEVELS[name] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: name, event, message: typeof message === 'function' ? message() : message }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

module.exports = { logger: createLogger(), createLogger, LEVELS };
`;
  files['src/metrics.js'] = `'use strict';

// Request counts and latency buckets per route, in the Prometheus text format.
const BUCKETS_MS = [1, 5, 10, 50, 100, 500, 1000, Infinity];

class Metrics {
  constructor() {
    this.routes = new Map();
  }

  observe(route, status, ms) {
    let entry = this.routes.get(route);
    if (!entry) this.routes.set(route, (entry = { count: 0, errors: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) }));
    entry.count++;
    if (status >= 500) entry.errors++;
    entry.sumMs += ms;
    entry.buckets[BUCKETS_MS.findIndex((b) => ms <= b)]++;
  }

  render() {
    const out = ['# TYPE http_requests_total counter', '# TYPE http_request_duration_ms histogram'];
    for (const [route, e] of this.routes) {
      out.push(\`http_requests_total{route="\${route}"} \${e.count}\`);
      out.push(\`http_request_errors_total{route="\${route}"} \${e.errors}\`);
      let cumulative = 0;
      BUCKETS_MS.forEach((b, i) => {
        cumulative += e.buckets[i];
        out.push(\`http_request_duration_ms_bucket{route="\${route}",le="\${b === Infinity ? '+Inf' : b}"} \${cumulative}\`);
      });
      out.push(\`http_request_duration_ms_sum{route="\${route}"} \${e.sumMs.toFixed(3)}\`);
      out.push(\`http_request_duration_ms_count{route="\${route}"} \${e.count}\`);
    }
    return \`\${out.join('\\n')}\\n\`;
  }
}

module.exports = { metrics: new Metrics(), Metrics };
`;
  files['test/handler.test.js'] = `'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { route } = require('../src/handler');
const { parseConfig } = require('../src/config');
const { csvField } = require('../src/export');

const input = {
  ordersCsv: 'id,customerId,region,cents,items,placedAt\\n1,100001,North,1250,2,2026-05-01T10:00:00Z\\n2,100002,East,990,1,2026-05-02T10:00:00Z\\n',
  vipList: '100002',
};
const config = parseConfig({});

test('reports totals and VIP orders', () => {
  const { status, body } = route(input, config, 'GET', '/report');
  assert.equal(status, 200);
  assert.match(body, /^orders: 2\\nvip orders: 1/);
});

test('rejects an unknown region with the allowed ones', () => {
  const { status, body } = route(input, config, 'GET', '/report?region=mars');
  assert.equal(status, 400);
  assert.match(body, /region must be one of north, south, east, west/);
});

test('finds one order by id, and says when there is none', () => {
  assert.equal(JSON.parse(route(input, config, 'GET', '/orders/2').body).region, 'east');
  assert.equal(route(input, config, 'GET', '/orders/9').status, 404);
});

test('exports CSV with quoted fields where needed', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.match(route(input, config, 'GET', '/export?region=north').body, /^id,customerId,region,amount,items,placedAt\\r\\n1,100001,north,12.50,2,/);
});

test('counts requests per route', () => {
  route(input, config, 'GET', '/health');
  assert.match(route(input, config, 'GET', '/metrics').body, /http_requests_total\\{route="\\/health"\\} \\d+/);
});
`;
  files['src/server.js'] = `'use strict';
const http = require('node:http');
const { parseConfig } = require('./config');
const { exportCsv } = require('./dataset');
const { route } = require('./handler');

const config = parseConfig(process.env);
const input = exportCsv();

if (require.main === module) {
  http
    .createServer((req, res) => {
      const { status, body, type = 'text/plain' } = route(input, config, req.method, req.url);
      res.writeHead(status, { 'content-type': type }).end(body);
    })
    .listen(config.port, '127.0.0.1', () => console.log(\`orders-service on http://127.0.0.1:\${config.port}\`));
}

module.exports = { config, input };
`;
  files['workload.js'] = `'use strict';
// The production traffic mix, replayed in-process: what the profiler samples for each deploy.
const { config, input } = require('./src/server');
const { route } = require('./src/handler');

const paths = ['/report', '/report?region=north', '/health', '/report?region=east'];
const requests = Number(process.env.REQUESTS || 8);
let bytes = 0;
for (let i = 0; i < requests; i++) bytes += route(input, config, 'GET', paths[i % paths.length]).body.length;
console.log(\`served \${requests} requests, \${bytes} bytes\`);
`;
  files['bench/report.js'] = `'use strict';
// One full report over the standard export: the benchmark for performance changes.
const { config, input } = require('../src/server');
const { route } = require('../src/handler');

const { status, body } = route(input, config, 'GET', '/report');
if (status !== 200 || !body.startsWith('orders: 40000')) throw new Error('unexpected report');
`;
  return files;
}
