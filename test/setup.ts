/**
 * Run before every test file (vitest.config.ts setupFiles): a test that reaches its
 * end without one expect fails, so a path that silently asserts nothing (a loop over
 * an empty list, an early return) shows up instead of passing. A test that cannot
 * run here says why with ctx.skip(reason) and is reported as skipped.
 */
import {beforeEach, expect} from 'vitest';

beforeEach(() => {
	expect.hasAssertions();
});
