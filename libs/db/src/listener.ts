import { Client } from 'pg';

/**
 * Channel of the ChangeFeed migration's row triggers: each payload is `<table>:<id>` (changeKey) of a row someone may
 * be waiting on (a signal inserted or its status changed, a position's status changed, a bill inserted or updated).
 */
export const CHANGES_CHANNEL = 'conduit_changes';

/** The tables whose changes are notified on CHANGES_CHANNEL. */
export type ChangedTable = 'signals_v3' | 'positions_v3' | 'billing_events_v3' | 'agent_decisions';

/** The payload a change of one row is notified with. */
export const changeKey = (table: ChangedTable, id: string): string => `${table}:${id}`;

export interface PgListenerOptions {
  /** Postgres connection string. */
  url: string;
  /** Channels to LISTEN on. */
  channels: string[];
  /** A notification on one of the channels. */
  onNotification: (channel: string, payload: string) => void;
  /**
   * Called each time the connection listens: the first time and after every reconnection. What was notified while
   * nobody listened is lost, so this is where a caller reads again what it may have missed.
   */
  onListening?: () => unknown;
  /** Where lost and refused connections are reported. */
  warn?: (message: string) => void;
  /** What listens, in the warnings. */
  name?: string;
  /** Delay before opening the connection again (default 1000 ms). */
  retryMs?: number;
}

/**
 * One dedicated Postgres connection that LISTENs on some channels and comes back by itself: when it drops (a
 * Postgres restart, a failover, a terminated backend) or cannot be opened, it is opened again every `retryMs` until
 * that works, and `onListening` runs once it listens again.
 */
export class PgListener {
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: PgListenerOptions) {}

  /** Opens the connection. Resolves once it listens, or once the first attempt failed (it keeps trying meanwhile). */
  start(): Promise<void> {
    return this.connect();
  }

  /** Whether the connection currently listens. */
  get listening(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private warn(message: string): void {
    this.options.warn?.(`${this.options.name ?? 'listener'}: ${message}`);
  }

  private reconnectLater(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.options.retryMs ?? 1000);
    this.retry.unref();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.options.url, keepAlive: true });
    client.on('notification', (n) => this.options.onNotification(n.channel, n.payload ?? ''));
    client.on('error', (e) => this.warn(e.message));
    client.on('end', () => {
      if (this.closed || this.client !== client) return;
      this.client = null;
      this.reconnectLater();
    });
    try {
      await client.connect();
      await client.query(this.options.channels.map((c) => `LISTEN ${client.escapeIdentifier(c)}`).join('; '));
    } catch (e) {
      this.warn(`could not listen: ${(e as Error).message}`);
      await client.end().catch(() => undefined);
      this.reconnectLater();
      return;
    }
    if (this.closed) return void (await client.end().catch(() => undefined));
    this.client = client;
    try {
      await this.options.onListening?.();
    } catch (e) {
      this.warn(`after listening: ${(e as Error).message}`);
    }
  }
}
