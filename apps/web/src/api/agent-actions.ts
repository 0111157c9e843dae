import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from './client';
import { ME, useAuthed, type PolicyInput } from './subscriber';

// What a signed-in wallet does on an agent's page: subscribe (deploy it), and, as its creator, set its own limits and
// its routing config. Each refreshes what it changed once the API has answered.

export type DeployInput = Schemas['DeployAgentDto'];
export type DeployAnswer = Schemas['DeployResponse'];
export type RoutingConfigInput = Schemas['RoutingConfigDto'];

/** The signed-in wallet's deployments of one agent (GET /deployments?agent_id=), under /me's key: live events refresh it. */
export function useMyDeploymentsOf(agentId: string) {
  const { session, headers, check } = useAuthed();
  return useQuery({
    queryKey: [ME, session?.address, 'deployments', 'of', agentId],
    enabled: !!session,
    queryFn: async ({ signal }) =>
      check(await api.GET('/api/v3/deployments', { headers, signal, params: { query: { agent_id: agentId, limit: 100 } } })).deployments,
  });
}

/** POST /api/v3/agents/deploy: the wallet's new deployment of the agent and its agent wallets' approval payloads. */
export function useSubscribe(agentId: string) {
  const { headers, check } = useAuthed();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async (body: DeployInput) => check(await api.POST('/api/v3/agents/deploy', { headers, body })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: [ME] });
      void queries.invalidateQueries({ queryKey: ['agent', agentId], exact: true }); // its subscribers
    },
  });
}

/** The creator's writes: PUT /agents/:id/policy and PUT /agents/:id/routing-config (the API answers 403 to anyone else). */
export function useCreatorActions(agentId: string) {
  const { headers, check } = useAuthed();
  const queries = useQueryClient();
  const params = { path: { id: agentId } };
  return {
    savePolicy: useMutation({
      mutationFn: async (policy: PolicyInput) => check(await api.PUT('/api/v3/agents/{id}/policy', { headers, params, body: policy })),
      onSuccess: () => queries.invalidateQueries({ queryKey: ['agent', agentId], exact: true }),
    }),
    saveRouting: useMutation({
      mutationFn: async (config: RoutingConfigInput) =>
        check(await api.PUT('/api/v3/agents/{id}/routing-config', { headers, params, body: config })),
      onSuccess: () => queries.invalidateQueries({ queryKey: ['agent', agentId, 'routing-config'] }),
    }),
  };
}
