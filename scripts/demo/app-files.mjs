// The demo's "orders service": a small but ordinary Node HTTP service (a CSV parser, a report
// generator, an HTTP handler, configuration), written the way people write such code. Each
// commit of the demo history is a version of these files; `version` switches carry the story:
//   refactor: parseOrders' per-row normalisation moves into normalizeRow (cost moves, no change)
//   vipLookup: 'set' (fast) or 'list' (the regression: a linear includes() inside the loop)

export function appFiles(version) {
  const files = {};
  files['.gitignore'] = 'node_modules/\nprofiles/\n';
  files['package.json'] = `${JSON.stringify({ name: 'orders-service', version: `1.${version.minor}.0`, private: true, main: 'src/server.js', scripts: { start: 'node src/server.js', bench: 'node bench/report.js' } }, null, 2)}\n`;
  files['README.md'] = `# orders-service

Serves order reports for the fulfilment team.

- \`GET /report?region=north\` — totals per region, VIP orders, top customers
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

function handleReport(input, config, query) {
  let orders = parseOrders(input.ordersCsv);
  if (query.region) orders = orders.filter((o) => o.region === query.region.toLowerCase());
  const vipIds = parseIdList(input.vipList);
  return { status: 200, body: buildReport(orders, vipIds, config) };
}

function route(input, config, method, url) {
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  if (method !== 'GET') return { status: 405, body: 'method not allowed' };
  if (pathname === '/health') return { status: 200, body: 'ok' };
  if (pathname === '/report') return handleReport(input, config, Object.fromEntries(searchParams));
  return { status: 404, body: 'not found' };
}

module.exports = { route, handleReport };
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
      const { status, body } = route(input, config, req.method, req.url);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
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
