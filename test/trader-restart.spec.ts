import { ChildProcess } from 'child_process';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { traderDecisionId, traderSignalId } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  cleanupRedis,
  createTestDatabase,
  exited,
  insertAgent,
  OpenAiServer,
  freePort,
  startOpenAiServer,
  startServiceProcess,
  TestDatabase,
  testEnv,
  testQueues,
  traderReplies,
  waitFor,
  waitForJob,
  waitHealthy,
} from '@conduit/testing';

/**
 * An llm_trader's slot survives its signal service being killed while the model is answering: the cycle job comes
 * back to the restarted service, asks again, and the slot ends in one decision and one signal.
 */
describe('an llm_trader cycle across a kill -9 of the signal service', () => {
  let db: TestDatabase;
  let env: Env;
  let pg: Client;
  let llm: OpenAiServer;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    llm = await startOpenAiServer({ apiKey: 'sk-restart' });
    db = await createTestDatabase();
    env = testEnv(db, { LLM_BASE_URL: `${llm.url}/v1`, LLM_API_KEY: llm.apiKey, LLM_TIMEOUT_MS: '20000' });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await pg?.end();
    await cleanupRedis(env);
    await db?.drop();
    await llm?.close();
  });

  const start = async () => {
    const port = await freePort(); // the OS's free port, not a random guess that another socket may hold
    const child = startServiceProcess('signal', env, port);
    children.push(child);
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${child.output()}`);
    });
    return child;
  };

  it('records the slot once: one decision, one signal, one token usage row', async () => {
    const agentId = await insertAgent(pg, { kind: 'llm_trader', name: 'Restart Trader' });
    await pg.query(
      `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance, coins)
       VALUES ($1, 'e2e-trader', 'paper', 10000, '{ETH}')`,
      [agentId],
    );
    await pg.query(
      `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, status, book, paper_equity_usd)
       VALUES ($1, '0x' || repeat('ab', 20), 'ACTIVE', TRUE, 10000)`,
      [agentId],
    );
    await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`);
    const open = traderReplies.open('ETH', 'LONG', { sizeUsd: 1000, leverage: 2 });
    // The first answer comes too late for the first service; the restarted one is answered at once.
    llm.enqueue({ kind: 'slow', delayMs: 60_000, then: open }, open);

    const first = await start();
    const queues = testQueues(env);
    const slot = 'every-300-6000000';
    const id = jobId(JobName.SignalTraderCycle, agentId, slot);
    try {
      await queues[QueueName.Signal].add(JobName.SignalTraderCycle, { agentId, slot }, { jobId: id });
      await waitFor('the model to be asked', async () => llm.requests.length === 1 || null);
      first.kill('SIGKILL');
      await exited(first);

      await start();
      const done = await waitForJob(queues[QueueName.Signal], id, ['completed', 'failed'], 60_000);
      expect(done.state).toBe('completed');
    } finally {
      await queues.close();
    }
    expect(llm.requests).toHaveLength(2);
    const decisionId = traderDecisionId(agentId, slot);
    const decisions = (await pg.query(`SELECT id, status, action, signal_id FROM agent_decisions WHERE agent_id = $1`, [agentId])).rows;
    expect(decisions).toEqual([{ id: decisionId, status: 'success', action: 'OPEN_LONG', signal_id: traderSignalId(decisionId) }]);
    const signals = (await pg.query(`SELECT id, side, token_symbol FROM signals_v3 WHERE agent_id = $1`, [agentId])).rows;
    expect(signals).toEqual([{ id: traderSignalId(decisionId), side: 'LONG', token_symbol: 'ETH' }]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM llm_token_usage WHERE decision_id = $1`, [decisionId])).rows[0].n).toBe(1);
  });
});
