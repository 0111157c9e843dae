import { Controller, Get, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, WalletAuth } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { SESSION_TOKEN_PREFIX } from '@conduit/custody';
import { operatorOf } from '../auth/operator-credentials';
import { OperatorsService } from '../operators/operators.service';
import { StreamNotificationEvent, StreamPositionEvent } from './stream.responses';
import { StreamClient, StreamRecipient, StreamService } from './stream.service';

const unauthorized = (message: string) => new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [message] });

/** How often a comment line keeps an idle stream (and the proxies between) open, and the token is checked again. */
export const HEARTBEAT_MS = 15_000;

/**
 * GET /api/v3/stream: server-sent events for the signed-in wallet or operator. The wallet's bearer token comes in the
 * Authorization header, or as `?token=` for a browser's EventSource (which cannot send headers); either way it is
 * never logged. Without one, an operator's session (the cookie a same-origin EventSource sends, or `Bearer cos_…`)
 * opens the operator's stream. Public to the guard (which would read a header-less GET as anonymous): the
 * credential is checked here, and again at every heartbeat.
 */
@ApiTags('stream')
@Controller('api/v3')
@ApiExtraModels(StreamPositionEvent, StreamNotificationEvent)
export class StreamController {
  heartbeatMs = HEARTBEAT_MS;

  constructor(
    private readonly stream: StreamService,
    private readonly auth: AuthService,
    private readonly operators: OperatorsService,
  ) {}

  @Get('stream')
  @Public()
  @WalletAuth({ query: 'token', operators: true })
  @ApiOperation({
    summary: "The signed-in wallet's or operator's live events as server-sent events (text/event-stream)",
    description:
      "Events: `ready` once listening; `position.opened` and `position.closed` (StreamPositionEvent) for a wallet's deployments; " +
      '`notification` (StreamNotificationEvent) for each notification written for the wallet or operator; `expired` when its ' +
      'token or session ends (sign in again). A comment line every 15 s keeps it open. A wallet: Authorization: Bearer <token>, ' +
      'or ?token=<token> (EventSource). An operator: the session cookie, or Authorization: Bearer cos_….',
  })
  @ApiQuery({ name: 'token', required: false, description: 'the bearer token, for clients that cannot send headers' })
  @ApiOkResponse({ description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async open(@Req() req: Request, @Res() res: Response, @Query('token') query?: string): Promise<void> {
    const recipient = await this.recipientOf(req, query);
    if (!recipient) throw unauthorized('sign in with your wallet (Authorization: Bearer <token> or ?token=<token>) or as an operator');
    if ('refused' in recipient) throw unauthorized(recipient.refused);
    const { current, stillValid } = recipient;

    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // a reverse proxy passes each event at once
    });
    res.flushHeaders();
    let ended = false;
    const client: StreamClient = {
      recipient: current,
      send: (event, data) => !ended && res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
      end: () => finish(),
    };
    const beat = async () => {
      if (!(await stillValid())) {
        client.send('expired', { message: 'your sign-in is invalid or expired: sign in again' });
        return finish();
      }
      if (!ended) res.write(': heartbeat\n\n');
    };
    const heartbeat = setInterval(() => void beat().catch(() => finish()), this.heartbeatMs);
    const finish = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      this.stream.remove(client);
      res.end();
    };
    // Closing the tab closes the connection: the stream's timer and its place in the poll go with it.
    req.on('close', finish);
    await this.stream.add(client);
    if (ended) return this.stream.remove(client); // closed while its baseline was read
    res.write('retry: 3000\n\n');
    client.send('ready', current.type === 'wallet' ? { wallet: current.id } : { operator: current.id });
  }

  /** A wallet's token (header or query) first, else an operator's session; none, or why the one sent is refused. */
  private async recipientOf(
    req: Request,
    query: unknown,
  ): Promise<{ current: StreamRecipient; stillValid: () => Promise<boolean> } | { refused: string } | null> {
    const header = req.headers.authorization?.trim() ?? '';
    const bearer = /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : null;
    const token = bearer && !bearer.startsWith(SESSION_TOKEN_PREFIX) ? bearer : !bearer && typeof query === 'string' ? query : null;
    if (token) {
      const wallet = await this.auth.walletOf(token);
      if (!wallet) return { refused: 'bearer token is invalid or expired: sign in again' };
      return { current: { type: 'wallet', id: wallet }, stillValid: async () => (await this.auth.walletOf(token)) === wallet };
    }
    const { operator, refused, staleCookie } = await operatorOf(this.operators, req);
    if (!operator) return refused || staleCookie ? { refused: (refused ?? staleCookie)! } : null;
    return {
      current: { type: 'user', id: operator.id },
      stillValid: async () => (await operatorOf(this.operators, req)).operator?.id === operator.id,
    };
  }
}
