/** The in-memory storage backend, counting the bytes every write() hands it (checkpoint tests). */
import { MemoryFs } from '../../src/storage/fs_memory.js';
import type { Fd } from '../../src/storage/fs.js';

export class CountingFs extends MemoryFs {
  /** Bytes written since construction, or since the test reset it. */
  written = 0;
  override write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void {
    this.written += len;
    super.write(fd, buf, off, len, position);
  }
}
