/**
 * Bad input gets the same care as on screen: markup, `</svg>`, quotes and escape
 * sequences in log lines and in a file's (pod's) name are text in the page, never
 * elements or attributes; secrets are redacted as the parser redacts them.
 */
import {rmSync} from 'node:fs';
import {afterAll, describe, expect, it} from 'vitest';
import {h} from '../../source/view/html/escape.js';
import {allowedTags, loadWithLines, reportOf, tagNames} from './load.js';
import {hostileLog, payload} from './hostile.js';

describe('hostile log text in the HTML report', () => {
	const log = hostileLog();
	afterAll(() => rmSync(log.dir, {recursive: true, force: true}));

	it('builds no element and no attribute from the text, and carries no control character', async () => {
		const l = await loadWithLines([log.file]);
		const html = reportOf(l);
		expect([...tagNames(html)].filter(t => !allowedTags.has(t))).toEqual([]);
		// every attribute of every real tag is one the report writes
		const attrs = new Set([...html.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap(m => [...m[0].matchAll(/\s([a-zA-Z-:]+)=/g)].map(a => a[1]!)));
		expect([...attrs].filter(a => /^on/i.test(a) || a === 'src' || a === 'style')).toEqual([]);
		expect(html.split('<svg').length).toBe(html.split('</svg>').length);
		expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
		expect(html).not.toContain('pwned');
		expect(html).not.toContain('hf_abcdefghijklmnopqrstuvwxyz123456');
	});

	it('shows the text as text: in evidence lines, the pod name in the topology and the timeline', async () => {
		const l = await loadWithLines([log.file]);
		const html = reportOf(l);
		expect(html).toContain(h(payload));
		expect(h(payload)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;/svg&gt;&lt;img src=x onerror=alert(1)&gt; &#39;&quot;&#96;');
		expect(html).toContain(`data-pod="${h(log.pod)}"`);
		expect(html).toContain(`>${h(log.pod)}</text>`);
		expect(l.findings.some(f => f.id === 'nccl-warn')).toBe(true);
		const warn = html.slice(html.indexOf('nccl-warn'), html.indexOf('</article>', html.indexOf('nccl-warn')));
		expect(warn).toContain(`<code class="logline">`);
		expect(warn).toContain(h('socketProgress: <script>'));
	});
});
