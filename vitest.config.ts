import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		// every test asserts something (test/setup.ts)
		setupFiles: ['test/setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// 2 cores: keep parallelism modest so timing-sensitive stream tests stay calm.
		maxWorkers: 2,
	},
});
