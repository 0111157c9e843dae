import { adminAuth, adminCookie, http, QUICK_START, waitFor, WalletClient } from '@conduit/testing';
import { StreamService } from '../apps/gateway/src/stream/stream.service';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

interface SseEvent {
  event: string;
  data: any;
}

/** An open GET /api/v3/stream read as a browser would: its events as they arrive, and a way to wait for one. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  if (res.status === 200) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event) events.push({ event, data: data ? JSON.parse(data) : null });
            waiters.splice(0).forEach((wake) => wake());
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    res,
    events,
    async until(what: string, test: (e: SseEvent[]) => boolean, timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!test(events)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${what} on the stream; it had ${JSON.stringify(events)}`);
        await new Promise<void>((wake) => {
          const timer = setTimeout(wake, left);
          waiters.push(() => (clearTimeout(timer), wake()));
        });
      }
    },
    close: () => abort.abort(),
  };
}

/**
 * GET /api/v3/stream through every service: refused without a valid token; once open, a wallet sees its own
 * positions opened and closed and the notifications written for it, never another wallet's; an operator (by its
 * session cookie, as a same-origin EventSource sends it) the notifications written for the operator.
 */
describe('live events stream (server-sent events)', () => {
  let apps: PipelineApps;
  let api: string;
  beforeAll(async () => {
    apps = await startPipelineApps();
    ({ api } = apps);
  }, 120_000);
  afterAll(() => apps?.close());

  it('refuses a stream without a token or with an invalid one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const s = await openStream(`${api}/api/v3/stream`, headers);
      expect(s.res.status).toBe(401);
      expect(((await s.res.json()) as { message: string[] }).message[0]).toMatch(/sign in/);
    }
    expect((await openStream(`${api}/api/v3/stream?token=nope`)).res.status).toBe(401);
    const stale = await openStream(`${api}/api/v3/stream`, { cookie: 'conduit_operator=cos_nope' });
    expect([stale.res.status, ((await stale.res.json()) as { message: string[] }).message[0]]).toEqual([
      401,
      'operator session is invalid, expired or revoked: sign in again',
    ]);
  });

  it('streams an operator the notifications written for it, and no wallet position', async () => {
    const ops = await http(
      'PUT',
      `${api}/api/v3/operators/me/notifications/settings`,
      { events: ['deployment.kill_switch'], channels: {} },
      adminAuth(apps.env),
    );
    expect(ops.status).toBe(200);
    const s = await openStream(`${api}/api/v3/stream`, adminCookie(apps.env));
    expect(s.res.status).toBe(200);
    await s.until('ready', (e) => e.some((x) => x.event === 'ready'));
    expect(Object.keys(s.events[0].data)).toEqual(['operator']);

    const carol = WalletClient.random(api);
    const agent = (await carol.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, creator_wallet: carol.address }))
      .body.agent;
    const deployment = (await carol.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agent.id, user_wallet: carol.address })).body
      .deployment.id as string;
    const signal = (await carol.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agent.id))).body.signal;
    expect((await carol.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signal.id))).body.complete).toBe(true);
    const killed = await carol.http('POST', `${api}/api/v3/deployments/${deployment}/kill-switch`, { enabled: true });
    expect(killed.status).toBe(200);

    await s.until('notification', (e) => e.some((x) => x.event === 'notification'));
    expect(s.events.filter((x) => x.event !== 'ready').map((x) => [x.event, x.data.event_type, x.data.deployment_id])).toEqual([
      ['notification', 'deployment.kill_switch', deployment],
    ]);
    s.close();
    await waitFor('the stream to end', async () => apps.gateway.get(StreamService).streams === 0);
  }, 60_000);

  it('streams the wallet its own opens, closes and notifications, and nothing of another wallet', async () => {
    const alice = WalletClient.random(api);
    const bob = WalletClient.random(api);
    const agent = (await alice.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, creator_wallet: alice.address }))
      .body.agent;
    const deploy = async (who: WalletClient) =>
      (await who.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agent.id, user_wallet: who.address })).body.deployment
        .id as string;
    const [mine, theirs] = [await deploy(alice), await deploy(bob)];
    const settings = await alice.http('PUT', `${api}/api/v3/notifications/settings`, { events: ['position.opened'], channels: {} });
    expect(settings.status).toBe(200);

    // Alice by the query parameter (as EventSource does), Bob by the header.
    const aliceToken = (await alice.authorization()).authorization.slice(7);
    const a = await openStream(`${api}/api/v3/stream?token=${encodeURIComponent(aliceToken)}`);
    const b = await openStream(`${api}/api/v3/stream`, await bob.authorization());
    expect([a.res.status, a.res.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    await a.until('ready', (e) => e.some((x) => x.event === 'ready'));
    await b.until('ready', (e) => e.some((x) => x.event === 'ready'));
    expect(a.events[0].data).toEqual({ wallet: alice.address });

    const signal = (await alice.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agent.id))).body.signal;
    const executed = await alice.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signal.id));
    expect(executed.body.complete).toBe(true);
    const opened = (await alice.http('GET', `${api}/api/v3/positions?deployment_id=${mine}`)).body.positions[0];

    await a.until('position.opened', (e) => e.some((x) => x.event === 'position.opened'));
    await a.until('notification', (e) => e.some((x) => x.event === 'notification'));
    expect(a.events.find((x) => x.event === 'position.opened')!.data).toEqual({
      id: opened.id,
      deployment_id: mine,
      token_symbol: 'ETH',
      side: 'LONG',
      status: 'OPEN',
    });
    expect(a.events.find((x) => x.event === 'notification')!.data).toMatchObject({
      event_type: 'position.opened',
      deployment_id: mine,
      position_id: opened.id,
    });
    await b.until('position.opened', (e) => e.some((x) => x.event === 'position.opened'));
    expect(b.events.filter((x) => x.event !== 'ready').map((x) => [x.event, x.data.deployment_id])).toEqual([['position.opened', theirs]]);

    const closed = await alice.http('POST', `${api}/api/v3/positions/${opened.id}/close`, {});
    expect(closed.status).toBe(200);
    await a.until('position.closed', (e) => e.some((x) => x.event === 'position.closed'));
    expect(a.events.find((x) => x.event === 'position.closed')!.data).toMatchObject({ id: opened.id, status: 'CLOSED' });
    // Nothing of Bob's on Alice's stream, nothing of Alice's on Bob's.
    expect(a.events.filter((x) => x.data?.deployment_id && x.data.deployment_id !== mine)).toEqual([]);
    expect(b.events.filter((x) => x.data?.deployment_id && x.data.deployment_id !== theirs)).toEqual([]);

    // A closed connection (a closed tab) ends the server's work for it: no stream left in the poll.
    const service = apps.gateway.get(StreamService);
    expect(service.streams).toBe(2);
    a.close();
    b.close();
    await waitFor('both streams to end', async () => service.streams === 0);
  }, 60_000);
});
