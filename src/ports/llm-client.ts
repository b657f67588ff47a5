// The port the LLM extractor calls (src/adapters/llm/ implements it with the
// openai package). The extractor never sees HTTP, SDKs or keys.
export interface LlmCompletionRequest {
  system: string;
  user: string;
  /** Name and JSON schema of the structured answer (strict). */
  schemaName: string;
  jsonSchema: Record<string, unknown>;
  maxOutputTokens: number;
}

export interface LlmCompletion {
  /** The raw message content (JSON text, not yet parsed or validated). */
  content: string;
  /** Tokens the endpoint reported; null when it reports none. */
  usage: { inputTokens: number; outputTokens: number } | null;
  /** The model that answered, as the endpoint names it. */
  model: string;
}

export interface LlmClient {
  readonly model: string;
  /**
   * One request, no retries. Failures are LeadwireErrors: kind rate_limited
   * (with retryAfterMs), unavailable (5xx, connection), timeout — retriable;
   * upstream (other 4xx, refusals, truncated answers) — not retriable.
   */
  complete(req: LlmCompletionRequest): Promise<LlmCompletion>;
}
