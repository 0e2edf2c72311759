/**
 * Enum types as PostgreSQL keeps them (commands/typecmds.c DefineEnum, catalog/pg_enum.c): a
 * pg_type row (typtype 'e') with its array type, and one pg_enum row per label with its oid
 * and its float4 sort position (enumsortorder). Labels sort by that position, not by name.
 *
 * The oids follow PostgreSQL's allocation from the one object-id counter: the array type's
 * first, then the type's, then each label's, where a label created by CREATE TYPE (or added
 * at the end) takes the next EVEN oid and a label added between others the next ODD one
 * (pg_enum.c: an even oid promises that comparing oids gives the sort order). The catalog
 * reserves them by skipping the counter, so a rolled-back CREATE TYPE still consumes them, as
 * in PostgreSQL.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import type { CodecValue } from './codec.js';

/** The longest label (NAMEDATALEN - 1 bytes). */
export const ENUM_LABEL_MAX_BYTES = 63;

/** One pg_enum row. */
export interface EnumLabel {
  oid: number;
  label: string;
  /** enumsortorder: a float4 value; labels sort by it. */
  sortOrder: number;
}

/** One enum type: its pg_type oids, its name (in schema public) and its labels in creation order. */
export interface EnumTypeDef {
  oid: number;
  arrayOid: number;
  name: string;
  labels: readonly EnumLabel[];
  /** COMMENT ON TYPE text (pg_description); absent when none. */
  comment?: string;
}

/**
 * Checks a label as enum_in / DefineEnum do.
 * @throws PgError 42602 `invalid enum label "x"` with DETAIL `Labels must be 63 bytes or less.`
 */
export function checkEnumLabel(label: string): void {
  if (Buffer.byteLength(label, 'utf8') > ENUM_LABEL_MAX_BYTES) {
    throw new PgError(SQLSTATE.invalid_name, `invalid enum label "${label}"`, { detail: `Labels must be ${ENUM_LABEL_MAX_BYTES} bytes or less.` });
  }
}

/** The labels in sort order. */
export function labelsInOrder(def: EnumTypeDef): EnumLabel[] {
  return [...def.labels].sort((a, b) => a.sortOrder - b.sortOrder);
}

/**
 * The oids CREATE TYPE ... AS ENUM takes when the counter stands at `next`: the array type,
 * the type, and one even oid per label (odd ones are skipped), plus the counter after them.
 */
export function enumCreateOids(next: number, labelCount: number): { arrayOid: number; oid: number; labels: number[]; after: number } {
  const arrayOid = next;
  const oid = next + 1;
  const labels: number[] = [];
  let o = oid + 1;
  for (let i = 0; i < labelCount; i++) {
    if ((o & 1) === 1) o++;
    labels.push(o++);
  }
  return { arrayOid, oid, labels, after: o };
}

/**
 * A new definition with `label` added (ALTER TYPE ... ADD VALUE), placed at the end or next
 * to `neighbor` (`before` true: in front of it), as pg_enum.c AddEnumLabel: the sort order is
 * the last one + 1, or the float4 midpoint of the neighbours (1 less than the first one when
 * it goes first, 1 more than the last); when float4 has no value strictly between them, the labels are numbered
 * 1..n in their order first (RenumberEnumType). The new label's oid is the first oid from
 * `next` of the right parity: even when the label sorts after every even-oid label (the oid
 * order is then the sort order), odd otherwise. Returns the definition and the counter after.
 * @throws PgError 22023 `"y" is not an existing enum label` for a missing neighbour.
 */
export function withEnumLabel(def: EnumTypeDef, label: string, neighbor: { label: string; before: boolean } | null, next: number): { def: EnumTypeDef; after: number } {
  let labels = def.labels.map((l) => ({ ...l }));
  let order: number;
  const sorted = () => [...labels].sort((a, b) => a.sortOrder - b.sortOrder);
  if (neighbor === null) {
    order = labels.reduce((m, l) => Math.max(m, l.sortOrder), 0) + 1;
  } else {
    const place = (): number | null => {
      const s = sorted();
      const i = s.findIndex((l) => l.label === neighbor.label);
      if (i < 0) throw new PgError(SQLSTATE.invalid_parameter_value, `"${neighbor.label}" is not an existing enum label`);
      const nbr = s[i]!.sortOrder;
      const other = s[neighbor.before ? i - 1 : i + 1];
      if (other === undefined) return Math.fround(neighbor.before ? nbr - 1 : nbr + 1);
      // In float4 arithmetic, from the named neighbour towards the other, as pg_enum.c computes it.
      const mid = Math.fround(nbr + Math.fround(Math.fround(other.sortOrder - nbr) / 2));
      return mid === nbr || mid === other.sortOrder ? null : mid;
    };
    let p = place();
    if (p === null) {
      labels = sorted().map((l, i) => ({ ...l, sortOrder: i + 1 }));
      p = place()!;
    }
    order = p;
  }
  const sortsOk = labels.every((l) => (l.oid & 1) === 1 || l.sortOrder < order);
  let oid = next;
  if (((oid & 1) === 0) !== sortsOk) oid++;
  labels.push({ oid, label, sortOrder: Math.fround(order) });
  return { def: { ...def, labels }, after: oid + 1 };
}

/** The definition as a codec value: `{oid, arrayOid, name, labels: [[oid, label, sortOrder]...]}`, plus `comment` when it has one. */
export function enumTypeToValue(def: EnumTypeDef): CodecValue {
  return {
    oid: def.oid, arrayOid: def.arrayOid, name: def.name, labels: def.labels.map((l) => [l.oid, l.label, l.sortOrder]),
    ...(def.comment !== undefined ? { comment: def.comment } : {}),
  };
}

/**
 * Reads {@link enumTypeToValue}'s shape.
 * @throws PgError XX001 for a malformed value.
 */
export function enumTypeFromValue(v: CodecValue): EnumTypeDef {
  const bad = () => new PgError(SQLSTATE.data_corrupted, 'invalid enum type definition');
  const o = v as Record<string, CodecValue> | null;
  if (o === null || typeof o !== 'object' || typeof o['oid'] !== 'number' || typeof o['arrayOid'] !== 'number' || typeof o['name'] !== 'string' || !Array.isArray(o['labels'])) throw bad();
  const labels = (o['labels'] as CodecValue[]).map((l) => {
    if (!Array.isArray(l) || typeof l[0] !== 'number' || typeof l[1] !== 'string' || typeof l[2] !== 'number') throw bad();
    return { oid: l[0], label: l[1], sortOrder: l[2] };
  });
  const comment = o['comment'];
  if (comment !== undefined && typeof comment !== 'string') throw bad();
  return { oid: o['oid'], arrayOid: o['arrayOid'], name: o['name'], labels, ...(comment !== undefined ? { comment } : {}) };
}
