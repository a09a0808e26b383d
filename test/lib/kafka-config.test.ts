/**
 * Kafka configuration keys: topic configs and broker `log.*` options are checked against Kafka 4.x's own lists.
 */
import { brokerConfigProblem, topicConfigProblem } from '../../constructs';

test.each(['retention.ms', 'cleanup.policy', 'min.compaction.lag.ms', 'remote.storage.enable'])('topic config %s is known', (key) => {
  expect(topicConfigProblem(key)).toBeUndefined();
});

test.each([['retention.msec', 'retention.ms'], ['cleanup.polcy', 'cleanup.policy'], ['segment.byte', 'segment.bytes']])('topic config %s is refused, suggesting %s', (key, near) => {
  expect(topicConfigProblem(key)).toMatch(new RegExp(`is not a Kafka topic configuration \\(did you mean '${near.replace(/\./g, '\\.')}'\\?\\)`));
});

test('broker log options: a typo is refused with the closest option; known, managed and other options are not judged here', () => {
  expect(brokerConfigProblem('log.retention.hour')).toMatch(/did you mean 'log\.retention\.hours'/);
  expect(brokerConfigProblem('log.retention.hours')).toBeUndefined();
  expect(brokerConfigProblem('log.dirs')).toBeUndefined(); // Strimzi's (reported by strimziConfigProblem)
  expect(brokerConfigProblem('num.network.threads')).toBeUndefined();
});
