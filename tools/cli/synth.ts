/**
 * `npm run synth [-- --outdir <dir>]`: render every environment, validate, and atomically replace `dist/`.
 */
import { formatFindings } from '../validate/format';
import { ValidationFailedError } from '../validate';
import { BuildFunction, synthesize } from '../synth';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand } from './run';

const USAGE = `usage: npm run synth [-- --platform <name>] [--outdir <dir>] [--quiet] [--verbose]

Renders every environment into <dir>/<env>/<app>/ (default dist/), after validating every object.
A failure leaves the previous output untouched.

${PLATFORM_USAGE}`;

/**
 * The synth command. Returns the exit code. `build` renders a given build function instead of loading the
 * platform named by `--platform` (tests).
 */
export async function synthCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, build?: BuildFunction): Promise<number> {
  return runCommand('synth', argv, async () => {
    const { values } = parseCommandLine('synth', argv, {
      ...PLATFORM_OPTION,
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
      await synthesize(build ?? (await loadPlatform(values.platform)).build, { outdir: values.outdir, log });
    } catch (error) {
      if (error instanceof ValidationFailedError) {
        for (const line of formatFindings(error.report.findings)) io.err(line);
      }
      throw error;
    }
    return 0;
  }, io);
}

if (require.main === module) {
  void synthCommand(process.argv.slice(2));
}
