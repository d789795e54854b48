import type { Behaviour } from '../types.js';
import { casBehaviours } from './cas.js';
import { closedStoreBehaviours } from './closed.js';
import { configBehaviours } from './config.js';
import { customMetadataBehaviours } from './custom-metadata.js';
import { deleteLatestBehaviours } from './delete-latest.js';
import { deleteVersionAfterBehaviours } from './delete-version-after.js';
import { deleteBehaviours } from './delete.js';
import { errorBehaviours } from './errors.js';
import { inputBehaviours } from './input.js';
import { listBehaviours } from './list.js';
import { metadataCasBehaviours } from './metadata-cas.js';
import { metadataPatchBehaviours } from './metadata-patch.js';
import { metadataBehaviours } from './metadata.js';
import { pathBehaviours } from './paths.js';
import { patchBehaviours } from './patch.js';
import { pruningBehaviours } from './pruning.js';
import { rangeBehaviours } from './ranges.js';
import { subkeysBehaviours } from './subkeys.js';
import { valueBehaviours } from './values.js';
import { writeReadBehaviours } from './write-read.js';

/** Every named behaviour of the suite, grouped by topic (core contract first). */
export const behaviours: readonly Behaviour[] = Object.freeze([
  ...writeReadBehaviours,
  ...casBehaviours,
  ...patchBehaviours,
  ...deleteBehaviours,
  ...pruningBehaviours,
  ...listBehaviours,
  ...pathBehaviours,
  ...inputBehaviours,
  ...valueBehaviours,
  ...errorBehaviours,
  ...deleteLatestBehaviours,
  ...deleteVersionAfterBehaviours,
  ...metadataBehaviours,
  ...metadataCasBehaviours,
  ...customMetadataBehaviours,
  ...metadataPatchBehaviours,
  ...subkeysBehaviours,
  ...configBehaviours,
  ...rangeBehaviours,
  ...closedStoreBehaviours,
]);

// Names are how reports, filters and vitest titles address behaviours: they must be unique.
const seen = new Set<string>();
for (const { name } of behaviours) {
  if (seen.has(name)) throw new Error(`duplicate conformance behaviour name: ${name}`);
  seen.add(name);
}
