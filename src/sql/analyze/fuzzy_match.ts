/**
 * The "Perhaps you meant to reference the column ..." hint of a missing column, as
 * PostgreSQL's errorMissingColumn finds it (parse_relation.c: searchRangeTableForCol,
 * updateFuzzyAttrMatchState): the range-table columns nearest the written name by Levenshtein
 * distance (at most 3 edits, and at most half the written name's length), an entry whose name
 * differs from a written qualifier paying that difference too; one best match is named, two
 * tied ones both, three or more tied none.
 */

/** PostgreSQL's MAX_FUZZY_DISTANCE. */
const MAX_FUZZY_DISTANCE = 3;

/** Levenshtein distance between `a` and `b` in characters (unit costs), as varstr_levenshtein. */
export function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = new Array<number>(t.length + 1);
  let cur = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length]!;
}

/** A range-table entry as the search sees it: the name it is referred to by and its columns. */
export interface FuzzyEntry {
  alias: string;
  colNames: readonly string[];
}

/**
 * The hint for a missing column `name` (qualified by `qualifier`, or null) over `levels`, the
 * range tables of the query levels from the innermost out, or undefined when no column is near
 * enough. Columns named exactly `name` are the caller's case (PostgreSQL reports them first).
 */
export function missingColumnHint(levels: readonly (readonly FuzzyEntry[])[], qualifier: string | null, name: string): string | undefined {
  let distance = MAX_FUZZY_DISTANCE + 1;
  let first: [FuzzyEntry, string] | null = null;
  let second: [FuzzyEntry, string] | null = null;
  const matchLen = Array.from(name).length;
  for (const rtable of levels) {
    for (const rte of rtable) {
      const penalty = qualifier === null ? 0 : levenshtein(qualifier, rte.alias);
      for (const col of rte.colNames) {
        if (penalty > distance) break;
        // A dropped column has no name.
        if (col === '') continue;
        let d = levenshtein(col, name);
        // More than half the characters different: not a suggestion worth making.
        if (d > Math.floor(matchLen / 2)) continue;
        d += penalty;
        if (d < distance) {
          distance = d;
          first = [rte, col];
          second = null;
        } else if (d === distance) {
          if (second !== null) {
            // Too many at this distance: only a nearer one will be named.
            first = null;
            second = null;
          } else if (first !== null) {
            second = [rte, col];
          }
        }
      }
    }
  }
  if (first === null) return undefined;
  const ref = ([rte, col]: [FuzzyEntry, string]): string => `"${rte.alias}.${col}"`;
  return second === null
    ? `Perhaps you meant to reference the column ${ref(first)}.`
    : `Perhaps you meant to reference the column ${ref(first)} or the column ${ref(second)}.`;
}
