/**
 * The full path for one line: peel the Kubernetes stamp, then the wrapper of a tool the
 * line passed through (a JSON record, a CRI or journald head, `kubectl logs --prefix`,
 * docker compose's column, a prefix learned from earlier lines), make the text safe
 * (controls and escapes out, secrets redacted, tqdm's last `\r` segment kept), split two
 * writes a kubelet glued together at the second stamp, and hand the text to the router.
 * Every line the fast path does not take comes here, and reaches the log pane from here.
 */
import {stripControls} from '../../core/text/controls.js';
import {maybeSecret, redact} from '../../core/text/redact.js';
import type {StreamCtx} from '../context.js';
import {EMBEDDED_K8S_STAMP, k8sStampLength, procPrefix} from '../prefix.js';
import {composePrefixLength, criTag, hasSgrRemnant, isWrapperPrefix, kubectlPrefixLength, stripSgrRemnants, unwrapJson, unwrapSyslog} from '../wrappers.js';
import type {RawLine} from '../stream-parser.js';
import type {StampClock} from './clock.js';
import type {Processes} from './processes.js';
import type {Router} from './router.js';
import {CONTROL} from './scans.js';
import {utf8Length} from '../line-splitter.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Digit0 = 48,
	Digit9 = 57,
	A = 65,
	Z = 90,
	OpenBracket = 91, // '['
	a = 97,
	p = 112,
	s = 115,
	z = 122,
	OpenBrace = 123, // '{'
	NonAscii = 128,
}

// journald and compose put their head on every line of what they write: looked for on a
// stream's first lines (and on all of them once seen), not on every line of a plain log
const WRAP_PROBE_LINES = 32;
// a line joined from docker's 16 KiB parts is capped as the splitter caps one (stream-parser.ts's default)
const JOIN_MAX = 64 * 1024;

export interface FullLineDeps {
	ctx: StreamCtx;
	clock: StampClock;
	procs: Processes;
	router: Router;
	pod: string;
	container: string;
	onLine: ((line: RawLine) => void) | undefined;
	/** a line of its own found inside this one (a second write at a glued k8s stamp): read as the stream's lines are, fast path first */
	reread: (raw: string) => void;
}

export interface FullLine {
	line(raw: string): void;
	/**
	 * Whether a line with no k8s stamp would reach the router as it stands: the stream is past
	 * the wrapper probes' first lines and showed no wrapper (compose's column, journald's head,
	 * a learned prefix, a CRI part waiting). The fast path reads such a line only then.
	 */
	bare(): boolean;
	/** A CRI `P` part the stream ended on (no `F` came): read as a line, at its own stamp. */
	end(): void;
}

export function createFullLine({ctx, clock, procs, router, pod, container, onLine, reread}: FullLineDeps): FullLine {
	// wrappers seen on this stream: docker compose's `|` column, journald's head, a CRI `P` line's text waiting for its `F`
	let composeCol = 0;
	let syslogSeen = false;
	let criPartial: string | null = null;
	let criPartialRaw = '';
	// docker json-file parts of one long line, their first part's time, and what the cap dropped
	let jsonPartial: string | null = null;
	let jsonPartialTime: string | null = null;
	let jsonPartialCut = 0;

	function startLine(): void {
		// one clock per stream, reset per line (no allocation on the hot path)
		clock.startLine();
		procs.lineProc = null;
	}

	function line(raw: string): void {
		clock.lines++;
		clock.streamLines++;
		startLine();
		let text = raw;
		const n = k8sStampLength(raw);
		if (n) {
			// the raw line itself stands for its stamp (parseRfc3339 reads only the stamp): no slice per line
			clock.takeK8s(raw);
			text = raw.slice(n);
		}
		// a wrapper around the program's line, told by its first characters (wrappers.ts, docs/log-formats/wrappers.md)
		const c0 = text.charCodeAt(0);
		if (c0 === Ch.OpenBrace) {
			// `{"log":"…","stream":"stderr","time":"…"}` (docker json-file, Fluent Bit, Loki, journalctl -o json)
			const u = unwrapJson(text);
			if (u?.partial) {
				// docker's json-file cut a line over 16 KiB into records: joined before it is read, at the
				// time of its first part, capped as the splitter caps a line
				if (jsonPartial === null) {
					jsonPartial = u.text;
					jsonPartialTime = u.time;
				} else if (jsonPartial.length < JOIN_MAX) jsonPartial += u.text;
				else jsonPartialCut += utf8Length(u.text);
				return;
			}
			if (u && jsonPartial !== null) {
				u.text = joined(jsonPartial + u.text);
				u.time = jsonPartialTime ?? u.time;
				jsonPartial = null;
			}
			if (u) {
				if (u.time !== null && clock.k8s === null) clock.takeK8s(u.time);
				if (u.text.indexOf('\n') !== -1) {
					// one record, several lines (a shipper's multiline join): each read as a line, with the record's time
					const parts = u.text.split('\n');
					const k8s = clock.k8s;
					for (let k = 0; k < parts.length; k++) {
						if (k > 0) {
							clock.lines++;
							startLine();
							clock.k8s = k8s;
						}
						inner(parts[k]!, parts[k]!, 0);
					}
					return;
				}
				text = u.text;
			}
		} else if (n !== 0 && c0 === Ch.s) {
			// CRI log file `<stamp> stderr F <message>`: `P` parts are held and joined to the next `F`
			const r = criTag(text);
			if (r) {
				if (r.partial) {
					criPartial = (criPartial ?? '') + text.slice(r.msgStart);
					criPartialRaw = raw;
					return;
				}
				text = criPartial !== null ? criPartial + text.slice(r.msgStart) : text.slice(r.msgStart);
				criPartial = null;
			}
		} else if (c0 === Ch.OpenBracket && text.charCodeAt(1) === Ch.p) {
			// `kubectl logs --prefix`: `[pod/name/container] ` (with --timestamps, the stamp follows it)
			const k = kubectlPrefixLength(text);
			if (k) {
				text = text.slice(k);
				const m = k8sStampLength(text);
				if (m) {
					if (clock.k8s === null) clock.takeK8s(text);
					text = text.slice(m);
				}
			}
		}
		// journald / syslog `Jan  2 03:04:05 host unit[pid]: ` or `2025-01-02T03:04:05+0000 host unit[pid]: `
		// (a kubelet stamp ends in `Z`: one with an offset may be journald's short-iso)
		if ((syslogSeen || clock.streamLines <= WRAP_PROBE_LINES) && (n === 0 ? mayStartSyslog(c0) : raw.charCodeAt(n - 2) !== Ch.Z)) {
			const u = unwrapSyslog(n === 0 ? text : raw);
			if (u) {
				syslogSeen = true;
				text = u.text;
				if (u.time !== null && clock.k8s === null) clock.takeK8s(u.time);
				if (u.monthDay !== null) clock.takeJournal(u.monthDay);
			}
		}
		// the stamp a second write's part keeps when the line is split (the line was not unwrapped)
		inner(raw, text, text.length === raw.length - n ? n : 0);
	}

	/** A joined docker line, capped at JOIN_MAX characters with the splitter's marker. */
	function joined(t: string): string {
		let cut = jsonPartialCut;
		jsonPartialCut = 0;
		if (t.length > JOIN_MAX) {
			cut += utf8Length(t.slice(JOIN_MAX));
			t = t.slice(0, JOIN_MAX);
		}
		return cut > 0 ? `${t}…[cut ${cut} bytes]` : t;
	}

	function end(): void {
		if (jsonPartial !== null) {
			// the stream ended inside a docker line (its last part never came): read what came
			const t = joined(jsonPartial);
			jsonPartial = null;
			clock.lines++;
			startLine();
			if (jsonPartialTime !== null) clock.takeK8s(jsonPartialTime);
			inner(t, t, 0);
		}
		if (criPartial === null) return;
		const t = criPartial;
		criPartial = null;
		clock.lines++;
		startLine();
		if (k8sStampLength(criPartialRaw)) clock.takeK8s(criPartialRaw);
		inner(t, t, 0);
	}

	/** The rest of the full path, for the line's text once its outer wrapper is off (`raw` is the whole line). */
	function inner(raw: string, text: string, n: number): void {
		// a few scans say whether anything unusual is in the line (most NCCL lines: nothing);
		// what they found spares stripping and redaction their own first scan (~100 ns a line each)
		const control = CONTROL.test(text);
		// with a control in the line, redact looks for secret words after stripping
		const secretish = !control && maybeSecret(text);
		const rare = control || secretish || text.indexOf('Z ') !== -1 || text.indexOf('cluster]') !== -1;
		// older kubelets stamp every partial fragment: a second stamp mid-line starts a second write
		if (rare && text.indexOf('Z ') > 0) {
			EMBEDDED_K8S_STAMP.lastIndex = 1;
			const m = EMBEDDED_K8S_STAMP.exec(text);
			if (m && m.index > 0) {
				// a wrapper's prefix before the stamp (stern, compose, kubectl with --timestamps): the line is what follows
				const before = text.slice(0, m.index);
				if (isWrapperPrefix(control ? stripControls(before) : before)) {
					reread(text.slice(m.index));
					clock.lines -= 1;
					return;
				}
				// one line read (pods[].lines counts lines read), two writes parsed and shown
				reread(raw.slice(0, n) + text.slice(0, m.index));
				reread(text.slice(m.index));
				clock.lines -= 2;
				return;
			}
		}
		// stripping leaves a text without controls as it is, and redact() one without secret
		// words; a `\r` is a control
		if (control) {
			text = redact(stripControls(text, true));
			if (text.indexOf('\r') !== -1) text = lastSegment(text);
		} else if (secretish) text = redact(text, true);
		// colour codes that lost their ESC byte: `[36m(RayWorkerVllm pid=5085)[0m …`
		if (hasSgrRemnant(text)) text = stripSgrRemnants(text);
		// docker compose `svc-1  | ` (the stream's column is remembered)
		const cp = composeCol > 0 || clock.streamLines <= WRAP_PROBE_LINES ? composePrefixLength(text, composeCol) : 0;
		if (cp) {
			composeCol = cp - 2;
			text = text.slice(cp);
			// compose --timestamps: the stamp follows the prefix
			const m = k8sStampLength(text);
			if (m) {
				if (clock.k8s === null) clock.takeK8s(text);
				text = text.slice(m);
			}
		}
		const learned = router.learned;
		for (let k = 0; k < learned.length; k++) {
			if (text.startsWith(learned[k]!)) {
				text = text.slice(learned[k]!.length);
				break;
			}
		}
		router.learnedNow = null;
		try {
			router.route(text, rare);
		} catch {
			// a parser bug must never stop the stream: the line still reaches the log pane
			ctx.counters.unrecognised++;
		}
		const learnedNow = router.learnedNow as string | null;
		if (learnedNow !== null && text.startsWith(learnedNow)) text = text.slice(learnedNow.length);
		if (onLine) onLine({pod, container, at: clock.lineTime(), text, proc: procs.lineProc});
	}

	function bare(): boolean {
		return clock.streamLines >= WRAP_PROBE_LINES && composeCol === 0 && !syslogSeen && criPartial === null && jsonPartial === null && router.learned.length === 0;
	}
	return {line, end, bare};
}

/** A first character a journald/syslog head may start with: a month name's (any locale) or short-iso's digit. */
function mayStartSyslog(c0: number): boolean {
	return (c0 >= Ch.A && c0 <= Ch.Z) || (c0 >= Ch.Digit0 && c0 <= Ch.Digit9) || (c0 >= Ch.a && c0 <= Ch.z) || c0 >= Ch.NonAscii;
}

/** tqdm redraws with `\r`: keep the last non-empty segment, and the process prefix before it. */
function lastSegment(text: string): string {
	const parts = text.split('\r');
	let last = '';
	for (let k = parts.length - 1; k >= 0; k--) {
		if (parts[k]!.trim() !== '') {
			last = parts[k]!;
			break;
		}
	}
	const pp = procPrefix(parts[0]!);
	if (pp && !last.startsWith(parts[0]!.slice(0, pp.length))) {
		const prefix = parts[0]!.slice(0, pp.length);
		return last === parts[0] ? last : prefix + last.trimStart();
	}
	return last;
}
