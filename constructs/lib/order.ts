/**
 * The one order of strings in rendered output: by UTF-16 code units, as JavaScript's default sort, Go's
 * `sort.Strings` and `LC_ALL=C sort` order them. Not `localeCompare`, whose order follows the locale of the
 * machine (`LANG=lt_LT.UTF-8` sorts `y` between `i` and `k`, `sv_SE` sorts `å` after `z`), so the same sources
 * would render differently on two machines; it also costs every process the set-up of ICU's collator.
 */

/** Negative, zero or positive as `a` sorts before, with or after `b` (code units, independent of the locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
