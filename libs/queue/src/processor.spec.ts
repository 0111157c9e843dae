import type { Job } from 'bullmq';
import { JobName, QueueName } from './contract';
import { JobHandlers, QueueProcessor, ServiceState } from './processor';

/** A policy processor whose one handler the test sets, with a ServiceState that records its ticks. */
class Probe extends QueueProcessor<QueueName.Policy> {
  protected readonly queueName = QueueName.Policy;
  run: () => Promise<unknown> = async () => 'done';
  protected handlers(): JobHandlers<QueueName.Policy> {
    return { [JobName.PolicyEvaluate]: () => this.run() };
  }
  handlerTable() {
    return this.handlers();
  }
}

const SIGNAL = '3f6c1a52-0d5e-4c1b-9a57-1f0e2d3c4b5a';
const job = (repeatJobKey?: string) =>
  ({ name: JobName.PolicyEvaluate, id: 'j1', data: { signalId: SIGNAL }, opts: { attempts: 1 }, attemptsMade: 0, repeatJobKey }) as Job;

describe('QueueProcessor counts scheduled ticks in the service state', () => {
  let processor: Probe;
  let ticks: (string | null)[];
  let state: ServiceState;

  beforeEach(() => {
    ticks = [];
    state = { tick: async (error) => void ticks.push(error) };
    processor = new Probe();
    // What onModuleInit sets up, without a BullMQ worker: the handler table.
    Object.assign(processor, { state, logger: { debug() {}, warn() {}, error() {} }, table: processor.handlerTable() });
  });

  it("counts a job scheduler's tick once, with null when it succeeded and the error when it failed", async () => {
    await expect(processor.process(job('position-monitor'))).resolves.toBe('done');
    processor.run = async () => {
      throw new Error('venue down');
    };
    await expect(processor.process(job('position-monitor'))).rejects.toThrow('venue down');
    expect(ticks).toEqual([null, 'venue down']);
  });

  it('does not count a job that no scheduler made', async () => {
    await processor.process(job());
    expect(ticks).toEqual([]);
  });

  it('completes the tick even when counting it fails', async () => {
    state.tick = async () => {
      throw new Error('database away');
    };
    await expect(processor.process(job('position-monitor'))).resolves.toBe('done');
  });
});
