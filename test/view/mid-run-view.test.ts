/**
 * What a person reads when the logs start mid-run (kubelet's rotation, --since/--tail, a
 * pasted excerpt): every corpus scenario's pod logs cut at their first channel connection
 * line. The header, the panes built from the log, the findings and the snapshot say
 * "init not seen: the log starts at HH:MM:SS", and the phase is not a rollout still
 * starting. The same logs read whole say nothing of the kind.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {computeFindings} from '../../source/findings/index.js';
import {derivePhase} from '../../source/model/phase.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {createSelectors} from '../../source/view/selectors.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {ranksPane} from '../../source/ui/panes/ranks-pane.js';
import {pathsPane} from '../../source/ui/panes/paths-pane.js';
import {enginePane} from '../../source/ui/panes/engine-pane.js';
import {gdrPane} from '../../source/ui/panes/gdr-pane.js';
import {headerLines, timelinePane} from '../../source/ui/panes/timeline-pane.js';
import {createTheme} from '../../source/ui/theme.js';
import {defaultFindingOptions} from '../../source/findings/types.js';
import {loadScenario, parseInto, podLogs, scenarioNames} from '../helpers/load-scenario.js';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import type {Line} from '../../source/ui/components/lines.js';

const theme = createTheme({color: false, ascii: false});
const text = (lines: Line[]) => lines.map(l => l.map(s => s.text).join(''));
const title = {kind: 'files' as const, label: 'cut logs'};

/** Each pod's log from its first `Channel … via …` line on; the first kept line's k8s stamp. */
function cutAtFirstChannel(name: string): {state: RolloutState; startsAt: number} {
	let state = emptyState({kind: 'files', files: []});
	let startsAt = Infinity;
	for (const {pod, file} of podLogs(name)) {
		const lines = readFileSync(file, 'utf8').split('\n');
		const i = lines.findIndex(l => / NCCL INFO Channel \d+(\/\d+)? : \d+\[/.test(l) && l.includes(' via '));
		if (i === -1) continue;
		startsAt = Math.min(startsAt, Date.parse(lines[i]!.slice(0, lines[i]!.indexOf(' '))));
		state = parseInto(state, pod, [lines.slice(i).join('\n')]);
	}
	return {state: reduceAll(state, [{type: 'source-ended', at: state.lastTs}]), startsAt};
}

const withChannels = scenarioNames().filter(n => podLogs(n).some(({file}) => / via /.test(readFileSync(file, 'utf8'))));

describe('logs cut at their first channel line: every view says init was not seen', () => {
	it('covers the corpus scenarios that connect channels', () => {
		expect(withChannels.length).toBeGreaterThanOrEqual(5);
	});

	for (const name of withChannels) {
		describe(name, () => {
			const {state, startsAt} = cutAtFirstChannel(name);
			const hhmmss = new Date(startsAt).toISOString().slice(11, 19);
			const expected = `init not seen: the log starts at ${hhmmss}`;
			const sel = createSelectors(title, defaultFindingOptions);
			const now = state.lastTs ?? 0;
			const header = sel.header(state, now);

			it(`header and timeline: "${expected}"`, () => {
				expect(header.initNotSeen).toBe(expected);
				expect(text(headerLines(header, theme, '', 0, 200))[1]).toContain(expected);
				expect(text(timelinePane(header, {width: 100, height: 20}, theme).lines)[0]).toContain(expected);
			});

			it('the Ranks, Paths, GDR and Engine panes open with it', () => {
				const size = {width: 120, height: 20};
				const first = (lines: Line[]) => text(lines)[0];
				expect(first(ranksPane(sel.ranks(state, now), size, theme, {cursor: null, toggled: new Set()}, header.initNotSeen).lines)).toContain(expected);
				expect(first(pathsPane(sel.paths(state), size, theme, 0, header.initNotSeen).lines)).toContain(expected);
				expect(first(gdrPane(sel.gdr(state), size, theme, 0, header.initNotSeen).lines)).toContain(expected);
				expect(first(enginePane(sel.engine(state), size, theme, 0, header.initNotSeen).lines)).toContain(expected);
			});

			it('a finding says it, and the snapshot carries it', () => {
				const findings = computeFindings(state, now);
				const f = findings.find(x => x.id === 'init-not-seen');
				expect(f?.severity).toBe('info');
				expect(f?.message).toContain(expected);
				const snap = toSnapshot(state, findings, {now, generatedAt: new Date(0)});
				expect(snap.initNotSeen?.text).toBe(expected);
				expect(snap.initNotSeen?.logStartsAt).toBe(new Date(startsAt).toISOString());
				expect(snap.initNotSeen?.pods.length).toBeGreaterThan(0);
			});

			it('the phase is not a rollout still starting or in NCCL init', () => {
				expect(['starting', 'nccl-init', 'unknown']).not.toContain(derivePhase(state));
			});
		});
	}

	it('the same logs read whole say nothing of it', () => {
		for (const name of scenarioNames()) {
			const {state} = loadScenario(name);
			expect(createSelectors(title, defaultFindingOptions).header(state, state.lastTs ?? 0).initNotSeen, name).toBeNull();
			expect(toSnapshot(state, [], {now: state.lastTs ?? 0, generatedAt: new Date(0)}).initNotSeen, name).toBeNull();
		}
	});
});

describe('logs cut at their first channel line: per-process views of one communicator are one (model/comm-join.ts)', () => {
	// truth.json says which global rank ran on which pod and bus id, from how the job was run
	for (const name of withChannels) {
		const {truth} = loadScenario(name);
		if (!Array.isArray(truth.ranks) || truth.ranks.length < 2) continue;
		it(`${name}: every rank seen has the global rank it was launched with`, () => {
			const {state} = cutAtFirstChannel(name);
			const snap = toSnapshot(state, [], {now: state.lastTs ?? 0, generatedAt: new Date(0)});
			const seen = snap.ranks.filter(r => r.state !== 'unseen');
			expect(seen.length).toBeGreaterThan(0);
			for (const r of seen) {
				// a rank that crashed before any Destroy line names no bus id: its head's [dev] is its cudaDev
				const t = truth.ranks.find(x => x.pod === r.pod && (r.busId !== null ? x.bus_id === r.busId : x.cuda_dev === r.cudaDev));
				expect(t, `${r.pod} busId ${r.busId} cudaDev ${r.cudaDev}`).toBeDefined();
				expect(r.globalRank, `${r.pod} busId ${r.busId}`).toBe(t?.global_rank);
			}
			// one world communicator holds every rank the cut logs show
			const world = snap.communicators.find(c => c.nranks === truth.ranks.length);
			expect(world?.ranksStarted).toBe(seen.length);
			// never more communicators of a size than the job made (each process's view is not a comm of its own)
			if (Array.isArray(truth.communicators)) {
				const made = new Map<number, number>();
				for (const c of truth.communicators) made.set(c.nranks, (made.get(c.nranks) ?? 0) + 1);
				const shown = new Map<number, number>();
				for (const c of snap.communicators) shown.set(c.nranks, (shown.get(c.nranks) ?? 0) + 1);
				for (const [n, k] of shown) expect(k, `communicators of ${n} ranks`).toBeLessThanOrEqual(made.get(n) ?? 0);
			}
		});
	}
});

describe('rank counts: a process that has not printed its rank is not an extra rank', () => {
	// Read each two-pod log line by line, pods interleaved as a live rollout delivers them:
	// at every point the header's world is unknown (`?`) or the world the job really had.
	for (const name of ['tp2x2-two-pods-all', 'crash-rank1', 'straggler-h200x4']) {
		it(`${name}: never more ranks than the world of 4, and unknown before anything says how many`, () => {
			const {truth} = loadScenario(name);
			const world = truth.ranks?.length ?? 4;
			const logs = podLogs(name).map(({pod, file}) => ({pod, lines: readFileSync(file, 'utf8').split('\n')}));
			let state = emptyState({kind: 'files', files: []});
			const sel = createSelectors(title, defaultFindingOptions);
			const totals = new Set<number | null>();
			const longest = Math.max(...logs.map(l => l.lines.length));
			// every 25th line of each pod, interleaved: hundreds of cut points through init
			const step = 25;
			const parsers = logs.map(l => ({lines: l.lines, parser: createStreamParser({pod: l.pod, container: 'main'})}));
			for (let i = 0; i < longest; i += step) {
				for (const p of parsers) {
					const chunk = p.lines.slice(i, i + step).join('\n');
					if (chunk) state = reduceAll(state, p.parser.push(chunk + '\n'));
				}
				const h = sel.header(state, state.lastTs ?? 0);
				totals.add(h.ranksTotal);
				if (h.ranksTotal !== null) expect(h.ranksTotal).toBeLessThanOrEqual(world);
				expect(h.ranksReady).toBeLessThanOrEqual(h.ranksTotal ?? world);
			}
			expect(totals.has(world)).toBe(true);
		});
	}
});
