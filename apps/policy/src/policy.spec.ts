import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, ManualClock, useServiceHarness, waitForJob } from '@conduit/testing';
import { PolicyAppModule } from './app.module';

describe('policy service (Agent How) on real Postgres and Redis', () => {
  // Agent How reads the time from the clock: the tests set it, so a run at 00:00 UTC reads the same as one at noon.
  const clock = new ManualClock('2026-06-15T00:05:00.000Z');
  const h = useServiceHarness((env) => PolicyAppModule.forRoot(env), {}, { clock });
  const ago = (ms: number) => new Date(clock.now().getTime() - ms);

  const signal = async (agentId: string) =>
    (
      await h.pg.query(
        `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG',
          '{"type":"percentage","value":10}', '{"type":"none"}') RETURNING id`,
        [agentId],
      )
    ).rows[0].id as string;
  const evaluate = async (signalId: string, again = false) => {
    const id = jobId(JobName.PolicyEvaluate, signalId);
    if (again) await h.queues[QueueName.Policy].remove(id);
    await h.queues[QueueName.Policy].add(JobName.PolicyEvaluate, { signalId }, { jobId: id });
    return waitForJob(h.queues[QueueName.Policy], id);
  };
  const outcomes = async (signalId: string) =>
    (await h.pg.query(`SELECT deployment_id, outcome, stage, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).rows;

  it('approves ACTIVE deployments in trial or subscription and records each skip with its reason', async () => {
    const agentId = await insertAgent(h.pg);
    const trial = await insertDeployment(h.pg, agentId, { sub_active: false, trial_ends_at: ago(-86_400_000) });
    const paid = await insertDeployment(h.pg, agentId);
    const paused = await insertDeployment(h.pg, agentId, { status: 'PAUSED' });
    const lapsed = await insertDeployment(h.pg, agentId, { sub_active: false, trial_ends_at: ago(1000) });
    const signalId = await signal(agentId);

    const job = await evaluate(signalId);
    expect(job.state).toBe('completed');
    expect(job.returnvalue).toEqual({ approved: 2, skipped: 2 });
    const byDeployment = Object.fromEntries((await outcomes(signalId)).map((o) => [o.deployment_id, o]));
    expect(byDeployment[trial]).toMatchObject({ outcome: 'PENDING', reason: null });
    expect(byDeployment[paid]).toMatchObject({ outcome: 'PENDING' });
    expect(byDeployment[paused]).toMatchObject({ outcome: 'SKIPPED', stage: 'policy', reason: 'deployment is PAUSED' });
    expect(byDeployment[lapsed]).toMatchObject({ outcome: 'SKIPPED', reason: 'subscription inactive and no trial running' });
    expect(await h.queues[QueueName.Router].getJob(jobId(JobName.RouterRoute, signalId))).toBeDefined();

    // a retry changes nothing
    await evaluate(signalId, true);
    expect(await outcomes(signalId)).toHaveLength(4);
  });

  it('skips the signal with a reason when no deployment may trade, and does not route it', async () => {
    const agentId = await insertAgent(h.pg);
    await insertDeployment(h.pg, agentId, { status: 'STOPPED' });
    const signalId = await signal(agentId);
    await evaluate(signalId);
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toEqual({ status: 'SKIPPED', skipped_reason: 'no deployment passed the policy' });
    expect(await h.queues[QueueName.Router].getJob(jobId(JobName.RouterRoute, signalId))).toBeUndefined();
  });

  it('skips a signal of an agent with no deployments', async () => {
    const signalId = await signal(await insertAgent(h.pg));
    await evaluate(signalId);
    const { rows } = await h.pg.query(`SELECT status, skipped_reason FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(rows[0]).toEqual({ status: 'SKIPPED', skipped_reason: 'agent has no deployments' });
  });

  describe('per-deployment policies', () => {
    const ethSignal = async (agentId: string, confidence = 0.8, size = '{"type":"percentage","value":20,"leverage":5}') =>
      (
        await h.pg.query(
          `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, confidence) VALUES ($1, 'ETH', 'LONG', $2,
            '{"type":"none"}', $3) RETURNING id`,
          [agentId, size, confidence],
        )
      ).rows[0].id as string;
    const decisions = async (signalId: string) =>
      Object.fromEntries(
        (await h.pg.query(`SELECT * FROM policy_decisions WHERE signal_id = $1`, [signalId])).rows.map((r) => [r.deployment_id, r]),
      );
    /** A closed position of the deployment with this PnL, closed `minutesAgo` minutes ago. */
    const closed = async (agentId: string, deploymentId: string, pnl: string, minutesAgo = 1) => {
      const s = await ethSignal(agentId);
      await h.pg.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, status, pnl, closed_at)
         VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', 1, 2000, 'CLOSED', $3, $4)`,
        [deploymentId, s, pnl, ago(minutesAgo * 60_000)],
      );
    };

    it('applies the agent limits, then the subscriber policy, and records every decision with its reason', async () => {
      const agentId = await insertAgent(h.pg, { policy: { max_leverage: 3, denied_tokens: ['DOGE'] } });
      const plain = await insertDeployment(h.pg, agentId);
      const careful = await insertDeployment(h.pg, agentId, {
        policy: { risk_tolerance: 'LOW', max_position_pct: 5, enabled_venues: ['OSTIUM'] },
      });
      const killed = await insertDeployment(h.pg, agentId, { policy: { kill_switch: true } });
      const btcOnly = await insertDeployment(h.pg, agentId, { policy: { allowed_tokens: ['BTC'] } });
      const picky = await insertDeployment(h.pg, agentId, { policy: { min_confidence: 0.9 } });
      const full = await insertDeployment(h.pg, agentId, { policy: { max_open_positions: 1 } });
      await h.pg.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, status) VALUES ($1, $2,
          'HYPERLIQUID', 'ETH', 'LONG', 1, 2000, 'OPEN')`,
        [full, await ethSignal(agentId)],
      );
      const signalId = await ethSignal(agentId);
      expect((await evaluate(signalId)).returnvalue).toEqual({ approved: 2, skipped: 4 });

      const d = await decisions(signalId);
      expect(d[plain]).toMatchObject({
        decision: 'TRADE',
        code: 'TRADE',
        leverage: 3,
        venues: null,
        size_model: { type: 'percentage', value: '20', leverage: 3 },
      });
      expect(d[plain].reason).toBe('trade 20% of equity at 3x (leverage 5x capped at 3x)');
      expect(d[plain].effective_policy).toEqual({ max_leverage: 3, denied_tokens: ['DOGE'] });
      expect(d[careful]).toMatchObject({
        decision: 'TRADE',
        leverage: 2,
        venues: ['OSTIUM'],
        size_model: { type: 'percentage', value: '5', leverage: 2 },
      });
      expect(d[killed]).toMatchObject({ decision: 'SKIP', code: 'KILL_SWITCH', reason: 'kill switch is on: no new entries' });
      expect(d[btcOnly]).toMatchObject({ decision: 'SKIP', code: 'TOKEN_NOT_ALLOWED' });
      expect(d[picky]).toMatchObject({ decision: 'SKIP', code: 'LOW_CONFIDENCE', reason: 'confidence 0.8 below the minimum 0.9' });
      expect(d[full]).toMatchObject({
        decision: 'SKIP',
        code: 'MAX_OPEN_POSITIONS',
        inputs: expect.objectContaining({ open_positions: 1 }),
      });

      const byDeployment = Object.fromEntries((await outcomes(signalId)).map((o) => [o.deployment_id, o]));
      expect(byDeployment[plain]).toMatchObject({ outcome: 'PENDING' });
      expect(byDeployment[killed]).toMatchObject({ outcome: 'SKIPPED', stage: 'policy', reason: 'kill switch is on: no new entries' });

      // the agent's deny list binds every subscriber
      const doge = (
        await h.pg.query(
          `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'DOGE', 'LONG',
            '{"type":"percentage","value":5}', '{"type":"none"}') RETURNING id`,
          [agentId],
        )
      ).rows[0].id;
      expect((await evaluate(doge)).returnvalue).toEqual({ approved: 0, skipped: 6 });
      expect(Object.values(await decisions(doge)).every((r: any) => r.code === 'TOKEN_DENIED' || r.code === 'KILL_SWITCH')).toBe(true);
    });

    it('halts a deployment for the day at its daily loss limit and cools it down after consecutive losses', async () => {
      const agentId = await insertAgent(h.pg);
      const daily = await insertDeployment(h.pg, agentId, { policy: { max_daily_loss_usd: '100' } });
      const streak = await insertDeployment(h.pg, agentId, { policy: { cooldown: { after_losses: 2, minutes: 60 } } });
      const yesterday = await insertDeployment(h.pg, agentId, { policy: { max_daily_loss_usd: '100' } });
      await closed(agentId, daily, '-60');
      await closed(agentId, daily, '-45.5');
      await closed(agentId, streak, '10', 30);
      await closed(agentId, streak, '-1', 20);
      await closed(agentId, streak, '-2', 10);
      // the clock reads 00:05 UTC: losses a minute ago count toward today, a big one a minute before 00:00 does not
      await closed(agentId, yesterday, '-500', 6);

      const signalId = await ethSignal(agentId);
      await evaluate(signalId);
      const d = await decisions(signalId);
      expect(d[daily]).toMatchObject({ code: 'DAILY_LOSS_LIMIT' });
      expect(d[daily].reason).toMatch(/^daily loss limit reached: -105\.50 USD realized today, limit -100\.00 USD/);
      expect(d[streak]).toMatchObject({ code: 'COOLDOWN' });
      expect(d[streak].reason).toMatch(/^cooldown after 2 consecutive losses until /);
      expect(d[yesterday]).toMatchObject({ decision: 'TRADE' });
    });
  });
});
