/**
 * Scan of a catalog view (pg_settings, pg_type, pg_indexes): its rows are built from the session's
 * settings and the catalog when the scan starts (they are small), then filtered. EXPLAIN
 * prints it as PostgreSQL does a set-returning function behind a view: `Function Scan`.
 */
import { defaultBtreeOpclass } from '../ordered_index.js';
import type { Value } from '../../../storage/table.js';
import type { GucDef } from '../../../common/guc.js';
import type { SqlEnv } from '../../env.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, type EState } from '../executor.js';
import { systemViewRows } from '../system_views.js';

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
  } else if (name === 'pg_indexes') {
    for (const d of env.catalog.allIndexes()) {
      const table = env.catalog.peekTable(d.table);
      const keys = d.keys.map((k) => {
        const col = k.expr === null ? (table?.def.columns[k.column]?.name ?? '?') : `(${k.expr})`;
        // pg_get_indexdef leaves out an operator class that is the column type's default.
        const dflt = k.expr === null && table !== undefined && k.opclass === defaultBtreeOpclass(table.def.columns[k.column]!.type);
        return (d.primaryKey || dflt ? col : `${col} ${k.opclass}`) + (k.descending ? ' DESC' : '') + (k.nullsFirst !== k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : '');
      });
      const indexdef = `CREATE ${d.unique ? 'UNIQUE ' : ''}INDEX ${d.name} ON public.${d.table} USING ${d.method} (${keys.join(', ')})` +
        (d.options.length > 0 ? ` WITH (${d.options.map(([k, v]) => `${k}='${v}'`).join(', ')})` : '') +
        (d.predicate === null ? '' : ` WHERE ${d.predicate}`);
      out.push(['public', d.table, d.name, null, indexdef]);
    }
  }
  return out;
}


function settingsRow(env: SqlEnv, def: GucDef): Value[] {
  const vartype = def.type === 'bool' ? 'bool' : def.type;
  const min = def.type === 'integer' || def.type === 'real' ? String(def.min) : null;
  const max = def.type === 'integer' || def.type === 'real' ? String(def.max) : null;
  const boot = def.type === 'bool' ? (def.default ? 'on' : 'off') : String(def.default);
  return [
    def.name,
    env.settings.showValue(def).replace(/^(\d+)(kB|MB|GB|ms|s|min|h)$/, (_m, n) => (def.type === 'integer' ? String(env.settings.get(def.name)) : n)),
    def.type === 'integer' ? (def.unit ?? null) : null,
    def.category ?? 'Customized Options',
    def.shortDesc,
    vartype,
    min,
    max,
    boot,
    boot,
  ];
}
