/**
 * The program of the synth pipeline's worker thread (tools/synth/worker.ts): it receives rendered clusters,
 * validates and writes each (`OutputStage`), reports progress lines, and at the end the merged findings.
 * Started by tools/cli/start.cjs from a bundle of its own; it does nothing outside a worker thread.
 */
import { isMainThread, MessagePort, parentPort, workerData } from 'node:worker_threads';
import { PlatformError } from '../../constructs/lib/errors';
import { BoundaryCollector } from './heap';
import { OutputStage } from './stage';
import type { FromStageWorker, StageWorkerData, ToStageWorker } from './worker';

function serve(port: MessagePort, data: StageWorkerData): void {
  const stage = new OutputStage(data.stage);
  const post = (message: FromStageWorker): void => port.postMessage(message);
  const collector = new BoundaryCollector();
  port.on('message', (message: ToStageWorker) => {
    try {
      if (message.type === 'add') {
        // The previous cluster (its message, objects and YAML) is unreachable now that its handler returned; a
        // collection here frees it before this one is validated and written (see tools/synth/heap.ts).
        collector.boundary();
        post({ type: 'progress', lines: stage.add(message.envs) });
      } else {
        const { report, files, linked } = stage.finish();
        post({ type: 'finished', findings: report.findings, checked: report.checked, exempted: report.exempted, files, linked });
      }
    } catch (error) {
      post(error instanceof PlatformError
        ? { type: 'failed', message: error.format(), userError: true }
        : { type: 'failed', message: error instanceof Error ? error.message : String(error), userError: false, stack: error instanceof Error ? error.stack : undefined });
    }
  });
}

if (!isMainThread && parentPort !== null && typeof (workerData as Partial<StageWorkerData> | null)?.platformSynthBundle === 'string') {
  serve(parentPort, workerData as StageWorkerData);
}
