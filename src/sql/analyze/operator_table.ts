/**
 * pgvector's operators as pg_operator holds them (pg_operators.ts, generated from PGlite by
 * scripts/gen-pg-operators.mjs), parsed on first use: the pg_operator view, pg_description's
 * operator comments and pg_operator_is_visible read them.
 */
import { PG_OPERATOR_ROWS } from './pg_operators.js';

/** One pg_operator row of pgvector's (pg_operators.ts). */
export interface OperatorRow {
  readonly oid: number;
  readonly name: string;
  readonly kind: string;
  readonly canmerge: boolean;
  readonly canhash: boolean;
  readonly left: number;
  readonly right: number;
  readonly result: number;
  readonly com: number;
  readonly negate: number;
  /** The implementing function, a row of the function table. */
  readonly code: number;
  readonly rest: string;
  readonly join: string;
  readonly comment: string | null;
}

let operators: OperatorRow[] | null = null;

/** pgvector's operators (pg_operator's rows once CREATE EXTENSION vector ran). */
export function pgvectorOperators(): readonly OperatorRow[] {
  operators ??= (JSON.parse(PG_OPERATOR_ROWS) as unknown[][]).map((r) => ({
    oid: r[0] as number, name: r[1] as string, kind: r[2] as string, canmerge: r[3] as boolean, canhash: r[4] as boolean,
    left: r[5] as number, right: r[6] as number, result: r[7] as number, com: r[8] as number, negate: r[9] as number,
    code: r[10] as number, rest: r[11] as string, join: r[12] as string, comment: r[13] as string | null,
  }));
  return operators;
}
