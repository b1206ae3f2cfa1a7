/**
 * When a stream is read as stern's (`POD CONTAINER ` before every line, stern's default
 * template) and when it is not: two plain words begin many logs, so a plain head must hold
 * on the first lines with a generated-looking pod name, while stern's coloured head decides
 * at once. Real stern files are checked in stern-recorded.test.ts; here, the edges, in any
 * chunking (the decision waits for whole lines, whatever the split).
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createDemuxParser, sternHead} from '../../source/parse/demux.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';

const nccl = (host: string, pid: number, dev: number) => `${host}:${pid}:${pid} [${dev}] NCCL INFO cudaDriverVersion 12080`;

function read(text: string, cuts: number[] = []): RolloutState {
	const p = createDemuxParser({pod: 'file', container: 'log'});
	let s = emptyState({kind: 'files', files: []});
	let at = 0;
	for (const c of [...new Set(cuts)].filter(x => x > 0 && x < text.length).sort((a, b) => a - b)) {
		s = reduceAll(s, p.push(Buffer.from(text.slice(at, c))));
		at = c;
	}
	s = reduceAll(s, p.push(Buffer.from(text.slice(at))));
	return reduceAll(s, p.end());
}

const podsOfProcs = (s: RolloutState) =>
	Object.values(s.procs)
		.map(p => `${p.pod} ${p.pid}`)
		.sort();

describe('stern demux', () => {
	const two = [`vllm-0 vllm ${nccl('node-a', 11, 0)}`, `vllm-0-1 vllm ${nccl('node-b', 22, 0)}`, `vllm-0 vllm ${nccl('node-a', 12, 1)}`, `vllm-0-1 vllm ${nccl('node-b', 23, 1)}`].join('\n') + '\n';

	it('reads `POD CONTAINER ` lines as each pod’s stream, in any chunking', () => {
		const want = ['vllm-0 11', 'vllm-0 12', 'vllm-0-1 22', 'vllm-0-1 23'];
		expect(podsOfProcs(read(two))).toEqual(want);
		fc.assert(
			fc.property(fc.array(fc.integer({min: 1, max: two.length - 1}), {maxLength: 6}), cuts => {
				expect(podsOfProcs(read(two, cuts))).toEqual(want);
			}),
			{numRuns: 200},
		);
	});

	it('stern’s coloured head decides on the first line', () => {
		const coloured = `\x1b[92mvllm-0\x1b[0m \x1b[32mvllm\x1b[0m ${nccl('node-a', 11, 0)}\n`;
		expect(podsOfProcs(read(coloured))).toEqual(['vllm-0 11']);
		expect(sternHead(coloured)).toMatchObject({pod: 'vllm-0', container: 'vllm', coloured: true});
	});

	it('a log whose first lines only start with two words stays the file’s', () => {
		// lower-case words with no digit or dash are not a pod name; a head that does not hold on the next lines is not stern's
		const prose = ['loading model weights', nccl('node-a', 11, 0)].join('\n') + '\n';
		expect(podsOfProcs(read(prose))).toEqual(['file 11']);
		const once = ['worker-1 says hello', nccl('node-a', 11, 0), 'plain text', 'more'].join('\n') + '\n';
		expect(podsOfProcs(read(once))).toEqual(['file 11']);
		expect(podsOfProcs(read(`${nccl('node-a', 11, 0)}\n`))).toEqual(['file 11']);
	});

	it('a short stern file (fewer lines than the probe) is decided at its end', () => {
		expect(podsOfProcs(read(`vllm-0 vllm ${nccl('node-a', 11, 0)}\n`))).toEqual(['vllm-0 11']);
	});

	it('names that are not DNS-1123 are no stern head', () => {
		expect(sternHead('Vllm-0 vllm x')).toBeNull();
		expect(sternHead('node-a:11:11 [0] NCCL INFO x')).toBeNull();
		expect(sternHead('vllm-0 vllm_main x')).toBeNull();
		expect(sternHead('vllm-0.ns vllm x')).toMatchObject({pod: 'vllm-0.ns', container: 'vllm', end: 'vllm-0.ns vllm '.length});
	});
});
