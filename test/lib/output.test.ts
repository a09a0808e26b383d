import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Generation, generationsDir, listFiles, writeTreeAtomically } from '../../tools/synth/output';

function tempOut(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-output-')), 'dist');
}

describe('writeTreeAtomically', () => {
  test('makes the output directory a link to a complete generation and replaces it as a whole', async () => {
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'dev/a/x.yaml', content: 'one' }, { path: 'dev/b/y.yaml', content: 'two' }]);
    expect(fs.lstatSync(out).isSymbolicLink()).toBe(true);
    expect(listFiles(out)).toEqual(['dev/a/x.yaml', 'dev/b/y.yaml']);
    await writeTreeAtomically(out, [{ path: 'dev/a/x.yaml', content: 'three' }]);
    expect(listFiles(out)).toEqual(['dev/a/x.yaml']);
    expect(fs.readFileSync(path.join(out, 'dev/a/x.yaml'), 'utf8')).toBe('three');
    // Only the current generation is kept: the replaced one is retired (and deleted in the background).
    expect(fs.readdirSync(generationsDir(out)).filter((e) => e.startsWith('gen-'))).toHaveLength(1);
  });

  test('creates every directory a file needs, at any depth, also under a relative output path', async () => {
    // GIVEN files at several depths, sharing some parents, and an output path relative to the working directory
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-output-'));
    const cwd = process.cwd();
    process.chdir(base);
    try {
      const files = [
        { path: 'top.yaml', content: 't' },
        { path: 'dev/a/x.yaml', content: 'x' },
        { path: 'dev/a/deeper/still/y.yaml', content: 'y' },
        { path: 'dev/b/z.yaml', content: 'z' },
        { path: 'prod/a/x.yaml', content: 'px' },
      ];
      // WHEN written twice (the second run links unchanged files from the first generation)
      await writeTreeAtomically('out/dist/', files);
      await writeTreeAtomically('out/dist', [...files, { path: 'prod/new/n.yaml', content: 'n' }]);
      // THEN every file is there with its content
      expect(listFiles(path.join(base, 'out/dist'))).toEqual(['dev/a/deeper/still/y.yaml', 'dev/a/x.yaml', 'dev/b/z.yaml', 'prod/a/x.yaml', 'prod/new/n.yaml', 'top.yaml']);
      expect(fs.readFileSync(path.join(base, 'out/dist/dev/a/deeper/still/y.yaml'), 'utf8')).toBe('y');
    } finally {
      process.chdir(cwd);
    }
  });

  test('the link is relative, so the project can be moved', async () => {
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'x' }]);
    expect(fs.readlinkSync(out)).toMatch(/^\.dist\/gen-/);
  });

  test('replaces an old plain output directory', async () => {
    const out = tempOut();
    fs.mkdirSync(path.join(out, 'dev/stale'), { recursive: true });
    fs.writeFileSync(path.join(out, 'dev/stale/old.yaml'), 'old');
    await writeTreeAtomically(out, [{ path: 'dev/new/x.yaml', content: 'x' }]);
    expect(listFiles(out)).toEqual(['dev/new/x.yaml']);
  });

  test('a failed write leaves the previous generation in place and no temporary directory behind', async () => {
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'x' }]);
    const target = fs.readlinkSync(out);
    const bad = function* (): Generator<{ path: string; content: string }> {
      yield { path: 'b.yaml', content: 'y' };
      throw new Error('disk full');
    };
    await expect(writeTreeAtomically(out, bad())).rejects.toThrow('disk full');
    expect(fs.readlinkSync(out)).toBe(target);
    expect(fs.readdirSync(generationsDir(out)).filter((e) => e.startsWith('tmp-'))).toEqual([]);
  });

  test('removes leftovers of killed runs (processes that no longer exist)', async () => {
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'x' }]);
    const leftover = path.join(generationsDir(out), 'tmp-999999999-dead-0');
    fs.mkdirSync(leftover);
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'y' }]);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.readdirSync(generationsDir(out)).filter((e) => e.startsWith('tmp-'))).toEqual([]);
  });

  test('refuses paths outside the output directory', async () => {
    await expect(writeTreeAtomically(tempOut(), [{ path: '../escape.yaml', content: 'x' }])).rejects.toThrow(/refusing to write '..\/escape.yaml'/);
  });
});

describe('Generation', () => {
  test('shares unchanged files with the current generation and writes changed ones', async () => {
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'dev/a/same.yaml', content: 'same' }, { path: 'dev/a/changed.yaml', content: 'old' }]);
    const before = (f: string): fs.Stats => fs.statSync(path.join(out, f));
    const sameInode = before('dev/a/same.yaml').ino;
    const changedInode = before('dev/a/changed.yaml').ino;
    const generation = Generation.begin(out);
    generation.write([{ path: 'dev/a/same.yaml', content: 'same' }, { path: 'dev/a/changed.yaml', content: 'new' }, { path: 'dev/b/added.yaml', content: 'added' }]);
    generation.commit();
    expect(generation.stats).toEqual({ written: 2, linked: 1 });
    expect(fs.statSync(path.join(out, 'dev/a/same.yaml')).ino).toBe(sameInode);
    expect(fs.statSync(path.join(out, 'dev/a/changed.yaml')).ino).not.toBe(changedInode);
    expect(fs.readFileSync(path.join(out, 'dev/a/changed.yaml'), 'utf8')).toBe('new');
    expect(listFiles(out)).toEqual(['dev/a/changed.yaml', 'dev/a/same.yaml', 'dev/b/added.yaml']);
  });

  test('abort leaves the current generation as it was', async () => {
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'x' }]);
    const generation = Generation.begin(out);
    generation.write([{ path: 'a.yaml', content: 'y' }]);
    generation.abort();
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('x');
    expect(fs.existsSync(generation.root)).toBe(false);
  });
});
