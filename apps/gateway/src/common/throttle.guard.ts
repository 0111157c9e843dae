import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { Request } from 'express';
import { Env } from '@conduit/config';
import { redisOptions } from '@conduit/queue';

/**
 * Where the rate limit is counted: Redis, under `<QUEUE_PREFIX>:throttle:`, so replicated gateways share one count per
 * client and endpoint instead of allowing the limit once each. Connected at the first request (never in preview mode);
 * closed with the module.
 */
export function throttleStorage(env: Env): ThrottlerStorageRedisService {
  return new ThrottlerStorageRedisService({
    ...redisOptions(env.REDIS_URL),
    keyPrefix: `${env.QUEUE_PREFIX}:throttle:`,
    lazyConnect: true,
  });
}

/** Rate limits the REST API only: health probes, metrics and the docs are never throttled. */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    return !req.path.startsWith('/api/v3');
  }
}
