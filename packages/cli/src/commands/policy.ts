import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandSpec } from '../command.js';
import { EXIT, PlainError } from '../errors.js';
import { toJson } from '../output/wire.js';
import { ApiClient, OUTPUT_GROUP, SERVER_GROUP } from './api-client.js';
import { outputFormat, positionals } from './kv-shared.js';

function name(raw: string): string {
  return raw.trim().toLowerCase();
}

/** The policy text of `path`; a file that cannot be read fails as bao says it (`Error opening policy file: …`). */
async function readPolicyFile(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // bao opens the file, then reads it: a folder opens and fails on the read.
    if (code === 'EISDIR') throw new PlainError(`Error reading policy: read ${shown}: is a directory`);
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new PlainError(`Error opening policy file: open ${shown}: ${reason}`);
  }
}

const write: CommandSpec = {
  name: 'policy write',
  usage: '[flags] NAME PATH',
  summary: 'Upload an ACL policy (HCL or JSON) from a file or stdin (-)',
  description: `Uploads the policy text in PATH (- reads stdin) as policy NAME, like bao policy write:
PUT sys/policies/acl/NAME. The name is lower-cased, as the server does.`,
  examples: ['kv2 policy write app app.hcl', 'cat app.hcl | kv2 policy write app -'],
  flags: [SERVER_GROUP],
  async run(ctx, flags) {
    const [raw, file] = positionals(flags, this.name, 2, 2) as [string, string];
    // bao trims the file argument (`strings.TrimSpace`) before opening it.
    const path = file.trim();
    const text = path === '-' ? await ctx.readStdin() : await readPolicyFile(resolve(ctx.cwd, path), path);
    const policy = name(raw);
    if (policy !== raw) ctx.stderr.line(`WARNING: policy name was converted to ${policy}`);
    await new ApiClient(ctx, flags).must('uploading policy', 'PUT', `sys/policies/acl/${policy}`, { policy: text });
    ctx.stdout.line(`Success! Uploaded policy: ${policy}`);
    return EXIT.ok;
  },
};

const read: CommandSpec = {
  name: 'policy read',
  usage: '[flags] NAME',
  summary: 'Print the text of an ACL policy',
  description: 'Prints policy NAME as it was written (GET sys/policies/acl/NAME), like bao policy read.',
  examples: ['kv2 policy read app', 'kv2 policy read -format=json default'],
  flags: [SERVER_GROUP, OUTPUT_GROUP],
  async run(ctx, flags) {
    const [raw] = positionals(flags, this.name, 1, 1) as [string];
    const format = outputFormat(flags, this.name);
    const policy = name(raw);
    const client = new ApiClient(ctx, flags);
    const answer = await client.request('GET', `sys/policies/acl/${policy}`);
    const data = answer.body?.data as { policy?: string } | undefined;
    if (answer.status === 404 || (answer.status === 200 && (data?.policy ?? '') === '')) {
      ctx.stderr.line(`No policy named: ${policy}`);
      return EXIT.failure;
    }
    if (answer.status !== 200) await client.must('reading policy', 'GET', `sys/policies/acl/${policy}`);
    if (format === 'json') ctx.stdout.line(toJson(answer.body));
    else ctx.stdout.write((data?.policy as string).endsWith('\n') ? (data?.policy as string) : `${data?.policy as string}\n`);
    return EXIT.ok;
  },
};

const list: CommandSpec = {
  name: 'policy list',
  usage: '[flags]',
  summary: 'List the ACL policies',
  description: 'Lists the policy names, one per line (LIST sys/policies/acl), like bao policy list.',
  examples: ['kv2 policy list'],
  flags: [SERVER_GROUP, OUTPUT_GROUP],
  async run(ctx, flags) {
    positionals(flags, this.name, 0, 0);
    const format = outputFormat(flags, this.name);
    const answer = await new ApiClient(ctx, flags).list('listing policies', 'sys/policies/acl');
    const keys = ((answer.body?.data as { keys?: string[] } | undefined)?.keys ?? []).map(String);
    if (format === 'json') ctx.stdout.line(toJson(keys));
    else for (const key of keys) ctx.stdout.line(key);
    return EXIT.ok;
  },
};

const remove: CommandSpec = {
  name: 'policy delete',
  usage: '[flags] NAME',
  summary: 'Delete an ACL policy',
  description: 'Deletes policy NAME (DELETE sys/policies/acl/NAME), like bao policy delete. Tokens keep the name and lose its rules at once.',
  examples: ['kv2 policy delete app'],
  flags: [SERVER_GROUP],
  async run(ctx, flags) {
    const [raw] = positionals(flags, this.name, 1, 1) as [string];
    const policy = name(raw);
    await new ApiClient(ctx, flags).must('deleting policy', 'DELETE', `sys/policies/acl/${policy}`);
    ctx.stdout.line(`Success! Deleted policy: ${policy}`);
    return EXIT.ok;
  },
};

/** `kv2 policy write|read|list|delete`. */
export const policyCommands: readonly CommandSpec[] = [write, read, list, remove];
