/**
 * Grouping values under keys. Appending in place keeps grouping linear: copying a group's array to add one value
 * (`map.set(k, [...(map.get(k) ?? []), v])`) is quadratic in the group's size (5,000 applications of one
 * environment took 12.5 million element copies).
 */

/** Append `value` to the group of `key` in `groups`, creating the group when it is new. */
export function appendTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [value]);
  else group.push(value);
}
