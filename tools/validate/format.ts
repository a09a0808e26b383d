/** Human-readable findings, one per line, errors first. */
import { formatValue } from '../../constructs/lib/errors';
import type { Finding } from './findings';
import { compareText } from '../../constructs/lib/order';

/** `ERROR prod/identity-service Deployment/identity-service spec...: message (got x). Fix: ...` */
export function formatFinding(f: Finding): string {
  const where = `${f.environment}/${f.application} ${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name}`;
  const value = f.value === undefined ? '' : ` (got ${formatValue(f.value)})`;
  return `${f.severity.toUpperCase()} [${f.rule}] ${where} ${f.path}: ${f.message}${value}. Fix: ${f.fix}`;
}

/** All findings, errors first, in a stable order. */
export function formatFindings(findings: readonly Finding[]): string[] {
  const rank = (f: Finding): number => (f.severity === 'error' ? 0 : 1);
  return [...findings]
    .sort((a, b) => rank(a) - rank(b) || compareText(formatFinding(a), formatFinding(b)))
    .map(formatFinding);
}
