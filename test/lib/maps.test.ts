import { appendTo } from '../../constructs';

describe('appendTo', () => {
  test('GIVEN values for several keys WHEN appended THEN each group holds its values in order, new keys in order of first use', () => {
    const groups = new Map<string, number[]>();
    appendTo(groups, 'b', 1);
    appendTo(groups, 'a', 2);
    appendTo(groups, 'b', 3);
    expect([...groups]).toEqual([['b', [1, 3]], ['a', [2]]]);
  });

  test('GIVEN an existing group WHEN a value is appended THEN the group is extended in place', () => {
    const existing = [1];
    const groups = new Map([['k', existing]]);
    appendTo(groups, 'k', 2);
    expect(groups.get('k')).toBe(existing);
    expect(existing).toEqual([1, 2]);
  });
});
