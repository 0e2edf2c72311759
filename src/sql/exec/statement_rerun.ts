/**
 * What a statement that waits and runs again keeps from its first run (the "undo, await, run
 * again" of engine/database.ts `runScript` / `runPortal`: a row lock, a parallel exact scan off
 * the event loop, a CREATE INDEX build). One mechanism for every wait kind: the statement's
 * writes, row locks and queued notifications are undone as a rollback to its start would undo
 * them (exec/txn.ts `rollbackStatement`, or the implicit transaction's abort); everything else
 * the first run did is either put back or replayed, so that the statement behaves as if it had
 * run once:
 *
 * - Session-local state nobody else saw is put back to the statement's start: the seeded
 *   random stream (random(), gen_random_uuid(): the rerun draws the same values a single run
 *   draws) and settings that set_config() changed inside the statement (a rerun of
 *   `set_config('x', current_setting('x') || 'a', false)` appends once).
 * - Effects other sessions may have acted on meanwhile are replayed, never repeated: a
 *   sequence's nextval values (non-transactional; another session may have taken the next ones
 *   during the wait) are recorded per sequence in the order they were handed out, and the
 *   rerun's nextval calls on that sequence take them back in the same order before drawing new
 *   ones, so no value is handed out twice and none is skipped while the rerun makes the same
 *   calls; a setval the rerun repeats with the same arguments is not applied again (it would
 *   move the sequence back under values others took meanwhile). A rerun that calls a sequence
 *   function differently from the first run drops that sequence's remaining recorded values
 *   (skipped, as a rolled-back transaction's are) and goes on live.
 * - Times keep the first run's: statement_timestamp() and, outside a transaction block, now()
 *   stay the statement's start (PostgreSQL's statement waited, it did not start again);
 *   clock_timestamp() readings of the first run are replayed in order, later calls read the
 *   clock.
 * - Advisory locks the first run took stay held through the wait (as PostgreSQL's statement
 *   holds them while it waits) and are not taken again: the rerun's calls of the advisory
 *   lock functions, in the same order with the same arguments, return the first run's results
 *   (unlocks included: a lock released by the first run may be another session's by now). A
 *   rerun that calls them differently, or ends before reaching them, releases the acquisitions
 *   it did not make again. When the wait fails the statement fails as if it had run once: what
 *   it took stays, session-level locks with the session, transaction-level ones until the
 *   transaction ends. The place in an advisory lock's wait queue the waiting call took is
 *   kept across the undo (its rerun takes the lock in its turn) and given up when the
 *   statement ends ({@link StatementRerun.whenCleared}).
 * - currval and lastval are not put back: as in PostgreSQL, a value nextval handed out counts
 *   for them even when the row it was drawn for was not written in the end; the rerun's
 *   (replayed) calls set them again.
 * - Result rows, RETURNING, command tags and NOTICEs come from the last run only: the engine
 *   emits a statement's result when it completes.
 *
 * Where this differs from PostgreSQL: PostgreSQL does not run the statement again. It waits
 * inside the row lock and re-checks only the waited-for row (EvalPlanQual); when the holder
 * updated that row, PostgreSQL evaluates the row's expressions again and so draws a second
 * nextval for it (the first one is skipped), where vecgres reuses the first. Both hand every
 * value out at most once.
 *
 * The state lives in the session ({@link SqlEnv.rerun}); executeStatement begins it, undoes it
 * when the statement must wait, and ends it when the statement completes or fails; the engine
 * discards it when a wait fails (timeout, cancel, deadlock), so it never reaches another
 * statement.
 */
import type { Sequence } from '../../storage/sequence.js';
import type { SqlEnv } from '../env.js';

/**
 * Recorded calls of one sequence: a setval with its arguments, or `count` nextval values
 * `first`, `first + step`, ... (consecutive draws of one run are one entry, so a bulk INSERT of a
 * serial column records a few numbers, not one per row).
 */
type SequenceCall = { setval: true; value: bigint; called: boolean } | { setval: false; first: bigint; step: bigint; count: number };

/**
 * The recorded calls of one sequence and the current run's replay position in them: entry
 * `at`, and within a nextval entry, `offset` values taken.
 */
interface SequenceJournal {
  calls: SequenceCall[];
  at: number;
  offset: number;
}

/** A session's statement state across reruns (see the module comment). One per session, reused. */
export class StatementRerun {
  /** The statement (its parse tree) the state belongs to; null between statements. */
  private raw: object | null = null;
  private params: readonly unknown[] | null = null;
  /** True from the undo of a statement that must wait until its rerun starts. */
  private undone = false;
  /** The first run's start (microseconds since 2000-01-01 UTC). */
  private startUs = 0n;
  /** The seeded random stream's state at the first run's start. */
  private readonly prng = new Uint32Array(4);
  /** Settings when the statement first changed one (Settings.mark), or null: none changed. */
  private settingsMark: unknown = null;
  /** nextval / setval calls per sequence (its object: a sequence dropped and created anew is another), created at the first call. */
  private sequences: Map<Sequence, SequenceJournal> | null = null;
  /** clock_timestamp() readings in call order, and how many the current run has replayed. */
  private clockUs: bigint[] | null = null;
  private clockReplayed = 0;
  /** Advisory lock calls in order: the call (function and key), its result, and how to undo an acquisition. */
  private advisoryCalls: { call: string; result: boolean; undo: (() => void) | null }[] | null = null;
  private advisoryReplayed = 0;
  /** What ends with the statement, not with its undo: leaving an advisory lock's wait queue. */
  private cleared: (() => void)[] = [];

  /** True while the current run is a rerun after a wait (set by {@link begin}). */
  rerunning = false;

  /** True between the undo of a statement that must wait and the start of its rerun. */
  get waiting(): boolean {
    return this.undone;
  }

  /**
   * Starts a run of `raw` with `params` at `nowUs`. When it is the rerun of the statement
   * undone last (the same parse tree and parameters), rewinds the replay and returns the first
   * run's start; otherwise starts afresh and returns `nowUs`. The caller uses the result as
   * the statement's timestamp.
   */
  begin(env: SqlEnv, raw: object, params: readonly unknown[], nowUs: bigint): bigint {
    this.rerunning = this.undone && this.raw === raw && this.params === params;
    if (this.rerunning) {
      this.undone = false;
      env.random.restoreState(this.prng);
      this.clockReplayed = 0;
      this.advisoryReplayed = 0;
      if (this.sequences !== null) {
        for (const j of this.sequences.values()) {
          j.at = 0;
          j.offset = 0;
        }
      }
      return this.startUs;
    }
    this.clear();
    this.raw = raw;
    this.params = params;
    this.startUs = nowUs;
    env.random.saveState(this.prng);
    return nowUs;
  }

  /**
   * The statement was undone to wait: puts back the session-local state (settings, the random
   * stream) and keeps the recorded values for the rerun.
   */
  undo(env: SqlEnv): void {
    if (this.raw === null) return;
    if (this.settingsMark !== null) {
      env.settings.rollbackToMark(this.settingsMark);
      this.settingsMark = null;
    }
    env.random.restoreState(this.prng);
    this.undone = true;
  }

  /**
   * The statement completed or failed (or its wait did): nothing is kept. Advisory locks a
   * rerun did not take again are released (a failed wait keeps what its one run took).
   */
  clear(): void {
    if (!this.undone) this.dropAdvisoryFrom(this.advisoryReplayed);
    const cleared = this.cleared;
    this.cleared = [];
    for (const f of cleared) f();
    this.advisoryCalls = null;
    this.advisoryReplayed = 0;
    this.raw = null;
    this.params = null;
    this.undone = false;
    this.settingsMark = null;
    this.sequences = null;
    this.clockUs = null;
    this.clockReplayed = 0;
  }

  /** Runs `f` when the statement ends (completes, fails, or its wait fails), not when it is undone to wait. */
  whenCleared(f: () => void): void {
    this.cleared.push(f);
  }

  /** Before the statement changes a setting (set_config): remembers the settings to put back. */
  settingChanging(env: SqlEnv): void {
    if (this.raw !== null && this.settingsMark === null) this.settingsMark = env.settings.mark();
  }

  /**
   * nextval of `seq`: the next value the first run handed out for it, when the rerun reaches
   * one, else `draw()`'s (recorded for a later rerun).
   */
  nextval(seq: Sequence, draw: () => bigint): bigint {
    const j = this.journal(seq);
    if (j === null) return draw();
    const c = j.calls[j.at];
    if (c !== undefined && !c.setval && j.offset < c.count) {
      const value = c.first + c.step * BigInt(j.offset);
      if (++j.offset === c.count && j.at + 1 < j.calls.length) {
        j.at++;
        j.offset = 0;
      }
      return value;
    }
    const value = draw();
    this.truncate(j);
    // The same run draws consecutive values (no other session runs in between): extend the
    // last entry while the step holds (a CYCLE wrap or a setval starts a new one).
    const last = j.calls[j.calls.length - 1];
    if (last !== undefined && !last.setval && j.offset === last.count && (last.count === 1 || value === last.first + last.step * BigInt(last.count))) {
      if (last.count === 1) last.step = value - last.first;
      last.count++;
      j.offset++;
    } else {
      j.calls.push({ setval: false, first: value, step: 0n, count: 1 });
      j.at = j.calls.length - 1;
      j.offset = 1;
    }
    return value;
  }

  /**
   * setval of `seq` to `value` / `called`: skipped when the first run made the same call at
   * this point, else `apply()` runs (and is recorded).
   */
  setval(seq: Sequence, value: bigint, called: boolean, apply: () => void): void {
    const j = this.journal(seq);
    if (j === null) {
      apply();
      return;
    }
    const c = j.calls[j.at];
    if (c !== undefined && c.setval && j.offset === 0 && c.value === value && c.called === called) {
      j.offset = 1;
      if (j.at + 1 < j.calls.length) {
        j.at++;
        j.offset = 0;
      }
      return;
    }
    apply();
    this.truncate(j);
    j.calls.push({ setval: true, value, called });
    j.at = j.calls.length - 1;
    j.offset = 1;
  }

  /**
   * Drops the recorded calls from the replay position on (the rerun went another way: their
   * values are skipped, as a rolled-back transaction's are); the position is then the end.
   */
  private truncate(j: SequenceJournal): void {
    const c = j.calls[j.at];
    if (c === undefined) return;
    if (c.setval) j.calls.length = j.offset === 0 ? j.at : j.at + 1;
    else {
      c.count = j.offset;
      j.calls.length = c.count === 0 ? j.at : j.at + 1;
    }
    j.at = Math.max(0, j.calls.length - 1);
    const last = j.calls[j.at];
    j.offset = last === undefined ? 0 : last.setval ? 1 : last.count;
  }

  /** clock_timestamp(): the first run's reading at this call, else `read()`'s (recorded). */
  clock(read: () => bigint): bigint {
    if (this.raw === null) return read();
    const log = (this.clockUs ??= []);
    if (this.clockReplayed < log.length) return log[this.clockReplayed++]!;
    const us = read();
    log.push(us);
    this.clockReplayed++;
    return us;
  }

  /**
   * An advisory lock function's call (`call` names the function and its key): the first run's
   * result at this point of a rerun, else `run()`'s (recorded, with `run`'s undo of an
   * acquisition for a rerun that does not make it again).
   */
  advisory(call: string, run: () => { result: boolean; undo: (() => void) | null }): boolean {
    if (this.raw === null) return run().result;
    const log = (this.advisoryCalls ??= []);
    if (this.advisoryReplayed < log.length) {
      const c = log[this.advisoryReplayed]!;
      if (c.call === call) {
        this.advisoryReplayed++;
        return c.result;
      }
      // The rerun went another way: what the first run took from here on is given back.
      this.dropAdvisoryFrom(this.advisoryReplayed);
    }
    const r = run();
    log.push({ call, result: r.result, undo: r.undo });
    this.advisoryReplayed = log.length;
    return r.result;
  }

  private dropAdvisoryFrom(at: number): void {
    const log = this.advisoryCalls;
    if (log === null) return;
    for (let i = log.length - 1; i >= at; i--) log[i]!.undo?.();
    log.length = Math.min(log.length, at);
  }

  private journal(seq: Sequence): SequenceJournal | null {
    if (this.raw === null) return null;
    const all = (this.sequences ??= new Map());
    let j = all.get(seq);
    if (j === undefined) {
      j = { calls: [], at: 0, offset: 0 };
      all.set(seq, j);
    }
    return j;
  }
}
