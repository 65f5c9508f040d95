import { DEFAULT_MODEL } from '../../src/llm/index.js';

/** A Messages API response in its exact shape: one forced submit_review tool call, usage with the cache fields. */
export function submitReviewMessage(input: unknown, extra: Record<string, unknown> = {}) {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: DEFAULT_MODEL,
    content: [{ type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'submit_review', input }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 2048, output_tokens: 312, cache_creation_input_tokens: 0, cache_read_input_tokens: 11_520 },
    ...extra,
  };
}

/** A Claude finding on line 1 of the example's index migration. */
export const indexFinding = {
  category: 'index_dependencies',
  status: 'FLAG',
  file: 'db/migrations/000002_orders_status_index.up.sql',
  line: 1,
  table: 'orders',
  policy: 'IX-3',
  title: 'Admin list query',
  message: 'Verify: the admin list filters by status; check it uses this index after the build.',
  recommendation: 'Run EXPLAIN on the admin list query on staging.',
  pattern: null,
};
