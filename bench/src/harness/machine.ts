import { cpus, loadavg, totalmem, freemem, release, platform, arch } from 'node:os';

/** What the numbers were measured on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly os: string;
  readonly node: string;
  readonly date: string;
}

/** The machine, OS and Node version this process runs on. */
export function describeMachine(): Machine {
  const list = cpus();
  const gib = (value: number): string => `${(value / 2 ** 30).toFixed(1)} GiB`;
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory: `${gib(totalmem())} (${gib(freemem())} free at start)`,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** The 1, 5 and 15 minute load averages, e.g. `0.42 / 0.61 / 0.70`. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}
