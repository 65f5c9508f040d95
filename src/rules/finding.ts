import type { Category, Finding, FindingSource } from '../core/types.js';
import type { RuleMeta } from './define.js';
import { RULES_BY_ID } from './index.js';

/**
 * The one way a finding is made, whatever raised it: a rule's handler, the lock trace, Claude, or
 * the pipeline itself (syntax errors, acks, modified migrations). The text comes from the rule's
 * message templates; the status is the one the source judged. The repository's policy (levels,
 * `off`, acks) is not applied here but once, by `finalize`, after every source has reported.
 */
export interface FindingSpec {
  messageId: string;
  data: Record<string, string | number>;
  file: string;
  line: number;
  status: 'FLAG' | 'BLOCK';
  source: FindingSource;
  /** Default: the rule's category. */
  category?: Category;
  /** Every category the risk affects, primary first. Default: the primary plus the rule's `alsoCategories`. */
  categories?: Category[];
  /** Lower statuses for some of the categories (Finding.categoryStatus). */
  categoryStatus?: Finding['categoryStatus'];
  /** What the author must check; the message is then prefixed `Verify: <this> — `. */
  verify?: string;
  table?: string;
  /** The statement, shortened (see excerptOf). */
  excerpt?: string;
  /** What the lock trace saw that confirms it. */
  evidence?: string;
  /** A more specific pattern than the rule's own. */
  pattern?: string;
}

export function createFinding(rule: RuleMeta & { alsoCategories?: Category[] }, spec: FindingSpec): Finding {
  const rendered = rule.render(spec.messageId, spec.data);
  const category = spec.category ?? spec.categories?.[0] ?? rule.category;
  // Key order is the JSON contract's field order: keep it stable.
  return {
    rule: rule.id,
    category,
    categories: [...new Set([category, ...(spec.categories ?? rule.alsoCategories ?? [])])],
    status: spec.status,
    ...(spec.categoryStatus && Object.keys(spec.categoryStatus).length ? { categoryStatus: spec.categoryStatus } : {}),
    file: spec.file,
    line: spec.line,
    message: spec.verify ? `Verify: ${spec.verify} — ${rendered.message}` : rendered.message,
    recommendation: rendered.recommendation,
    pattern: spec.pattern ?? rule.pattern,
    source: spec.source,
    acknowledged: null,
    ...(spec.table ? { table: spec.table } : {}),
    ...(spec.excerpt ? { excerpt: spec.excerpt } : {}),
    ...(spec.evidence ? { evidence: spec.evidence } : {}),
  };
}

/** A finding of a rule named by id (the trace, Claude and the pipeline name theirs). */
export function findingOf(ruleId: string, spec: FindingSpec): Finding {
  const rule = RULES_BY_ID.get(ruleId);
  if (!rule) throw new Error(`no rule "${ruleId}"`);
  return createFinding(rule, spec);
}
