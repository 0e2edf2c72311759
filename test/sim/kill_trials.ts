/**
 * What the SIGKILL trials (engine_crash*.test.ts) share: running a child process that reports
 * its transactions (crash_child.ts's protocol: `{"t":n,"ops":[...]}` before COMMIT of n,
 * `{"a":n}` once acknowledged), killing it, and the model of acknowledged rows.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Prng } from '../../src/common/prng.js';
import type { Vecgres } from '../../src/index.js';
import type { ChildOp } from './crash_child.js';

/** Acknowledged rows: id -> the value the child reported (whatever the trial compares). */
export type RowModel<V> = Map<number, V>;

/** Applies a transaction's reported ops to `m`; `value` turns a put into the model's value. */
export function applyOps<V>(m: RowModel<V>, ops: readonly ChildOp[], value: (put: [number, string, number]) => V): void {
  for (const op of ops) {
    if ('put' in op) m.set(op.put[0], value(op.put));
    else if ('del' in op) m.delete(op.del);
  }
}

/** A transaction the child reported before its COMMIT. */
export interface ReportedTxn {
  t: number;
  ops: ChildOp[];
}

/** What a killed child reported. */
export interface ChildRun {
  /** Transactions whose COMMIT was acknowledged, in order: each must survive. */
  acked: ReportedTxn[];
  /** The transaction reported but not acknowledged when the child died: wholly there or not at all. */
  inFlight: ReportedTxn | null;
  /** Every other line the child wrote (its own events), parsed, in order. */
  events: Record<string, unknown>[];
  /** Who killed it: the parent after the acks, the child itself, or the guard timer. */
  killedBy: 'parent' | 'self' | 'guard';
}

/** How {@link runChild} decides when to kill. */
export interface KillPlan {
  /** SIGKILL this many ms after the `killAfterAcks`-th acknowledgement (Infinity: never). */
  killAfterAcks: number;
  delayMs: number;
  /** Count acknowledgements only after the child reported `{"ready":...}`. */
  afterReady?: boolean;
  /** Kill anyway after this many ms (a slow machine, or a child that never gets far enough). */
  guardMs: number;
  /** Environment variables added to the child's. */
  env?: Record<string, string>;
}

/**
 * Runs `node child ...args` until it is SIGKILLed (by the plan, by itself or by the guard) and
 * returns what it reported. Acknowledgements read after the kill was decided still count.
 * @throws Error with the child's stderr when it exits any other way.
 */
export function runChild(child: string, args: readonly string[], plan: KillPlan): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...plan.env } });
    const run: ChildRun = { acked: [], inFlight: null, events: [], killedBy: 'self' };
    let buf = '';
    let err = '';
    let killing = false;
    let ready = plan.afterReady !== true;
    let counted = 0;
    const guard = setTimeout(() => {
      if (!killing) run.killedBy = 'guard';
      killing = true;
      proc.kill('SIGKILL');
    }, plan.guardMs);
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line) as Record<string, unknown> & { t?: number; ops?: ChildOp[]; a?: number };
        if (msg.ops !== undefined) run.inFlight = { t: msg.t!, ops: msg.ops };
        else if (msg.a !== undefined) {
          if (run.inFlight === null || run.inFlight.t !== msg.a) continue;
          run.acked.push(run.inFlight);
          run.inFlight = null;
          if (ready) counted++;
          if (!killing && counted >= plan.killAfterAcks) {
            killing = true;
            run.killedBy = 'parent';
            setTimeout(() => proc.kill('SIGKILL'), plan.delayMs);
          }
        } else {
          if (msg['ready'] !== undefined) ready = true;
          run.events.push(msg);
        }
      }
    });
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(run);
    });
  });
}

/**
 * Whether the child got as far as creating table `name`: a child killed before its CREATE
 * TABLE committed (a slow start: the guard timer, or a kill soon after its start) leaves none,
 * and must then have acknowledged nothing (`acked` rows in the model).
 */
export function tableCreated(db: Vecgres, name: string, acked: number, where: string): boolean {
  if (db.database.catalog.getTable(name) !== undefined) return true;
  assert.equal(acked, 0, `${where}: table ${name} is gone, with ${acked} rows acknowledged`);
  return false;
}

/** One seeded trial of a kill test: its seed, its generator and its own data directory. */
export interface KillTrial {
  seed: number;
  p: Prng;
  dir: string;
}

/**
 * Runs `trials` seeded trials (seeds baseSeed, baseSeed + 1, ...) one after another, each with
 * a directory of its own under a temporary root named `prefix`, removed whatever happens.
 */
export async function forEachTrial(prefix: string, trials: number, baseSeed: number, run: (t: KillTrial) => Promise<void>): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    for (let trial = 0; trial < trials; trial++) {
      const seed = baseSeed + trial;
      await run({ seed, p: new Prng(seed), dir: path.join(root, `t${trial}`) });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Ends a cycle's reopened database, alternating the two ways a process leaves it: a clean
 * close (a checkpoint) on even cycles, dropped as a crash would on odd ones.
 */
export async function closeOrAbandon(db: Vecgres, cycle: number): Promise<void> {
  if (cycle % 2 === 0) await db.close();
  else db.database.abandon();
}
