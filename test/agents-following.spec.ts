import { getAddress } from 'ethers';
import { insertTrader, WalletClient } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/** Agents following watched wallets over HTTP (issue 14): create, read and change wallet_ids, top N, threshold and weight. */
describe('agents following wallets', () => {
  const gw = useGateway();
  let user: WalletClient;

  beforeAll(async () => {
    user = WalletClient.random(gw.api);
  });

  const watched = async (byte: string) =>
    (await gw.pg.query(`INSERT INTO wallets (address) VALUES ($1) RETURNING id`, [`0x${byte.repeat(20)}`])).rows[0].id as string;
  let n = 0;
  const create = (fields: Record<string, unknown>) =>
    user.http('POST', `${gw.api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: `Follower ${++n}`,
      profit_receiver_address: user.address,
      ...fields,
    });
  const audits = async (id: string) =>
    (await gw.pg.query(`SELECT action, payload FROM audit_logs WHERE entity_id = $1 ORDER BY occurred_at, id`, [id])).rows;

  it('creates an agent following wallets by id and address, and reads them back', async () => {
    const id = await watched('a1');
    const unwatched = getAddress(`0x${'b2'.repeat(20)}`); // checksummed; not watched yet: followed once it is
    const created = await create({
      wallet_ids: [id.toUpperCase(), unwatched, `0x${'a1'.repeat(20)}`, unwatched.toLowerCase()],
      wallet_top_n: 3,
      wallet_bias_threshold: '0.25',
      weights: { x: 0.5, wallets: 0.8 },
    });
    expect(created.status).toBe(201);
    const agent = created.body.agent;
    // lower case, each once, in the order given
    expect(agent).toMatchObject({
      wallet_ids: [id, unwatched.toLowerCase(), `0x${'a1'.repeat(20)}`],
      wallet_top_n: 3,
      wallet_bias_threshold: '0.250',
      weights: { x: 0.5, wallets: 0.8 },
    });
    const read = await user.http('GET', `${gw.api}/api/v3/agents/${agent.id}`);
    expect(read.body.agent).toMatchObject({ wallet_ids: agent.wallet_ids, wallet_top_n: 3, wallet_bias_threshold: '0.250' });

    const plain = await create({ wallet_bias_threshold: 1 });
    expect(plain.status).toBe(201);
    expect(plain.body.agent).toMatchObject({ wallet_ids: null, wallet_top_n: null, wallet_bias_threshold: '1.000' });
  });

  it('refuses bad following fields naming them, and an unknown wallet id', async () => {
    const expect400 = async (fields: Record<string, unknown>, names: string[]) => {
      const res = await create(fields);
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual(names);
    };
    await expect400({ wallet_ids: ['0x123'] }, ['wallet_ids']);
    await expect400({ wallet_ids: '0x' + 'a1'.repeat(20) }, ['wallet_ids']);
    await expect400({ wallet_ids: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'] }, ['wallet_ids']);
    await expect400({ wallet_top_n: 0 }, ['wallet_top_n']);
    await expect400({ wallet_top_n: 101 }, ['wallet_top_n']);
    await expect400({ wallet_top_n: '5' }, ['wallet_top_n']);
    await expect400({ wallet_bias_threshold: 0 }, ['wallet_bias_threshold']);
    await expect400({ wallet_bias_threshold: '1.01' }, ['wallet_bias_threshold']);
    await expect400({ wallet_bias_threshold: '0.3333' }, ['wallet_bias_threshold']);
    await expect400({ weights: { wallets: -1 } }, ['weights']);
    await expect400({ kind: 'llm_trader', llm_model: 'rules:momentum', initial_balance: '1000', wallet_top_n: 5 }, ['wallet_top_n']);
    const unknown = await create({ wallet_ids: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'] });
    expect(unknown.body.message).toEqual(['wallet_ids: no watched wallet has the id(s) 3fa85f64-5717-4562-b3fc-2c963f66afa6']);
    expect((await gw.pg.query(`SELECT count(*)::int AS n FROM agents_v3 WHERE wallet_top_n IN (0, 5, 101)`)).rows[0].n).toBe(0);
  });

  it('changes what a signal agent follows with PATCH, once, audited; clears with null', async () => {
    const id = await watched('c3');
    const agent = (await create({ weights: { x: 1, research: 0 } })).body.agent;
    const patch = (body: Record<string, unknown>) => user.http('PATCH', `${gw.api}/api/v3/agents/${agent.id}`, body);

    const changed = await patch({ wallet_ids: [id], wallet_top_n: 10, wallet_bias_threshold: 0.5, weights: { wallets: 0.7 } });
    expect(changed.status).toBe(200);
    expect(changed.body.agent).toMatchObject({
      wallet_ids: [id],
      wallet_top_n: 10,
      wallet_bias_threshold: '0.500',
      weights: { x: 1, research: 0, wallets: 0.7 }, // merged into the stored weights
    });
    // a repeat changes nothing and writes nothing
    expect((await patch({ wallet_ids: [id], wallet_bias_threshold: '0.500', weights: { wallets: 0.7 } })).status).toBe(200);
    const cleared = await patch({ wallet_top_n: null, wallet_bias_threshold: null, wallet_ids: [] });
    expect(cleared.body.agent).toMatchObject({ wallet_ids: [], wallet_top_n: null, wallet_bias_threshold: null });
    const logged = (await audits(agent.id)).filter((a) => a.action === 'v3.agent.following');
    expect(logged.map((a) => a.payload.changed)).toEqual([
      ['wallet_ids', 'wallet_top_n', 'wallet_bias_threshold', 'weights'],
      ['wallet_ids', 'wallet_top_n', 'wallet_bias_threshold'],
    ]);

    const refused = await patch({ max_leverage: 3, wallet_top_n: 2 });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual(['max_leverage']);
    expect((await patch({ wallet_top_n: 0 })).body.fields).toEqual(['wallet_top_n']);
    expect((await patch({ wallet_ids: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'] })).body.fields).toEqual(['wallet_ids']);
    const stranger = WalletClient.random(gw.api);
    expect((await stranger.http('PATCH', `${gw.api}/api/v3/agents/${agent.id}`, { wallet_top_n: 2 })).status).toBe(403);
  });

  it('refuses a signal agent field on an llm_trader, naming it', async () => {
    const trader = await insertTrader(gw.pg); // created by TEST_WALLET
    const res = await new WalletClient(gw.api).http('PATCH', `${gw.api}/api/v3/agents/${trader.agentId}`, {
      wallet_ids: [`0x${'d4'.repeat(20)}`],
      max_leverage: 3,
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual(['wallet_ids']);
    expect(res.body.message).toEqual(['wallet_ids: only for kind signal (kind is llm_trader)']);
  });
});
