import { createHash } from 'node:crypto';
import { checksumOf } from '../../constructs';

describe('checksumOf', () => {
  test('GIVEN settings WHEN checksummed THEN the value is the first 16 hex digits of the SHA-256 of their JSON', () => {
    const data = { LOG_LEVEL: 'info', PORT: '8080' };
    expect(checksumOf(data)).toBe(createHash('sha256').update('{"LOG_LEVEL":"info","PORT":"8080"}').digest('hex').slice(0, 16));
    expect(checksumOf(data)).toMatch(/^[0-9a-f]{16}$/);
  });

  test('GIVEN the same settings twice and changed settings WHEN checksummed THEN equal data gives equal values, a change another', () => {
    expect(checksumOf({ A: '1' })).toBe(checksumOf({ A: '1' }));
    expect(checksumOf({ A: '1' })).not.toBe(checksumOf({ A: '2' }));
    expect(checksumOf({})).not.toBe(checksumOf({ A: '' }));
  });
});
