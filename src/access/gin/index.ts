/**
 * The GIN access method (PostgreSQL's ginutil.c routine table): an inverted index of the keys
 * and elements of jsonb and array values, answering `@>`, `?`, `?|`, `?&` (jsonb_ops),
 * `@>` (jsonb_path_ops) and `&&`, `@>`, `<@`, `=` (array_ops) through bitmap scans only. The
 * entries are in entries.ts, the structure in gin-index.ts. Register `ginAm` with the engine.
 *
 * Persistence: as a B-tree, never saved in checkpoints; recovery rebuilds it from the table.
 * `fastupdate` and `gin_pending_list_limit` are validated as PostgreSQL does; there is no
 * pending list (an insert updates the posting lists at once).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { KeyOpClass, OrderedBuildInput, OrderedIndexAm, RawOptions } from '../am.js';
import { parseIntOptions, type IntOptionDef } from '../shared/reloptions.js';
import { GinIndex } from './gin-index.js';
import { GIN_ARRAY_ELEMENT_TYPES, GIN_OPERATORS, type GinOpclass } from './entries.js';
import { isEnumSqlType } from '../../types/enum_value.js';

const CPU_OPERATOR_COST = 0.0025;
const CPU_INDEX_TUPLE_COST = 0.005;
const RANDOM_PAGE_COST = 4;
/** Posting-list entries on one 8 kB page (6-byte item pointers, compressed about 2x in PostgreSQL). */
const POSTINGS_PER_PAGE = 2000;

const GIN_INT_OPTIONS: readonly IntOptionDef[] = [{ name: 'gin_pending_list_limit', default: 4096, min: 64, max: 2147483647 }];

/** PostgreSQL's parse_bool: true/false/yes/no/on/off/1/0, any unique prefix, any case. */
function parseBool(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (t.length === 0) return null;
  if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === 'on' || t === '1') return true;
  if ('false'.startsWith(t) || 'no'.startsWith(t) || (t.length >= 2 && 'off'.startsWith(t)) || t === '0') return false;
  return null;
}

/** The array types array_ops indexes here: arrays of {@link GIN_ARRAY_ELEMENT_TYPES} and of enum types. */
function ginArray(type: string): boolean {
  return type.endsWith('[]') && (GIN_ARRAY_ELEMENT_TYPES.has(type.slice(0, -2)) || isEnumSqlType(type.slice(0, -2)));
}

const OPCLASSES: readonly KeyOpClass[] = [
  { name: 'jsonb_ops', isDefault: true, accepts: (t) => t === 'jsonb', operators: GIN_OPERATORS.jsonb_ops },
  { name: 'jsonb_path_ops', isDefault: false, accepts: (t) => t === 'jsonb', operators: GIN_OPERATORS.jsonb_path_ops },
  { name: 'array_ops', isDefault: true, accepts: ginArray, operators: GIN_OPERATORS.array_ops },
];

export const ginAm: OrderedIndexAm = {
  kind: 'ordered',
  name: 'gin',
  capabilities: {
    canOrder: false,
    canOrderByOp: false,
    canUnique: false,
    canMultiCol: false,
    canReturnBitmap: true,
    searchNulls: false,
    supportsFilter: false,
    canContinue: false,
  },
  keyOpclasses: OPCLASSES,
  /**
   * WITH (fastupdate = bool, gin_pending_list_limit = kB), in the order written.
   * @throws PgError 22023 for an unknown option, a repeated one or a bad value (reloptions.c's texts).
   */
  parseOptions(raw: RawOptions) {
    const ints = new Map<string, string>();
    let fastupdate = true;
    for (const [name, text] of raw) {
      if (name !== 'fastupdate') {
        ints.set(name, text);
        continue;
      }
      const b = parseBool(text);
      if (b === null) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid value for boolean option "fastupdate": ${text}`);
      fastupdate = b;
    }
    return { fastupdate, ...Object.fromEntries(parseIntOptions(ints, GIN_INT_OPTIONS)) };
  },
  build(input: OrderedBuildInput) {
    const opclass = (input.keys[0]?.opclass ?? '') as GinOpclass;
    const index = new GinIndex(input.keys, opclass);
    let done = 0;
    input.forEachRow((rowId, values) => {
      index.insert(rowId, values);
      if (++done % 65536 === 0) input.onProgress?.({ phase: 'building index', tuplesTotal: input.rowCount, tuplesDone: done });
    });
    return index;
  },
  /**
   * gincostestimate, reduced: a descent of the entry tree per entry looked up (taken as 4
   * entries a query), then the posting pages and entries of the `selectivity` of the rows
   * returned.
   */
  costEstimate(index, { tableRows, selectivity }) {
    const rows = Math.max(1, Math.round(Math.min(Math.max(1, index.size), tableRows) * selectivity));
    const entries = index instanceof GinIndex ? Math.max(1, index.entryCount) : 1;
    const startup = 4 * (Math.ceil(Math.log2(entries + 1)) + 50) * CPU_OPERATOR_COST + RANDOM_PAGE_COST;
    const pages = Math.ceil(rows / POSTINGS_PER_PAGE);
    const total = startup + pages * RANDOM_PAGE_COST + rows * (CPU_INDEX_TUPLE_COST + CPU_OPERATOR_COST);
    return { startup, total, rows };
  },
};

export { GinIndex } from './gin-index.js';
