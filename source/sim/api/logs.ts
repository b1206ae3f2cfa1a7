/**
 * `pods/{name}/log`, with the kubelet's semantics: one container instance's file
 * (`previous=true` for the terminated one), `timestamps`, `sinceTime` (whole
 * seconds on the wire; the later of it and `sinceSeconds` wins), `tailLines`,
 * `limitBytes`, and `follow` that keeps the response open and writes as lines are
 * appended, backing off while the socket is full so many streams are served side
 * by side. A follow opened before a log rotation goes silent, as a real kubelet's
 * does (kubernetes/kubernetes#115701). Injected faults cut a stream mid-line,
 * trickle it a byte at a time, stall it, or fail it with a status.
 */
import type http from 'node:http';
import type {SimInstance, SimLine} from '../objects.js';
import {denied, type Api, type Route} from './context.js';
import {faultStatus, forbidden, json, notFound, statusBody} from './status.js';

export const logRoutes: Route[] = [
	{
		path: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/,
		serve: (api, {res, q}, m) => serveLog(api, res, m[1]!, decodeURIComponent(m[2]!), q),
	},
];

function serveLog(api: Api, res: http.ServerResponse, ns: string, name: string, q: URLSearchParams): void {
	const {cluster, stats} = api;
	if (denied(api, 'get', 'pods/log')) return forbidden(api, res, 'get', 'pods/log', ns, name);
	const pod = cluster.pods.get(`${ns}/${name}`);
	if (!pod) return notFound(res, 'pods', name);
	const cname = q.get('container');
	const c = cname ? pod.containers.find(x => x.name === cname) : pod.containers.length === 1 ? pod.containers[0] : undefined;
	if (!c) {
		const msg = cname ? `container ${cname} is not valid for pod ${name}` : `a container name must be specified for pod ${name}, choose one of: [${pod.containers.map(x => x.name).join(' ')}]`;
		return json(res, 400, statusBody(400, 'BadRequest', msg));
	}
	const fault = cluster.takeFault(['log-status', 'log-cut', 'log-trickle', 'log-stall'], name, c.name);
	if (fault?.kind === 'log-status') return faultStatus(res, fault);
	const previous = q.get('previous') === 'true';
	const inst: SimInstance | null = previous ? c.previous : c.current;
	if (!inst) return json(res, 400, statusBody(400, 'BadRequest', `previous terminated container "${c.name}" in pod "${name}" not found`));
	if (inst.state === 'waiting') {
		return json(res, 400, statusBody(400, 'BadRequest', `container "${c.name}" in pod "${name}" is waiting to start: ${inst.reason ?? 'ContainerCreating'}`));
	}
	const follow = q.get('follow') === 'true' && !previous;
	const timestamps = q.get('timestamps') === 'true';
	let idx = inst.rotatedAt;
	// sinceTime is RFC3339 with whole seconds on the wire; the kubelet takes the later of sinceTime/sinceSeconds
	let sinceMs = -Infinity;
	const st = q.get('sinceTime');
	if (st) sinceMs = Math.floor(Date.parse(st) / 1000) * 1000;
	const ss = q.get('sinceSeconds');
	if (ss) sinceMs = Math.max(sinceMs, Date.now() - Number(ss) * 1000);
	if (sinceMs > -Infinity) while (idx < inst.lines.length && inst.lines[idx]!.ms < sinceMs) idx++;
	const tail = q.get('tailLines');
	if (tail !== null && tail !== '') idx = Math.max(idx, inst.lines.length - Number(tail));
	const limit = q.get('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
	const generation = inst.fileGeneration;

	res.writeHead(200, {'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked'});
	res.flushHeaders();
	stats.openLogs++;
	stats.maxOpenLogs = Math.max(stats.maxOpenLogs, stats.openLogs);
	res.on('close', () => stats.openLogs--);
	let written = 0;
	let closed = false;
	let stalled = false;
	let queue: Buffer[] = [];
	let trickling = false;
	const finish = () => {
		if (closed) return;
		closed = true;
		inst.listeners.delete(pump);
		if (fault?.kind === 'log-trickle' && queue.length) return; // the trickle ends it
		res.end();
	};
	const format = (l: SimLine) => (timestamps ? `${l.stamp} ` : '') + l.text + (l.noNewline ? '' : '\n');
	/** false: the socket's buffer is full, wait for 'drain' (so 64 streams are served side by side) */
	const out = (s: string): boolean => {
		let buf = Buffer.from(s, 'utf8');
		if (written + buf.length > limit) buf = buf.subarray(0, limit - written);
		if (fault?.kind === 'log-cut' && written + buf.length >= fault.afterBytes) {
			const keep = buf.subarray(0, fault.afterBytes - written);
			written = fault.afterBytes;
			closed = true;
			inst.listeners.delete(pump);
			// an abrupt drop mid-line, as a broken connection looks to the client
			res.write(keep, () => setTimeout(() => res.socket?.destroy(), 20));
			return true;
		}
		if (fault?.kind === 'log-stall' && written + buf.length >= (fault.afterBytes ?? 0)) {
			res.write(buf.subarray(0, (fault.afterBytes ?? 0) - written));
			written = fault.afterBytes ?? 0;
			stalled = true;
			return true;
		}
		written += buf.length;
		let ok = true;
		if (fault?.kind === 'log-trickle') {
			for (let i = 0; i < buf.length; i++) queue.push(buf.subarray(i, i + 1));
			if (!trickling) trickle();
		} else ok = res.write(buf);
		if (written >= limit) finish();
		return ok;
	};
	let draining = false;
	const trickle = () => {
		trickling = true;
		const b = queue.shift();
		if (!b) {
			trickling = false;
			if (closed) res.end();
			return;
		}
		res.write(b, () => setImmediate(trickle));
	};
	function pump() {
		if (closed || stalled) return;
		// a follow opened before a rotation goes silent (kubernetes/kubernetes#115701), until the container stops
		if (inst!.fileGeneration !== generation) {
			if (inst!.state === 'terminated') finish();
			return;
		}
		if (draining) return;
		const n = inst!.lines.length;
		while (idx < n) {
			let chunk = '';
			for (; idx < n && chunk.length < 65_536; idx++) chunk += format(inst!.lines[idx]!);
			const ok = out(chunk);
			if (closed || stalled) return;
			if (!ok) {
				draining = true;
				res.once('drain', () => {
					draining = false;
					pump();
				});
				return;
			}
		}
		if (!follow || inst!.state === 'terminated') finish();
	}
	pump();
	if (!closed && follow) {
		inst.listeners.add(pump);
		res.on('close', () => {
			closed = true;
			inst.listeners.delete(pump);
		});
	}
}
