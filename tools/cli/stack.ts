/**
 * Stack traces of the start-up bundle, in terms of the source files.
 *
 * Error messages name the file and line of the platform that caused them, read from the call stack
 * (tools/kit/source.ts `callerFile`, tools/cli/platforms.ts `platformFrame`), and `--verbose` prints stacks.
 * In the bundle every frame would point into one generated file; the bundle's line table (written next to it
 * by tools/cli/bundle.ts) maps each generated line back to its source file, line and column, so stacks read
 * exactly as they do when the sources run with tsx. Frames of bundled packages keep the bundle's path, which
 * lies in node_modules/ like the packages themselves.
 */
import * as fs from 'node:fs';

/** A generated position mapped to its source: file, 1-based line, 1-based column. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The line table of a bundle: for each generated line (0-based) four int32 values, the source index, the
 * source line and column of the line's first mapped segment and that segment's generated column (0-based);
 * -1 for lines of packages or without a mapping.
 */
export interface LineTable {
  readonly sources: readonly string[];
  readonly lines: Int32Array;
}

/** Files of the line table of bundle `bundleFile`. */
export function lineTableFiles(bundleFile: string): { readonly lines: string; readonly sources: string } {
  return { lines: `${bundleFile}.lines`, sources: `${bundleFile}.sources.json` };
}

/** Read the line table written next to `bundleFile` (undefined when it is missing or damaged). */
export function readLineTable(bundleFile: string): LineTable | undefined {
  const files = lineTableFiles(bundleFile);
  try {
    const sources: unknown = JSON.parse(fs.readFileSync(files.sources, 'utf8'));
    const buffer = fs.readFileSync(files.lines);
    if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string') || buffer.byteLength % 16 !== 0) return undefined;
    const lines = new Int32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
    return { sources, lines };
  } catch {
    return undefined;
  }
}

/** The source position of generated `line`:`column` (both 1-based), or undefined when it is not ours. */
export function mapPosition(table: LineTable, line: number, column: number): SourcePosition | undefined {
  const at = (line - 1) * 4;
  if (line < 1 || at + 3 >= table.lines.length) return undefined;
  const source = table.lines[at] as number;
  const file = table.sources[source];
  if (source < 0 || file === undefined) return undefined;
  const sourceLine = table.lines[at + 1] as number;
  const sourceColumn = table.lines[at + 2] as number;
  const generatedColumn = table.lines[at + 3] as number;
  return { file, line: sourceLine + 1, column: Math.max(0, sourceColumn + (column - 1 - generatedColumn)) + 1 };
}

/** The first line of a stack as V8 writes it (`TypeError: message`). */
function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/**
 * Make every stack trace of this process name source positions instead of positions in `bundleFile`.
 * The table is read on the first stack that has a frame in the bundle.
 */
export function installStackMapping(bundleFile: string): void {
  let table: LineTable | null | undefined;
  const frame = (site: NodeJS.CallSite): string => {
    const text = site.toString();
    if (site.getFileName() !== bundleFile) return text;
    if (table === undefined) table = readLineTable(bundleFile) ?? null;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (table === null || line === null || column === null) return text;
    const position = mapPosition(table, line, column);
    if (position === undefined) return text;
    return text.replace(`${bundleFile}:${line}:${column}`, `${position.file}:${position.line}:${position.column}`);
  };
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => `${header(error)}${sites.map((site) => `\n    at ${frame(site)}`).join('')}`;
}
