/**
 * Platform policy rules and their named, documented exceptions.
 *
 * Validation (`npm run validate`, and `npm run synth` before anything is written) checks every rendered object
 * against the rules below. Where a workload truly needs to break one (a database that must write its data
 * directory as root, for example), the object carries an exemption annotation naming the rule and the reason:
 *
 * ```yaml
 * metadata:
 *   annotations:
 *     policy.platform-synth.io/exempt-pod-security: "postgres image needs root to chown its data directory"
 * ```
 *
 * Constructs add it with `exemptFromPolicy(object, 'policy/pod-security', reason)`. An exemption for an
 * unknown rule, or without a reason, is itself a validation error.
 */
import { ApiObject } from 'cdk8s';
import { PlatformError } from './errors';

/** Every policy rule that may be exempted, with what it checks. */
export const POLICY_RULE_DESCRIPTIONS = {
  'policy/pod-security': 'Pod Security Standards "restricted": runAsNonRoot, no privilege escalation, capabilities drop ALL (only NET_BIND_SERVICE added), seccomp RuntimeDefault/Localhost, allowed volume types only',
  'policy/resources': 'CPU and memory requests and limits on every container (requests within limits)',
  'policy/probes': 'liveness and readiness probes on long-running containers, on ports the container declares',
  'policy/image-tag': 'images pinned: no missing or floating tag (latest, main, ...) in staging and production; digests are fine',
  'policy/host-access': 'no hostPath volumes, hostNetwork, hostPID, hostIPC, hostPort or privileged containers',
  'policy/secret-data': 'no Secret objects with data or stringData (secret values never reach git)',
  'policy/secret-env': 'no secrets in env values and ConfigMap data: by name (*PASS*, *SECRET*, *TOKEN*, *_KEY, ...) or by shape (URL credentials, PEM private keys, JWTs, cloud keys)',
  'policy/secret-value': 'no secrets by name or shape in annotations and Helm values of Argo CD Applications',
  'policy/sync-wave': 'Argo CD sync-wave annotations are quoted integer strings',
} as const;

/** Id of a policy rule, e.g. `policy/resources`. */
export type PolicyRuleId = keyof typeof POLICY_RULE_DESCRIPTIONS;

/** All policy rule ids, sorted. */
export const POLICY_RULES: readonly PolicyRuleId[] = (Object.keys(POLICY_RULE_DESCRIPTIONS) as PolicyRuleId[]).sort();

/** Prefix of every annotation the policy reads. */
export const POLICY_ANNOTATION_PREFIX = 'policy.platform-synth.io/';

/** Prefix of exemption annotations: `policy.platform-synth.io/exempt-<rule without 'policy/'>`. */
export const EXEMPTION_ANNOTATION_PREFIX = `${POLICY_ANNOTATION_PREFIX}exempt-`;

/** True when `rule` is a known policy rule id. */
export function isPolicyRule(rule: unknown): rule is PolicyRuleId {
  return typeof rule === 'string' && Object.prototype.hasOwnProperty.call(POLICY_RULE_DESCRIPTIONS, rule);
}

/** The annotation key exempting an object from `rule` (`policy/pod-security` -> `policy.platform-synth.io/exempt-pod-security`). */
export function exemptionAnnotation(rule: PolicyRuleId): string {
  return `${EXEMPTION_ANNOTATION_PREFIX}${rule.slice('policy/'.length)}`;
}

/** A problem with a policy annotation (reported by validation as `policy/exemption`). */
export interface ExemptionProblem {
  /** The annotation key. */
  readonly annotation: string;
  readonly message: string;
  readonly value: unknown;
  readonly fix: string;
}

/** The exemptions an object declares, and the problems with its policy annotations. */
export interface ParsedExemptions {
  /** Exempted rules and their reasons. */
  readonly exemptions: ReadonlyMap<PolicyRuleId, string>;
  readonly problems: readonly ExemptionProblem[];
}

const KNOWN_EXEMPTIONS = POLICY_RULES.map((r) => exemptionAnnotation(r)).join(', ');

const NO_EXEMPTIONS: ParsedExemptions = { exemptions: new Map(), problems: [] };

/** Read the exemption annotations of an object's `metadata.annotations` (any value; narrowed here). */
export function parseExemptions(annotations: unknown): ParsedExemptions {
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return NO_EXEMPTIONS;
  let exemptions: Map<PolicyRuleId, string> | undefined;
  const problems: ExemptionProblem[] = [];
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    if (!key.startsWith(POLICY_ANNOTATION_PREFIX)) continue;
    const known = KNOWN_EXEMPTIONS;
    if (!key.startsWith(EXEMPTION_ANNOTATION_PREFIX)) {
      problems.push({ annotation: key, message: `'${key}' is not a policy annotation`, value: key, fix: `use one of ${known}` });
      continue;
    }
    const rule = `policy/${key.slice(EXEMPTION_ANNOTATION_PREFIX.length)}`;
    if (!isPolicyRule(rule)) {
      problems.push({ annotation: key, message: `exemption for unknown rule '${rule}'`, value: key, fix: `exempt one of the policy rules: ${known}` });
      continue;
    }
    if (typeof value !== 'string' || value.trim().length === 0) {
      problems.push({ annotation: key, message: `exemption from '${rule}' gives no reason`, value, fix: 'write why this object needs the exception as the annotation value, e.g. "postgres must own its data directory"' });
      continue;
    }
    exemptions ??= new Map();
    exemptions.set(rule, value.trim());
  }
  return exemptions === undefined && problems.length === 0 ? NO_EXEMPTIONS : { exemptions: exemptions ?? new Map(), problems };
}

/**
 * Exempt a rendered object from a policy rule, with the reason reviewers will read in the rendered YAML.
 *
 * @example exemptFromPolicy(statefulSet, 'policy/pod-security', 'postgres image needs root to chown its data directory');
 */
export function exemptFromPolicy(object: ApiObject, rule: PolicyRuleId, reason: string): void {
  if (!isPolicyRule(rule)) {
    throw new PlatformError(`exemptFromPolicy(${object.kind} '${object.name}'): unknown rule '${String(rule)}'. Fix: use one of ${POLICY_RULES.join(', ')}`);
  }
  if (typeof reason !== 'string' || reason.trim().length === 0) {
    throw new PlatformError(`exemptFromPolicy(${object.kind} '${object.name}', '${rule}'): the reason is empty. Fix: say why this object needs the exception`);
  }
  object.metadata.addAnnotation(exemptionAnnotation(rule), reason.trim());
}
