import {
  COMPLETED_JOB_RETENTION,
  DEFAULT_JOB_OPTIONS,
  FAILED_JOB_RETENTION,
  JOB_QUEUE,
  JobName,
  jobId,
  jobsOfQueue,
  QUEUE_JOB_OPTIONS,
  QueueName,
} from './contract';

const ALL_JOBS = Object.values(JobName);
const ALL_QUEUES = Object.values(QueueName);

describe('queue and job names (wire contract)', () => {
  it('are unique and contain no ":" (the BullMQ key separator)', () => {
    expect(new Set(ALL_QUEUES).size).toBe(ALL_QUEUES.length);
    expect(new Set(ALL_JOBS).size).toBe(ALL_JOBS.length);
    expect([...ALL_QUEUES, ...ALL_JOBS].filter((n) => n.includes(':'))).toEqual([]);
  });

  it('keep their wire values', () => {
    expect(QueueName.Executor).toBe('conduit-executor');
    expect(QueueName.Billing).toBe('conduit-billing');
    expect(JobName.ExecutorOpen).toBe('executor.open');
    expect(JobName.BillingPositionClosed).toBe('billing.position-closed');
  });
});

describe('JOB_QUEUE', () => {
  it('maps every job to a queue, and only jobs', () => {
    expect(Object.keys(JOB_QUEUE).sort()).toEqual([...ALL_JOBS].sort());
    expect(ALL_JOBS.filter((job) => !ALL_QUEUES.includes(JOB_QUEUE[job]))).toEqual([]);
  });

  it('leaves no queue without a job', () => {
    expect(ALL_QUEUES.filter((q) => !Object.values(JOB_QUEUE).includes(q as any))).toEqual([]);
  });
});

describe('jobsOfQueue', () => {
  it('gives the executor its open, close, monitor and paper tick jobs', () => {
    expect(jobsOfQueue(QueueName.Executor).sort()).toEqual(
      [
        JobName.ExecutorClose,
        JobName.ExecutorMonitor,
        JobName.ExecutorOpen,
        JobName.ExecutorOpenMany,
        JobName.ExecutorPaperTick,
        JobName.ExecutorSettle,
        JobName.ExecutorVenueSync,
        JobName.ExecutorReconcile,
      ].sort(),
    );
  });

  it('gives Agent What its ingest, classification, generation, polling, feedback, trader-cycle and wallet jobs', () => {
    expect(jobsOfQueue(QueueName.Signal)).toEqual([
      JobName.SignalIngest,
      JobName.SignalClassifyPost,
      JobName.SignalGenerate,
      JobName.SignalGenerateAll,
      JobName.SignalPollX,
      JobName.SignalPositionClosed,
      JobName.SignalTraderCycle,
      JobName.SignalTraderCycles,
      JobName.SignalWalletPolls,
      JobName.SignalWalletPoll,
      JobName.SignalWalletAnalyse,
      JobName.SignalWalletBias,
    ]);
  });

  it('gives each single-job queue its job', () => {
    expect(jobsOfQueue(QueueName.Policy)).toEqual([JobName.PolicyEvaluate]);
    expect(jobsOfQueue(QueueName.Router)).toEqual([JobName.RouterRoute]);
    expect(jobsOfQueue(QueueName.Billing)).toEqual([
      JobName.BillingPositionClosed,
      JobName.BillingSubscriptions,
      JobName.BillingCollect,
      JobName.BillingPnlSnapshot,
      JobName.BillingAgentPerformance,
      JobName.BillingRetention,
      JobName.BillingDailyPerformance,
      JobName.BillingReports,
    ]);
  });

  it('partitions the jobs: every job is on exactly one queue', () => {
    const assigned = ALL_QUEUES.flatMap((q) => jobsOfQueue(q));
    expect(assigned.sort()).toEqual([...ALL_JOBS].sort());
  });

  it('is empty for an unknown queue', () => {
    expect(jobsOfQueue('conduit-nowhere' as QueueName)).toEqual([]);
  });
});

describe('jobId', () => {
  const SIGNAL = '3f6c1a52-0d5e-4c1b-9a57-1f0e2d3c4b5a';
  const DEPLOYMENT = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

  it('joins the job name and ids with dots and contains no ":"', () => {
    const id = jobId(JobName.ExecutorOpen, SIGNAL, DEPLOYMENT);
    expect(id).toBe(`executor.open.${SIGNAL}.${DEPLOYMENT}`);
    expect(id).not.toContain(':');
  });

  it('contains no ":" for any job', () => {
    expect(ALL_JOBS.map((job) => jobId(job, SIGNAL)).filter((id) => id.includes(':'))).toEqual([]);
  });

  it('is deterministic and distinguishes effects', () => {
    expect(jobId(JobName.ExecutorOpen, SIGNAL, DEPLOYMENT)).toBe(jobId(JobName.ExecutorOpen, SIGNAL, DEPLOYMENT));
    const ids = new Set([
      jobId(JobName.ExecutorOpen, SIGNAL, DEPLOYMENT),
      jobId(JobName.ExecutorOpen, DEPLOYMENT, SIGNAL),
      jobId(JobName.ExecutorClose, SIGNAL, DEPLOYMENT),
      jobId(JobName.ExecutorOpen, SIGNAL),
    ]);
    expect(ids.size).toBe(4);
  });

  it('is the job name alone without ids', () => {
    expect(jobId(JobName.ExecutorPaperTick)).toBe('executor.paper-tick');
  });
});

describe('job options', () => {
  it('defines options for every queue, with retries, backoff and retention', () => {
    expect(Object.keys(QUEUE_JOB_OPTIONS).sort()).toEqual([...ALL_QUEUES].sort());
    for (const q of ALL_QUEUES) {
      const o = QUEUE_JOB_OPTIONS[q];
      expect(o.attempts).toBeGreaterThanOrEqual(DEFAULT_JOB_OPTIONS.attempts!);
      expect(o.backoff).toMatchObject({ type: 'exponential' });
      expect(o.removeOnComplete).toEqual(COMPLETED_JOB_RETENTION);
      expect(o.removeOnFail).toEqual(FAILED_JOB_RETENTION);
    }
  });

  it.each([QueueName.Executor, QueueName.Billing])('%s retries at least 5 times with exponential backoff', (q) => {
    const o = QUEUE_JOB_OPTIONS[q];
    expect(o.attempts).toBeGreaterThanOrEqual(5);
    expect(o.backoff).toEqual({ type: 'exponential', delay: expect.any(Number) });
    expect((o.backoff as { delay: number }).delay).toBeGreaterThan(0);
  });

  it('keeps completed jobs an hour and failed jobs a week', () => {
    expect(COMPLETED_JOB_RETENTION.age).toBe(3600);
    expect(FAILED_JOB_RETENTION.age).toBe(7 * 24 * 3600);
  });

  it('does not share one mutable backoff object between the executor and the defaults', () => {
    expect(QUEUE_JOB_OPTIONS[QueueName.Executor].backoff).not.toBe(DEFAULT_JOB_OPTIONS.backoff);
  });
});
