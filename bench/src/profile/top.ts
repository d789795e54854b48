import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

// The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs.
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** One function's share of the profile. */
export interface FunctionCost {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly selfPercent: number;
  readonly totalPercent: number;
}

/**
 * The functions with the most self time in a `.cpuprofile`, with their inclusive share too
 * (a function's own samples plus those of everything it called), merged by name and location.
 */
export function topFunctions(profile: CpuProfile, limit: number): FunctionCost[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfSamples = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfSamples.set(id, (selfSamples.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const totalUs = [...selfSamples.values()].reduce((a, b) => a + b, 0) || 1;
  const keyOf = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'}\u0000${n.callFrame.url}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const [id, us] of selfSamples) {
    const node = byId.get(id);
    if (node === undefined) continue;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + us);
    // Count each function once per stack, even when it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame === undefined) break;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [name, where] = key.split('\u0000') as [string, string];
      return {
        name,
        where: shorten(where),
        selfMs: us / 1000,
        selfPercent: (100 * us) / totalUs,
        totalPercent: (100 * (inclusive.get(key) ?? 0)) / totalUs,
      };
    });
}

function shorten(where: string): string {
  const path = where.replace(/^file:\/\//, '');
  const inRepo = path.indexOf('/packages/');
  if (inRepo >= 0) return path.slice(inRepo + 1);
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + '/node_modules/'.length);
  return path === '' ? '(native)' : basename(path);
}

/** Prints the top self-time functions of each .cpuprofile given on the command line. */
async function main(): Promise<void> {
  const files = process.argv.slice(2).filter((a) => a !== '--');
  if (files.length === 0) throw new Error('usage: tsx src/profile/top.ts FILE.cpuprofile…');
  for (const file of files) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    console.log(`\n${file}\n  self ms   self%  total%  function (where)`);
    for (const f of topFunctions(profile, 25)) {
      console.log(
        `${f.selfMs.toFixed(1).padStart(9)} ${f.selfPercent.toFixed(1).padStart(6)}% ${f.totalPercent.toFixed(1).padStart(6)}%  ${f.name} (${f.where})`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
