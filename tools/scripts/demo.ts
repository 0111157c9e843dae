// The product in one command: migrates, starts every service as its own process (gateway, signal, policy,
// router, executor, billing, notifier), drives the seed's quick-start flow over HTTP and prints what happened.
//   npm run demo              run the flow, then stop the services
//   npm run demo -- --keep    leave the services running (Bull Board, OpenAPI) until Ctrl-C
import 'reflect-metadata';
import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { loadEnv } from '@conduit/config';
import { dec, proofOfIntentMessage } from '@conduit/domain';
import { HyperliquidSim, startHyperliquidServer } from '@conduit/testing';
import { llmTraderDemo } from './demo-trader';
import { smartMoneyDemo } from './demo-wallets';
import { DemoInbox, operationsDemo } from './demo-operations';
import { venuesDemo } from './demo-venues';
import { DemoTraces } from './demo-traces';

const root = join(__dirname, '..', '..');
const keep = process.argv.includes('--keep');
const base = { ...process.env };
// The first admin: the gateway creates it at boot when there is none (ADMIN_EMAIL + ADMIN_PASSWORD, docs/OPERATORS.md).
base.ADMIN_EMAIL ||= 'admin@conduit.demo';
base.ADMIN_PASSWORD ||= 'conduit-demo';
base.PAPER_RANDOM_WALK ??= 'true';
base.LOG_LEVEL ??= 'warn';
// The demo's notification receivers listen on this machine; a deployment keeps private webhook addresses refused.
base.NOTIFY_WEBHOOK_ALLOW_PRIVATE ??= 'true';
// Agent keys are sealed under MASTER_KEY. Without one, the demo uses a throw-away key (its deployments' agent
// wallets cannot be opened after the demo ends, which is what a demo wants).
const ephemeralMasterKey = !base.MASTER_KEY;
if (ephemeralMasterKey) base.MASTER_KEY = randomBytes(32).toString('hex');
const port = loadEnv(base).PORT;
// Wallets sign in with EIP-4361 messages naming the API's host as they reach it.
base.AUTH_DOMAINS ||= `127.0.0.1:${port},localhost:${port}`;
const env = loadEnv(base);
const gatewayPort = env.PORT;
const api = `http://127.0.0.1:${gatewayPort}`;
/** The operator session of the demo's admin (`Bearer cos_…`), once signed in. */
let admin = '';
const SERVICES = ['signal', 'policy', 'router', 'executor', 'billing', 'notifier', 'gateway'];
const children: ChildProcess[] = [];

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
/** Polls until check returns a value (10 s at most). */
async function poll<T>(check: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('the pipeline did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const step = (s: string) => console.log(`\n${bold('▸ ' + s)}`);
const show = (label: string, value: unknown) =>
  console.log(`  ${label.padEnd(18)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);

function run(cmd: string[], extra: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cmd, { cwd: root, env: { ...base, ...extra }, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd.join(' ')} exited with ${code}`))));
  });
}

function start(name: string, port: number, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', name, 'src', 'main.ts')], {
    cwd: root,
    env: { ...base, ...extra, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${code ?? signal}) during the demo`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function healthy(port: number, name: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become healthy on :${port}`);
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: any = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json.message ?? json)}`);
  return json;
}

/** Sign-In with Ethereum: a nonce from the API, the wallet's signature of the message, a bearer token back. */
async function signIn(wallet: Wallet): Promise<{ authorization: string; expires: string }> {
  const { nonce } = await call('GET', '/api/v3/auth/nonce');
  const message = new SiweMessage({
    domain: new URL(api).host,
    address: wallet.address,
    statement: 'Sign in to Conduit.',
    uri: api,
    version: '1',
    chainId: 1,
    nonce,
    issuedAt: new Date().toISOString(),
    expirationTime: new Date(Date.now() + 10 * 60_000).toISOString(),
  }).prepareMessage();
  const { token, expires_at } = await call('POST', '/api/v3/auth/verify', { message, signature: await wallet.signMessage(message) });
  return { authorization: `Bearer ${token}`, expires: expires_at };
}

let stopping = false;
let hyperliquid: HyperliquidSim | null = null;
const inbox = new DemoInbox();
const traces = new DemoTraces();
async function stop(code: number) {
  stopping = true;
  await hyperliquid?.close();
  await inbox.close().catch(() => undefined);
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  await traces.close().catch(() => undefined); // after the services: they export their last spans as they stop
  process.exit(code);
}

async function main() {
  step('Migrating the database (once, under an advisory lock)');
  await run(['-r', '@swc-node/register', 'tools/scripts/migrate.ts', 'up']);
  if (!existsSync(join(root, env.WEB_DIR, 'index.html'))) {
    step('Building the web dashboard (vite, once: the gateway serves it at /)');
    await run([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn']);
  }

  step('Starting the services, each in its own process');
  // Watched wallets are read from Hyperliquid's info API: here a local server speaking its protocol (no venue is
  // reachable from a demo machine), polled every 5 s so the demo need not wait a minute (two wallets at 42 weight a
  // poll stay inside Hyperliquid's 1,200 a minute).
  hyperliquid = await startHyperliquidServer({ isTestnet: true });
  const signalEnv = { HYPERLIQUID_API_URL: hyperliquid.url, WALLET_POLL_INTERVAL_MS: '5000' };
  // Notifications reach a local webhook receiver, Telegram Bot API and SMTP server (step 11).
  const extra: Record<string, Record<string, string>> = { signal: signalEnv, notifier: await inbox.start() };
  // Every service traces (OpenTelemetry over OTLP) to a receiver in this process, or to OTEL_EXPORTER_OTLP_ENDPOINT's.
  Object.assign(base, await traces.start(base));
  const ports = SERVICES.map((name, i) => (name === 'gateway' ? gatewayPort : gatewayPort + 101 + i));
  SERVICES.forEach((name, i) => start(name, ports[i], extra[name] ?? {}));
  await Promise.all(SERVICES.map((name, i) => healthy(ports[i], name)));
  SERVICES.forEach((name, i) => show(name, `http://127.0.0.1:${ports[i]}/health  /metrics`));

  step('Operator sign-in: the first admin (feeds, paper marks and Bull Board need an operator)');
  const session = await call('POST', '/api/v3/operators/login', { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });
  admin = `Bearer ${session.token}`;
  show('operator', `${session.user.email} (${session.user.role}), session until ${session.expires_at}`);

  step('0. Sign in with a wallet (EIP-4361): the creator, who also subscribes first');
  // Throw-away wallets: a run never depends on the one before.
  const you = new Wallet(Wallet.createRandom().privateKey);
  const yourWallet = you.address.toLowerCase();
  const { authorization: auth, expires } = await signIn(you);
  const as = { authorization: auth };
  show('signed in', `${yourWallet}, token until ${expires}`);
  await inbox.subscribe({ call, step, show, poll }, as);

  step('1. Create an agent (seed quick-start body, with its proof of intent)');
  const name = 'Alpha Hunter V3';
  const timestamp = new Date().toISOString();
  const intent = proofOfIntentMessage({ creatorWallet: yourWallet, name, timestamp });
  const { agent } = await call(
    'POST',
    '/api/v3/agents/create',
    {
      creator_wallet: yourWallet,
      name,
      x_account_ids: ['123456789'],
      research_institute_ids: [],
      weights: { x: 1.0, research: 0 },
      profit_receiver_address: yourWallet,
      proof_of_intent_message: intent,
      proof_of_intent_signature: await you.signMessage(intent),
      proof_of_intent_timestamp: timestamp,
    },
    as,
  );
  show('agent', `${agent.id}  "${agent.name}"  venue=${agent.venue} status=${agent.status}`);

  step('2. Deploy it to a user wallet');
  // The server generates one agent wallet per venue and seals its key; only addresses come back.
  const { deployment, agent_wallets } = await call('POST', '/api/v3/agents/deploy', { agent_id: agent.id, user_wallet: yourWallet }, as);
  show(
    'deployment',
    `${deployment.id}  status=${deployment.status} mode=${deployment.trading_mode} trial until ${deployment.trial_ends_at}`,
  );
  show(
    'agent wallets',
    `Hyperliquid ${agent_wallets.HYPERLIQUID.agent_address}, Ostium ${agent_wallets.OSTIUM.agent_address}, GMX ` +
      `${agent_wallets.GMX.agent_address}, SPOT ${agent_wallets.SPOT.agent_address}` +
      (ephemeralMasterKey ? ' (sealed under a throw-away MASTER_KEY)' : ''),
  );

  step('3. Generate a signal (Agent What): venue-agnostic');
  const { signal, trace_id: signalTrace } = await call(
    'POST',
    '/api/v3/signals/generate',
    {
      agent_id: agent.id,
      token_symbol: 'ETH',
      side: 'LONG',
      size_model: { type: 'percentage', value: 25 },
      risk_model: { type: 'trailing-stop', stop: 0.03 },
      confidence: 0.85,
    },
    as,
  );
  show('signal', `${signal.id}  ${signal.side} ${signal.token_symbol} requested_venue=${signal.requested_venue}`);

  // A question, not work: the gateway asks a router over the RPC channel (@nestjs/microservices on Redis).
  const preview = await call('GET', `/api/v3/routing/preview?agent_id=${agent.id}&token_symbol=ETH&side=LONG&notional_usd=1000`);
  show('router would pick', `${preview.selected ?? 'nothing'}: ${preview.reason} (${preview.strategy}, asked over RPC)`);

  step('4. Execute with auto-routing (Agent How → Agent Where → executor)');
  const trade = await call('POST', '/api/v3/execute/trade', { signal_id: signal.id }, as);
  show('routing decision', `${trade.routing.selected_venue}: ${trade.routing.routing_reason}`);
  show('checked venues', trade.routing.checked_venues);
  show('availability', trade.routing.venue_availability);
  show('routing time', `${trade.routing.routing_duration_ms} ms`);
  const outcome = trade.outcomes[0];
  const position = outcome.position;
  show('outcome', `${outcome.outcome} for deployment ${outcome.deployment_id}`);
  show(
    'position',
    `${position.id}  ${position.side} ${position.qty} ${position.token_symbol} @ ${position.entry_price} on ${position.venue}`,
  );
  show('stop loss', `${position.stop_loss} (trailing ${Number(position.trailing_params.trail_pct) * 100}%)`);
  const path = await traces.path(signalTrace, 'executor');
  show('trace', path ? `${signalTrace}: ${path[0]}` : `${signalTrace} (in your collector)`);
  if (path) show('', `${path[1]}; the audit trail and the logs carry the same id`);

  step('5. The paper market moves: ETH mark +2%');
  const entryMark = (await call('GET', `/api/v3/positions/${position.id}`, undefined, as)).position.current_price;
  const up = dec(entryMark).mul('1.02').toFixed(2);
  await call('PUT', '/api/v3/admin/paper/marks', { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: up }, { authorization: admin });
  show('ETH mark', `${entryMark} → ${up}`);

  step('6. Close the position; billing takes the profit share');
  const closed = await call('POST', `/api/v3/positions/${position.id}/close`, { reason: 'MANUAL' }, as);
  show('closed at', `${closed.position.exit_price}  (${closed.position.exit_reason})`);
  show('realized PnL', `${closed.position.pnl} USD net of ${closed.position.fees} fees`);
  if (closed.billing_event) {
    // The close answers once the bill exists; the paper ledger collects it a moment later.
    let b = closed.billing_event;
    for (const deadline = Date.now() + 5000; b.status === 'PENDING' && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
      b = (await call('GET', `/api/v3/billing/events/${b.id}`, undefined, as)).event;
    }
    show(
      'bill',
      `${b.kind} ${b.amount} ${b.asset} ${b.status} → ${b.metadata.receiver} (${b.metadata.share_pct}% of ${b.metadata.realized_pnl})`,
    );
  } else {
    show('bill', 'none (no profit)');
  }

  await venuesDemo({ call, step, show }, { agentId: agent.id, as });

  step('8. Agent What reads posts: two posts of a followed account become a signal; policies decide per deployment');
  await call('POST', `/api/v3/agents/${agent.id}/activate`, undefined, as);
  const subscriber = new Wallet(Wallet.createRandom().privateKey);
  const careful = await call(
    'POST',
    '/api/v3/agents/deploy',
    { agent_id: agent.id, user_wallet: subscriber.address.toLowerCase(), policy: { denied_tokens: ['SOL'] } },
    { authorization: (await signIn(subscriber)).authorization },
  );
  show('2nd deployment', `${careful.deployment.id}  policy ${JSON.stringify(careful.deployment.policy)}`);
  const now = Date.now();
  await call(
    'POST',
    '/api/v3/ct/posts',
    {
      posts: [
        {
          tweet_id: String(now),
          x_username: 'alphahunter',
          x_user_id: '123456789',
          text: '$SOL breakout confirmed, bullish. Accumulating here.',
        },
        {
          tweet_id: String(now + 1),
          x_username: 'alphahunter',
          x_user_id: '123456789',
          text: '$SOL looks ready to moon, buying more. Bullish.',
        },
      ],
    },
    { authorization: admin },
  ); // data feeds post with the operator's credential
  const classified = await poll(async () => {
    const r = (await call('GET', `/api/v3/agents/${agent.id}/decisions?source_type=ct_post`)).decisions;
    return r.length >= 2 ? r : null;
  });
  const by = [...new Set(classified.map((d: any) => `${d.model} (${d.status})`))].join(', ');
  show('posts', `2 ingested from @alphahunter (followed as 123456789), classified by ${by}`);
  const emitted = await poll(
    async () => (await call('GET', `/api/v3/agents/${agent.id}/decisions?source_type=aggregate&action=OPEN_LONG`)).decisions[0],
  );
  show('Agent What', emitted.reasoning);
  // Each deployment's part of a signal is its user's: an operator reads them all.
  const layers = await poll(async () => {
    const r = await call('GET', `/api/v3/signals/${emitted.signal_id}/decisions`, undefined, { authorization: admin });
    return ['EXECUTED', 'FAILED', 'SKIPPED'].includes(r.signal.status) ? r : null;
  });
  for (const d of layers.agent_how)
    show('Agent How', `${d.deployment_id.slice(0, 8)}… ${d.decision}: ${d.reason} → ${d.outcome}${d.venue ? ' on ' + d.venue : ''}`);
  show('Agent Where', `${layers.agent_where.selected_venue}: ${layers.agent_where.routing_reason}`);

  const subscriberAuth = { authorization: (await signIn(subscriber)).authorization };
  await llmTraderDemo(
    { call, step, show, poll },
    {
      creator: you,
      as,
      admin: { authorization: admin },
      subscriber: subscriberAuth,
      subscriberWallet: subscriber.address.toLowerCase(),
      databaseUrl: env.DATABASE_URL,
      llmModel: env.LLM_BASE_URL ? env.LLM_MODEL : null,
    },
  );

  await smartMoneyDemo(
    { call, step, show, poll },
    {
      sim: hyperliquid,
      creator: you,
      as,
      admin: { authorization: admin },
      subscriber: subscriberAuth,
      subscriberWallet: subscriber.address.toLowerCase(),
    },
  );

  await operationsDemo({ call, step, show, poll }, { api, inbox, as, admin: { authorization: admin }, deploymentId: deployment.id });

  step('Overview');
  const o = await call('GET', '/api/v3/stats/overview');
  show('totals', {
    agents: o.agents,
    deployments: o.deployments,
    signals: o.signals,
    positions: o.positions,
    realized_pnl: o.realized_pnl,
  });
  show('signals', Object.fromEntries(o.signals_by_status.map((s: any) => [s.status, s.count])));
  show('routing', o.routing_by_venue);

  console.log(`\n  Dashboard   ${api}/  (the leaderboard; compare agents side by side)`);
  console.log(`              ${api}/agents/${agent.id}  (its equity, decisions and venues; Subscribe, or edit it as its creator)`);
  console.log(`              ${api}/signals/${signal.id}  (the signal's journey through the five layers)`);
  console.log(`              ${api}/me  (sign in with a browser wallet: deployments, live positions, policy, bills)`);
  console.log(`              ${api}/wallets, ${api}/reports, ${api}/operations  (wallet intelligence; operators: reports, queues, audit)`);
  console.log(`  OpenAPI     ${api}/api/docs`);
  console.log(
    `  Bull Board  ${api}/admin/queues  (sign in first: POST /api/v3/operators/login as ${env.ADMIN_EMAIL}, password from ` +
      `ADMIN_PASSWORD${process.env.ADMIN_PASSWORD ? '' : ': conduit-demo'})`,
  );
  if (keep) {
    console.log('\nServices keep running; Ctrl-C stops them.');
    process.once('SIGINT', () => void stop(0));
    process.once('SIGTERM', () => void stop(0));
    return;
  }
  step('Stopping the services (SIGTERM: workers drain, then exit 0)');
  await stop(0);
}

main().catch(async (e) => {
  console.error(`\ndemo failed: ${e.message}`);
  await stop(1);
});
