/**
 * `npm run images -- --env <env> [--json] [--dir <path>]`: every container image an environment runs, for
 * air-gapped transfer (tools/images).
 */
import { STAGES, Stage } from '../../constructs/lib/context';
import { checkPinned, imageInventory, LocatedObject } from '../images';
import { readRenderedTree, treeEnvironments } from '../diff/tree';
import type { BuildFunction } from '../synth';
import { renderEnvironments } from '../synth';
import type { RenderedEnvironment } from '../synth/render';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from './run';

const USAGE = `usage: npm run images -- --env <env> [--platform <name>] [--json] [--dir <path>] [--stage <stage>]

Lists every container image environment <env> runs (containers and init containers of every pod template,
CloudNativePG imageName, operators' images from the platform-synth.io/images annotation), sorted and unique,
one per line. Renders from source in memory unless --dir points at a rendered tree (dist/ or a checkout of the
rendered branch).

${PLATFORM_USAGE}
  --json            machine-readable: each image with where it is used and, for an environment with a
                    registry mirror, its upstream reference (in-memory rendering only: --dir does not know
                    the mirror)
  --dir <path>      read <path>/<env>/<app>/*.yaml instead of rendering
  --stage <stage>   with --dir: the environment's stage when it is not in environments/ (development,
                    staging, production)

Exit codes: 0 listed; 1 an image has no tag or a floating tag in a staging or production environment (the
offenders are listed), or another error; 2 usage error.`;

function locate(env: RenderedEnvironment): LocatedObject[] {
  return env.applications.flatMap((app) => app.objects.map(({ object }) => ({ app: app.name, object })));
}

/** The images command. Returns the exit code. */
export async function imagesCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, buildApps?: BuildFunction): Promise<number> {
  return runCommand('images', argv, async () => {
    const { values } = parseCommandLine('images', argv, {
      ...PLATFORM_OPTION,
      env: { type: 'string' },
      json: { type: 'boolean', default: false },
      dir: { type: 'string' },
      stage: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const name = values.env;
    if (name === undefined) throw new UsageError('--env <env> is required (for example --env prod). Run with --help for usage.');
    if (values.stage !== undefined && !(STAGES as readonly string[]).includes(values.stage)) {
      throw new UsageError(`--stage must be one of ${STAGES.join(', ')}, got '${values.stage}'`);
    }

    let inventory;
    let source: string | undefined;
    if (values.dir !== undefined) {
      const available = treeEnvironments(values.dir);
      if (!available.includes(name)) throw new UsageError(`environment '${name}' is not in ${values.dir}; it holds ${available.join(', ') || 'no environments'}`);
      let stage = values.stage as Stage | undefined;
      if (stage === undefined) {
        const { environments } = await loadPlatform(values.platform);
        const config = environments.find((e) => e.name === name) ?? environments.map((e) => e.cluster).find((c) => c.name === name);
        if (config === undefined) throw new UsageError(`environment '${name}' is not defined by the platform, so its stage is unknown; pass --stage`);
        stage = config.stage;
        source = config.source;
      }
      inventory = imageInventory(name, stage, readRenderedTree(values.dir, [name]));
    } else {
      const envs = await renderEnvironments(buildApps ?? (await loadPlatform(values.platform)).build, 'dist');
      const env = envs.find((e) => e.name === name);
      if (env === undefined) throw new UsageError(`unknown environment '${name}'; choose from ${envs.map((e) => e.name).join(', ')}`);
      const stage = (values.stage as Stage | undefined) ?? env.context.stage;
      source = env.context.source;
      inventory = imageInventory(name, stage, locate(env), { registryMirror: env.context.registryMirror });
    }
    checkPinned(inventory, source);
    if (values.json) io.out(JSON.stringify(inventory, null, 2));
    else for (const entry of inventory.images) io.out(entry.image);
    return 0;
  }, io);
}

if (require.main === module) {
  void imagesCommand(process.argv.slice(2));
}
