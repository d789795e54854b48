import { open, type FileHandle } from 'node:fs/promises';

/** The size of one floor record: about what a journal record of a small secret's write holds. */
export const APPEND_RECORD_BYTES = 300;

/**
 * The floor of a durable write that does not grow with the store: append one record of
 * {@link APPEND_RECORD_BYTES} to a file that stays open, then `fsync` it. Whatever a store does
 * to make a single change durable costs at least this.
 */
export class AppendFloor {
  readonly #handle: FileHandle;
  readonly #record: Buffer;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
    this.#record = Buffer.alloc(APPEND_RECORD_BYTES, 'x');
    this.#record[APPEND_RECORD_BYTES - 1] = 0x0a;
  }

  /** Opens (creates) `file` for appending. */
  static async open(file: string): Promise<AppendFloor> {
    return new AppendFloor(await open(file, 'a', 0o600));
  }

  /** One durable append. */
  async append(): Promise<void> {
    await this.#handle.write(this.#record);
    await this.#handle.sync();
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
