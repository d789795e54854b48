import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { behaviours, modelProperties } from '../src/index.js';

// The READMEs state how many behaviours the suite has, and how many need each capability; these
// numbers drifted once as behaviours were added. They are checked here against the suite itself.

const readme = (path: string): Promise<string> => readFile(new URL(path, import.meta.url), 'utf8');

/** `extensions + mountConfig`, as the README's table spells a requirement set (in the suite's order). */
function requirementLabel(requires: readonly string[]): string {
  const order = ['extensions', 'mountConfig', 'controllableClock'];
  return requires.length === 0 ? 'nothing' : [...requires].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join(' + ');
}

describe('README counts', () => {
  it('conformance/README.md: the total and the table of behaviours per requirement match the suite', async () => {
    const text = await readme('../README.md');
    expect(text).toContain(`**${behaviours.length} named behaviours**`);
    expect(text).toContain(`**${modelProperties.length} model-based properties**`);
    const table = new Map<string, number>();
    for (const match of text.matchAll(/^\| (nothing|`[^|]+) [^|]*\| (\d+) \|$/gm)) {
      const label = (match[1] as string).replaceAll('`', '').trim();
      table.set(label, Number(match[2]));
    }
    const actual = new Map<string, number>();
    for (const behaviour of behaviours) {
      const label = requirementLabel(behaviour.requires);
      actual.set(label, (actual.get(label) ?? 0) + 1);
    }
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(actual));
    expect(text).toContain(`| **total** | **${behaviours.length}** |`);
  });

  it('the root README.md names the same number of behaviours and properties', async () => {
    const text = await readme('../../README.md');
    expect(text).toContain(`${behaviours.length} named KV v2 behaviours and ${modelProperties.length} model-based properties`);
    expect(text).toContain(`one test per behaviour (${behaviours.length}) and per model property (${modelProperties.length}:`);
  });
});
