/**
 * Real wrapped lines, byte-exact from public issues (test/fixtures/public/SOURCES.md):
 * a systemd unit's journal (English and Russian month names), a benchmark runner's
 * `<node> [stderr] ` prefix and a log viewer's per-line counter, each around real vLLM or
 * torch watchdog lines. Expected values were read off the excerpts by a person.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {RolloutState} from '../../source/model/state.js';
import {loadExcerpt, publicDir, readWithLines} from '../helpers/load-scenario.js';

/** the excerpt through the real stream parser and reducer, keeping the lines as shown */
const parse = (file: string) => readWithLines(readFileSync(path.join(publicDir, file)));
const watchdogs = (s: RolloutState) => s.failures.filter(f => f.kind === 'watchdog-timeout');

describe('journalctl of a systemd unit running `vllm serve` (community-scripts/ProxmoxVED#2047)', () => {
	const file = 'wrapped-journald-vllm-apiserver.log';
	const {s, lines} = parse(file);
	it('shows every line as vLLM printed it, without `Aug 15 18:15:59 vllm vllm[7405]: `', () => {
		expect(lines).toHaveLength(9);
		for (const l of lines) expect(l.text.startsWith('(APIServer pid=7405) ')).toBe(true);
		expect(lines[7]!.text).toBe('(APIServer pid=7405) INFO 08-15 18:16:08 [model.py:645] Resolved architecture: Qwen2ForCausalLM');
	});
	it('reads an OpenAI API server resolving Qwen2ForCausalLM, every line understood', () => {
		const st = loadExcerpt(file);
		expect(st.engine?.apiServer).toBe(true);
		expect(st.engine?.architecture).toBe('Qwen2ForCausalLM');
		expect(st.engine?.dead ?? null).toBeNull();
		expect(st.failures).toEqual([]);
		expect(st.unrecognised).toBe(0);
	});
	it('invents no time: `short` has no year and no line of the stream gave one', () => {
		expect(lines.map(l => l.at)).toEqual(Array(9).fill(null));
		expect(s.firstTs).toBeNull();
	});
});

describe('journalctl with a Russian locale: `авг 18 14:15:04 llm python3[28059]: ` (1CatAI/1Cat-vLLM#237)', () => {
	const file = 'wrapped-journald-localized-month-vllm.log';
	const {s, lines} = parse(file);
	it('still reads the vLLM lines behind it: an API server, nothing unrecognised', () => {
		expect(s.engine?.apiServer).toBe(true);
		expect(s.failures).toEqual([]);
		expect(s.unrecognised).toBe(0);
	});
	// a month named in the host's locale: the journald head's shape decides (wrappers.ts SYSLOG_LOCAL)
	it('shows the EngineCore and APIServer lines without the localized journal prefix', () => {
		expect(lines.map(l => l.text.slice(0, 24))).toEqual(['(EngineCore pid=28059) I', '(EngineCore pid=28059) I', '(EngineCore pid=28059) I', '(EngineCore pid=28059) I', '(APIServer pid=27876) IN', '(APIServer pid=27876) IN']);
	});
});

describe('milabench `<node> [stderr] ` prefix on torch watchdog timeouts (mila-iqia/milabench#269)', () => {
	const {s, lines} = parse('wrapped-unknown-milabench-stderr-watchdog.log');
	it('finds the watchdog timeouts of ranks 14, 12, 11 and 15 in ProcessGroupNCCL.cpp:607', () => {
		const w = watchdogs(s);
		expect(w.map(f => f.rank)).toEqual([14, 12, 11, 15]);
		expect(w.every(f => f.where === 'ProcessGroupNCCL.cpp:607')).toBe(true);
		expect(w[0]!.message).toBe('[Rank 14] Watchdog caught collective operation timeout:');
		expect(s.failures.filter(f => f.kind !== 'watchdog-timeout')).toEqual([]);
	});
	it('peels the prefix it learned from the later lines of the stream', () => {
		const headed = lines.filter((_, i) => i % 2 === 0).slice(1);
		expect(headed.map(l => l.text.slice(0, 10))).toEqual(['[rank12]:[', '[rank11]:[', '[rank15]:[', '[rank12]:[']);
	});
	// the line a prefix is learned from is shown without it too
	it('shows the first line without the prefix too', () => {
		expect(lines[0]!.text.startsWith('[rank14]:[E909 09:55:29.307629539 ProcessGroupNCCL.cpp:607] ')).toBe(true);
	});
});

describe('a per-line counter `[80746] ` before torch watchdog lines (hiyouga/LlamaFactory#7396)', () => {
	const {s, lines} = parse('wrapped-unknown-line-counter-watchdog.log');
	it('finds the watchdog timeouts of ranks 0 and 4 with their whole message, nothing unrecognised', () => {
		const w = watchdogs(s);
		expect(w.map(f => f.rank)).toEqual([0, 4]);
		expect(w[1]!.message).toBe('[Rank 4] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1580, OpType=ALLREDUCE, NumelIn=466119168, NumelOut=466119168, Timeout(ms)=600000) ran for 600067 milliseconds before timing out.');
		expect(s.unrecognised).toBe(0);
	});
	// a prefix that changes on every line is peeled from each line it is found on
	it('shows each line from its torch `[rankN]:` head', () => {
		expect(lines.map(l => l.text.slice(0, 9))).toEqual(['[rank0]:[', '[rank4]:[', '[rank0]:[', '[rank3]:[']);
	});
});

describe('the same first-line gap on the existing `[vllm]: ` excerpt (akash-network/awesome-akash#543)', () => {
	const {lines} = parse('wrapped-unknown-akash-vllm-nccl.log');
	it('peels `[vllm]: ` from the lines after the first', () => {
		expect(lines[1]!.text.startsWith('vllm-0:1:1 [0] NCCL INFO Bootstrap : Using eth0:')).toBe(true);
	});
	it('shows the first line, a vLLM head, without `[vllm]: `', () => {
		expect(lines[0]!.text.startsWith('INFO 07-29 12:12:21 pynccl.py:63] vLLM is using nccl')).toBe(true);
	});
});
