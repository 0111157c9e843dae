import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Env } from '@conduit/config';
import { exec } from '@conduit/db';
import { TraderSnapshot } from '@conduit/domain';
import { llmCostUsd, llmPriceTable, OpenAiCompatibleTrader, TraderRouter, TraderRun } from '@conduit/signals';
import { ENV } from '@conduit/runtime';

export type { TraderRun };

/**
 * The model of each llm_trader: a built-in rules model (`rules:momentum`) answers without an LLM, any other name is
 * asked of the OpenAI-compatible LLM_BASE_URL. Both answer in the same schema through the same validation.
 */
@Injectable()
export class TraderModels {
  private readonly brain: TraderRouter;
  private readonly prices: ReturnType<typeof llmPriceTable>;

  constructor(@Inject(ENV) env: Env) {
    const llm = env.LLM_BASE_URL
      ? new OpenAiCompatibleTrader({ baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY ?? '', timeoutMs: env.LLM_TIMEOUT_MS })
      : null;
    this.brain = new TraderRouter(llm);
    this.prices = llmPriceTable(env.LLM_PRICES);
  }

  decide(model: string, snapshot: TraderSnapshot): Promise<TraderRun> {
    return this.brain.decide(snapshot, model);
  }

  /** One llm_token_usage row per decision, from the provider's usage and the model's price. */
  async recordUsage(em: EntityManager, agentId: string, decisionId: string, run: TraderRun): Promise<void> {
    if (!run.usage) return;
    const cost = llmCostUsd(run.model, run.usage, this.prices);
    await exec(
      em,
      `INSERT INTO llm_token_usage (agent_id, decision_id, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (decision_id) DO NOTHING`,
      [agentId, decisionId, run.model, run.usage.promptTokens, run.usage.completionTokens, run.usage.totalTokens, cost],
    );
  }
}
