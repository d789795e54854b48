import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withoutFirstBytes, writeFileAtomically } from '../src/file/atomic-write.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

const pieceArb = fc.uint8Array({ maxLength: 40 });

describe('writing a file in pieces', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeTempDir(dir);
  });

  it('writes exactly the pieces, one after another (empty pieces and more pieces than one writev takes included)', async () => {
    const file = join(dir, 'store.json');
    const pieces = Array.from({ length: 3000 }, (_, i) => Buffer.from(i % 7 === 0 ? '' : `${i},`));
    const written = await writeFileAtomically(file, pieces);
    await written.handle.close();
    expect(await readFile(file)).toEqual(Buffer.concat(pieces));
  });

  it('resumes a short write at the right byte, for any split', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 8 }), fc.nat(), (pieces, cut) => {
        const all = Buffer.concat(pieces);
        const count = all.length === 0 ? 0 : cut % (all.length + 1);
        expect(Buffer.concat(withoutFirstBytes(pieces, count))).toEqual(all.subarray(count));
      }),
    );
  });
});
