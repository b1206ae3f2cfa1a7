/**
 * reduceAll folds a batch (runs of channel-link events at once) into exactly the state
 * that reduce() gives event by event; only the revision counter differs (it moves once
 * per batch). Real corpus events, cut into batches at random points.
 */
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {reduce, reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import type {InfertopEvent} from '../../source/parse/events.js';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {podLogs, scenarioNames} from '../helpers/load-scenario.js';

function eventsOf(name: string): InfertopEvent[] {
	const out: InfertopEvent[] = [];
	for (const {pod, file} of podLogs(name)) {
		const p = createStreamParser({pod, container: 'main'});
		out.push(...p.push(readFileSync(file)), ...p.end());
	}
	return out;
}

const withoutRevision = (s: RolloutState) => JSON.stringify({...s, revision: 0});

describe.each(scenarioNames())('%s', name => {
	const events = eventsOf(name);
	const oneByOne = events.reduce(reduce, emptyState({kind: 'files', files: []}));

	it('has channel-link runs to fold (or is a scenario without channels)', () => {
		const links = events.filter(e => e.type === 'comm-link').length;
		// bad-socket-ifname: bootstrap failed, so no channel was ever connected
		if (name === 'bad-socket-ifname') expect(links).toBe(0);
		else expect(links).toBeGreaterThan(0);
	});

	it('one batch gives the state of one event at a time', () => {
		const batched = reduceAll(emptyState({kind: 'files', files: []}), events);
		expect(withoutRevision(batched)).toBe(withoutRevision(oneByOne));
		expect(batched.revision).toBe(1);
	});

	it('any cut into batches gives the same state', () => {
		fc.assert(
			fc.property(fc.uniqueArray(fc.nat({max: events.length}), {maxLength: 30}), cuts => {
				const at = [0, ...cuts.sort((a, b) => a - b), events.length];
				let s = emptyState({kind: 'files', files: []});
				for (let k = 0; k + 1 < at.length; k++) s = reduceAll(s, events.slice(at[k], at[k + 1]));
				expect(withoutRevision(s)).toBe(withoutRevision(oneByOne));
			}),
			{numRuns: 20},
		);
	});

	// a batch writes in place only what it made itself (batch.ts): every earlier state,
	// kept by the store and the UI, must read the same after later batches
	it('a batch never changes the states before it', () => {
		fc.assert(
			fc.property(fc.uniqueArray(fc.nat({max: events.length}), {maxLength: 30}), cuts => {
				const at = [0, ...cuts.sort((a, b) => a - b), events.length];
				const states: {s: RolloutState; json: string}[] = [];
				let s = emptyState({kind: 'files', files: []});
				for (let k = 0; k + 1 < at.length; k++) {
					s = reduceAll(s, events.slice(at[k], at[k + 1]));
					states.push({s, json: JSON.stringify(s)});
				}
				for (const x of states) expect(JSON.stringify(x.s)).toBe(x.json);
			}),
			{numRuns: 10},
		);
	});
});

it('an unchanged state comes back as the same object, revision untouched', () => {
	const s = reduceAll(emptyState({kind: 'files', files: []}), eventsOf('tp2-timestamps'));
	const again = reduceAll(s, [{type: 'comm-link', pod: 'x', at: null, proc: 'nope', comm: 'no-such-comm', link: {fromRank: 0, toRank: 1, transport: 'P2P/CUMEM', raw: 'P2P/CUMEM', dir: null}} as InfertopEvent]);
	expect(again).toBe(s);
});
