/** Development on a kind cluster: its `standard` StorageClass, one Kafka pool of three dual-role nodes. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';

export const dev = defineEnvironment(base, {
  name: 'dev',
  stage: 'development',
  storage: { mode: 'dynamic', storageClassName: 'standard' },
  apps: {
    kafka: { nodePools: { mode: 'dual-role', nodes: 3 } },
  },
});
