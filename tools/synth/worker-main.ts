/**
 * The program of the synth pipeline's worker thread (tools/synth/worker.ts): it receives rendered clusters, each
 * application as it was rendered, validates and writes them (`OutputStage`), reports each cluster's progress
 * lines, and at the end the merged findings.
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
  let failed = false;
  port.on('message', (message: ToStageWorker) => {
    if (failed) return; // the synthesising thread stops at the failure reported
    try {
      if (message.type === 'begin') {
        stage.begin(message.directories);
      } else if (message.type === 'application') {
        stage.addApplication(message.directory, message.application);
      } else if (message.type === 'end') {
        post({ type: 'progress', lines: stage.end() });
        // The cluster (its messages, objects and YAML) is unreachable now that it was handled; a collection here
        // frees it while the synthesising thread builds the next cluster's constructs, which it hands over nothing
        // of (see tools/synth/heap.ts).
        collector.boundary();
      } else {
        const { report, files, linked } = stage.finish();
        post({ type: 'finished', findings: report.findings, checked: report.checked, exempted: report.exempted, files, linked });
      }
    } catch (error) {
      failed = true;
      post(error instanceof PlatformError
        ? { type: 'failed', message: error.format(), userError: true }
        : { type: 'failed', message: error instanceof Error ? error.message : String(error), userError: false, stack: error instanceof Error ? error.stack : undefined });
    }
  });
}

if (!isMainThread && parentPort !== null && typeof (workerData as Partial<StageWorkerData> | null)?.platformSynthBundle === 'string') {
  serve(parentPort, workerData as StageWorkerData);
}
