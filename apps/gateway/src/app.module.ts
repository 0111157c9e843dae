import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ThrottlerModule } from '@nestjs/throttler';
import helmet from 'helmet';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BullBoardModule } from '@bull-board/nestjs';
import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { NextFunction, Request, Response } from 'express';
import { Env, trustProxySetting } from '@conduit/config';
import { QueueName } from '@conduit/queue';
import { ENV, RuntimeModule } from '@conduit/runtime';
import { AdminModule } from './admin/admin.module';
import { AgentsModule } from './agents/agents.module';
import { AuthedRequest } from './auth/auth.decorators';
import { ApiAuthGuard, roleAllows } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { requireSharedTokenKey } from './auth/auth.service';
import { operatorOf } from './auth/operator-credentials';
import { BiasModule } from './bias/bias.module';
import { BillingModule } from './billing/billing.module';
import { completeDocument } from './common/api-document';
import { auditActorMiddleware } from './common/audit-actor';
import { JsonErrorFilter } from './common/errors';
import { refuseDeepJson } from './common/json-depth';
import { ApiThrottlerGuard, throttleStorage } from './common/throttle.guard';
import { traceMiddleware } from './common/trace';
import { validationPipe } from './common/validation';
import { serveWebApp } from './common/web-app';
import { DeploymentsModule } from './deployments/deployments.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OperatorsModule } from './operators/operators.module';
import { OperatorsService } from './operators/operators.service';
import { PolicyModule } from './policy/policy.module';
import { ReportsModule } from './reports/reports.module';
import { RoutingModule } from './routing/routing.module';
import { SourcesModule } from './sources/sources.module';
import { StatsModule } from './stats/stats.module';
import { StreamModule } from './stream/stream.module';
import { TradersModule } from './traders/traders.module';
import { TradingModule } from './trading/trading.module';
import { WalletsModule } from './wallets/wallets.module';

export const BULL_BOARD_ROUTE = '/admin/queues';

/**
 * The REST API: the seed's /api/v3 endpoints plus what a client needs around them, one feature module each (module,
 * controller for HTTP, service for SQL and transactions, DTOs), over the shared read models and HTTP plumbing of common/.
 */
@Module({})
export class GatewayModule {
  static forRoot(env: Env): DynamicModule {
    // Replicated gateways without a shared token key refuse to start (before anything connects).
    requireSharedTokenKey(env);
    // The board's own guard: the operator that configureGateway's boardAccess found; nothing opens without it.
    const guard = (req: Request, res: Response, next: NextFunction) => {
      if ((req as AuthedRequest).operator) return next();
      res.status(401).json({ statusCode: 401, message: 'operator sign-in required' });
    };
    return {
      module: GatewayModule,
      imports: [
        // The count is kept in Redis (throttleStorage): one limit across replicated gateways.
        ThrottlerModule.forRootAsync({
          useFactory: () => ({ throttlers: [{ ttl: env.THROTTLE_TTL_MS, limit: env.THROTTLE_LIMIT }], storage: throttleStorage(env) }),
        }),
        BullBoardModule.forRoot({ route: BULL_BOARD_ROUTE, adapter: ExpressAdapter, middleware: guard }),
        BullBoardModule.forFeature(...Object.values(QueueName).map((name) => ({ name, adapter: BullMQAdapter }))),
        AuthModule,
        OperatorsModule,
        AgentsModule,
        DeploymentsModule,
        TradingModule,
        SourcesModule,
        PolicyModule,
        BillingModule,
        StatsModule,
        TradersModule,
        WalletsModule,
        BiasModule,
        ReportsModule,
        RoutingModule,
        NotificationsModule,
        StreamModule,
        AdminModule,
      ],
      // Guards run in this order: the rate limit, then the credential (wallet token or operator), then validation pipes.
      providers: [
        { provide: APP_GUARD, useClass: ApiThrottlerGuard },
        { provide: APP_GUARD, useClass: ApiAuthGuard },
      ],
    };
  }
}

@Module({})
export class GatewayAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: GatewayAppModule, imports: [RuntimeModule.forRoot(env, 'gateway'), GatewayModule.forRoot(env)] };
  }
}

/** HTTP setup shared by the gateway's main, the all-in-one entry and the tests. */
export function configureGateway(app: INestApplication): void {
  const express = app as NestExpressApplication;
  const env = app.get<Env>(ENV);
  // req.ip (lockout, rate limit, audit actor) is X-Forwarded-For's client only behind the proxies TRUST_PROXY names.
  const trustProxy = trustProxySetting(env.TRUST_PROXY);
  if (trustProxy !== false) express.set('trust proxy', trustProxy);
  // A body too large is 413; one too deep for the validator (json-depth.ts) or not JSON is 400, before any handler.
  express.useBodyParser('json', { limit: '64kb', verify: refuseDeepJson });
  express.disable('x-powered-by');
  express.use(traceMiddleware);
  express.use(auditActorMiddleware);
  // Security headers; the CSP is left to the edge because Swagger UI (/api/docs) and Bull Board run inline scripts.
  express.use(helmet({ contentSecurityPolicy: false }));
  express.use(BULL_BOARD_ROUTE, boardAccess(app.get(OperatorsService, { strict: false })));
  const origins = env.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length)
    app.enableCors({
      origin: origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'idempotency-key', 'x-request-id', 'x-api-key'],
      exposedHeaders: ['x-trace-id'],
    });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new JsonErrorFilter());
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app));
  // The web dashboard at / (apps/web's build); its page fallback leaves /api, /admin, /health and /metrics to the routes.
  serveWebApp(app, env.WEB_DIR);
}

/**
 * The OpenAPI document of the gateway's routes (served at /api/docs-json; `npm run api:types` writes it from an app
 * created in preview mode, with no database or Redis, and types the web app's client from it). completeDocument adds
 * each operation's security and error answers from the guard's markers; test/openapi-lint.spec.ts lints it.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Conduit API')
    .setDescription('Agent What → Agent How → Agent Where → executor → billing, over BullMQ. Queues: ' + BULL_BOARD_ROUTE)
    .setVersion('3')
    .build();
  return completeDocument(app, SwaggerModule.createDocument(app, config));
}

/**
 * Bull Board's door: an operator session (the cookie, or a bearer session token; never an API key). Viewers may look;
 * anything else (retry, clean, promote, pause) needs the operator role, as the board cannot tell its reads apart
 * otherwise.
 */
export function boardAccess(operators: OperatorsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const refuse = (status: number, message: string) => res.status(status).json({ statusCode: status, message });
    operatorOf(operators, req).then(({ operator, refused, staleCookie }) => {
      if (!operator || operator.via !== 'session')
        return refuse(401, refused ?? staleCookie ?? 'operator sign-in required: POST /api/v3/operators/login (the session cookie)');
      if (operator.needs2fa) return refuse(403, '2FA is required of every operator: enrol at POST /api/v3/operators/me/2fa');
      const least = ['GET', 'HEAD'].includes(req.method) ? 'viewer' : 'operator';
      if (!roleAllows(operator.role, least)) return refuse(403, `this needs the ${least} role; ${operator.email} is ${operator.role}`);
      (req as AuthedRequest).operator = operator;
      next();
    }, next);
  };
}
