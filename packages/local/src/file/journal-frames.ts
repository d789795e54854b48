import { crc32 } from 'node:zlib';

/**
 * The journal's framing: one frame per line, `<payload bytes> <crc32 as 8 hex digits> <payload>\n`,
 * where the payload is one line of JSON (JSON never contains a raw newline, so a newline ends
 * exactly one frame). The length and the checksum let a reader tell a whole frame from a frame
 * that a crash (or a writer still at work) left incomplete or torn.
 *
 * One frame holds one whole commit (a group of mutations made durable by one fsync), so a crash
 * can tear only the last frame: a torn commit was never acknowledged, and dropping it loses
 * nothing. A bad frame followed by a good one cannot come from a crash and means the file is
 * damaged.
 */

const NEWLINE = 0x0a;
const SPACE = 0x20;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes of one frame carrying `payload` (one line of JSON). */
export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const head = `${body.length} ${crc32(body).toString(16).padStart(8, '0')} `;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.of(NEWLINE)]);
}

/** What {@link scanFrames} found in a run of journal bytes. */
export interface ScannedFrames {
  /** The whole, intact frames in order: each one's payload and the offset just past it. */
  readonly frames: Array<{ readonly payload: string; readonly end: number }>;
  /** How many bytes the intact frames take: where the next frame starts (or should start). */
  readonly end: number;
  /**
   * True when bytes follow `end` that are not a whole, intact frame: a commit torn by a crash,
   * or one that another process is still appending. Under the lock it is torn and can be cut off.
   */
  readonly incompleteTail: boolean;
}

/**
 * Splits journal bytes into frames. Throws `DamagedFrameError` when an intact frame follows a bad
 * one (damage no crash can cause); bad or incomplete bytes at the end are reported, not thrown.
 */
export function scanFrames(bytes: Uint8Array): ScannedFrames {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Array<{ payload: string; end: number }> = [];
  let end = 0;
  let position = 0;
  let badAt = -1;
  while (position < buffer.length) {
    const newline = buffer.indexOf(NEWLINE, position);
    if (newline < 0) break;
    const payload = framePayload(buffer.subarray(position, newline));
    if (payload === undefined) {
      if (badAt < 0) badAt = position;
    } else if (badAt >= 0) {
      throw new DamagedFrameError(badAt);
    } else {
      end = newline + 1;
      frames.push({ payload, end });
    }
    position = newline + 1;
  }
  return { frames, end, incompleteTail: end < buffer.length };
}

/** An intact frame follows a damaged one, at byte `offset` of the scanned bytes. */
export class DamagedFrameError extends Error {
  readonly offset: number;

  constructor(offset: number) {
    super(`a damaged record at byte ${offset} is followed by intact ones`);
    this.name = 'DamagedFrameError';
    this.offset = offset;
  }
}

/** The payload of one line (without its newline), or undefined when it is not an intact frame. */
function framePayload(line: Buffer): string | undefined {
  const firstSpace = line.indexOf(SPACE);
  if (firstSpace < 1 || firstSpace > 10) return undefined;
  const lengthText = line.toString('latin1', 0, firstSpace);
  if (!/^(?:0|[1-9]\d*)$/.test(lengthText)) return undefined;
  const checksumEnd = firstSpace + 9;
  if (line.length < checksumEnd + 1 || line[checksumEnd] !== SPACE) return undefined;
  const checksumText = line.toString('latin1', firstSpace + 1, checksumEnd);
  if (!/^[0-9a-f]{8}$/.test(checksumText)) return undefined;
  const body = line.subarray(checksumEnd + 1);
  if (body.length !== Number(lengthText) || crc32(body) !== Number.parseInt(checksumText, 16)) return undefined;
  try {
    return UTF8.decode(body);
  } catch {
    return undefined;
  }
}
