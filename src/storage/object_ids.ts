/**
 * Object ids (PostgreSQL's pg_class.oid, pg_constraint.oid, pg_attrdef.oid ...): one counter
 * shared by every kind of object, as PostgreSQL's GetNewObjectId, and the oid each object was
 * given, keyed by a string that names the object (a relation by its name; constraints and
 * column defaults by keys the SQL layer builds and no relation name takes).
 *
 * Durable: every assignment and every skip is reported through {@link ObjectIds.onAssign}
 * (the catalog logs it as an OIDS redo record, not undone with its transaction: PostgreSQL
 * consumes oids of rolled-back DDL too) and the whole map is part of each checkpoint, so a
 * reopened or recovered database gives every object the oid it had. The counter is restored
 * as max(next logged, largest oid assigned + 1) (PostgreSQL logs NEXTOID ahead; the counter
 * travels in each OIDS record instead, so no oid is ever handed out twice).
 *
 * Forgetting (an object dropped, or created by a transaction that rolled back) is not logged:
 * recovery replays the DROP or the rollback through the same code, which forgets again.
 */
import type { CodecValue } from './codec.js';

/** PostgreSQL's FirstNormalObjectId: the first oid of a user object. */
export const FIRST_NORMAL_OID = 16384;

/** One assignment: the object's key and its oid. */
export type OidAssignment = readonly [key: string, oid: number];

export class ObjectIds {
  private readonly map = new Map<string, number>();
  /** The next oid to hand out. */
  private next = FIRST_NORMAL_OID;
  /**
   * Called (write-ahead: before the assignment is visible) with each new assignment, or none
   * for a skip, and the counter after it. If it throws, nothing is assigned.
   */
  onAssign: ((assigned: readonly OidAssignment[], next: number) => void) | null = null;

  /** The oid of `key`, assigned from the counter (and reported) on first use. */
  oidOf(key: string): number {
    let oid = this.map.get(key);
    if (oid === undefined) {
      oid = this.next;
      this.onAssign?.([[key, oid]], oid + 1);
      this.map.set(key, oid);
      this.next = oid + 1;
    }
    return oid;
  }

  /** The oid of `key` if it has one (nothing is assigned). */
  peek(key: string): number | undefined {
    return this.map.get(key);
  }

  /** Skips `n` oids: objects PostgreSQL numbers from the same counter that are not listed. */
  skip(n: number): void {
    if (n <= 0) return;
    this.onAssign?.([], this.next + n);
    this.next += n;
  }

  /**
   * Reports `key`'s oid again (nothing changes here): a change that recovery replays as a drop
   * and a create of the same object (REINDEX) logs it after them, so that replay, which
   * forgets the dropped object's oid, ends with the oid the object kept.
   */
  reassert(key: string): void {
    const oid = this.map.get(key);
    if (oid !== undefined) this.onAssign?.([[key, oid]], this.next);
  }

  /** The next oid the counter hands out. */
  get nextOid(): number {
    return this.next;
  }

  /**
   * Removes the keys `match` accepts (a dropped object; an object whose creation was undone)
   * and returns them with their oids, for {@link restore} should the removal be undone.
   */
  forget(match: (key: string) => boolean): OidAssignment[] {
    const gone: OidAssignment[] = [];
    for (const [k, oid] of this.map) if (match(k)) gone.push([k, oid]);
    for (const [k] of gone) this.map.delete(k);
    return gone;
  }

  /** Moves the oids of keys `rename` maps to a new key (a renamed object keeps its oid). */
  rekey(rename: (key: string) => string | null): void {
    const moved: OidAssignment[] = [];
    for (const [k, oid] of this.map) {
      const to = rename(k);
      if (to !== null && to !== k) moved.push([to, oid]);
    }
    for (const [k] of this.map) {
      const to = rename(k);
      if (to !== null && to !== k) this.map.delete(k);
    }
    for (const [k, oid] of moved) this.map.set(k, oid);
  }

  /**
   * Installs assignments read back from the log or a checkpoint (nothing is reported); the
   * counter moves past each oid and to `next` when that is further.
   */
  restore(assigned: readonly OidAssignment[], next = 0): void {
    for (const [k, oid] of assigned) {
      this.map.set(k, oid);
      if (oid >= this.next) this.next = oid + 1;
    }
    if (next > this.next) this.next = next;
  }

  /** The state as a checkpoint stores it: `{ next, keys: string[], oids: number[] }`. */
  toValue(): CodecValue {
    const keys: string[] = [];
    const oids: number[] = [];
    for (const [k, oid] of this.map) {
      keys.push(k);
      oids.push(oid);
    }
    return { next: this.next, keys, oids };
  }

  /**
   * Reads {@link toValue}'s shape into this (empty) map.
   * @throws Error for a malformed value (the caller reports it as XX001).
   */
  restoreValue(v: CodecValue): void {
    const o = v as Record<string, CodecValue> | null;
    if (o === null || typeof o !== 'object' || typeof o['next'] !== 'number' || !Array.isArray(o['keys']) || !Array.isArray(o['oids'])) throw new Error('bad object id map');
    const keys = o['keys'] as CodecValue[];
    const oids = o['oids'] as CodecValue[];
    if (keys.length !== oids.length) throw new Error('bad object id map');
    const assigned: OidAssignment[] = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const oid = oids[i];
      if (typeof k !== 'string' || typeof oid !== 'number' || !Number.isInteger(oid) || oid < FIRST_NORMAL_OID || oid > 0xffffffff) throw new Error('bad object id map');
      assigned.push([k, oid]);
    }
    this.restore(assigned, o['next']);
  }
}
