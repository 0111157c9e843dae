// The brains of an llm_trader that need no OpenAI client: the built-in rules models, and the router that picks the
// rules or the LLM by the agent's llm_model.
import { isRulesModel, RULES_MODELS, rulesDecision, TraderSnapshot } from '@conduit/domain';
import { traderMessages } from './prompt';
import { TraderBrain, TraderRun, traderRun } from './run';
import { parseTraderDecision, traderDecisionJson } from './schema';

/**
 * Answers for `rules:*` models (RULES_MODELS). The decision is written as JSON text (the raw response) and parsed back
 * through parseTraderDecision, so it passes the same validation as a model's answer. The prompt is the one an LLM
 * would get; usage is null (no tokens).
 */
export class RulesTrader implements TraderBrain {
  async decide(snapshot: TraderSnapshot, model: string): Promise<TraderRun> {
    const started = performance.now();
    const prompt = JSON.stringify(traderMessages(snapshot));
    const decision = rulesDecision(model, snapshot);
    if (!decision) {
      const error = `unknown rules model ${JSON.stringify(model)} (known: ${RULES_MODELS.join(', ')})`;
      return traderRun(model, prompt, started, { status: 'failed', error });
    }
    const rawResponse = traderDecisionJson(decision);
    const parsed = parseTraderDecision(rawResponse);
    if ('error' in parsed) return traderRun(model, prompt, started, { status: 'parsing_error', rawResponse, error: parsed.error });
    return traderRun(model, prompt, started, { status: 'success', rawResponse, decision: parsed.decision });
  }
}

/**
 * Decides with the rules for a `rules:*` model and with the LLM brain otherwise (failed when none is configured).
 * Never throws: an exception of either brain (a snapshot the prompt cannot print, say) becomes a failed run.
 */
export class TraderRouter implements TraderBrain {
  constructor(
    private readonly llm: TraderBrain | null,
    private readonly rules: TraderBrain = new RulesTrader(),
  ) {}

  async decide(snapshot: TraderSnapshot, model: string): Promise<TraderRun> {
    const started = performance.now();
    try {
      if (isRulesModel(model)) return await this.rules.decide(snapshot, model);
      if (this.llm) return await this.llm.decide(snapshot, model);
      const error = `no LLM endpoint is configured for model ${JSON.stringify(model)} (set LLM_BASE_URL, or use a rules: model)`;
      return traderRun(model, JSON.stringify(traderMessages(snapshot)), started, { status: 'failed', error });
    } catch (e) {
      return traderRun(model, '', started, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  }
}
