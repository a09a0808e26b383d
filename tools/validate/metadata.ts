/**
 * `schema/metadata`: what the API server checks on every object's metadata beyond its schema, plus the
 * platform's naming rule (names are DNS-1123 labels, see docs/design.md).
 */
import { labelValueProblem } from '../../constructs/lib/labels';
import { dnsLabelProblem, dnsSubdomainProblem } from '../../constructs/lib/names';
import type { ObjectReporter } from './findings';
import { child, isRecord } from './json';

/** Rule id of metadata findings. */
export const METADATA_RULE = 'schema/metadata';

const checkedKeys = new Map<string, string | undefined>();

/** Why `key` is not a valid label or annotation key (`[prefix/]name`), or `undefined` (memoised: keys repeat). */
export function qualifiedNameProblem(key: string): string | undefined {
  if (checkedKeys.has(key)) return checkedKeys.get(key);
  const problem = keyProblem(key);
  if (checkedKeys.size < 10000) checkedKeys.set(key, problem);
  return problem;
}

function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const problem = dnsSubdomainProblem(prefix);
    if (problem) return `prefix '${prefix}' ${problem}`;
  }
  if (name === '') return 'name part must not be empty';
  const problem = labelValueProblem(name);
  return problem ? `name part '${name}' ${problem}` : undefined;
}

/** Check `metadata`: a valid name, a valid namespace, label and annotation keys, label values. */
export function checkMetadata(object: unknown, report: ObjectReporter): void {
  const metadata = isRecord(object) ? object.metadata : undefined;
  if (!isRecord(metadata)) {
    report.error(METADATA_RULE, 'metadata', 'metadata is missing', metadata, 'set metadata.name (every rendered object needs a stable name)');
    return;
  }
  const { name, namespace, labels, annotations } = metadata;
  if (name === undefined) {
    report.error(METADATA_RULE, 'metadata.name', 'name is missing (generateName cannot be used with GitOps: every sync would create a new object)', undefined, 'set a stable metadata.name');
  } else {
    const problem = dnsLabelProblem(name);
    if (problem) report.error(METADATA_RULE, 'metadata.name', `name ${problem}`, name, "use a lower-case name such as 'identity-service' (at most 63 characters)");
  }
  if (namespace !== undefined) {
    const problem = dnsLabelProblem(namespace);
    if (problem) report.error(METADATA_RULE, 'metadata.namespace', `namespace ${problem}`, namespace, "use a lower-case namespace such as 'healthxcape'");
  }
  if (isRecord(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      const path = child('metadata.labels', key);
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) report.error(METADATA_RULE, path, `label key ${keyProblem}`, key, "use a key such as 'app.kubernetes.io/name'");
      // Non-string values are schema errors (reported once, by the schema check).
      const valueProblem = typeof value === 'string' ? labelValueProblem(value) : undefined;
      if (valueProblem) report.error(METADATA_RULE, path, `label value ${valueProblem}`, value, 'shorten it or replace the other characters with -');
    }
  }
  if (isRecord(annotations)) {
    for (const key of Object.keys(annotations)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) report.error(METADATA_RULE, child('metadata.annotations', key), `annotation key ${keyProblem}`, key, "use a key such as 'example.com/owner'");
    }
  }
}
