import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { AgentView } from '../../api/agent';
import { useMyDeploymentsOf, useSubscribe, type DeployAnswer } from '../../api/agent-actions';
import { ApiError } from '../../api/client';
import { useSession } from '../../api/session';
import { messagesByField, type FieldErrors } from '../subscriber/policy-form';
import { DEPLOY_FIELDS, deployBody, type DeployField } from './agent-forms';

/**
 * Subscribe: signed out, a button signs in with the wallet first; signed in, the wallet's deployment of this agent if it
 * has one not STOPPED (managed on /me), else a form (paper or live, an optional max leverage) that deploys the agent.
 */
export function SubscribePanel({ agent }: { agent: AgentView }) {
  const { session, signIn, signingIn, error } = useSession();
  const mine = useMyDeploymentsOf(agent.id);
  const subscribe = useSubscribe(agent.id);
  const [done, setDone] = useState<DeployAnswer | null>(null);

  if (done) return <Subscribed answer={done} />;
  if (!session)
    return (
      <>
        <p>Follow this agent with your wallet: each of its signals opens a position in your deployment, under your own policy.</p>
        <button type="button" onClick={() => void signIn()} disabled={signingIn}>
          {signingIn ? 'Signing in…' : 'Sign in with wallet to subscribe'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </>
    );
  if (mine.isPending) return <p aria-live="polite">Looking for your deployment of this agent…</p>;
  if (mine.isError)
    return (
      <p role="alert" className="error">
        Could not read your deployments: {mine.error.message}
      </p>
    );
  const current = mine.data.find((d) => d.status !== 'STOPPED');
  if (current)
    return (
      <p>
        Your wallet already follows this agent: deployment <code>{current.id.slice(0, 8)}</code> ({current.trading_mode},{' '}
        {current.status.toLowerCase()}). <Link to="/me">Manage it on My deployments</Link>
      </p>
    );
  if (agent.status === 'STOPPED') return <p>This agent is stopped: it takes no new subscribers.</p>;
  return (
    <SubscribeForm
      agentId={agent.id}
      wallet={session.address}
      pending={subscribe.isPending}
      send={subscribe.mutateAsync}
      onDone={setDone}
    />
  );
}

function SubscribeForm(props: {
  agentId: string;
  wallet: string;
  pending: boolean;
  send(body: NonNullable<ReturnType<typeof deployBody>['body']>): Promise<DeployAnswer>;
  onDone(answer: DeployAnswer): void;
}) {
  const id = useId();
  const [mode, setMode] = useState<'paper' | 'live'>('paper');
  const [leverage, setLeverage] = useState('');
  const [errors, setErrors] = useState<FieldErrors<DeployField>>({});
  const [general, setGeneral] = useState<string[]>([]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { body, errors: local } = deployBody(props.agentId, props.wallet, mode, leverage);
    setErrors(local);
    setGeneral([]);
    if (!body) return;
    try {
      props.onDone(await props.send(body));
    } catch (err) {
      const messages = err instanceof ApiError ? err.messages : [(err as Error).message];
      const { byField, rest } = messagesByField(messages, DEPLOY_FIELDS);
      setErrors(byField);
      setGeneral(rest.length || Object.keys(byField).length ? rest : [(err as Error).message]);
    }
  }

  const described = (field: DeployField) => `${id}-${field}-hint${errors[field] ? ` ${id}-${field}-error` : ''}`;
  const fieldError = (field: DeployField) =>
    errors[field] && (
      <p className="field-error" id={`${id}-${field}-error`}>
        {errors[field].join('; ')}
      </p>
    );
  return (
    <form className="subscribe" onSubmit={(e) => void submit(e)} noValidate aria-label="Subscribe">
      <fieldset aria-describedby={described('trading_mode')}>
        <legend>Trading mode</legend>
        <label>
          <input type="radio" name="trading_mode" value="paper" checked={mode === 'paper'} onChange={() => setMode('paper')} /> Paper:
          simulated fills at the venues’ marks, no funds move
        </label>
        <label>
          <input type="radio" name="trading_mode" value="live" checked={mode === 'live'} onChange={() => setMode('live')} /> Live: real
          orders
        </label>
        <small id={`${id}-trading_mode-hint`}>
          Live trading goes through agent wallets the server creates for your deployment: they trade only once you approve them from your
          wallet (what to sign is shown once subscribed). You can switch modes later.
        </small>
        {fieldError('trading_mode')}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-max_leverage`}>Max leverage (optional)</label>
        <input
          id={`${id}-max_leverage`}
          name="max_leverage"
          inputMode="numeric"
          value={leverage}
          aria-invalid={errors.max_leverage ? true : undefined}
          aria-describedby={described('max_leverage')}
          onChange={(e) => setLeverage(e.target.value)}
        />
        <small id={`${id}-max_leverage-hint`}>whole number, 1–100; your policy, editable later on My deployments</small>
        {fieldError('max_leverage')}
      </div>
      {general.length > 0 && (
        <p role="alert" className="error">
          {general.join('; ')}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={props.pending}>
          {props.pending ? 'Subscribing…' : 'Subscribe'}
        </button>
      </div>
    </form>
  );
}

const VENUE_NAME: Record<string, string> = { HYPERLIQUID: 'Hyperliquid', OSTIUM: 'Ostium' };

/** The new deployment, a link to /me, and for a live one the agent wallets the user approves from their wallet. */
function Subscribed({ answer }: { answer: DeployAnswer }) {
  const d = answer.deployment;
  const wallets = Object.entries(answer.agent_wallets).filter(([, w]) => w?.agent_address);
  return (
    <div role="status" className="subscribed">
      <p>
        Subscribed: deployment <code>{d.id.slice(0, 8)}</code>, {d.trading_mode} trading. <Link to="/me">See it on My deployments</Link>
      </p>
      {d.trading_mode === 'live' && wallets.length > 0 && (
        <>
          <p>Approve these agent wallets from your wallet before they can trade for you:</p>
          <dl className="agent-wallets">
            {wallets.map(([venue, w]) => (
              <div key={venue}>
                <dt>{VENUE_NAME[venue] ?? venue}</dt>
                <dd>
                  <code>{w!.agent_address}</code>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </div>
  );
}
