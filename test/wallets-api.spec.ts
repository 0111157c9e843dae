import { getAddress } from 'ethers';
import { http } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/** The smart-money watchlist over HTTP (seed 003): operators add and change wallets, anyone reads them with their scores. */
describe('wallets API', () => {
  const gw = useGateway();

  const address = (byte: string) => `0x${byte.repeat(20)}`;
  const audits = async (id: string) =>
    (await gw.pg.query(`SELECT action FROM audit_logs WHERE entity_id = $1 ORDER BY occurred_at, id`, [id])).rows.map((r) => r.action);

  it('watches a wallet once, by an operator, stored lower case', async () => {
    expect((await http('POST', `${gw.api}/api/v3/wallets`, { address: address('ab') })).status).toBe(401);
    const checksummed = getAddress(address('ab'));
    const created = await http('POST', `${gw.api}/api/v3/wallets`, { address: checksummed, label: 'Whale', tags: ['whale'] }, gw.admin);
    expect(created.status).toBe(201);
    expect(created.body.wallet).toMatchObject({ address: address('ab'), label: 'Whale', tags: ['whale'], is_active: true });
    const again = await http('POST', `${gw.api}/api/v3/wallets`, { address: address('ab') }, gw.admin);
    expect(again.status).toBe(409);
    expect(again.body.fields).toEqual(['address']);
    expect(await audits(created.body.wallet.id)).toEqual(['v3.wallet.watched']);
  });

  it('lists wallets by their latest credibility, filtered by activity and tag', async () => {
    const ids: Record<string, string> = {};
    for (const [byte, tags] of [
      ['01', ['whale']],
      ['02', ['whale', 'btc']],
      ['03', []],
    ] as const) {
      ids[byte] = (await http('POST', `${gw.api}/api/v3/wallets`, { address: address(byte), tags }, gw.admin)).body.wallet.id;
    }
    const score = (id: string, at: string, c4: string, c24: string, equity: string) =>
      gw.pg.query(
        `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_4h, credibility_24h, equity_usd) VALUES ($1, $2, $3, $4, $5)`,
        [id, at, c4, c24, equity],
      );
    await score(ids['01'], '2026-12-05T08:00:00Z', '9.0', '2.0', '500');
    await score(ids['01'], '2026-12-05T10:00:00Z', '4.5', '3.0', '1500'); // the latest counts
    await score(ids['02'], '2026-12-05T10:00:00Z', '7.0', '8.0', '250000');
    const order = async (query: string) =>
      (await http('GET', `${gw.api}/api/v3/wallets?${query}`)).body.wallets.map((w: { address: string }) => w.address.slice(2, 4));
    expect(await order('tag=whale')).toEqual(['02', '01', 'ab']); // 'ab' (whale, from the first case) has no score yet
    expect(await order('tag=whale&sort=credibility_24h')).toEqual(['02', '01', 'ab']);
    expect(await order('sort=equity_usd')).toEqual(['02', '01', 'ab', '03']); // unscored last, oldest first
    const top = (await http('GET', `${gw.api}/api/v3/wallets?tag=btc`)).body.wallets[0];
    expect(top).toMatchObject({ credibility_4h: '7.0', credibility_24h: '8.0', equity_usd: '250000.00' });

    const off = await http('PATCH', `${gw.api}/api/v3/wallets/${ids['03']}`, { is_active: false }, gw.admin);
    expect(off.status).toBe(200);
    expect(await order('active=false')).toEqual(['03']);
    expect(await order('active=true')).not.toContain('03');
    expect((await http('PATCH', `${gw.api}/api/v3/wallets/${ids['03']}`, { is_active: false }, gw.admin)).status).toBe(200);
    expect(await audits(ids['03'])).toEqual(['v3.wallet.watched', 'v3.wallet.updated']); // the repeat wrote nothing
  });

  it("shows a wallet's open positions from its last event per asset, and its events newest first", async () => {
    const id = (await http('POST', `${gw.api}/api/v3/wallets`, { address: address('cd') }, gw.admin)).body.wallet.id;
    const event = (fill: string, at: string, type: string, asset: string, after: string) =>
      gw.pg.query(
        `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, amount, position_after)
         VALUES ($2, $1, $3, $4, $5, $6, 1, $7)`,
        [id, at, `0x${'ee'.repeat(32)}`, fill, type, asset, after],
      );
    await event('1', '2026-12-05T09:00:00Z', 'open', 'ETH', '2.5');
    await event('2', '2026-12-05T09:05:00Z', 'open', 'BTC', '0.1');
    await event('3', '2026-12-05T09:10:00Z', 'close', 'BTC', '0');
    await event('4', '2026-12-05T09:20:00Z', 'add', 'ETH', '4');
    const shown = await http('GET', `${gw.api}/api/v3/wallets/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.positions).toEqual([{ asset: 'ETH', size: '4.0000000000', since: '2026-12-05T09:20:00.000Z' }]);
    expect(shown.body.events.map((e: { fill_id: string }) => e.fill_id)).toEqual(['4', '3', '2', '1']);
    const btc = await http('GET', `${gw.api}/api/v3/wallets/${id}/events?asset=BTC&event_type=close`);
    expect(btc.body.events.map((e: { fill_id: string }) => e.fill_id)).toEqual(['3']);
    expect((await http('GET', `${gw.api}/api/v3/wallets/3fa85f64-5717-4562-b3fc-2c963f66afa6/events`)).status).toBe(404);
  });
});
