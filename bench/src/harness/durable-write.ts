import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The floor of a store write: the least any crash-safe file store must do to replace a file of
 * this size. Write a temporary file, fsync it, rename it over the target, fsync the folder (so
 * the rename survives a power loss). No lock, no serialisation, no validation.
 */
export async function durableWrite(file: string, content: string | Uint8Array, temporary: string): Promise<void> {
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const folder = await open(dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
