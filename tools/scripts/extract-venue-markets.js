#!/usr/bin/env node
// Regenerates migrations/data/venue-markets.json from the recorded venue listings in ../shared/vectors:
// Hyperliquid's `meta` universe and `allMids` (Python SDK recordings) and Ostium's pair lists.
// Usage: node tools/scripts/extract-venue-markets.js [path-to-vectors]
const fs = require('fs');
const path = require('path');

const vectors = process.argv[2] ?? path.join(__dirname, '..', '..', '..', 'shared', 'vectors');
const cassettes = JSON.parse(fs.readFileSync(path.join(vectors, 'hyperliquid_api', 'pysdk_info_cassettes.json'), 'utf8')).cassettes;
const ostium = JSON.parse(fs.readFileSync(path.join(vectors, 'ostium.json'), 'utf8'));

const meta = cassettes.test_get_info[0];
const mids = cassettes.test_get_all_mids[0].response_body;
const markets = meta.response_body.universe.map((u, index) => ({
  venue: 'HYPERLIQUID',
  token_symbol: u.name,
  market_name: `${u.name}-USD`,
  market_index: index,
  max_leverage: Number(u.maxLeverage),
  min_position: '10',
  current_price: mids[u.name] ?? null,
  metadata: { szDecimals: Number(u.szDecimals), source: `hyperliquid-python-sdk info recording, meta ${meta.recorded_date}` },
}));

const maxLev = ostium.pairs.max_leverage_third_party_unverified.by_id;
const seen = new Set();
for (const group of ['official_as_of_2025_05', 'later_additions_third_party']) {
  for (const p of ostium.pairs[group].pairs) {
    // USD-JPY, USD-CAD, USD-MXN quote the foreign currency: list them under it.
    const symbol = p.from === 'USD' ? p.to : p.from;
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    markets.push({
      venue: 'OSTIUM',
      token_symbol: symbol,
      market_name: p.symbol,
      market_index: p.id,
      max_leverage: maxLev[String(p.id)] ?? null,
      min_position: '5',
      current_price: null,
      metadata: {
        category: p.category,
        description: p.description,
        inverse: p.from === 'USD',
        szDecimals: 6,
        source: `ostium.json pairs.${group}`,
      },
    });
  }
}
const out = path.join(__dirname, '..', '..', 'migrations', 'data', 'venue-markets.json');
fs.writeFileSync(out, JSON.stringify(markets, null, 1) + '\n');
console.log(`wrote ${markets.length} markets to migrations/data/venue-markets.json`);
