/**
 * A toy key -> integer database built only from the storage primitives, the way the engine will
 * use them: every transaction is logged as PUT/DEL records plus a COMMIT (or ABORT) record in one
 * synchronous step, COMMIT waits for group commit, checkpoints write the whole map through the
 * checkpoint store and let the log be truncated, and recovery loads the last checkpoint and
 * replays committed transactions after its redo LSN.
 */
import { ByteReader, ByteWriter } from '../../src/storage/codec.js';
import { CheckpointStore } from '../../src/storage/checkpoint.js';
import { joinPath, type StorageBackend } from '../../src/storage/fs.js';
import { Wal } from '../../src/storage/wal.js';
import type { WalStop } from '../../src/storage/wal_record.js';

export const REC_PUT = 1;
export const REC_DEL = 2;
export const REC_COMMIT = 3;
export const REC_ABORT = 4;
const KIND_KV = 100;

/** One write of a transaction: set `key` to `value`, or delete it when `value` is null. */
export type Op = [key: string, value: number | null];

export function applyOps(map: Map<string, number>, ops: readonly Op[]): void {
  for (const [k, v] of ops) {
    if (v === null) map.delete(k);
    else map.set(k, v);
  }
}

export interface ToyOptions {
  segmentBytes?: number;
}

export class ToyDb {
  private readonly w = new ByteWriter(64);
  private nextXid: number;
  /** Replay statistics of the last open. */
  replayed = 0;
  stop: WalStop | null = null;

  private constructor(
    readonly map: Map<string, number>,
    readonly wal: Wal,
    private readonly store: CheckpointStore,
    nextXid: number,
  ) {
    this.nextXid = nextXid;
  }

  /** Recovery: load the last checkpoint, replay committed transactions after its redo LSN. */
  static open(fs: StorageBackend, dir: string, opts: ToyOptions = {}): ToyDb {
    const store = new CheckpointStore(fs, dir);
    const control = store.open();
    const map = new Map<string, number>();
    let nextXid = 1;
    if (control !== null) {
      nextXid = (control.meta as { nextXid: number }).nextXid;
      const r = store.read('kv', KIND_KV);
      try {
        const count = new ByteReader(r.readBytes(4)).u32();
        const staged = new Map<string, number>();
        for (let i = 0; i < count; i++) {
          const klen = r.readBytes(1)[0]!;
          const key = new TextDecoder().decode(r.readBytes(klen));
          staged.set(key, new ByteReader(r.readBytes(8)).f64());
        }
        r.finish(); // verified before anything is published
        for (const [k, v] of staged) map.set(k, v);
      } finally {
        r.close();
      }
    }
    const pending = new Map<number, Op[]>();
    const { wal, records, stop } = Wal.open(fs, joinPath(dir, 'wal'), {
      segmentBytes: opts.segmentBytes ?? 1024,
      redoLsn: control?.redoLsn ?? 0,
      onRecord: (rec) => {
        if (rec.xid >= nextXid) nextXid = rec.xid + 1;
        const r = new ByteReader(rec.payload);
        switch (rec.type) {
          case REC_PUT:
          case REC_DEL: {
            const key = r.string();
            const ops = pending.get(rec.xid) ?? [];
            ops.push([key, rec.type === REC_PUT ? r.f64() : null]);
            pending.set(rec.xid, ops);
            break;
          }
          case REC_COMMIT:
            applyOps(map, pending.get(rec.xid) ?? []);
            pending.delete(rec.xid);
            break;
          case REC_ABORT:
            pending.delete(rec.xid);
            break;
          default:
            throw new Error(`unknown record type ${rec.type}`);
        }
      },
    });
    const db = new ToyDb(map, wal, store, nextXid);
    db.replayed = records;
    db.stop = stop;
    return db;
  }

  /**
   * Logs a transaction in one synchronous step and applies it in memory. Returns the LSN its
   * COMMIT must be flushed to, or null for an aborted one. Throws if the log is failed.
   */
  write(ops: readonly Op[], abort = false): number | null {
    const xid = this.nextXid++;
    for (const [k, v] of ops) {
      this.w.reset();
      this.w.string(k);
      if (v !== null) this.w.f64(v);
      this.wal.append(v === null ? REC_DEL : REC_PUT, xid, this.w.finish());
    }
    this.wal.append(abort ? REC_ABORT : REC_COMMIT, xid, new Uint8Array(0));
    if (abort) return null;
    applyOps(this.map, ops);
    return this.wal.insertLsn;
  }

  /** A full checkpoint, synchronously: the map at the redo LSN, then log truncation. */
  checkpoint(): void {
    const redo = this.wal.insertLsn;
    this.wal.flush(); // WAL before data: the redo point must be durable before the control file names it
    const b = this.store.begin(redo);
    try {
      const f = b.file('kv', KIND_KV);
      const head = new ByteWriter(4).u32(this.map.size);
      f.write(head.finish());
      const rec = new ByteWriter(64);
      for (const [k, v] of this.map) {
        rec.reset();
        const kb = new TextEncoder().encode(k);
        rec.u8(kb.length).raw(kb).f64(v);
        f.write(rec.finish());
      }
      f.commit();
      b.commit({ nextXid: this.nextXid });
    } catch (e) {
      b.abort();
      throw e;
    }
    this.wal.removeSegmentsBefore(redo);
  }
}
