import type { CommandGroup, CommandSpec } from '../command.js';
import type { FlagSpec } from '../flags.js';
import type { Style } from './style.js';

/** The `--help` text of one command: usage, description, examples, flags by group. */
export function commandHelp(spec: CommandSpec, style: Style): string {
  const lines: string[] = [`${style.bold('Usage:')} kv2 ${spec.name} ${spec.usage}`.trimEnd(), '', indent(spec.description, 2), ''];
  if (spec.examples.length > 0) {
    lines.push(style.bold('Examples:'), '');
    for (const example of spec.examples) {
      lines.push(example.startsWith('#') ? `  ${style.dim(example)}` : `      $ ${example}`);
    }
    lines.push('');
  }
  for (const group of spec.flags) {
    if (group.flags.length === 0) continue;
    lines.push(style.bold(`${group.title}:`), '');
    for (const flag of group.flags) lines.push(...flagHelp(flag));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The `--help` text of a group: its subcommands with one line each. */
export function groupHelp(group: CommandGroup, style: Style): string {
  const width = Math.max(...group.entries.map((e) => e.name.length));
  const lines = [
    `${style.bold('Usage:')} kv2 ${group.name} <subcommand> [flags] [args]`.replace('kv2  ', 'kv2 '),
    '',
    indent(group.description, 2),
    '',
    style.bold('Subcommands:'),
    ...group.entries.map((e) => `    ${e.name.padEnd(width)}    ${e.summary}`),
    '',
    `Run "kv2 ${group.name}${group.name === '' ? '' : ' '}<subcommand> -h" for a subcommand's flags and examples.`.replace('kv2  ', 'kv2 '),
  ];
  return `${lines.join('\n')}\n`;
}

function flagHelp(flag: FlagSpec): string[] {
  const names = [flag.name, ...(flag.aliases ?? [])].map((n) => `-${n}`).join(', ');
  const value = flag.kind === 'bool' ? '' : `=${flag.placeholder ?? placeholderFor(flag)}`;
  const head = `  ${names}${value}${flag.defaultText === undefined ? '' : `  (default: ${flag.defaultText})`}`;
  return [head, indent(flag.description, 6), ''];
}

function placeholderFor(flag: FlagSpec): string {
  switch (flag.kind) {
    case 'int':
      return 'N';
    case 'duration':
      return 'DURATION';
    case 'map':
      return 'KEY=VALUE';
    default:
      return 'VALUE';
  }
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : pad + line))
    .join('\n');
}
