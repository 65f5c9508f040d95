import type { Review } from '../core/types.js';

/** The JSON contract of DESIGN.md (schemaVersion 1). */
export function renderJson(review: Review): string {
  return `${JSON.stringify(review, null, 2)}\n`;
}
