import { CATEGORIES, STATUS_RANK, worstStatus, type Category, type Finding, type Status, type Verdict } from './types.js';

/** A category's status is its worst unacknowledged finding (DESIGN.md). */
export function categoryStatuses(findings: Finding[]): Record<Category, Status> {
  const statuses = Object.fromEntries(CATEGORIES.map((c) => [c, 'PASS'])) as Record<Category, Status>;
  for (const finding of findings) {
    if (finding.acknowledged) continue;
    for (const category of finding.categories) statuses[category] = worstStatus(statuses[category], statusIn(finding, category));
  }
  return statuses;
}

/** The finding's status in one of its categories: its own, or the lower one it carries for that category. */
export function statusIn(finding: Finding, category: Category): Exclude<Status, 'PASS'> {
  const own = finding.categoryStatus?.[category];
  return own && STATUS_RANK[own] < STATUS_RANK[finding.status] ? own : finding.status;
}

export function verdictOf(statuses: Record<Category, Status>): Verdict {
  const values = Object.values(statuses);
  if (values.includes('BLOCK')) return 'BLOCK';
  if (values.includes('FLAG')) return 'SAFE_WITH_MODIFICATIONS';
  return 'SAFE_TO_SHIP';
}

function firstSentence(text: string): string {
  const cut = text.replace(/^Verify: [^—]*— /, '').match(/^(.+?[.!?])(\s|$)/);
  return (cut?.[1] ?? text).replace(/[.!?]$/, '');
}

/** One sentence that justifies the verdict, built from the findings that decide it. */
export function justify(verdict: Verdict, findings: Finding[], fileCount: number): string {
  const open = findings.filter((f) => !f.acknowledged).sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status]);
  const acked = findings.length - open.length;
  const files = `${fileCount} migration file${fileCount === 1 ? '' : 's'}`;
  if (verdict === 'SAFE_TO_SHIP') {
    return acked
      ? `Nothing open in ${files}: ${acked} finding${acked === 1 ? ' is' : 's are'} acknowledged with a reason.`
      : `No risky operation found in ${files}.`;
  }
  const deciding = open.filter((f) => f.status === (verdict === 'BLOCK' ? 'BLOCK' : 'FLAG'));
  const lead = deciding[0]!;
  const more = deciding.length - 1;
  const tail = more > 0 ? ` (and ${more} more ${verdict === 'BLOCK' ? 'blocking' : 'flagged'} finding${more === 1 ? '' : 's'})` : '';
  const lead_ = `${firstSentence(lead.message)} at ${lead.file}:${lead.line}${tail}.`;
  return verdict === 'BLOCK' ? `Do not ship: ${lead_}` : `Ship after the author checks: ${lead_}`;
}
