import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@conduit/db';
import type { StreamNotificationEvent, StreamPositionEvent } from './stream.responses';

/** Who a stream is for: a signed-in wallet (lower-case address) or an operator (a users id), as notifications name them. */
export interface StreamRecipient {
  type: 'wallet' | 'user';
  id: string;
}

/** One open stream: where its events go, and how it ends. */
export interface StreamClient {
  recipient: StreamRecipient;
  send(event: string, data: unknown): void;
  end(): void;
}

const keyOf = (r: StreamRecipient) => `${r.type}:${r.id}`;

/** What a recipient has already been told about: the ids it saw (a wallet's open positions, recent notifications). */
interface RecipientState {
  recipient: StreamRecipient;
  clients: Set<StreamClient>;
  open: Map<string, StreamPositionEvent>;
  notified: Set<string>;
}

/** How many of a recipient's newest notifications each poll reads (more within one poll: the oldest are not streamed). */
const RECENT_NOTIFICATIONS = 50;

/**
 * The live events of GET /api/v3/stream, per recipient: a wallet's positions opened and closed, and the notifications
 * written for a wallet or an operator. One poll per gateway process (every `pollMs`, only while a stream is open),
 * whatever the number of streams: the open positions of the connected wallets' deployments and each recipient's newest
 * notifications, compared with what it was already told (ids, so a row committed late is still seen: no clock or
 * commit-order cursor). The trading path is unchanged: no trigger on position inserts (the change feed notifies status
 * changes only, off the fan-out's hot insert path), no extra write; the cost is two indexed reads a second while
 * somebody watches.
 */
@Injectable()
export class StreamService implements OnApplicationShutdown {
  private readonly log = new Logger(StreamService.name);
  private readonly recipients = new Map<string, RecipientState>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  pollMs = 1000;

  constructor(private readonly ds: DataSource) {}

  /** Registers a stream once its recipient's baseline is read: what exists now is not an event. */
  async add(client: StreamClient): Promise<void> {
    const key = keyOf(client.recipient);
    let state = this.recipients.get(key);
    if (!state) {
      const fresh: RecipientState = { recipient: client.recipient, clients: new Set(), open: new Map(), notified: new Set() };
      if (client.recipient.type === 'wallet') for (const p of await this.openPositions([client.recipient.id])) fresh.open.set(p.id, p);
      for (const n of await this.notifications([client.recipient])) fresh.notified.add(n.id);
      state = this.recipients.get(key) ?? fresh; // another stream of the recipient may have read it meanwhile
      this.recipients.set(key, state);
    }
    state.clients.add(client);
    this.schedule();
  }

  remove(client: StreamClient): void {
    const key = keyOf(client.recipient);
    const state = this.recipients.get(key);
    state?.clients.delete(client);
    if (state?.clients.size === 0) this.recipients.delete(key);
  }

  /** How many streams are open (for the tests: a closed tab ends its stream's work). */
  get streams(): number {
    let n = 0;
    for (const s of this.recipients.values()) n += s.clients.size;
    return n;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    for (const state of this.recipients.values()) for (const c of state.clients) c.end();
    this.recipients.clear();
  }

  private schedule(): void {
    if (this.timer || this.polling || this.closed || this.recipients.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll()
        .catch((e) => this.log.warn(`stream poll failed: ${(e as Error).message}`))
        .finally(() => {
          this.polling = null;
          this.schedule();
        });
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    const states = [...this.recipients.values()];
    if (!states.length) return;
    const wallets = states.filter((s) => s.recipient.type === 'wallet').map((s) => s.recipient.id);
    const [open, notes] = await Promise.all([
      wallets.length ? this.openPositions(wallets) : [],
      this.notifications(states.map((s) => s.recipient)),
    ]);
    const openNow = new Map<string, Map<string, StreamPositionEvent & { wallet: string }>>();
    for (const p of open) {
      if (!openNow.has(p.wallet)) openNow.set(p.wallet, new Map());
      openNow.get(p.wallet)!.set(p.id, p);
    }
    for (const wallet of wallets) {
      const state = this.recipients.get(keyOf({ type: 'wallet', id: wallet }));
      if (!state) continue; // its last stream closed during the poll
      const now = openNow.get(wallet) ?? new Map<string, StreamPositionEvent & { wallet: string }>();
      for (const [id, p] of now) if (!state.open.has(id)) this.emit(state, 'position.opened', this.view(p));
      for (const [id, p] of state.open) if (!now.has(id)) this.emit(state, 'position.closed', { ...p, status: 'CLOSED' });
      state.open = new Map([...now].map(([id, p]) => [id, this.view(p)]));
    }
    // Oldest first, so a client reads them in the order they were written.
    for (const n of [...notes].reverse()) {
      const state = this.recipients.get(n.recipient);
      if (!state || state.notified.has(n.id)) continue;
      state.notified.add(n.id);
      const { recipient: _recipient, ...event } = n;
      this.emit(state, 'notification', event);
    }
    // Only the ids a poll can still read need remembering.
    for (const [key, state] of this.recipients) {
      const recent = new Set(notes.filter((n) => n.recipient === key).map((n) => n.id));
      state.notified = new Set([...state.notified].filter((id) => recent.has(id)));
    }
  }

  private view(p: StreamPositionEvent & { wallet?: string }): StreamPositionEvent {
    return { id: p.id, deployment_id: p.deployment_id, token_symbol: p.token_symbol, side: p.side, status: p.status };
  }

  private emit(state: RecipientState, event: string, data: unknown): void {
    for (const c of state.clients) c.send(event, data);
  }

  private openPositions(wallets: string[]) {
    return rows<StreamPositionEvent & { wallet: string }>(
      this.ds,
      `SELECT p.id, p.deployment_id, p.token_symbol, p.side, p.status, d.user_wallet AS wallet
         FROM agent_deployments_v3 d JOIN positions_v3 p ON p.deployment_id = d.id
        WHERE d.user_wallet = ANY($1::text[]) AND p.status = 'OPEN'`,
      [wallets],
    );
  }

  /** Each recipient's newest notifications, newest first (idx_notifications_recipient), keyed as `type:id`. */
  private notifications(recipients: StreamRecipient[]) {
    return rows<StreamNotificationEvent & { recipient: string }>(
      this.ds,
      `SELECT n.id, n.event_type, n.deployment_id, n.position_id, n.billing_event_id, n.payload, n.created_at,
              r.type || ':' || r.id AS recipient
         FROM unnest($1::text[], $2::text[]) r(type, id) CROSS JOIN LATERAL (
           SELECT * FROM notifications WHERE recipient_type = r.type AND recipient_id = r.id
            ORDER BY created_at DESC LIMIT ${RECENT_NOTIFICATIONS}) n
        ORDER BY n.created_at DESC, n.id`,
      [recipients.map((r) => r.type), recipients.map((r) => r.id)],
    );
  }
}
