import { performance } from 'node:perf_hooks';
import { ConformanceAssertionError, describeError } from './assert.js';
import { behaviours } from './behaviours/index.js';
import { modelProperties, runModelProperty } from './model/property.js';
import { executeBehaviour, missingCapabilities, probeCapabilities } from './run-behaviour.js';
import { resolveSettings, selected } from './settings.js';
import type { ConformanceOptions, ConformanceReport, ConformanceTarget } from './types.js';

function failureMessage(error: unknown): string {
  if (error instanceof ConformanceAssertionError) return error.message;
  const stack = error instanceof Error && error.stack !== undefined ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : '';
  return `unexpected ${describeError(error)}${stack}`;
}

/**
 * Runs the whole suite against `target` without any test framework: every selected behaviour on
 * a fresh store, then the model properties. Never throws for a failing store; the report lists
 * what passed, what failed (with the message) and what was skipped (with the missing capability).
 */
export async function runConformance(target: ConformanceTarget, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const started = performance.now();
  const settings = resolveSettings(options);
  const capabilities = await probeCapabilities(target);
  const report: ConformanceReport = { capabilities, passed: [], failed: [], skipped: [], seed: settings.seed, durationMs: 0 };
  const entries = [
    ...behaviours.map((b) => ({ name: b.name, kind: 'behaviour' as const, requires: b.requires, run: () => executeBehaviour(b, target) })),
    ...(options.model === false ? [] : modelProperties).map((p) => ({
      name: p.name,
      kind: 'property' as const,
      requires: p.requires,
      run: async () => {
        const failure = await runModelProperty(p, target, settings);
        if (failure !== null) throw new ConformanceAssertionError(failure);
      },
    })),
  ];
  for (const entry of entries) {
    if (!selected(entry.name, options)) continue;
    const missing = missingCapabilities(entry.requires, capabilities);
    if (missing.length > 0) {
      report.skipped.push({ name: entry.name, kind: entry.kind, durationMs: 0, missing, reason: `store lacks capability: ${missing.join(', ')}` });
      continue;
    }
    const t0 = performance.now();
    try {
      await entry.run();
      report.passed.push({ name: entry.name, kind: entry.kind, durationMs: performance.now() - t0 });
    } catch (error) {
      report.failed.push({ name: entry.name, kind: entry.kind, durationMs: performance.now() - t0, error: failureMessage(error) });
    }
  }
  report.durationMs = performance.now() - started;
  return report;
}

/** A plain-text rendering of a report, for a CLI or a log. */
export function formatReport(report: ConformanceReport): string {
  const lines = [
    `kv2 conformance: ${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped in ${Math.round(report.durationMs)} ms (seed ${report.seed})`,
    `capabilities: ${JSON.stringify(report.capabilities)}`,
  ];
  for (const entry of report.failed) lines.push(`FAIL ${entry.name}\n  ${entry.error.replaceAll('\n', '\n  ')}`);
  for (const entry of report.skipped) lines.push(`SKIP ${entry.name} (${entry.reason})`);
  return lines.join('\n');
}
