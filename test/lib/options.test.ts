/**
 * Parsing options (constructs/lib/options.ts `optionProblems`): zod is asked not to compile parsers at run time
 * (its eval-based fast path costs more than it saves for options parsed a few thousand times at most).
 */
import { z } from 'zod';
import { optionProblems } from '../../constructs';

/** A fresh object schema (zod compiles a fast path per schema at its first parse). */
function freshSchema(): z.ZodType {
  return z.strictObject({ name: z.string(), replicas: z.number().int().min(1), labels: z.record(z.string(), z.string()).optional() });
}

describe('optionProblems', () => {
  afterEach(() => jest.restoreAllMocks());

  test('parses without compiling a parser (zod\'s eval-based fast path), where a plain safeParse compiles one', () => {
    // GIVEN the Function constructor watched
    const compiled = jest.spyOn(globalThis, 'Function');
    // WHEN a fresh schema parses a valid value plainly THEN zod compiles its fast path (the control)
    expect(freshSchema().safeParse({ name: 'api', replicas: 2 }).success).toBe(true);
    expect(compiled).toHaveBeenCalled();
    compiled.mockClear();
    // WHEN optionProblems parses with another fresh schema THEN nothing is compiled and the value is valid
    expect(optionProblems(freshSchema(), { name: 'api', replicas: 2, labels: { tier: 'web' } })).toEqual([]);
    expect(compiled).not.toHaveBeenCalled();
  });

  test('finds the same problems as the compiled parser would, with field, value and fix', () => {
    // GIVEN a value with a wrong type, a bound broken and an unknown key
    const value = { name: 7, replicas: 0, replica: 3 };
    // WHEN it is checked
    const problems = optionProblems(freshSchema(), value, "application 'api'");
    // THEN every problem names its field and the value received
    expect(problems.map((p) => [p.field, p.value])).toEqual(expect.arrayContaining([['name', 7], ['replicas', 0], ['replica', 3]]));
    expect(problems.find((p) => p.field === 'replica')?.fix).toContain("rename it to 'replicas'");
    // AND the issues are those zod reports with its fast path
    const compiledIssues = freshSchema().safeParse(value, { reportInput: true }).error?.issues.map((i) => [i.code, i.path.join('.')]);
    const jitlessIssues = freshSchema().safeParse(value, { reportInput: true, jitless: true }).error?.issues.map((i) => [i.code, i.path.join('.')]);
    expect(jitlessIssues).toEqual(compiledIssues);
  });
});
