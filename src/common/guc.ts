/**
 * Definitions of settings (GUCs, PostgreSQL's Grand Unified Configuration). Lower layers
 * (index methods) declare the settings they read with these shapes; the SQL layer registers
 * them, validates SET against min/max/enum with PostgreSQL's messages and shows them in
 * pg_settings.
 */
export type GucValue = number | string | boolean;

interface GucBase {
  /** Full name, lower case, e.g. `hnsw.ef_search`. */
  name: string;
  /** pg_settings.short_desc. */
  shortDesc: string;
  /** pg_settings.category. */
  category?: string;
  /** pg_settings.extra_desc. */
  extraDesc?: string;
  /** pg_settings.context: who may change it and when (absent: `user`, any session's SET). */
  context?: GucContext;
}

/** pg_settings.context values (guc.h GucContext). */
export type GucContext = 'internal' | 'postmaster' | 'sighup' | 'superuser-backend' | 'backend' | 'superuser' | 'user';

export interface IntGuc extends GucBase {
  type: 'integer';
  default: number;
  min: number;
  max: number;
  /** pg_settings.unit, e.g. 'kB' or 'ms'. */
  unit?: string;
}

export interface RealGuc extends GucBase {
  type: 'real';
  default: number;
  min: number;
  max: number;
}

export interface EnumGuc extends GucBase {
  type: 'enum';
  default: string;
  values: readonly string[];
}

export interface BoolGuc extends GucBase {
  type: 'bool';
  default: boolean;
}

export interface StringGuc extends GucBase {
  type: 'string';
  default: string;
}

export type GucDef = IntGuc | RealGuc | EnumGuc | BoolGuc | StringGuc;

/** Read access to the current (session + transaction) values, as index scans see them. */
export interface GucReader {
  /** The current value of a registered setting; throws (assert) for an unknown name. */
  get(name: string): GucValue;
}
