/**
 * The snapshot's types are the state's, not look-alikes: where the contract prints a
 * state value as it is, the type is derived from (or pinned to) the state's own, so a
 * change to one is a compile error in the other (tsc checks this file), and the
 * engine's scalars are one list for the parser's patch, the state and the snapshot.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, expectTypeOf, it} from 'vitest';
import type {EngineAddedScalars, EngineConfigScalars} from '../../source/core/engine-scalars.js';
import type {EngineEvent} from '../../source/parse/log-events.js';
import type {EndpointHealth, EndpointMetrics, EngineState, Phase, RankState, SourceInfo} from '../../source/model/state.js';
import type {Snapshot, SnapshotEndpoint, SnapshotEngine, SnapshotRank} from '../../source/view/snapshot.js';
import {emptyState} from '../../source/model/state.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {parseInto} from '../helpers/load-scenario.js';

it("the snapshot's phase, source, rank state, health and metrics are the state's types", () => {
	expectTypeOf<Snapshot['phase']>().toEqualTypeOf<Phase>();
	expectTypeOf<Snapshot['source']>().toEqualTypeOf<SourceInfo>();
	expectTypeOf<SnapshotRank['state']>().toEqualTypeOf<RankState>();
	expectTypeOf<NonNullable<SnapshotEndpoint['health']>>().toEqualTypeOf<EndpointHealth>();
	expectTypeOf<SnapshotEndpoint['metrics']>().toEqualTypeOf<EndpointMetrics | null>();
	// the engine's scalars: the snapshot's are exactly the state's, and a line's patch sets only those
	expectTypeOf<Pick<SnapshotEngine, keyof EngineConfigScalars | keyof EngineAddedScalars>>().toEqualTypeOf<Pick<EngineState, keyof EngineConfigScalars | keyof EngineAddedScalars>>();
	expectTypeOf<keyof EngineEvent['patch']>().toExtend<keyof EngineState>();
	expect(true).toBe(true);
});

it("a real snapshot's engine prints exactly the contract's engine fields", () => {
	const schema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/contract/snapshot.schema.json'), 'utf8')) as {properties: {engine: {properties: Record<string, unknown>}}};
	// a real vLLM 0.9.1 V1 startup (test/fixtures/public/SOURCES.md)
	const log = readFileSync(path.resolve(import.meta.dirname, '../fixtures/public/vllm-0.9.1-v1-engine-config.log'), 'utf8');
	const state = parseInto(emptyState({kind: 'files', files: []}), 'vllm-0', [log]);
	const printed = toSnapshot(state, [], {now: state.lastTs ?? 0, generatedAt: new Date(0)}).engine;
	expect(printed?.vllmVersion).not.toBeNull();
	const contract = Object.keys(schema.properties.engine.properties).sort();
	// every field the contract names is printed; the rest are additions snapshot.md lists
	for (const k of contract) expect(Object.keys(printed ?? {})).toContain(k);
});
