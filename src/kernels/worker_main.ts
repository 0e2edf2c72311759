/**
 * Entry point of a worker thread of the pool (workers.ts). It receives, in order on its
 * parent port: `memory` messages (a shared WebAssembly.Memory and its id, wrapped in an
 * attached {@link Arena}) and `task` messages (a module URL, an export name, the args and the
 * participant index). Tasks run one at a time, in arrival order; each reply goes on the result
 * port, then the shared reply counter is bumped and the waiting caller notified. The status
 * word says ready once the listener is installed and dead when the thread exits for any
 * reason, so a caller never waits on a thread that is gone.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Arena } from './arena.js';
import { errorToFailure, localTask, STATUS_DEAD, STATUS_READY, type TaskRef, type WorkerContext, type WorkerReply } from './workers.js';

interface MemoryMessage {
  type: 'memory';
  id: number;
  memory: WebAssembly.Memory;
  maxBytes: number;
}

interface TaskMessage {
  type: 'task';
  module: string;
  fn: string;
  args: unknown;
  participant: number;
  /** Ids of the memories the caller still has: others are dropped so their pages can go. */
  live: number[];
}

const { state, index, port } = workerData as { state: Int32Array; index: number; port: MessagePort };
/** This thread's attached arenas, by memory id. */
const arenas = new Map<number, Arena>();
/** Loaded task modules, by URL. */
const modules = new Map<string, Record<string, unknown>>();
const queue: Array<MemoryMessage | TaskMessage> = [];
let running = false;

function markDead(): void {
  Atomics.store(state, 1 + index, STATUS_DEAD);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
  Atomics.notify(state, 1 + index);
}

process.on('exit', markDead);
process.on('uncaughtException', (e) => {
  // Nothing may run on in a state no one knows: report and end the thread.
  console.error(e);
  markDead();
  process.exit(1);
});

function reply(r: WorkerReply): void {
  port.postMessage(r);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
}

async function runTask(m: TaskMessage): Promise<void> {
  try {
    const live = new Set(m.live);
    for (const id of arenas.keys()) if (!live.has(id)) arenas.delete(id);
    const ref: TaskRef = { module: m.module, fn: m.fn };
    let mod = modules.get(m.module);
    if (mod === undefined) {
      mod = (await import(m.module)) as Record<string, unknown>;
      modules.set(m.module, mod);
    }
    const fn = localTask(ref) ?? mod[m.fn];
    if (typeof fn !== 'function') throw new Error(`task ${m.fn} is not a function exported by ${m.module}`);
    const ctx: WorkerContext = {
      worker: m.participant,
      memory(id: number): Arena {
        const a = arenas.get(id);
        if (a === undefined) throw new Error(`memory ${id} was not sent to this worker`);
        return a;
      },
    };
    const result: unknown = (fn as (a: unknown, c: WorkerContext) => unknown)(m.args, ctx);
    reply({ ok: true, result });
  } catch (e) {
    reply({ ok: false, error: errorToFailure(e) });
  }
}

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
      if (m.type === 'memory') {
        // The caller sends a memory only when this worker has not seen it under this id.
        arenas.set(m.id, new Arena({ id: m.id, maxBytes: m.maxBytes, memory: m.memory }));
      } else {
        await runTask(m);
      }
    }
  } finally {
    running = false;
  }
}

// The caller's liveness probes (workers.ts, awaitReply) arrive on the reply port: dropped,
// between tasks.
port.on('message', () => {});
parentPort!.on('message', (m: MemoryMessage | TaskMessage) => {
  queue.push(m);
  void pump();
});
Atomics.store(state, 1 + index, STATUS_READY);
Atomics.notify(state, 1 + index);
