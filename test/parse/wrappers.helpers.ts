/**
 * Each tool's wrapper, as written by the tool (docs/log-formats/wrappers.md names the
 * source each format was read in), applied to one k8s-stamped line `<stamp> <message>`.
 */
import {k8sStampLength} from '../../source/parse/prefix.js';

export interface Wrapper {
	name: string;
	/** the wrapped line(s) for one line's stamp and message */
	wrap(stamp: string, msg: string): string[];
}

/** `2026-11-26T22:05:02.718062268Z` → epoch seconds with µs digits, as Fluent Bit's `date` */
function epochSeconds(stamp: string): string {
	const ms = Date.parse(stamp.slice(0, 19) + 'Z');
	const frac = (stamp.slice(20, 26) + '000000').slice(0, 6);
	return `${Math.floor(ms / 1000)}.${frac}`;
}

export const WRAPPERS: Wrapper[] = [
	// moby daemon/logger/jsonfilelog (jsonlog.JSONLogs: log, stream, time RFC3339Nano)
	{name: 'docker json-file', wrap: (t, m) => [JSON.stringify({log: `${m}\n`, stream: 'stderr', time: t})]},
	// Fluent Bit stdout/file out_file json_lines: `date` (epoch seconds, float) then the record
	{name: 'Fluent Bit (date as epoch seconds)', wrap: (t, m) => [`{"date":${epochSeconds(t)},"log":${JSON.stringify(m)},"stream":"stderr"}`]},
	// logcli query --output=jsonl: labels, line, timestamp
	{name: 'Loki logcli jsonl', wrap: (t, m) => [JSON.stringify({labels: {container: 'vllm', pod: 'vllm-0'}, line: m, timestamp: t})]},
	// CRI (kubelet pkg/kubelet/kuberuntime/logs): `<RFC3339Nano> <stream> <P|F> <message>`; long lines split in P parts
	{
		name: 'CRI log file (P parts joined)',
		wrap: (t, m) => (m.length > 60 ? [`${t} stderr P ${m.slice(0, 25)}`, `${t} stderr P ${m.slice(25, 50)}`, `${t} stderr F ${m.slice(50)}`] : [`${t} stderr F ${m}`]),
	},
	// kubectl logs --prefix --timestamps: `[pod/<pod>/<container>] ` then the stamp
	{name: 'kubectl logs --prefix --timestamps', wrap: (t, m) => [`[pod/vllm-0/vllm] ${t} ${m}`]},
	// stern default template `{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{.Message}}`, --timestamps
	{name: 'stern (coloured, --timestamps)', wrap: (t, m) => [`\x1b[38;5;45mvllm-0\x1b[0m \x1b[38;5;141mvllm\x1b[0m ${t} ${m}`]},
	// docker compose v2 cmd/formatter/logs.go `%-<w>s | ` (w = longest name + 1), --timestamps after the prefix
	{name: 'docker compose v2 --timestamps', wrap: (t, m) => [`vllm-1  | ${t} ${m}`]},
	// docker compose v1 compose/cli/log_printer.py: color(name.ljust(w) + ' |') + ' ' + line
	{name: 'docker compose v1 (coloured)', wrap: (t, m) => [`\x1b[36mvllm_1  |\x1b[0m ${t} ${m}`]},
	// journalctl -o short-iso-precise: `%Y-%m-%dT%H:%M:%S.%06u%z host ident[pid]: message`
	{name: 'journalctl short-iso-precise', wrap: (t, m) => [`${t.slice(0, 26)}+0000 gpu-node-1 vllm[4242]: ${m}`]},
	// an unknown tool's prefix between the stamp and the line (e.g. Akash's `[vllm]: `)
	{name: 'unknown prefix `[vllm]: `', wrap: (t, m) => [`${t} [vllm]: ${m}`]},
];

/** Every stamped line of `log` wrapped; lines without a stamp are kept as they are. */
export function wrapLog(log: string, w: Wrapper): string {
	const out: string[] = [];
	const lines = log.split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	for (const l of lines) {
		const k = k8sStampLength(l);
		if (k === 0) out.push(l);
		else out.push(...w.wrap(l.slice(0, k - 1), l.slice(k)));
	}
	return out.join('\n') + '\n';
}
