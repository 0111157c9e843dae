import Ajv, { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import { JobName, JobPayload, JobPayloadMap } from './contract';

/**
 * One JSON schema per job, next to the payload types (contract.ts) and typed by them: ajv's JSONSchemaType makes a
 * property added to, dropped from or retyped in JobPayloadMap a compile error here, and the map's type a missing
 * job. Every id is a UUID (the tables' keys, and deterministicId's v5 ids); no payload takes a field its type does
 * not name (additionalProperties is open only inside the signal's free-form size and risk models).
 * Optional members are `nullable` (ajv's rule for optional properties): null is accepted and handlers treat it as
 * absent.
 *
 * The processor validates every job before its handler (an invalid payload fails at once, see QueueProcessor), and
 * JobProducer validates before adding, so a producer cannot queue one either.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Formats by name, with what an error says the value must be. */
const FORMATS: Record<string, { test: (s: string) => boolean; expected: string }> = {
  uuid: { test: (s) => UUID.test(s), expected: 'a UUID' },
  date: { test: (s) => DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), expected: 'a date (YYYY-MM-DD)' },
  'date-time': { test: (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)), expected: 'an ISO 8601 date-time with a time zone' },
};

const id = { type: 'string', format: 'uuid' } as const;
const optionalId = { type: 'string', format: 'uuid', nullable: true } as const;
const text = { type: 'string', minLength: 1, maxLength: 1000 } as const;
const traceId = { type: 'string', minLength: 1, maxLength: 200, nullable: true } as const;
const freeForm = { type: 'object', required: [], additionalProperties: true } as const;
/** A job that takes no data (the repeatable ones): exactly {}. */
const empty = { type: 'object', required: [], additionalProperties: false } as const;

export const JOB_PAYLOAD_SCHEMAS: { readonly [N in JobName]: JSONSchemaType<JobPayloadMap[N]> } = {
  [JobName.SignalIngest]: {
    type: 'object',
    properties: {
      signalId: id,
      agentId: id,
      // Structure only: the signal's rules (symbol, side, models, confidence range) are Agent What's, with their messages.
      tokenSymbol: { type: 'string' },
      side: { type: 'string' },
      sizeModel: freeForm,
      riskModel: freeForm,
      confidence: { type: 'number', nullable: true },
      sourceTweets: { type: 'array', items: { type: 'string' }, nullable: true },
      sourceResearch: { type: 'array', items: { type: 'string' }, nullable: true },
      sourceWallets: { type: 'array', items: id, nullable: true },
      sourceEvents: { type: 'array', items: id, nullable: true },
      signalWalletId: optionalId,
      traceId,
    },
    required: ['signalId', 'agentId', 'tokenSymbol', 'side', 'sizeModel', 'riskModel'],
    additionalProperties: false,
  },
  [JobName.SignalClassifyPost]: {
    type: 'object',
    properties: { postId: id, traceId },
    required: ['postId'],
    additionalProperties: false,
  },
  [JobName.SignalGenerate]: {
    type: 'object',
    properties: { agentId: id, bucket: { type: 'string', format: 'date-time', nullable: true }, traceId },
    required: ['agentId'],
    additionalProperties: false,
  },
  [JobName.SignalGenerateAll]: empty,
  [JobName.SignalPollX]: empty,
  [JobName.SignalPositionClosed]: {
    type: 'object',
    properties: { positionId: id, traceId },
    required: ['positionId'],
    additionalProperties: false,
  },
  [JobName.SignalTraderCycle]: {
    type: 'object',
    properties: { agentId: id, slot: { type: 'string', pattern: '^(every-\\d+-\\d+|manual-[0-9a-f-]{36})$' }, traceId },
    required: ['agentId', 'slot'],
    additionalProperties: false,
  },
  [JobName.SignalTraderCycles]: empty,
  [JobName.SignalWalletPolls]: empty,
  [JobName.SignalWalletPoll]: {
    type: 'object',
    properties: { walletId: id, traceId },
    required: ['walletId'],
    additionalProperties: false,
  },
  [JobName.SignalWalletAnalyse]: {
    type: 'object',
    properties: { eventId: id, traceId },
    required: ['eventId'],
    additionalProperties: false,
  },
  [JobName.SignalWalletBias]: {
    type: 'object',
    properties: { asset: { type: 'string', minLength: 1, maxLength: 20, nullable: true }, traceId },
    required: [],
    additionalProperties: false,
  },
  [JobName.PolicyEvaluate]: {
    type: 'object',
    properties: { signalId: id, traceId },
    required: ['signalId'],
    additionalProperties: false,
  },
  [JobName.RouterRoute]: {
    type: 'object',
    properties: { signalId: id, traceId },
    required: ['signalId'],
    additionalProperties: false,
  },
  [JobName.ExecutorOpen]: {
    type: 'object',
    properties: { signalId: id, deploymentId: id, traceId },
    required: ['signalId', 'deploymentId'],
    additionalProperties: false,
  },
  [JobName.ExecutorOpenMany]: {
    type: 'object',
    properties: { signalId: id, deploymentIds: { type: 'array', items: id, minItems: 1, maxItems: 1000, uniqueItems: true }, traceId },
    required: ['signalId', 'deploymentIds'],
    additionalProperties: false,
  },
  [JobName.ExecutorClose]: {
    type: 'object',
    properties: { positionId: id, reason: text, traceId },
    required: ['positionId', 'reason'],
    additionalProperties: false,
  },
  [JobName.ExecutorMonitor]: empty,
  [JobName.ExecutorPaperTick]: empty,
  [JobName.ExecutorSettle]: {
    type: 'object',
    properties: {
      positionId: id,
      leg: { type: 'string', enum: ['open', 'close'] },
      reason: { ...text, nullable: true },
      round: { type: 'integer', minimum: 0 },
      traceId,
    },
    required: ['positionId', 'leg', 'round'],
    additionalProperties: false,
  },
  [JobName.ExecutorVenueSync]: empty,
  [JobName.ExecutorReconcile]: {
    type: 'object',
    properties: { deploymentId: optionalId, traceId },
    required: [],
    additionalProperties: false,
  },
  [JobName.BillingPositionClosed]: {
    type: 'object',
    properties: { positionId: id, traceId },
    required: ['positionId'],
    additionalProperties: false,
  },
  [JobName.BillingSubscriptions]: empty,
  [JobName.BillingCollect]: {
    type: 'object',
    properties: { billingEventId: id, traceId },
    required: ['billingEventId'],
    additionalProperties: false,
  },
  [JobName.BillingPnlSnapshot]: {
    type: 'object',
    properties: { day: { type: 'string', format: 'date', nullable: true } },
    required: [],
    additionalProperties: false,
  },
  [JobName.BillingAgentPerformance]: empty,
  [JobName.BillingRetention]: empty,
  [JobName.BillingDailyPerformance]: empty,
  [JobName.BillingReports]: {
    type: 'object',
    properties: {
      // null is in the enum: ajv checks enum before nullable.
      type: { type: 'string', enum: ['4h', 'daily', null], nullable: true },
      periodStart: { type: 'string', format: 'date-time', nullable: true },
      traceId,
    },
    required: [],
    additionalProperties: false,
  },
  [JobName.NotifyDeliver]: { type: 'object', properties: { deliveryId: id }, required: ['deliveryId'], additionalProperties: false },
  [JobName.NotifySweep]: empty,
};

const ajv = new Ajv({ allErrors: true, strict: true });
for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: f.test });

/** Compiled once, at load: a schema ajv refuses is a start-up error. */
const VALIDATORS = new Map<string, ValidateFunction>(
  (Object.keys(JOB_PAYLOAD_SCHEMAS) as JobName[]).map((name) => [name, ajv.compile(JOB_PAYLOAD_SCHEMAS[name])]),
);

/** The jobs among `jobs` without a payload validator (none, unless the contract and the schemas drift). */
export function jobsWithoutPayloadSchema(jobs: readonly string[]): string[] {
  return jobs.filter((name) => !VALIDATORS.has(name));
}

/** `sourceTweets.0` → `sourceTweets[0]`; the root is `payload`. */
function fieldOf(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  return parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '') || 'payload';
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** One ajv error as a sentence naming the field, e.g. `signalId must be a UUID`. */
function describe(e: ErrorObject): string {
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return `${fieldOf(e.instancePath, params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${fieldOf(e.instancePath, params.additionalProperty)} is not a field of this job`;
    case 'format':
      return `${fieldOf(e.instancePath)} must be ${FORMATS[params.format]?.expected ?? params.format}`;
    case 'type':
      return `${fieldOf(e.instancePath)} must be ${String(params.type).split(',').map(article).join(' or ')}`;
    case 'enum':
      return `${fieldOf(e.instancePath)} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'minLength':
      return params.limit === 1
        ? `${fieldOf(e.instancePath)} must not be empty`
        : `${fieldOf(e.instancePath)} must be at least ${params.limit} characters`;
    case 'maxLength':
      return `${fieldOf(e.instancePath)} must be at most ${params.limit} characters`;
    case 'minimum':
      return `${fieldOf(e.instancePath)} must be at least ${params.limit}`;
    default:
      return `${fieldOf(e.instancePath)} ${e.message}`;
  }
}

/** What is wrong with a job's payload, one sentence per problem; empty when it is valid. */
export function jobPayloadErrors(name: string, data: unknown): string[] {
  const validate = VALIDATORS.get(name);
  if (!validate) return [`no payload schema for job ${name}`];
  if (validate(data)) return [];
  return [...new Set((validate.errors ?? []).map(describe))];
}

/** A payload that does not match its job's schema; the message names the job and every field at fault. */
export class InvalidJobPayloadError extends Error {
  constructor(
    readonly job: string,
    readonly problems: string[],
  ) {
    super(`invalid payload for ${job}: ${problems.join('; ')}`);
    this.name = 'InvalidJobPayloadError';
  }
}

/** Throws InvalidJobPayloadError unless `data` is a valid payload of `name`. */
export function assertJobPayload<N extends JobName>(name: N, data: unknown): asserts data is JobPayload<N> {
  const problems = jobPayloadErrors(name, data);
  if (problems.length) throw new InvalidJobPayloadError(name, problems);
}
