import { adminAuth, QUICK_START, waitForQueuesToDrain, WalletClient } from '@conduit/testing';
import type { PipelineApps } from './pipeline-apps';

export interface JourneyFlow {
  creator: WalletClient;
  subscriber: WalletClient;
  agentId: string;
  signalId: string;
  /** The creator's own deployment (closed with a profit, billed) and the subscriber's (left open). */
  creatorDeploymentId: string;
  subscriberDeploymentId: string;
  creatorPositionId: string;
}

const ok = <T extends { status: number; body: any }>(r: T, status: number, what: string): T => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
};

/**
 * One signal through the real pipeline (test/pipeline-apps.ts): the quick-start agent, deployed by its creator and by
 * a subscriber; its ETH long routed, opened for both; ETH marked at 2100 and the creator's position closed, so the
 * profit share is billed and collected. Every layer of the signal's journey then has rows.
 */
export async function driveJourney(apps: PipelineApps): Promise<JourneyFlow> {
  const { api, env } = apps;
  const creator = new WalletClient(api);
  const subscriber = WalletClient.random(api);
  const agentId = ok(await creator.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent), 201, 'create').body.agent.id;
  const own = ok(await creator.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agentId)), 201, 'deploy');
  const theirs = ok(
    await subscriber.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agentId, user_wallet: subscriber.address }),
    201,
    'deploy as a subscriber',
  );
  const signalId = ok(await creator.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId)), 201, 'generate').body
    .signal.id;
  const executed = ok(await creator.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signalId)), 200, 'execute').body;
  if (executed.signal.status !== 'EXECUTED') throw new Error(`signal ${executed.signal.status}`);
  const creatorPositionId = executed.outcomes[0].position.id;
  ok(
    await creator.http(
      'PUT',
      `${api}/api/v3/admin/paper/marks`,
      { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '2100' },
      adminAuth(env),
    ),
    200,
    'mark',
  );
  ok(await creator.http('POST', `${api}/api/v3/positions/${creatorPositionId}/close`, {}), 200, 'close');
  await waitForQueuesToDrain(env);
  return {
    creator,
    subscriber,
    agentId,
    signalId,
    creatorDeploymentId: own.body.deployment.id,
    subscriberDeploymentId: theirs.body.deployment.id,
    creatorPositionId,
  };
}
