import { SetMetadata } from '@nestjs/common';

// OpenAPI metadata of the runtime's endpoints, written as @nestjs/swagger writes it but without loading the package:
// the workers serve /health and /metrics too, and @nestjs/swagger (with lodash and js-yaml) is only needed where the
// document is built, in the gateway. runtime.spec.ts checks every key and value against @nestjs/swagger and
// @nestjs/terminus, so the gateway's document stays what those decorators made it.

/** @nestjs/swagger's metadata keys (its DECORATORS constants API_TAGS, API_EXCLUDE_CONTROLLER, API_RESPONSE, API_OPERATION). */
export const SWAGGER_METADATA = {
  tags: 'swagger/apiUseTags',
  excludeController: 'swagger/apiExcludeController',
  responses: 'swagger/apiResponse',
  operation: 'swagger/apiOperation',
} as const;

/** As @ApiTags(tag) on a controller. */
export const OpenApiTag = (tag: string) => SetMetadata(SWAGGER_METADATA.tags, [tag]);

/** As @ApiOperation({ summary }) on a handler. */
export const OpenApiSummary = (summary: string) => SetMetadata(SWAGGER_METADATA.operation, { summary });

/** As @ApiExcludeController(): the controller is left out of the document. */
export const OpenApiExcluded = () => SetMetadata(SWAGGER_METADATA.excludeController, [true]);

// The health report's schema, as @nestjs/terminus documents its health checks (its examples included).
const DB_EXAMPLE = { database: { status: 'up' } };
const REDIS_EXAMPLE = { redis: { status: 'down', message: 'Could not connect' } };
const indicators = (example: object) => ({
  type: 'object',
  example,
  additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string' } }, additionalProperties: true },
});
const healthSchema = (status: 'ok' | 'error') => ({
  type: 'object',
  properties: {
    status: { type: 'string', example: status },
    info: { ...indicators(DB_EXAMPLE), nullable: true },
    error: { ...indicators(status === 'error' ? REDIS_EXAMPLE : {}), nullable: true },
    details: indicators(status === 'error' ? { ...DB_EXAMPLE, ...REDIS_EXAMPLE } : DB_EXAMPLE),
  },
});

/** GET /health's summary (kept as it was before the liveness and readiness probes got their own paths). */
export const HEALTH_SUMMARY = 'Liveness and readiness: 200 while Postgres and Redis answer and the service is not draining, else 503';
/** GET /health/live's summary. */
export const LIVE_SUMMARY = 'Liveness probe: 200 while the process answers, whatever its dependencies';
/** GET /health/ready's summary. */
export const READY_SUMMARY =
  'Readiness probe: 200 while Postgres and Redis answer, the workers run and the service is not draining, else 503';

/** As @nestjs/terminus's @HealthCheck() documents a health endpoint: 200 with the report, 503 with the failing one. */
export const OpenApiHealthResponses = () =>
  SetMetadata(SWAGGER_METADATA.responses, {
    200: { description: 'The Health Check is successful', schema: healthSchema('ok') },
    503: { description: 'The Health Check is not successful', schema: healthSchema('error') },
  });

/** GET /health/live's one answer. */
export const OpenApiLiveResponses = () =>
  SetMetadata(SWAGGER_METADATA.responses, {
    200: {
      description: 'The process answers',
      schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'], example: 'ok' } } },
    },
  });
