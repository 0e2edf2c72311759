/**
 * EXPLAIN in PostgreSQL's text format (with COSTS OFF: vecgres' costs are in distance
 * computations, not PostgreSQL's units, so printing them would mislead).
 */
import type { Expr } from '../analyze/expr.js';
import { valueToText } from '../analyze/types.js';
import type { SelectQuery } from '../analyze/query.js';
import type { PlanNode } from './plan.js';

/** Deparses an expression roughly as PostgreSQL's ruleutils prints it. */
export function exprToSql(e: Expr): string {
  switch (e.k) {
    case 'const': {
      if (e.value === null) return 'NULL';
      const text = valueToText(e.value, e.type)!;
      if (e.type === 'int4' || e.type === 'numeric' || e.type === 'bool') return text;
      const cast = e.type === 'text' ? '' : `::${e.type === 'float8' ? 'double precision' : e.type === 'float4' ? 'real' : e.type === 'int8' ? 'bigint' : e.type}`;
      return `'${text.replace(/'/g, "''")}'${cast}`;
    }
    case 'param':
      return `$${e.index + 1}`;
    case 'col':
      return e.name;
    case 'op2':
      return /^[a-z_]+$/.test(e.op) ? `${e.op}(${exprToSql(e.l)}, ${exprToSql(e.r)})` : `(${exprToSql(e.l)} ${e.op} ${exprToSql(e.r)})`;
    case 'op1':
      return `f(${exprToSql(e.arg)})`;
    case 'cast':
      return `(${exprToSql(e.arg)})::${e.type}${e.typmod >= 0 ? `(${e.typmod})` : ''}`;
    case 'and':
      return `(${e.args.map(exprToSql).join(' AND ')})`;
    case 'or':
      return `(${e.args.map(exprToSql).join(' OR ')})`;
    case 'not':
      return `(NOT ${exprToSql(e.arg)})`;
    case 'isnull':
      return `(${exprToSql(e.arg)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${exprToSql(e.arg)} ${e.negate ? '<>' : '='} ANY (...))`;
    case 'coalesce':
      return `COALESCE(${e.args.map(exprToSql).join(', ')})`;
    case 'sublink':
      return '$0';
    case 'count':
      return e.arg === null ? 'count(*)' : `count(${exprToSql(e.arg)})`;
    case 'agg':
    case 'srf':
      return `${e.name}(${exprToSql(e.arg)})`;
    case 'fn':
      return `${e.name}(${e.args.map(exprToSql).join(', ')})`;
    case 'array':
      return `ARRAY[${e.elems.map(exprToSql).join(', ')}]`;
  }
}

/** The EXPLAIN lines of a plan. */
export function explainLines(plan: PlanNode, q: SelectQuery): string[] {
  const out: string[] = [];
  const emit = (depth: number, head: string, details: string[]) => {
    const pad = depth === 0 ? '' : ' '.repeat(depth * 6 - 4) + '->  ';
    out.push(pad + head);
    const dpad = depth === 0 ? '  ' : ' '.repeat(depth * 6 + 2);
    for (const d of details) out.push(dpad + d);
  };
  const walk = (p: PlanNode, depth: number): void => {
    switch (p.node) {
      case 'Limit':
        emit(depth, 'Limit', []);
        walk(p.input, depth + 1);
        return;
      case 'Aggregate':
        emit(depth, p.groupBy.length === 0 ? 'Aggregate' : 'HashAggregate', [
          ...(p.groupBy.length === 0 ? [] : [`Group Key: ${p.groupBy.map(exprToSql).join(', ')}`]),
          ...(p.having === null ? [] : [`Filter: ${exprToSql(p.having)}`]),
        ]);
        walk(p.input, depth + 1);
        return;
      case 'ProjectSet':
        emit(depth, 'ProjectSet', []);
        walk(p.input, depth + 1);
        return;
      case 'FunctionScan':
        emit(depth, `Function Scan on unnest${p.table.name === 'unnest' ? '' : ` ${p.table.name}`}`, p.filter === null ? [] : [`Filter: ${exprToSql(p.filter)}`]);
        return;
      case 'Sort':
        emit(depth, 'Sort', [`Sort Key: ${q.orderBy.map((k) => exprToSql(k.expr) + (k.desc ? ' DESC' : '')).join(', ')}`]);
        walk(p.input, depth + 1);
        return;
      case 'TopK':
        emit(depth, 'Sort', [`Sort Key: (${exprToSql(p.knn.expr)})`]);
        walk(p.input, depth + 1);
        return;
      case 'IndexScan':
        emit(depth, `Index Scan using ${p.def.name} on ${p.table.name}`, [
          `Order By: ${exprToSql(p.knn.expr)}`,
          ...(p.filter === null ? [] : [`Filter: ${exprToSql(p.filter)}`]),
        ]);
        return;
      case 'PkLookup':
        emit(depth, `Index Scan using ${p.indexName} on ${p.table.name}`, [`Index Cond: (${p.table.def.columns[p.table.def.primaryKey[0]!]!.name} = ${exprToSql(p.key)})`]);
        return;
      case 'SeqScan':
        emit(depth, `Seq Scan on ${p.table.name}`, p.filter === null ? [] : [`Filter: ${exprToSql(p.filter)}`]);
        return;
      case 'VirtualScan':
        emit(depth, `Function Scan on ${p.name}`, p.filter === null ? [] : [`Filter: ${exprToSql(p.filter)}`]);
        return;
      case 'Result':
        emit(depth, 'Result', []);
        return;
    }
  };
  walk(plan, 0);
  return out;
}
