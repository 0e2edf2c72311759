/**
 * Scan of a catalog view (pg_settings, pg_type, pg_indexes): its rows are built from the session's
 * settings and the catalog when the scan starts (they are small), then filtered. EXPLAIN
 * prints it as PostgreSQL does a set-returning function behind a view: `Function Scan`.
 */
import { pgGetIndexdef } from '../pg_get_indexdef.js';
import type { Value } from '../../../storage/table.js';
import type { GucDef, GucValue } from '../../../common/guc.js';
import { formatG } from '../../settings.js';
import { PgArray } from '../../../types/pgarray.js';
import type { SqlEnv } from '../../env.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, type EState } from '../executor.js';
import { systemViewRows } from '../system_views.js';
import { sequenceRow } from '../sequences.js';

type ViewPlan = Extract<PlanNode, { node: 'VirtualScan' }>;

export class CatalogViewScanState extends PlanState {
  private rows: Value[][] | null = null;
  private i = 0;

  constructor(readonly p: ViewPlan, es: EState) {
    super(p, es);
  }

  next(): Value[] | null {
    if (this.rows === null) this.rows = viewRows(this.es.env, this.p.view);
    const cols = this.p.scan.cols;
    while (this.i < this.rows.length) {
      const full = this.rows[this.i++]!;
      const row = cols.map((c) => full[c] ?? null);
      if (!this.qualPasses(this.p.qual, row)) continue;
      return row;
    }
    return null;
  }

  rescan(): void {
    this.i = 0;
  }
}

/** The rows of a catalog view, in its column order. */
function viewRows(env: SqlEnv, name: string): Value[][] {
  const system = systemViewRows(env, name);
  if (system !== null) return system;
  const out: Value[][] = [];
  if (name === 'pg_settings') {
    for (const def of env.settings.registry.all()) out.push(settingsRow(env, def));
  } else if (env.catalog.getSequence(name) !== undefined && name !== 'pg_indexes') {
    out.push(sequenceRow(env.catalog.getSequence(name)!));
  } else if (name === 'pg_indexes') {
    for (const d of env.catalog.allIndexes()) {
      // peekTable: a catalog view reads past other sessions' DDL locks.
      const split = (k: string) => env.catalog.splitKey(k);
      const indexdef = pgGetIndexdef(d, env.catalog.peekTable(d.table), env.methods, split);
      const t = split(d.table);
      out.push([t.schema, t.name, split(d.name).name, null, indexdef]);
    }
  }
  return out;
}


function settingsRow(env: SqlEnv, def: GucDef): Value[] {
  const vartype = def.type === 'bool' ? 'bool' : def.type;
  // Reals as PostgreSQL prints them (%g: 1.79769e+308).
  const min = def.type === 'integer' ? String(def.min) : def.type === 'real' ? formatG(def.min) : null;
  const max = def.type === 'integer' ? String(def.max) : def.type === 'real' ? formatG(def.max) : null;
  const text = (v: GucValue) => (def.type === 'bool' ? (v ? 'on' : 'off') : String(v));
  const boot = text(def.default);
  // reset_val: what RESET returns to: the client's value, else the one given when the
  // database opened, else the default.
  const reset = text(env.settings.resetValue(def));
  return [
    def.name,
    env.settings.showValue(def).replace(/^(\d+)(kB|MB|GB|ms|s|min|h)$/, (_m, n) => (def.type === 'integer' ? String(env.settings.get(def.name)) : n)),
    def.type === 'integer' ? (def.unit ?? null) : null,
    def.category ?? 'Customized Options',
    def.shortDesc,
    def.extraDesc ?? null,
    def.context ?? 'user',
    vartype,
    env.settings.source(def.name),
    min,
    max,
    def.type === 'enum' ? new PgArray('text', [def.values.length], [...def.values]) : null,
    boot,
    reset,
    // sourcefile, sourceline: no configuration file; pending_restart: nothing waits for one.
    null,
    null,
    false,
  ];
}
