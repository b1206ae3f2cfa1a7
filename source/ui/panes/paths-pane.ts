/**
 * Paths: per host the GPU↔GPU matrix as NCCL's topology saw it, NICs, then per
 * communicator the transport each pair of ranks used. NVLink in the topology
 * but SHM/NET on the wire is drawn `NVL→SHM` in the warn colour.
 */
import type {MatrixCell, PathsModel} from '../../view/paths-model.js';
import {shortComm} from '../../view/paths-model.js';
import {seg, type Line} from '../components/lines.js';
import {fit, safe} from '../text.js';
import type {Theme, Tone} from '../theme.js';
import {scrollLines, withNotice, type PaneContent, type Size} from './pane.js';

const cellTone = (c: MatrixCell | null): Tone => (!c ? 'muted' : c.type === 'NVL' || c.type === 'C2C' || c.type === 'NVB' ? 'ok' : c.type === 'LOC' ? 'muted' : c.type === 'SYS' || c.type === 'PHB' ? 'warn' : 'normal');

const transportTone = (t: string): Tone => (/^P2P|^NVLS/.test(t) ? 'ok' : /Socket/.test(t) ? 'warn' : /^SHM/.test(t) ? 'normal' : /GDRDMA/.test(t) ? 'ok' : 'normal');

export function pathsLines(model: PathsModel, width: number, theme: Theme): Line[] {
	const lines: Line[] = [];
	const arrow = theme.glyph.arrow;
	if (model.hosts.length === 0 && model.comms.length === 0) return [[seg('no topology yet (NCCL prints it with NCCL_DEBUG=INFO; paths need NCCL_DEBUG_SUBSYS including GRAPH)', 'muted')]];
	const hostLines: Line[] = [];
	for (const h of model.hosts) {
		const lines = hostLines;
		lines.push([seg(safe(h.pod, 40, theme.ascii), 'accent', {bold: true}), seg(h.host ? `  host ${safe(h.host, 30, theme.ascii)}` : '', 'muted'), seg(`  ${h.gpus.length} GPUs`, 'muted')]);
		const cw = width >= 90 ? 10 : 5;
		const lw = 8;
		if (h.gpus.length) {
			lines.push([seg(fit('', lw)), ...h.gpus.map(g => seg(fit(safe(g, cw - 1), cw), 'muted'))]);
			h.gpus.forEach((g, i) => {
				lines.push([seg(fit(`  ${safe(g, lw - 3)}`, lw), 'muted'), ...h.matrix[i]!.map(c => seg(fit(!c ? '?' : c.type === 'LOC' ? '-' : cw >= 10 && c.bw !== null ? `${c.type} ${formatBw(c.bw)}` : c.type, cw), cellTone(c)))]);
			});
		}
		if (h.nics.length) lines.push([seg('  NICs ', 'muted'), seg(safe(h.nics.join(', '), 200, theme.ascii))]);
	}
	// NVLink left unused is the thing to see: then the communicators come first.
	if (!model.nvlinkUnused) lines.push(...hostLines);
	for (const c of model.comms) {
		lines.push([
			seg(`comm ${safe(shortComm(c.id), 30)}`, 'accent', {bold: true}),
			seg(` ${c.nranks} ranks ${c.state}  `, 'muted'),
			...c.transports.flatMap((t, i) => [seg(i ? ', ' : ''), seg(safe(t, 30), transportTone(t))]),
			...(c.nvlinkUnused ? [seg(`  NVLink unused on ${c.nvlinkUnused} pair${c.nvlinkUnused > 1 ? 's' : ''}`, 'warn', {bold: true})] : []),
		]);
		const fw = Math.max(10, Math.min(22, Math.floor((width - 31) / 2)));
		for (const p of c.pairs.slice(0, 64)) {
			const used = p.nvlinkUnused ? `NVL${arrow}${p.transport.split('/')[0]}` : p.transport;
			lines.push([
				seg(`  ${fit(safe(p.from, fw - 2), fw - 2)} ${theme.ascii ? '<>' : '↔'} ${fit(safe(p.to, fw), fw)} `),
				seg(fit(safe(used, 14), 14), p.nvlinkUnused ? 'warn' : transportTone(p.transport), {bold: p.nvlinkUnused}),
				seg(p.intra === null ? ' ?    ' : p.intra ? ' intra' : ' inter', 'muted'),
				seg(p.path && !p.nvlinkUnused ? ` ${p.path}` : '', 'muted'),
				seg(p.nvlinkUnused ? `  (topology: NVL, channel: ${safe(p.transport, 20)})` : '', 'warn'),
			]);
		}
		if (c.pairs.length > 64) lines.push([seg(`  … ${c.pairs.length - 64} more pairs`, 'muted')]);
		if (c.pairs.length === 0) lines.push([seg('  no channel lines yet', 'muted')]);
	}
	if (model.nvlinkUnused) lines.push(...hostLines);
	return lines;
}

function formatBw(bw: number): string {
	return bw >= 100 ? bw.toFixed(0) : bw.toFixed(1);
}

export function pathsPane(model: PathsModel, size: Size, theme: Theme, scroll: number, initNotSeen: string | null = null): PaneContent {
	const notice = initNotSeen ? `${initNotSeen}: topology and channels connected at init are not in the log` : null;
	const all = withNotice(notice, theme, pathsLines(model, size.width, theme));
	return {
		title: 'Paths',
		note: `${model.hosts.length} host${model.hosts.length === 1 ? '' : 's'} · ${model.comms.length} comm${model.comms.length === 1 ? '' : 's'}${model.nvlinkUnused ? ' · NVLink unused!' : ''}`,
		lines: scrollLines(all, scroll, size.height),
	};
}
