// Types for gen-demo-data.mjs, which test/sim/recorded-logs.test.ts imports.
export const corpusDir: string;
export const outputPath: string;
export const demoLogFiles: string[];
export function generate(): string;
