/**
 * Runs corpus cases through the real synth command on a copy of the project (see ./cases.ts).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { listFiles } from '../../../tools/synth/output';
import { copyProject, NODE_TSX, removeTempDirs } from '../../support/project';
import { FileCase, FILE_CASES } from './cases';

const run = promisify(execFile);

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

async function synth(project: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...NODE_TSX, 'tools/cli/synth.ts', '--quiet'], { cwd: project });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Define the jest tests of `cases` (a slice of FILE_CASES, so several test files run in parallel). */
export function describeFileCases(slice: { readonly index: number; readonly of: number }): void {
  const cases = FILE_CASES.filter((_, i) => i % slice.of === slice.index);
  let project: string;
  let before: Record<string, string>;

  beforeAll(async () => {
    project = copyProject('corpus');
    const first = await synth(project);
    if (first.code !== 0) throw new Error(`the unchanged project does not synthesise:\n${first.stderr}`);
    before = tree(path.join(project, 'dist'));
  }, 60000);
  afterAll(removeTempDirs);

  test('there are cases in this slice', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  test.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c: FileCase) => {
    // GIVEN the one mistake
    const file = path.join(project, c.file);
    const original = fs.readFileSync(file, 'utf8');
    expect({ file: c.file, found: original.includes(c.search) }).toEqual({ file: c.file, found: true });
    fs.writeFileSync(file, original.replace(c.search, c.replace));
    try {
      // WHEN synth runs
      const result = await synth(project);
      // THEN it fails with one line naming the file, the application, the field, the value and the fix
      expect(result.code).toBe(1);
      const line = result.stderr.split('\n').find((l) => l.includes(`field '${c.field}'`));
      expect({ field: c.field, line: line ?? result.stderr }).toEqual({ field: c.field, line: expect.stringContaining(c.reported ?? c.file) });
      if (c.application !== undefined) expect(line).toContain(`application '${c.application}'`);
      expect(line).toMatch(c.message);
      expect(line).toMatch(/\(got .*\)\. Fix: \S/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain('unexpected error');
      // AND dist/ is unchanged
      expect(tree(path.join(project, 'dist'))).toEqual(before);
    } finally {
      fs.writeFileSync(file, original);
    }
  }, 60000);
}
