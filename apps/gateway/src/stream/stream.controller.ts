import { Controller, Get, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, WalletAuth } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { StreamNotificationEvent, StreamPositionEvent } from './stream.responses';
import { StreamClient, StreamService } from './stream.service';

const unauthorized = (message: string) => new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [message] });

/** How often a comment line keeps an idle stream (and the proxies between) open, and the token is checked again. */
export const HEARTBEAT_MS = 15_000;

/**
 * GET /api/v3/stream: server-sent events for the signed-in wallet. The wallet's bearer token comes in the
 * Authorization header, or as `?token=` for a browser's EventSource (which cannot send headers); either way it is
 * never logged. Public to the guard (which would read a header-less GET as anonymous): the token is checked here.
 */
@ApiTags('stream')
@Controller('api/v3')
@ApiExtraModels(StreamPositionEvent, StreamNotificationEvent)
export class StreamController {
  heartbeatMs = HEARTBEAT_MS;

  constructor(
    private readonly stream: StreamService,
    private readonly auth: AuthService,
  ) {}

  @Get('stream')
  @Public()
  @WalletAuth({ query: 'token' })
  @ApiOperation({
    summary: "The signed-in wallet's live events as server-sent events (text/event-stream)",
    description:
      'Events: `ready` once listening; `position.opened` and `position.closed` (StreamPositionEvent) for its deployments; ' +
      '`notification` (StreamNotificationEvent) for each notification written for it; `expired` when its token ends (sign in ' +
      'again). A comment line every 15 s keeps it open. The token: Authorization: Bearer <token>, or ?token=<token> (EventSource).',
  })
  @ApiQuery({ name: 'token', required: false, description: 'the bearer token, for clients that cannot send headers' })
  @ApiOkResponse({ description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async open(@Req() req: Request, @Res() res: Response, @Query('token') query?: string): Promise<void> {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof query === 'string' ? query : null;
    if (!token) throw unauthorized('sign in with your wallet: send Authorization: Bearer <token> or ?token=<token>');
    const wallet = await this.auth.walletOf(token);
    if (!wallet) throw unauthorized('bearer token is invalid or expired: sign in again');

    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // a reverse proxy passes each event at once
    });
    res.flushHeaders();
    let ended = false;
    const client: StreamClient = {
      wallet,
      send: (event, data) => !ended && res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
      end: () => finish(),
    };
    const beat = async () => {
      if (!(await this.auth.walletOf(token))) {
        client.send('expired', { message: 'bearer token is invalid or expired: sign in again' });
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
    client.send('ready', { wallet });
  }
}
