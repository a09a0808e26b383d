/**
 * Rendered output has one order of strings, by code units, whatever the locale of the machine that renders it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareText } from '../../constructs';
import { tsFiles } from '../support/project';

const ROOT = path.resolve(__dirname, '..', '..');
/** Names whose locale-aware order differs between en, lt and sv (and from code-unit order). */
const NAMES = ['y', 'i', 'z', 'å', 'B', 'a', 'AppProject', 'Application', 'a_b', 'a1'];
const CODE_UNIT_ORDER = ['AppProject', 'Application', 'B', 'a', 'a1', 'a_b', 'i', 'y', 'z', 'å'];

test('GIVEN names that locales sort differently WHEN sorted with compareText THEN they are in code-unit order', () => {
  expect([...NAMES].sort(compareText)).toEqual(CODE_UNIT_ORDER);
  expect(compareText('a', 'a')).toBe(0);
  expect(compareText('a', 'b')).toBeLessThan(0);
  expect(compareText('b', 'a')).toBeGreaterThan(0);
});

test.each(['lt_LT.UTF-8', 'sv_SE.UTF-8', 'da_DK.UTF-8'])('GIVEN the locale %s WHEN a process sorts with compareText THEN the order is the same', (locale) => {
  const script = `const { compareText } = require('./constructs/lib/order'); console.log(JSON.stringify(${JSON.stringify(NAMES)}.sort(compareText)))`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: { ...process.env, LC_ALL: locale, LANG: locale }, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual(CODE_UNIT_ORDER);
});

test('no source of constructs/ or tools/ sorts with localeCompare (its order follows the machine locale)', () => {
  const sources = [...tsFiles(path.join(ROOT, 'constructs')), ...tsFiles(path.join(ROOT, 'tools'))];
  expect(sources.length).toBeGreaterThan(50);
  const using = sources.filter((f) => /\.localeCompare\(/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
  expect(using).toEqual([]);
});
