// `prepack` of every public package: refuses any packer but pnpm, then builds dist/.
// Only pnpm pack applies publishConfig (exports, main, types and bin pointing at dist/) and turns
// `workspace:^` dependencies into version ranges; a tarball from `npm pack` would point at the
// TypeScript sources, which are not in it, and name versions that no registry has.
import { fileURLToPath } from 'node:url';

const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  console.error(`kv2 packages are packed with pnpm (npx --yes pnpm@10.34.9 pack), not with ${agent.split(' ')[0] || 'this tool'}.`);
  process.exit(1);
}

const { build } = await import('tsdown');
await build({ config: fileURLToPath(new URL('../tsdown.config.ts', import.meta.url)), logLevel: 'warn' });
