/**
 * Named points inside the file store's commits and compactions where a test may pause or kill
 * the process (crash tests). Not part of the public API: tests import this module directly.
 */
export type FileStoreStep = 'before-append' | 'after-append' | 'before-snapshot-rename' | 'after-snapshot' | 'after-journal';

type Hook = (step: FileStoreStep) => void | Promise<void>;

const hooks = new WeakMap<object, Hook>();

/** Calls `hook` at each step of `store`'s work (tests only). */
export function setFileStoreStepHook(store: object, hook: Hook | undefined): void {
  if (hook === undefined) hooks.delete(store);
  else hooks.set(store, hook);
}

/** Runs the test hook of `store` for `step`, if a test set one. */
export async function fileStoreStep(store: object, step: FileStoreStep): Promise<void> {
  await hooks.get(store)?.(step);
}
