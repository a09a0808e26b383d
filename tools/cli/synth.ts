/**
 * `npm run synth [-- --outdir <dir>]`: render every environment, validate, and atomically replace `dist/`.
 */
import { formatFindings } from '../validate/format';
import { ValidationFailedError } from '../validate';
import { BuildFunction, synthesize } from '../synth';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand } from './run';

const USAGE = `usage: npm run synth [-- --outdir <dir>] [--quiet] [--verbose]

Renders every environment into <dir>/<env>/<app>/ (default dist/), after validating every object.
A failure leaves the previous output untouched.`;

/** The synth command. Returns the exit code. */
export async function synthCommand(build: BuildFunction, argv: readonly string[], io: CommandIO = PROCESS_IO): Promise<number> {
  return runCommand('synth', argv, async () => {
    const { values } = parseCommandLine('synth', argv, {
      outdir: { type: 'string', default: 'dist' },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const log = values.quiet ? undefined : (line: string): void => io.out(`synth: ${line}`);
    try {
      await synthesize(build, { outdir: values.outdir, log });
    } catch (error) {
      if (error instanceof ValidationFailedError) {
        for (const line of formatFindings(error.report.findings)) io.err(line);
      }
      throw error;
    }
    return 0;
  }, io);
}
