import { JobName, JobPayloadMap } from './contract';
import { assertJobPayload, InvalidJobPayloadError, JOB_PAYLOAD_SCHEMAS, jobPayloadErrors, jobsWithoutPayloadSchema } from './payloads';

const ALL_JOBS = Object.values(JobName);
const SIGNAL = '3f6c1a52-0d5e-4c1b-9a57-1f0e2d3c4b5a';
const DEPLOYMENT = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const POSITION = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The least each job can carry: typed by the payload map, so a member the type requires cannot be left out here. */
const MINIMAL: { [N in JobName]: JobPayloadMap[N] } = {
  [JobName.SignalIngest]: {
    signalId: SIGNAL,
    agentId: DEPLOYMENT,
    tokenSymbol: 'ETH',
    side: 'LONG',
    sizeModel: { type: 'percentage', value: 25 },
    riskModel: { type: 'none' },
  },
  [JobName.SignalClassifyPost]: { postId: POSITION },
  [JobName.SignalGenerate]: { agentId: DEPLOYMENT },
  [JobName.SignalGenerateAll]: {},
  [JobName.SignalPollX]: {},
  [JobName.SignalPositionClosed]: { positionId: POSITION },
  [JobName.SignalTraderCycle]: { agentId: DEPLOYMENT, slot: 'every-300-5869000' },
  [JobName.SignalTraderCycles]: {},
  [JobName.SignalWalletPolls]: {},
  [JobName.SignalWalletPoll]: { walletId: DEPLOYMENT },
  [JobName.SignalWalletAnalyse]: { eventId: POSITION },
  [JobName.SignalWalletBias]: {},
  [JobName.PolicyEvaluate]: { signalId: SIGNAL },
  [JobName.RouterRoute]: { signalId: SIGNAL },
  [JobName.ExecutorOpen]: { signalId: SIGNAL, deploymentId: DEPLOYMENT },
  [JobName.ExecutorOpenMany]: { signalId: SIGNAL, deploymentIds: [DEPLOYMENT] },
  [JobName.ExecutorClose]: { positionId: POSITION, reason: 'MANUAL' },
  [JobName.ExecutorMonitor]: {},
  [JobName.ExecutorPaperTick]: {},
  [JobName.ExecutorSettle]: { positionId: POSITION, leg: 'open', round: 0 },
  [JobName.ExecutorVenueSync]: {},
  [JobName.ExecutorReconcile]: {},
  [JobName.BillingPositionClosed]: { positionId: POSITION },
  [JobName.BillingSubscriptions]: {},
  [JobName.BillingCollect]: { billingEventId: SIGNAL },
  [JobName.BillingPnlSnapshot]: {},
  [JobName.BillingAgentPerformance]: {},
  [JobName.BillingRetention]: {},
  [JobName.BillingDailyPerformance]: {},
  [JobName.BillingReports]: {},
  [JobName.NotifyDeliver]: { deliveryId: SIGNAL },
  [JobName.NotifySweep]: {},
};

/** Every member of each payload type (Required<>: an optional member cannot be left out here either). */
const FULL: { [N in JobName]: Required<JobPayloadMap[N]> } = {
  ...MINIMAL,
  [JobName.SignalIngest]: {
    ...MINIMAL[JobName.SignalIngest],
    confidence: 0.8,
    sourceTweets: ['1799999999999999999'],
    sourceResearch: ['note-1'],
    sourceWallets: [DEPLOYMENT, POSITION],
    sourceEvents: [SIGNAL],
    signalWalletId: DEPLOYMENT,
    traceId: 'trace-1234',
  },
  [JobName.SignalClassifyPost]: { postId: POSITION, traceId: 'trace-1234' },
  [JobName.SignalGenerate]: { agentId: DEPLOYMENT, bucket: '2025-01-01T06:00:00.000Z', traceId: 'trace-1234' },
  [JobName.SignalPositionClosed]: { positionId: POSITION, traceId: 'trace-1234' },
  [JobName.SignalTraderCycle]: { agentId: DEPLOYMENT, slot: `manual-${SIGNAL}`, traceId: 'trace-1234' },
  [JobName.SignalWalletPoll]: { walletId: DEPLOYMENT, traceId: 'trace-1234' },
  [JobName.SignalWalletAnalyse]: { eventId: POSITION, traceId: 'trace-1234' },
  [JobName.SignalWalletBias]: { asset: 'BTC', traceId: 'trace-1234' },
  [JobName.PolicyEvaluate]: { signalId: SIGNAL, traceId: 'trace-1234' },
  [JobName.RouterRoute]: { signalId: SIGNAL, traceId: 'trace-1234' },
  [JobName.ExecutorOpen]: { signalId: SIGNAL, deploymentId: DEPLOYMENT, traceId: 'trace-1234' },
  [JobName.ExecutorOpenMany]: { signalId: SIGNAL, deploymentIds: [DEPLOYMENT, SIGNAL], traceId: 'trace-1234' },
  [JobName.ExecutorClose]: { positionId: POSITION, reason: 'STOP_LOSS', traceId: 'trace-1234' },
  [JobName.ExecutorSettle]: { positionId: POSITION, leg: 'close', round: 3, reason: 'TAKE_PROFIT', traceId: 'trace-1234' },
  [JobName.ExecutorReconcile]: { deploymentId: DEPLOYMENT, traceId: 'trace-1234' },
  [JobName.BillingPositionClosed]: { positionId: POSITION, traceId: 'trace-1234' },
  [JobName.BillingCollect]: { billingEventId: SIGNAL, traceId: 'trace-1234' },
  [JobName.BillingPnlSnapshot]: { day: '2025-02-28' },
  [JobName.BillingReports]: { type: '4h', periodStart: '2025-02-28T04:00:00.000Z', traceId: 'trace-1234' },
};

describe('job payload schemas', () => {
  it('cover every job of the contract, and only those', () => {
    expect(Object.keys(JOB_PAYLOAD_SCHEMAS).sort()).toEqual([...ALL_JOBS].sort());
    expect(jobsWithoutPayloadSchema(ALL_JOBS)).toEqual([]);
    expect(jobsWithoutPayloadSchema(['executor.nope'])).toEqual(['executor.nope']);
  });

  it.each(ALL_JOBS)('%s: accepts its minimal and its full payload', (name) => {
    expect(jobPayloadErrors(name, MINIMAL[name])).toEqual([]);
    expect(jobPayloadErrors(name, FULL[name])).toEqual([]);
  });

  it.each(ALL_JOBS)('%s: requires exactly the members its type requires', (name) => {
    expect([...((JOB_PAYLOAD_SCHEMAS[name] as { required?: string[] }).required ?? [])].sort()).toEqual(Object.keys(MINIMAL[name]).sort());
    for (const key of Object.keys(MINIMAL[name])) {
      const { [key]: _dropped, ...rest } = MINIMAL[name] as Record<string, unknown>;
      expect(jobPayloadErrors(name, rest)).toEqual([`${key} is required`]);
    }
  });

  it.each(ALL_JOBS)('%s: refuses a field its type does not name, and a payload that is not an object', (name) => {
    expect(jobPayloadErrors(name, { ...FULL[name], surprise: 1 })).toEqual(['surprise is not a field of this job']);
    for (const garbage of [null, 'x', 42, []]) expect(jobPayloadErrors(name, garbage)).toEqual(['payload must be an object']);
  });

  it.each(ALL_JOBS.filter((n) => Object.keys(FULL[n]).length))(
    '%s: accepts null for each optional member (handlers treat it as absent)',
    (name) => {
      const optional = Object.keys(FULL[name]).filter((k) => !(k in MINIMAL[name]));
      for (const key of optional) expect(jobPayloadErrors(name, { ...MINIMAL[name], [key]: null })).toEqual([]);
    },
  );

  it('checks every id is a UUID and names the field', () => {
    expect(jobPayloadErrors(JobName.ExecutorOpen, { signalId: 'not-a-uuid', deploymentId: DEPLOYMENT })).toEqual([
      'signalId must be a UUID',
    ]);
    expect(jobPayloadErrors(JobName.ExecutorOpen, { signalId: SIGNAL, deploymentId: 42 })).toEqual(['deploymentId must be a string']);
    expect(jobPayloadErrors(JobName.ExecutorReconcile, { deploymentId: 'all' })).toEqual(['deploymentId must be a UUID']);
    expect(jobPayloadErrors(JobName.BillingCollect, { billingEventId: SIGNAL.toUpperCase() })).toEqual([]);
  });

  it('checks enums, integers, dates and nested fields', () => {
    expect(jobPayloadErrors(JobName.ExecutorSettle, { positionId: POSITION, leg: 'middle', round: -1 })).toEqual([
      'leg must be one of open, close',
      'round must be at least 0',
    ]);
    expect(jobPayloadErrors(JobName.ExecutorSettle, { positionId: POSITION, leg: 'open', round: 1.5 })).toEqual([
      'round must be an integer',
    ]);
    expect(jobPayloadErrors(JobName.BillingPnlSnapshot, { day: '2025-02-30' })).toEqual(['day must be a date (YYYY-MM-DD)']);
    expect(jobPayloadErrors(JobName.BillingPnlSnapshot, { day: '2025-2-3' })).toEqual(['day must be a date (YYYY-MM-DD)']);
    expect(jobPayloadErrors(JobName.SignalGenerate, { agentId: DEPLOYMENT, bucket: 'tomorrow' })).toEqual([
      'bucket must be an ISO 8601 date-time with a time zone',
    ]);
    expect(jobPayloadErrors(JobName.SignalIngest, { ...MINIMAL[JobName.SignalIngest], sizeModel: [], sourceTweets: ['1', 2] })).toEqual([
      'sizeModel must be an object',
      'sourceTweets[1] must be a string',
    ]);
    expect(
      jobPayloadErrors(JobName.SignalIngest, {
        ...MINIMAL[JobName.SignalIngest],
        sourceWallets: ['0xabc'],
        signalWalletId: 'w',
        sourceEvents: 'e',
      }),
    ).toEqual(['sourceWallets[0] must be a UUID', 'sourceEvents must be an array', 'signalWalletId must be a UUID']);
    expect(jobPayloadErrors(JobName.ExecutorClose, { positionId: POSITION, reason: '' })).toEqual(['reason must not be empty']);
    expect(jobPayloadErrors(JobName.PolicyEvaluate, { signalId: SIGNAL, traceId: 'x'.repeat(201) })).toEqual([
      'traceId must be at most 200 characters',
    ]);
  });

  it('lets the free-form size and risk models carry any field (their rules are the signal domain’s)', () => {
    const p = {
      ...MINIMAL[JobName.SignalIngest],
      sizeModel: { type: 'percentage', value: 250, lev: 3 },
      riskModel: { anything: { nested: true } },
      confidence: 1.5,
    };
    expect(jobPayloadErrors(JobName.SignalIngest, p)).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(jobPayloadErrors(JobName.ExecutorOpen, { signalId: 'x' })).toEqual(['deploymentId is required', 'signalId must be a UUID']);
  });

  it('knows no job outside the contract', () => {
    expect(jobPayloadErrors('executor.nope', {})).toEqual(['no payload schema for job executor.nope']);
  });
});

describe('assertJobPayload', () => {
  it('passes a valid payload and throws one error naming the job and the fields otherwise', () => {
    expect(() => assertJobPayload(JobName.PolicyEvaluate, { signalId: SIGNAL })).not.toThrow();
    let thrown: unknown;
    try {
      assertJobPayload(JobName.ExecutorOpen, { signalId: 'x', deploymentId: DEPLOYMENT });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidJobPayloadError);
    expect((thrown as InvalidJobPayloadError).message).toBe('invalid payload for executor.open: signalId must be a UUID');
    expect((thrown as InvalidJobPayloadError).problems).toEqual(['signalId must be a UUID']);
  });
});
