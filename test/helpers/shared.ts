/**
 * ../shared (the project's contract, design notes and third-party corpus) sits beside
 * the repo on the machines this project is built on, and is absent from a clone (CI).
 * A test that reads from it skips there, saying which file it needed.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import type {TestContext} from 'vitest';

export const sharedDir = path.resolve(import.meta.dirname, '../../../shared');

/** A path under ../shared, e.g. sharedPath('corpus/public-vllm-lws'). */
export const sharedPath = (rel: string): string => path.join(sharedDir, rel);

/** Skip this test (or, called from beforeEach, each test of its describe) when `file` is absent. */
export function skipWithout(ctx: TestContext, file: string): void {
	ctx.skip(!existsSync(file), `${path.relative(process.cwd(), file)} is absent (../shared is not part of a clone)`);
}
