/**
 * The exemption helper constructs call (constructs/lib/policy.ts).
 */
import { ApiObject, Testing } from 'cdk8s';
import { exemptFromPolicy, exemptionAnnotation, parseExemptions, POLICY_RULES, PolicyRuleId } from '../../constructs';

function object(): ApiObject {
  return new ApiObject(Testing.chart(), 'db', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' } });
}

test('every rule id is policy/<name> and maps to its annotation', () => {
  expect(POLICY_RULES).toEqual(['policy/host-access', 'policy/image-tag', 'policy/pod-security', 'policy/probes', 'policy/resources', 'policy/secret-data', 'policy/secret-env', 'policy/secret-value', 'policy/sync-wave']);
  expect(exemptionAnnotation('policy/pod-security')).toBe('policy.platform-synth.io/exempt-pod-security');
});

test('exemptFromPolicy adds the annotation with the trimmed reason', () => {
  // GIVEN
  const db = object();
  // WHEN
  exemptFromPolicy(db, 'policy/pod-security', '  postgres must own its data directory ');
  // THEN
  expect(db.toJson().metadata.annotations).toEqual({ 'policy.platform-synth.io/exempt-pod-security': 'postgres must own its data directory' });
});

test('exemptFromPolicy refuses an empty reason or an unknown rule', () => {
  expect(() => exemptFromPolicy(object(), 'policy/probes', ' ')).toThrow(/exemptFromPolicy\(StatefulSet 'db', 'policy\/probes'\): the reason is empty\. Fix: say why/);
  expect(() => exemptFromPolicy(object(), 'policy/everything' as PolicyRuleId, 'x')).toThrow(/unknown rule 'policy\/everything'\. Fix: use one of policy\/host-access/);
});

test('parseExemptions reads exemptions and reports bad policy annotations', () => {
  const parsed = parseExemptions({
    'policy.platform-synth.io/exempt-probes': 'sidecar without HTTP endpoint',
    'policy.platform-synth.io/exempt-probez': 'typo',
    'policy.platform-synth.io/skip': 'x',
    'example.com/other': 'ignored',
  });
  expect([...parsed.exemptions]).toEqual([['policy/probes', 'sidecar without HTTP endpoint']]);
  expect(parsed.problems.map((p) => p.message)).toEqual([
    "exemption for unknown rule 'policy/probez'",
    "'policy.platform-synth.io/skip' is not a policy annotation",
  ]);
});
