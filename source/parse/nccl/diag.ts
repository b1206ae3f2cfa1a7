/**
 * NCCL 2.31+ diagnostics report lines (docs/log-formats/nccl.md §1.10): the text after
 * `host:pid NCCL DIAG `. Two reports print them, to the stdout of the process hosting
 * rank 0 of the communicator, past NCCL_DEBUG's level and subsystem filter:
 *   active diagnostics (NCCL_RUN_DIAGNOSTICS=1; src/diagnostics.cc, src/diagnostics/p2p.cc)
 *     "=== NCCL Diagnostics ===", "[OK]   p2p: all 56 directed GPU P2P edges verified",
 *     "[INFO] p2p: 54/56 directed GPU P2P edges verified", "[INFO] p2p: write mismatch srcRank=…",
 *     "NCCL diagnostics completed in 12.3 ms across 8 ranks"
 *   RAS diagnostics (NCCL_RUN_RAS_DIAGNOSTICS=1 or `ncclras -D`; src/ras/diagnostics*.cc)
 *     "=== RAS Diagnostics ===", "[OK]   ECC: no uncorrected volatile errors across 8 ranks in comm 0x…",
 *     "[INFO] NCCL environment: mismatch across 16 ranks in comm 0x… for NCCL_BUFFSIZE",
 *     "RAS diagnostics completed in 38.4 ms across 8 ranks"
 * A result is tagged `[OK]   ` (passed) or `[INFO] ` (a difference, an error, or data that
 * could not be had: NCCL's docs say the text tells them apart).
 */
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';

export interface ParsedDiag {
	/** which report: active (`NCCL Diagnostics`) or RAS; null when the line does not say */
	report: 'active' | 'ras' | null;
	/** `ok`/`info` for a result line, `header`/`done` for the report's first and last line, else null */
	kind: 'ok' | 'info' | 'header' | 'done' | null;
	/** the check a result names (`p2p`, `ECC`, `NCCL environment`, `GPU inventory` …), or null */
	check: string | null;
	/** the text after the tag */
	text: string;
	/** the result says something is wrong (an `[INFO]` that is not "unavailable", "incomplete" or a notice) */
	problem: boolean;
	/** for `done`: the report's duration (ms) and how many ranks (or RAS peers) answered */
	ms?: number;
	ranks?: number;
}

// e.g. "NCCL diagnostics completed in 12.3 ms across 8 ranks", "RAS diagnostics completed in 38.4 ms across 16 RAS peers"
const DONE = /^(NCCL|RAS) diagnostics completed in ([\d.]+) ms across (\d+) /;

/**
 * `[INFO]` texts that report no fault of the system: data a check could not read ("… unavailable
 * via NVML"), a report that did not gather every rank ("diagnostics incomplete, gathered 7/8 ranks"),
 * and the p2p check's notice that it enabled peer access for its own run.
 */
const NOT_A_FAULT = /\bunavailable\b|diagnostics incomplete|temporarily enabled/i;

export function parseDiag(msg: string): ParsedDiag {
	const text0 = msg.trimEnd();
	if (text0.startsWith('=== ')) {
		const report = text0.startsWith('=== RAS') ? 'ras' : text0.startsWith('=== NCCL') ? 'active' : null;
		return {report, kind: 'header', check: null, text: text0, problem: false};
	}
	const d = DONE.exec(text0);
	if (d) return {report: d[1] === 'RAS' ? 'ras' : 'active', kind: 'done', check: null, text: text0, problem: false, ms: Number(d[2]), ranks: Number(d[3])};
	let kind: ParsedDiag['kind'] = null;
	let text = text0;
	if (text0.startsWith('[OK]')) {
		kind = 'ok';
		text = text0.slice(4).trimStart();
	} else if (text0.startsWith('[INFO]')) {
		kind = 'info';
		text = text0.slice(6).trimStart();
	}
	// the check is the words before the first `: ` ("p2p: …", "NCCL environment: …")
	const colon = text.indexOf(': ');
	const check = kind !== null && colon > 0 && colon <= 40 ? text.slice(0, colon) : null;
	// the active report's results are all `p2p: …` ("[INFO] transport detect returned 3" names none)
	const report = check === null ? null : check === 'p2p' ? 'active' : 'ras';
	return {report, kind, check, text, problem: kind === 'info' && !NOT_A_FAULT.test(text)};
}

/** A DIAG line of this process: one nccl-diag event. */
export function diagLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const d = parseDiag(msg);
	ctx.events.push({type: 'nccl-diag', pod: ctx.pod, at: at(), proc: proc.key, report: d.report, kind: d.kind, check: d.check, text: msg.trim(), problem: d.problem});
}
