/**
 * Expressions as text, roughly as PostgreSQL's ruleutils prints them in EXPLAIN: operators in
 * parentheses, constants with their type cast, columns qualified by their relation when the
 * statement has more than one range-table entry. Bound expressions print the name the planner
 * gave each tuple position or parameter when it bound them.
 */
import type { Expr } from '../analyze/expr.js';
import { type SqlType, valueToText } from '../analyze/types.js';
import type { SubPlan } from './plan.js';

const CAST_NAME: Partial<Record<SqlType, string>> = {
  float8: 'double precision',
  float4: 'real',
  int8: 'bigint',
  int4: 'integer',
  bool: 'boolean',
  varbit: 'bit varying',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
};

function typeName(t: SqlType): string {
  return CAST_NAME[t] ?? t;
}

/**
 * Text of `e`. `varName` names an unbound column reference (the planner supplies the
 * qualified name); bound slots and parameters carry their own.
 */
export function deparse(e: Expr, prefix = false, varName: (v: Extract<Expr, { k: 'var' }>, prefix: boolean) => string = (v) => v.name): string {
  const d = (x: Expr): string => deparse(x, prefix, varName);
  switch (e.k) {
    case 'const': {
      if (e.value === null) return 'NULL';
      const text = valueToText(e.value, e.type)!;
      if (e.type === 'int4' || e.type === 'bool') return text;
      if (e.type === 'numeric') return text;
      const cast = e.type === 'text' ? '::text' : `::${typeName(e.type)}`;
      return `'${text.replace(/'/g, "''")}'${cast}`;
    }
    case 'param':
      return `$${e.index + 1}`;
    case 'var':
      return varName(e, prefix);
    case 'slot':
      return prefix ? (e.qname ?? e.name) : e.name;
    case 'execParam':
      return e.qname ?? e.name;
    case 'op2':
      return /^[a-z_]+$/.test(e.op) ? `${e.op}(${d(e.l)}, ${d(e.r)})` : `(${d(e.l)} ${e.op} ${d(e.r)})`;
    case 'op1':
      // A function by its name, a prefix operator as PostgreSQL prints one: `(- x)`.
      if (e.op === undefined) return `f(${d(e.arg)})`;
      return /^[a-z_]/i.test(e.op) ? `${e.op}(${d(e.arg)})` : `(${e.op} ${d(e.arg)})`;
    case 'cast':
      return `(${d(e.arg)})::${typeName(e.type)}${e.typmod >= 0 ? `(${e.typmod})` : ''}`;
    case 'and':
      return `(${e.args.map(d).join(' AND ')})`;
    case 'or':
      return `(${e.args.map(d).join(' OR ')})`;
    case 'not':
      return `(NOT ${d(e.arg)})`;
    case 'isnull':
      return `(${d(e.arg)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${d(e.arg)} ${e.negate ? '<>' : '='} ${e.negate ? 'ALL' : 'ANY'} ('{${e.list.map((x) => (x.k === 'const' ? valueToText(x.value, x.type) : d(x))).join(',')}}'))`;
    case 'arrayop':
      return `(${d(e.arg)} ${e.op} ${e.all ? 'ALL' : 'ANY'} (${d(e.arr)}))`;
    case 'coalesce':
      return `COALESCE(${e.args.map(d).join(', ')})`;
    case 'case': {
      const whens = e.whens.map((w) => ` WHEN ${d(w.cond)} THEN ${d(w.then)}`).join('');
      const els = e.else.k === 'const' && e.else.value === null ? '' : ` ELSE ${d(e.else)}`;
      return `CASE${e.arg === null ? '' : ` ${d(e.arg)}`}${whens}${els} END`;
    }
    case 'minmax':
      return `${e.greatest ? 'GREATEST' : 'LEAST'}(${e.args.map(d).join(', ')})`;
    case 'nullif':
      return `NULLIF(${d(e.l)}, ${d(e.r)})`;
    case 'session':
      return `${e.name}(${e.args.map(d).join(', ')})`;
    case 'sublink':
      return '(SubPlan)';
    case 'subplan':
      return subPlanText(e.sp as SubPlan, d);
    case 'count':
      return e.arg === null ? 'count(*)' : `count(${d(e.arg)})`;
    case 'agg':
    case 'srf':
      return `${e.name}(${d(e.arg)})`;
    case 'fn':
      return `${e.name}(${e.args.map(d).join(', ')})`;
    case 'window':
      return `${e.name}(${e.agg !== null && e.args.length === 0 ? '*' : e.args.map(d).join(', ')}) OVER w${e.winref + 1}`;
    case 'array':
      return `ARRAY[${e.elems.map(d).join(', ')}]`;
  }
}

function subPlanText(sp: SubPlan, d: (x: Expr) => string): string {
  const name = `${sp.initPlan ? 'hashed ' : ''}SubPlan ${sp.id}`;
  switch (sp.sub) {
    case 'exists':
      return `EXISTS(${name})`;
    case 'expr':
      return `(${name})`;
    case 'array':
      return `ARRAY(${name})`;
    case 'any':
      return `(ANY (${d(sp.testArg!)} ${sp.op} (${name}).col1))`;
    case 'all':
      return `(ALL (${d(sp.testArg!)} ${sp.op} (${name}).col1))`;
  }
}
