/**
 * `nccl-diag`: what NCCL 2.31+'s own diagnostics reported (`NCCL DIAG …` lines, printed with
 * NCCL_RUN_DIAGNOSTICS=1 or NCCL_RUN_RAS_DIAGNOSTICS=1). A failing check is a finding with its
 * line as evidence, grouped by check; a report where every result passed is one info finding.
 * "[INFO] … unavailable" and "diagnostics incomplete" are not failures (parse/nccl-diag.ts).
 */
import type {NcclDiagRecord} from '../model/state.js';
import type {Finding, Rule, Severity} from './types.js';
import {oneLine} from './group-records.js';
import {fmtTime, joinList} from './subject.js';

/** What to do about a failing check (the active p2p check prints its own advice after `; `). */
function advice(check: string | null, text: string): string {
	const own = text.indexOf('; ');
	if (check === 'p2p' && own !== -1) return `${text.slice(own + 2)}.`;
	if (check === 'p2p') return "a GPU pair NCCL means to use directly failed a real write/read: check the pair with 'nvidia-smi topo -m' and 'nvidia-smi topo -p2p n', then IOMMU and PCIe ACS on the node.";
	if (check !== null && /ECC/i.test(check)) return "a GPU reports ECC errors: check it with 'nvidia-smi -q -d ECC' and drain the node if they are uncorrected.";
	if (check !== null && /NVLink|XGMI/i.test(check)) return "a GPU has an NVLink down: check 'nvidia-smi nvlink -s' on that node (the job falls back to PCIe or fails).";
	if (check !== null && /environment/i.test(check)) return 'ranks run with different NCCL_* settings: give every pod of the workload the same NCCL env (see nccl-env-mismatch).';
	if (check !== null && /driver/i.test(check)) return 'ranks run on different CUDA drivers: pin the nodes of the workload to one driver version.';
	if (check !== null && /GPU/i.test(check)) return 'the ranks see different GPU models or counts per node: check the node selector and the GPU request of each pod.';
	return 'read the NCCL DIAG lines of the report (NCCL_DEBUG_SUBSYS=DIAG gives the detail).';
}

function severityOf(check: string | null, lines: NcclDiagRecord[]): Severity {
	// a GPU pair that failed a real transfer, or memory errors: the hardware will fail the job
	if (check === 'p2p' && lines.some(l => /mismatch|failed|\d+\/\d+ directed/.test(l.text))) return 'error';
	if (check !== null && /ECC/i.test(check)) return 'error';
	return 'warn';
}

export const ncclDiag: Rule = state => {
	const recs = state.ncclDiag ?? [];
	if (!recs.length) return [];
	const out: Finding[] = [];
	const groups = new Map<string, NcclDiagRecord[]>();
	for (const r of recs) {
		if (!r.problem) continue;
		const k = `${r.report ?? ''}|${r.check ?? ''}`;
		const g = groups.get(k);
		if (g) g.push(r);
		else groups.set(k, [r]);
	}
	for (const lines of groups.values()) {
		const check = lines[0]!.check;
		const pods = [...new Set(lines.map(l => l.pod ?? 'unknown'))];
		const firstAt = lines.reduce<number | null>((a, l) => (l.at !== null && (a === null || l.at < a) ? l.at : a), null);
		const more = lines.length > 1 ? ` (+${lines.length - 1} more, e.g. "${oneLine(lines[1]!.text, 160)}")` : '';
		out.push({
			id: 'nccl-diag',
			severity: severityOf(check, lines),
			subject: `NCCL diagnostics: ${check ?? 'check'} on pod ${joinList(pods)}`,
			message: `"${oneLine(lines[0]!.text)}"${more}, at ${fmtTime(firstAt)}. Fix: ${advice(check, lines[0]!.text)}`,
		});
	}
	if (!out.length) {
		const ok = recs.filter(r => r.kind === 'ok');
		if (ok.length) {
			const checks = [...new Set(ok.map(r => r.check ?? '?'))];
			const pods = [...new Set(ok.map(r => r.pod ?? 'unknown'))];
			out.push({
				id: 'nccl-diag',
				severity: 'info',
				subject: `NCCL diagnostics on pod ${joinList(pods)}`,
				message: `every check passed (${joinList(checks)}), e.g. "${oneLine(ok[0]!.text)}".`,
			});
		}
	}
	return out;
};
