import Anthropic from '@anthropic-ai/sdk';
import { llmReviewSchema, SUBMIT_REVIEW_SCHEMA, type LlmReview, type Prompt } from './prompt.js';

/**
 * The Claude call: a forced `submit_review` tool with a strict schema generated from our zod
 * schema, validated again here; one retry with the validation error; a deadline after which the
 * deterministic result stands alone. The SDK retries 429 / 5xx / overloaded with backoff.
 */

/** A current Sonnet that the SDK does not list as deprecated (test/llm checks it). */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
const TOOL = 'submit_review';

export interface ClaudeOptions {
  apiKey: string;
  model?: string;
  /** Total time for the answer, retries included. */
  deadlineMs: number;
  baseURL?: string;
  maxRetries?: number;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

export type ClaudeOutcome =
  | { ok: true; answer: LlmReview; model: string; usage: { input: number; output: number; cacheRead: number; cacheWrite: number } }
  | { ok: false; note: string };

export async function askClaude(prompt: Prompt, options: ClaudeOptions): Promise<ClaudeOutcome> {
  const model = options.model ?? DEFAULT_MODEL;
  // Built here, not at import: the SDK captures fetch when constructed (tests install nock first).
  const client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: options.maxRetries ?? 2, timeout: options.deadlineMs });
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const tools: Anthropic.Tool[] = [
    {
      name: TOOL,
      description: 'Submit the review: the verdict, a one-sentence justification, and the findings the deterministic checker did not already report.',
      input_schema: SUBMIT_REVIEW_SCHEMA as Anthropic.Tool.InputSchema,
      strict: true,
    },
  ];
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: prompt.user }];
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  try {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const response = await client.messages.create(
        { model, max_tokens: 4096, system: prompt.system, tools, tool_choice: { type: 'tool', name: TOOL }, messages },
        { signal: deadline },
      );
      usage.input += response.usage.input_tokens;
      usage.output += response.usage.output_tokens;
      usage.cacheRead += response.usage.cache_read_input_tokens ?? 0;
      usage.cacheWrite += response.usage.cache_creation_input_tokens ?? 0;
      options.log?.('claude answered', { model, attempt, stop: response.stop_reason, ...usage });
      if (response.stop_reason === 'refusal') return { ok: false, note: 'Claude declined to review this change; the deterministic result stands' };
      const call = response.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use' && block.name === TOOL);
      const parsed = call ? llmReviewSchema.safeParse(call.input) : null;
      if (parsed?.success) return { ok: true, answer: parsed.data, model, usage };
      const problem = !call
        ? `no ${TOOL} call (stop reason ${response.stop_reason})`
        : parsed!.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join('.') || 'input'}: ${i.message}`)
            .join('; ');
      if (attempt === 2 || !call) return { ok: false, note: `Claude's answer did not match the review schema (${problem}); the deterministic result stands` };
      // One more try, told exactly what was wrong.
      messages.push({ role: 'assistant', content: response.content as Anthropic.ContentBlockParam[] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, is_error: true, content: `The input did not validate: ${problem}. Call ${TOOL} again with a corrected input.` }] });
    }
  } catch (error) {
    if (deadline.aborted || error instanceof Anthropic.APIConnectionTimeoutError || (error as Error).name === 'AbortError' || error instanceof Anthropic.APIUserAbortError) {
      return { ok: false, note: `Claude did not answer within ${Math.round(options.deadlineMs / 1000)} s; the deterministic result stands` };
    }
    if (error instanceof Anthropic.APIError) return { ok: false, note: `Claude review failed (${error.status ?? 'network'}: ${error.message.split('\n')[0]}); the deterministic result stands` };
    throw error;
  }
  return { ok: false, note: 'Claude review gave no answer' };
}
