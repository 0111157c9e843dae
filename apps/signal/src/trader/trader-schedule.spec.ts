import { scheduledSlot } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, ManualClock, useServiceHarness, waitForJob } from '@conduit/testing';
import { SignalAppModule } from '../app.module';

/**
 * The llm_traders' intervals on real Redis and Postgres, with the clock the test moves: each tick queues one cycle per
 * ACTIVE llm_trader for the slot its interval is in, the ticks of one slot queue it once, and a paused trader none.
 */
describe('trader schedule: one cycle job per agent and slot', () => {
  const clock = new ManualClock(new Date('2026-12-05T10:00:10Z'));
  const h = useServiceHarness((env) => SignalAppModule.forRoot(env), {}, { clock });
  let tick = 0;

  const runTick = async () => {
    const id = `tick-${++tick}`;
    await h.queues[QueueName.Signal].add(JobName.SignalTraderCycles, {}, { jobId: id, attempts: 1 });
    const done = await waitForJob(h.queues[QueueName.Signal], id);
    expect(done.state).toBe('completed');
    return done.returnvalue as { agents: number };
  };
  const cycleJobs = async () =>
    (await h.queues[QueueName.Signal].getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']))
      .filter((j) => j.name === JobName.SignalTraderCycle)
      .map((j) => j.id)
      .sort();
  const trader = async (name: string, status: string, interval: number) => {
    const id = await insertAgent(h.pg, { kind: 'llm_trader', name, status });
    await h.pg.query(
      `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance, cycle_interval_seconds)
       VALUES ($1, 'rules:hold', 'paper', 1000, $2)`,
      [id, interval],
    );
    return id;
  };

  it('queues each ACTIVE trader once per slot of its own interval, and no paused one', async () => {
    const fast = await trader('Fast', 'ACTIVE', 60);
    const slow = await trader('Slow', 'ACTIVE', 3600);
    await trader('Paused', 'PAUSED', 60);
    await insertAgent(h.pg, { name: 'A signal agent' });

    expect(await runTick()).toEqual({ agents: 2 });
    clock.advance(20_000); // same minute, same hour: the same slots
    expect(await runTick()).toEqual({ agents: 2 });
    const first = [
      jobId(JobName.SignalTraderCycle, fast, scheduledSlot(clock.now(), 60)),
      jobId(JobName.SignalTraderCycle, slow, scheduledSlot(clock.now(), 3600)),
    ];
    expect(await cycleJobs()).toEqual([...first].sort());

    clock.advance(60_000); // the next minute: a new slot for the fast one only
    await runTick();
    const next = jobId(JobName.SignalTraderCycle, fast, scheduledSlot(clock.now(), 60));
    expect(await cycleJobs()).toEqual([...first, next].sort());
    expect(scheduledSlot(clock.now(), 60)).toBe(`every-60-${Math.floor(clock.now().getTime() / 60_000)}`);
  });
});
