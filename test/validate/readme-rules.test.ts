/**
 * The README's validation tables list every rule id validation can report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { POLICY_RULES } from '../../constructs';
import { BUILTIN_RULE, CEL_RULES, CROSS_RULES, EXEMPTION_RULE, METADATA_RULE, REFERENCE_RULES, SCHEMA_RULES, STRUCTURE_RULE } from '../../tools/validate';
import { ARGOCD_VERSION_RULE } from '../../tools/validate/argocd-version';
import { REPO_CREDENTIALS_RULE } from '../../tools/validate/policies';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const validation = README.slice(README.indexOf('## Validation'), README.indexOf('### Exceptions'));

const RULES = [
  ...POLICY_RULES, ...Object.values(REFERENCE_RULES), ...Object.values(CROSS_RULES), ...Object.values(SCHEMA_RULES), ...Object.values(CEL_RULES),
  BUILTIN_RULE, EXEMPTION_RULE, METADATA_RULE, STRUCTURE_RULE, ARGOCD_VERSION_RULE, REPO_CREDENTIALS_RULE,
];

test.each([...new Set(RULES)].sort())('%s has a row in the README validation tables', (rule) => {
  expect(validation).toContain(`\`${rule}\``);
});
