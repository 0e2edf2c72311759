/**
 * A query vector copied into each memory a scan reads: a WebAssembly kernel reads only its own
 * memory, so a scan over a table whose segments lie in several memories (memories.ts) needs
 * the query beside each of them. The copy in a memory is made the first time a row of that
 * memory is met, and the blocks are kept (and reused by a rescan with a query of at most the
 * same size) until {@link QueryCopies.free}.
 */
import type { Arena } from './arena.js';

export class QueryCopies {
  private readonly arenas: Arena[] = [];
  private readonly ptrs: number[] = [];
  private readonly sizes: number[] = [];
  /** Whether the block in arenas[i] holds the current query. */
  private readonly filled: boolean[] = [];
  private bytes = 0;
  private write: (arena: Arena, ptr: number) => void = () => {};

  /**
   * Starts a query of `bytes` bytes, written into a memory's block by `write(arena, ptr)`.
   * Blocks of earlier queries are reused when large enough.
   */
  reset(bytes: number, write: (arena: Arena, ptr: number) => void): void {
    this.bytes = Math.max(bytes, 16);
    this.write = write;
    this.filled.fill(false);
  }

  /**
   * Byte offset of the query in `arena`, copying it there on first use.
   * @throws PgError 53200 when the memory cannot hold the copy (nothing is leaked then).
   */
  in(arena: Arena): number {
    let i = this.arenas.indexOf(arena);
    if (i < 0) {
      i = this.arenas.length;
      const size = Math.max(this.bytes, 4096);
      const ptr = arena.alloc(size, 'query vector', true);
      this.arenas.push(arena);
      this.ptrs.push(ptr);
      this.sizes.push(size);
      this.filled.push(false);
    } else if (this.sizes[i]! < this.bytes) {
      // The new block first: on 53200 the old one stays owned (never a pointer to freed memory).
      const size = Math.max(this.bytes, 4096);
      const ptr = arena.alloc(size, 'query vector', true);
      arena.free(this.ptrs[i]!, this.sizes[i]!);
      this.ptrs[i] = ptr;
      this.sizes[i] = size;
      this.filled[i] = false;
    }
    const ptr = this.ptrs[i]!;
    if (!this.filled[i]) {
      this.write(arena, ptr);
      this.filled[i] = true;
    }
    return ptr;
  }

  /** Bytes of the current query's copy (at least 16). */
  get byteLength(): number {
    return this.bytes;
  }

  /** Frees every copy. */
  free(): void {
    for (let i = 0; i < this.arenas.length; i++) this.arenas[i]!.free(this.ptrs[i]!, this.sizes[i]!);
    this.arenas.length = 0;
    this.ptrs.length = 0;
    this.sizes.length = 0;
    this.filled.length = 0;
  }
}
