/**
 * Objects known to pass every check of one object alone, remembered across runs.
 *
 * Those checks (schema, CEL rules, metadata, structure, built-in kinds, Argo CD version, policies) are pure
 * functions of the object, the environment's stage, the schema files and the validation code: an object that
 * passed them once passes them again, byte for byte the same, as long as none of those changed. So each object
 * that passes them all with no finding, no exemption and no CEL rule left unevaluated is remembered by a hash of
 * its stage and JSON, in a file whose name hashes everything the checks depend on (`SchemaRegistry.passed`); a
 * later run finds the object there and skips those checks, loading its kind's validator, parsing the schemas and
 * evaluating its CEL rules. An object with any finding of those checks is never remembered, so every finding is
 * reported at every run. The checks across objects (tools/validate/index.ts) always run.
 *
 * The file is a cache only: a missing, unreadable or damaged file (lines that are not `<sha256> <n> <n>`)
 * costs a validation, never a wrong result.
 */
import { hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a remembered object contributed to the CEL statistics of the report when it was checked. */
export interface PassedRecord {
  /** CEL rule evaluations that ran (`CelStats.evaluated`). */
  readonly celEvaluated: number;
  /** CEL evaluations skipped because the rule compares with the previous version (`CelStats.skippedOldSelf`). */
  readonly celSkippedOldSelf: number;
}

/**
 * When a results file holds more than `factor` times the objects a run used (recalled or added), plus `floor`,
 * that run rewrites it with only those: the file, read whole at every run, stays proportional to the platform
 * (a platform that shrank, or another one validated in the same project, leaves no dead weight for long).
 */
export interface PassedLimits {
  /** @default 4 */
  readonly factor?: number;
  /** @default 1000 */
  readonly floor?: number;
}

const LINE = /^([0-9a-f]{64}) (\d+) (\d+)$/;

/** The objects of one results file (`undefined`: nothing is remembered, nothing written). */
export class PassedObjects {
  private known: Map<string, PassedRecord> | undefined;
  /** Remembered in this run, not yet saved. */
  private readonly added = new Map<string, PassedRecord>();
  /** Recalled in this run, or remembered and saved in it. */
  private readonly used = new Set<string>();
  private recalled = 0;

  /**
   * @param file the results file; `undefined` remembers nothing (every object is checked)
   * @param limits when a save rewrites the file with only what this run used
   */
  public constructor(private readonly file: string | undefined, private readonly limits: PassedLimits = {}) {}

  /**
   * The hash an object is remembered by, in an environment of `stage` (the policies depend on it). One-shot
   * `crypto.hash`: half the cost of a Hash object per call.
   */
  public static digest(stage: string, object: unknown): string {
    return hash('sha256', `${stage}\0${JSON.stringify(object) ?? 'undefined'}`, 'hex');
  }

  /** Objects found remembered so far in this run. */
  public get hits(): number {
    return this.recalled;
  }

  /** The record of an object that passed, or `undefined` (then check it). */
  public recall(digest: string): PassedRecord | undefined {
    const record = this.load().get(digest) ?? this.added.get(digest);
    if (record !== undefined) {
      this.recalled++;
      this.used.add(digest);
    }
    return record;
  }

  /** Remember an object that passed every check of one object alone with no finding. */
  public remember(digest: string, record: PassedRecord): void {
    if (this.file === undefined || this.load().has(digest)) return;
    this.added.set(digest, record);
  }

  /**
   * Write the objects remembered since the last save, appended. At the end of a run (`final`), a file that
   * outgrew the run (PassedLimits) is rewritten with only what the run recalled or added.
   */
  public save(final = false): void {
    if (this.file === undefined) return;
    const known = this.load();
    const live = this.used.size + this.added.size;
    const oversized = final && known.size + this.added.size > (this.limits.factor ?? 4) * live + (this.limits.floor ?? 1000);
    if (!oversized && this.added.size === 0) return;
    const lines = (entries: Iterable<[string, PassedRecord]>): string => [...entries].map(([d, r]) => `${d} ${r.celEvaluated} ${r.celSkippedOldSelf}\n`).join('');
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      if (oversized) {
        const kept = [...this.used].flatMap((d): [string, PassedRecord][] => {
          const r = known.get(d);
          return r !== undefined ? [[d, r]] : [];
        });
        const tmp = `${this.file}.tmp-${process.pid}-${Date.now()}`;
        fs.writeFileSync(tmp, lines([...kept, ...this.added]));
        fs.renameSync(tmp, this.file);
        known.clear();
        for (const [d, r] of kept) known.set(d, r);
      } else {
        // One append per save: concurrent runs may interleave, and a damaged line is ignored when read.
        fs.appendFileSync(this.file, lines(this.added));
        this.pruneOthers();
      }
      for (const [d, r] of this.added) {
        known.set(d, r);
        this.used.add(d);
      }
      this.added.clear();
    } catch {
      // The results are an optimisation only (read-only node_modules, full disk): validate again next time.
    }
  }

  private load(): Map<string, PassedRecord> {
    if (this.known !== undefined) return this.known;
    const known = new Map<string, PassedRecord>();
    this.known = known;
    if (this.file === undefined) return known;
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return known;
    }
    for (const line of text.split('\n')) {
      const m = LINE.exec(line);
      if (m !== null) known.set(m[1] as string, { celEvaluated: Number(m[2]), celSkippedOldSelf: Number(m[3]) });
    }
    return known;
  }

  /** Results files of older schemas or code are dead once a new one is written: remove them. */
  private pruneOthers(): void {
    if (this.file === undefined) return;
    const dir = path.dirname(this.file);
    const name = path.basename(this.file);
    for (const other of fs.readdirSync(dir)) {
      if (other !== name && /^passed-[0-9a-f]{32}\.txt$/.test(other)) fs.rmSync(path.join(dir, other), { force: true });
    }
  }
}
