import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Generation, generationsDir, listFiles, TreeWriter, writeTreeAtomically } from '../../tools/synth/output';

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

describe('Generation recycling', () => {
  const spares = (out: string): string[] => fs.readdirSync(generationsDir(out)).filter((e) => e.startsWith('spare-'));
  const ino = (file: string): number => fs.lstatSync(file).ino;

  test('the replaced generation is kept as the spare, and the next generation is written into it', async () => {
    // GIVEN two synths of the same tree (the second replaced the first, which became the spare)
    const out = tempOut();
    const files = [{ path: 'dev/a/x.yaml', content: 'x' }, { path: 'dev/b/y.yaml', content: 'y' }];
    const first = await writeTreeAtomically(out, files);
    const firstDir = ino(path.join(first, 'dev/a'));
    await writeTreeAtomically(out, files);
    expect(spares(out)).toHaveLength(1);
    // WHEN a third synth of the same tree begins and writes
    const generation = Generation.begin(out);
    expect(generation.recycled).toBe(true);
    expect(spares(out)).toEqual([]);
    generation.write(files);
    const current = generation.previousRoot as string;
    generation.commit();
    // THEN it wrote into the first generation's directories, left every file as the current generation's (same
    // inodes, nothing written or linked anew), and the generation it replaced is the spare now
    expect(ino(path.join(out, 'dev/a'))).toBe(firstDir);
    expect(generation.stats).toEqual({ written: 0, linked: 2 });
    expect(listFiles(out)).toEqual(['dev/a/x.yaml', 'dev/b/y.yaml']);
    expect(spares(out)).toHaveLength(1);
    expect(fs.existsSync(current)).toBe(false);
  });

  test('a changed file is written anew: the current generation, which shares the old inode, never changes', async () => {
    // GIVEN a current generation and a spare that share a.yaml's inode ('old')
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'old' }]);
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'old' }]);
    // WHEN the next generation, in the spare, writes 'new'
    const generation = Generation.begin(out);
    expect(generation.recycled).toBe(true);
    generation.write([{ path: 'a.yaml', content: 'new' }]);
    // THEN before the commit the output still reads 'old'; after it, 'new'
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('old');
    expect(ino(path.join(generation.root, 'a.yaml'))).not.toBe(ino(path.join(out, 'a.yaml')));
    generation.commit();
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('new');
    expect(generation.stats).toEqual({ written: 1, linked: 0 });
  });

  test('what the spare holds and the run does not write is removed, also where a file becomes a directory or back', async () => {
    // GIVEN a spare holding files, directories and a symbolic link the next tree does not have, or has as the other kind
    const out = tempOut();
    const old = [{ path: 'keep.yaml', content: 'k' }, { path: 'gone/deep/x.yaml', content: 'x' }, { path: 'flip', content: 'file' }, { path: 'dir/y.yaml', content: 'y' }];
    await writeTreeAtomically(out, old);
    await writeTreeAtomically(out, old);
    const spare = path.join(generationsDir(out), spares(out)[0] as string);
    fs.symlinkSync('keep.yaml', path.join(spare, 'link.yaml'));
    // WHEN the next tree is written into it
    await writeTreeAtomically(out, [{ path: 'keep.yaml', content: 'k' }, { path: 'flip/now-a-dir.yaml', content: 'd' }, { path: 'dir', content: 'now a file' }]);
    // THEN exactly the new tree is there
    expect(listFiles(out)).toEqual(['dir', 'flip/now-a-dir.yaml', 'keep.yaml']);
    expect(fs.readFileSync(path.join(out, 'dir'), 'utf8')).toBe('now a file');
    expect(fs.existsSync(path.join(out, 'gone'))).toBe(false);
  });

  test('a file edited in place in the output (which the spare shares) is written again from the render', async () => {
    // GIVEN a current generation whose file was edited in place through dist/ (its inode is shared with the spare)
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'rendered' }]);
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'rendered' }]);
    fs.writeFileSync(path.join(out, 'a.yaml'), 'edited by hand');
    // WHEN the same tree is synthesised again
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'rendered' }]);
    // THEN the output holds the rendered content again
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('rendered');
  });

  test('an aborted generation becomes the spare, and the next synth writes exactly its own tree into it', async () => {
    // GIVEN an aborted generation that wrote a file the next tree does not have
    const out = tempOut();
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'x' }]);
    const aborted = Generation.begin(out);
    aborted.write([{ path: 'a.yaml', content: 'x' }, { path: 'half/written.yaml', content: 'h' }]);
    aborted.abort();
    expect(spares(out)).toHaveLength(1);
    // WHEN the next synth runs
    await writeTreeAtomically(out, [{ path: 'a.yaml', content: 'y' }]);
    // THEN the output is exactly its tree
    expect(listFiles(out)).toEqual(['a.yaml']);
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('y');
  });
});

describe('TreeWriter', () => {
  test('one writer over several writes (a synth stage\'s clusters) removes a recycled root\'s leftovers once, at finish', () => {
    // GIVEN a recycled root holding files of two environments and one stale environment
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-writer-'));
    const root = path.join(base, 'root');
    for (const f of ['dev/a/x.yaml', 'prod/a/x.yaml', 'stale/a/x.yaml']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), 'old');
    }
    const writer = new TreeWriter(root, undefined, true);
    // WHEN two clusters are written one after the other
    writer.write([{ path: 'dev/a/x.yaml', content: 'dev' }]);
    writer.write([{ path: 'prod/a/x.yaml', content: 'prod' }]);
    // THEN nothing is removed before finish (a later cluster may still write there), everything stale after it
    expect(fs.existsSync(path.join(root, 'stale/a/x.yaml'))).toBe(true);
    writer.finish();
    expect(listFiles(root)).toEqual(['dev/a/x.yaml', 'prod/a/x.yaml']);
    expect(fs.readFileSync(path.join(root, 'prod/a/x.yaml'), 'utf8')).toBe('prod');
    expect({ written: writer.written, linked: writer.linked }).toEqual({ written: 2, linked: 0 });
  });
});
