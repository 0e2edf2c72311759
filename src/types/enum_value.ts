/**
 * Values of enum types (CREATE TYPE ... AS ENUM), as PostgreSQL's enum.c keeps them: a value
 * is one pg_enum row, named by its oid; it prints as its label and sorts by the label's
 * enumsortorder, not by the label's text.
 *
 * A database holds one {@link EnumValue} object per label (storage/catalog.ts interns them),
 * and every row, constant and index key of that label refers to that object. ALTER TYPE ...
 * RENAME VALUE and the renumbering ADD VALUE ... BEFORE may do (pg_enum.c RenumberEnumType)
 * change the object in place, so stored rows follow without being rewritten, as PostgreSQL's
 * rows, which hold only the oid, follow pg_enum.
 *
 * An enum type appears among the analyzer's SQL types as `enum:<type oid>:<type name>`
 * ({@link EnumSqlType}): the oid is what clients receive as the column's type, the name what
 * messages and format_type print (ALTER TYPE ... RENAME TO rewrites the columns that have it).
 */

/** One label of an enum type: its pg_enum oid, its label and its sort position (float4). */
export class EnumValue {
  constructor(
    /** pg_enum.oid: the value's identity, stable across RENAME VALUE. */
    readonly oid: number,
    /** pg_enum.enumlabel: what the value prints as (at most 63 bytes). */
    public label: string,
    /** pg_enum.enumsortorder: values compare by it. */
    public sortOrder: number,
  ) {}

  toString(): string {
    return this.label;
  }
}

/** An enum type among the SQL types: `enum:<pg_type oid>:<type name>`. */
export type EnumSqlType = `enum:${number}:${string}`;

/**
 * The SQL type of enum type `name` with pg_type oid `oid`. Its array type is the same string
 * followed by `[]`, so a name that itself ends in `[]` (a quoted identifier) is followed by a
 * NUL, which no identifier holds.
 */
export function enumSqlType(oid: number, name: string): EnumSqlType {
  return name.endsWith('[]') ? `enum:${oid}:${name}\u0000` : `enum:${oid}:${name}`;
}

/** True for an enum type's {@link EnumSqlType} (not for its array type). */
export function isEnumSqlType(t: string): t is EnumSqlType {
  return t.startsWith('enum:') && !t.endsWith('[]');
}

/** True for an enum type or its array type: the types whose input reads the catalog's labels. */
export function hasEnumElements(t: string): boolean {
  return t.startsWith('enum:');
}

/** The pg_type oid of an {@link EnumSqlType}. */
export function enumTypeOid(t: EnumSqlType): number {
  return Number(t.slice(5, t.indexOf(':', 5)));
}

/** The type name (unquoted) of an {@link EnumSqlType}. */
export function enumTypeName(t: EnumSqlType): string {
  const n = t.slice(t.indexOf(':', 5) + 1);
  return n.endsWith('\u0000') ? n.slice(0, -1) : n;
}

/**
 * The pg_type oid of the array type of an {@link EnumSqlType}: CREATE TYPE takes it right
 * before the type's own (storage/enum_type.ts enumCreateOids).
 */
export function enumArrayOid(t: EnumSqlType): number {
  return enumTypeOid(t) - 1;
}

/** enum_cmp: by sort position (two values of one type). */
export function enumCmp(a: EnumValue, b: EnumValue): number {
  return a.sortOrder < b.sortOrder ? -1 : a.sortOrder > b.sortOrder ? 1 : 0;
}
