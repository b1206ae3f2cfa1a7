import {describe, expect, it} from 'vitest';
import {stripForTerminal as sanitize} from '../../source/core/text/terminal.js';
import {truncate, widthOf, fit} from '../../source/ui/text.js';

describe('sanitize (draw time)', () => {
	it('removes CSI, OSC 52 clipboard, OSC 8 links, titles, C1 and bidi overrides and keeps the words', () => {
		const line = 'NCCL INFO \x1b[2J\x1b[31mred\x1b[0m \x1b]52;c;ZWNobyBoaQ==\x07\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ \u009b31m\u202Eok\u202C \x07bell\x00 done';
		const out = sanitize(line);
		expect(out).toBe('NCCL INFO red click ok bell done');
		expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
	});
	it('an unterminated OSC does not leak the rest of the line to the terminal', () => {
		expect(sanitize('a\x1b]52;c;AAAA')).toBe('a');
	});
	it('leaves plain NCCL lines untouched and turns tabs into spaces', () => {
		const l = "vm:964:964 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'";
		expect(sanitize(l)).toBe(l);
		expect(sanitize('a\tb')).toBe('a  b');
	});
});

describe('cell fitting', () => {
	it('cuts by display width: wide CJK counts 2, the result never exceeds the cell', () => {
		expect(widthOf('模型')).toBe(4);
		const t = truncate('模型加载中 weights', 7);
		expect(widthOf(t)).toBeLessThanOrEqual(7);
		expect(t.endsWith('…')).toBe(true);
		expect(fit('ab', 5)).toBe('ab   ');
		expect(truncate('abcdef', 4, true)).toBe('abc~');
	});
});

import {drawSafe} from '../../source/core/text/terminal.js';

describe('drawSafe (draw time)', () => {
	it('drops URL user info and token values, keeps the rest readable', () => {
		expect(drawSafe('vLLM endpoint http://admin:s3cr3t@10.0.0.5:8000/v1?api_key=sk-live-123&x=1')).toBe('vLLM endpoint http://admin:<redacted>@10.0.0.5:8000/v1?api_key=<redacted>&x=1');
		expect(drawSafe('Authorization: Bearer eyJhbGciOi.abc')).toBe('Authorization: Bearer <redacted>');
		expect(drawSafe('vllm serve m --api-key abc123 --port 8000')).toBe('vllm serve m --api-key <redacted> --port 8000');
		expect(drawSafe('HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz')).not.toContain('hf_abcdefghijklmnop');
		const nccl = 'vm:964:964 [0] NCCL INFO NET/Socket : Using [0]eth0:192.0.2.2<0>';
		expect(drawSafe(nccl)).toBe(nccl);
	});
});
