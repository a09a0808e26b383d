/**
 * `npm run validate [-- --env <name>] [--json] [--verbose]`: render every environment in memory and run the
 * same schema, policy and cross-resource checks as `npm run synth`, without writing anything.
 */
import { BuildFunction, renderEnvironments } from '../synth';
import { validateEnvironments, ValidationReport } from '../validate';
import { formatFinding, formatFindings } from '../validate/format';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from './run';

const USAGE = `usage: npm run validate [-- --platform <name>] [--env <name>]... [--json] [--verbose]

Renders every environment in memory (nothing is written) and validates every object: schema (unknown kinds
and fields, types, required values), policy (pod security, resources, probes, pinned images, host access,
secrets, sync waves) and cross-resource references (Services, Ingresses, storage, Kafka clients, Argo CD).
Prints one line per environment and every finding; exits 1 when any error remains.

${PLATFORM_USAGE}
  --env <name>  validate only this environment (repeatable)
  --json        print the report as JSON: { ok, environments: [...], findings: [...], exempted: [...], cel: {...} }
  --verbose     also list exempted findings with their reasons, CEL rule counts (evaluated, skipped
                transition rules, not evaluable), and stacks of unexpected errors
  --help        show this help`;

/** The report as JSON (stable field order). */
export function reportJson(report: ValidationReport): unknown {
  return {
    ok: report.errors.length === 0,
    environments: report.summaries(),
    findings: report.findings,
    exempted: report.exempted,
    cel: report.cel,
  };
}

/** The validate command. Returns the exit code (0: no errors, 1: errors, 2: usage). */
export async function validateCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, build?: BuildFunction): Promise<number> {
  return runCommand('validate', argv, async () => {
    const { values } = parseCommandLine('validate', argv, {
      ...PLATFORM_OPTION,
      env: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const started = Date.now();
    // Apps need an outdir to name their environment; nothing is written there.
    const rendered = await renderEnvironments(build ?? (await loadPlatform(values.platform)).build, 'dist');
    const wanted = values.env ?? [];
    const unknown = wanted.filter((name) => !rendered.some((env) => env.name === name));
    if (unknown.length > 0) {
      throw new UsageError(`unknown environment ${unknown.map((n) => `'${n}'`).join(', ')}; the platform renders ${rendered.map((env) => `'${env.name}'`).join(', ')}. Run with --help for usage.`);
    }
    const envs = wanted.length > 0 ? rendered.filter((env) => wanted.includes(env.name)) : rendered;
    const report = validateEnvironments(envs);
    const errors = report.errors.length;

    if (values.json) {
      io.out(JSON.stringify(reportJson(report), null, 2));
      return errors > 0 ? 1 : 0;
    }
    for (const line of report.summaryLines()) io.out(line);
    for (const line of formatFindings(report.findings)) io.out(line);
    if (values.verbose) {
      for (const f of report.exempted) io.out(`EXEMPT ${formatFinding(f)} Exempted: ${f.exemption}`);
      io.out(report.celLine());
      io.out(`validate: ${envs.length} environment${envs.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(2)} s`);
    }
    if (errors > 0) {
      io.err(`validate: ${errors} error${errors === 1 ? '' : 's'}; fix them before \`npm run synth\` (it refuses to write while errors remain)`);
      return 1;
    }
    return 0;
  }, io);
}

if (require.main === module) {
  void validateCommand(process.argv.slice(2));
}
