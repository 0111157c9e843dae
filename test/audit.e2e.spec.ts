import { audit, auditActor, withAuditActor } from '@conduit/db';
import { http, insertAgent, insertDeployment, WalletClient } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/**
 * The audit trail (seed 003's audit_logs): every row names its actor, the client address and user agent of the
 * request, the trace, and for a change the fields before and after; GET /api/v3/admin/audit filters on each.
 */
describe('audit trail', () => {
  const gw = useGateway();
  let user: WalletClient;

  beforeAll(async () => {
    user = WalletClient.random(gw.api);
  });

  const list = async (query: string) => {
    const res = await http('GET', `${gw.api}/api/v3/admin/audit?${query}`, undefined, gw.admin);
    expect(res.status).toBe(200);
    return res.body.entries as any[];
  };

  it('records who, from where, with which trace, and the fields a change moved (never a sealed key)', async () => {
    const agentId = await insertAgent(gw.pg);
    const deploymentId = await insertDeployment(gw.pg, agentId, { user_wallet: user.address });
    const trace = 'audit-trace-0001';
    const killed = await user.http(
      'POST',
      `${gw.api}/api/v3/deployments/${deploymentId}/kill-switch`,
      { enabled: true },
      {
        'user-agent': 'audit-test/1.0',
        'x-request-id': trace,
        ...(await user.authorization()),
      },
    );
    expect(killed.status).toBe(200);
    const paused = await user.http('POST', `${gw.api}/api/v3/deployments/${deploymentId}/pause`, {});
    expect(paused.status).toBe(200);

    const [entry] = await list(`trace_id=${trace}`);
    expect(entry).toMatchObject({
      action: 'v3.deployment.kill_switch',
      entity_type: 'deployment',
      entity_id: deploymentId,
      actor: 'wallet',
      wallet: user.address,
      user_id: null,
      old_value: { kill_switch: false },
      new_value: { kill_switch: true },
      user_agent: 'audit-test/1.0',
      trace_id: trace,
    });
    expect(entry.ip_address).toMatch(/127\.0\.0\.1|::1/);

    // filters: wallet, entity, action, time; newest first
    const mine = await list(`wallet=${user.address}&entity_type=deployment&entity_id=${deploymentId}`);
    expect(mine.map((e) => e.action)).toEqual(['v3.deployment.status', 'v3.deployment.kill_switch']);
    expect(mine[0]).toMatchObject({ old_value: { status: 'ACTIVE' }, new_value: { status: 'PAUSED' } });
    expect(await list(`wallet=${user.address}&action=v3.deployment.status`)).toHaveLength(1);
    expect(await list(`wallet=${user.address}&from=2000-01-01&to=2000-01-02`)).toEqual([]);
    const from = new Date(Date.now() - 60_000).toISOString();
    expect(await list(`wallet=${user.address}&from=${from}`)).toHaveLength(2);
    expect(await list(`wallet=${user.address}&limit=1&offset=1`)).toEqual([mine[1]]);

    // nothing in the trail names a secret
    const all = JSON.stringify((await gw.pg.query(`SELECT old_value, new_value, payload FROM audit_logs`)).rows);
    expect(all).not.toMatch(/encrypted|_iv|_tag|password|secret/i);
  });

  it('records the operator by user id, and what a wallet relabelling changed', async () => {
    const created = await http('POST', `${gw.api}/api/v3/wallets`, { address: `0x${'cd'.repeat(20)}`, label: 'Whale' }, gw.admin);
    expect(created.status).toBe(201);
    const [watched] = await list(`entity_id=${created.body.wallet.id}`);
    expect(watched).toMatchObject({
      action: 'v3.wallet.watched',
      actor: 'operator',
      user_id: expect.any(String),
      wallet: null,
      new_value: { label: 'Whale' },
    });
    const patched = await http('PATCH', `${gw.api}/api/v3/wallets/${created.body.wallet.id}`, { label: 'Orca' }, gw.admin);
    expect(patched.status).toBe(200);
    const [updated] = await list(`entity_id=${created.body.wallet.id}&action=v3.wallet.updated`);
    expect(updated).toMatchObject({ old_value: { label: 'Whale' }, new_value: { label: 'Orca' } });
  });

  it('names the operator an operator session sets, and records a service (no address) outside a request', async () => {
    const { rows: users } = await gw.pg.query(
      `INSERT INTO users (email, password_hash, role) VALUES ('audited-operator@example.com', 'not-a-real-hash', 'operator') RETURNING id`,
    );
    const userId: string = users[0].id;
    await withAuditActor({ ip: '203.0.113.9', userAgent: 'ops', traceId: 'operator-trace-1' }, async () => {
      auditActor().userId = userId; // what the operator session guard does
      await audit(gw.pg, 'v3.test.operator', 'test', null, {});
    });
    await audit(gw.pg, 'v3.test.worker', 'test', null, {});
    const [op] = await list(`user_id=${userId}`);
    expect(op).toMatchObject({ action: 'v3.test.operator', actor: 'operator', ip_address: '203.0.113.9', trace_id: 'operator-trace-1' });
    const [worker] = await list(`action=v3.test.worker`);
    expect(worker).toMatchObject({ actor: 'service', ip_address: null, user_agent: null, wallet: null, user_id: null });
  });

  it('refuses bad filters naming them', async () => {
    const res = await http('GET', `${gw.api}/api/v3/admin/audit?user_id=nope&wallet=0x12&from=yesterday`, undefined, gw.admin);
    expect(res.status).toBe(400);
    expect(res.body.fields.sort()).toEqual(['from', 'user_id', 'wallet']);
  });
});
