/**
 * Render-time composition: objects derived from the whole App (the namespaces its applications use, network
 * policies from `connections`, the Argo CD applications and projects) are computed when the App is rendered,
 * not when their construct is created, so charts can be created in any order.
 *
 * A construct registers a hook with `onPrepare`; rendering (tools/synth/render.ts) runs every hook once, phase
 * by phase, before validating and serialising. Hooks of one phase run in construct-tree order.
 */
import { IConstruct } from 'constructs';

/**
 * Phases, in the order they run:
 * - `derive`: objects derived from other applications' constructs (namespaces, network policies); they may add
 *   dependencies between applications.
 * - `gitops`: the Argo CD objects, which read the final applications and their dependencies.
 */
export type PreparePhase = 'derive' | 'gitops';

const PHASES: readonly PreparePhase[] = ['derive', 'gitops'];

interface Hook {
  readonly phase: PreparePhase;
  readonly run: () => void;
}

const HOOKS = Symbol.for('platform-synth.PrepareHooks');
const PREPARED = Symbol.for('platform-synth.Prepared');

type WithHooks = { [HOOKS]?: Hook[] };

/** Hooks registered so far, in every App (prepareApp scans the tree again only when this moved). */
let registered = 0;

/** Run `run` when the App containing `scope` is rendered, in `phase`. */
export function onPrepare(scope: IConstruct, phase: PreparePhase, run: () => void): void {
  const holder = scope as unknown as WithHooks;
  if (holder[HOOKS] === undefined) Object.defineProperty(holder, HOOKS, { value: [] });
  holder[HOOKS]?.push({ phase, run });
  registered++;
}

/** Every hook of the tree under `root`, in construct-tree order. */
function hooksOf(root: IConstruct): Hook[] {
  return root.node.findAll().flatMap((c) => (c as unknown as WithHooks)[HOOKS] ?? []);
}

/**
 * Run every prepare hook of the tree under `root` (an App), phase by phase; constructs that hooks create may
 * register hooks of later phases. Runs once per App: a second call does nothing.
 */
export function prepareApp(root: IConstruct): void {
  const marker = root as unknown as { [PREPARED]?: boolean };
  if (marker[PREPARED] === true) return;
  Object.defineProperty(marker, PREPARED, { value: true });
  const done = new Set<Hook>();
  // The tree is scanned again only after hooks registered new hooks (a scan walks every construct: at 1,000
  // services x 3 environments, four scans cost about 0.4 s).
  let hooks = hooksOf(root);
  let scanned = registered;
  for (const phase of PHASES) {
    // Hooks may create constructs with hooks of their own: collect until nothing new appears in this phase.
    for (;;) {
      const pending = hooks.filter((h) => h.phase === phase && !done.has(h));
      if (pending.length === 0) break;
      for (const hook of pending) {
        done.add(hook);
        hook.run();
      }
      if (registered === scanned) break;
      hooks = hooksOf(root);
      scanned = registered;
    }
  }
}
