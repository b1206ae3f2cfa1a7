/**
 * A pod watch (`?watch=true`), with the semantics client-go's informers and
 * `kubectl get -w` rely on: the current pods as ADDED without a resourceVersion,
 * the history after one with it, 410 Gone (as an ERROR event) for one compacted
 * away, BOOKMARKs with allowWatchBookmarks, `timeoutSeconds`, and injected
 * `watch-close` / `watch-gone` faults; Table rows for kubectl.
 */
import type {SimPod, WatchEvent} from '../objects.js';
import {podJson} from '../pod-json.js';
import type {Api, Call} from './context.js';
import {podTable, wantsTable} from './pod-table.js';
import {statusBody} from './status.js';

export function watchPods(api: Api, {req, res, q}: Call, match: (pod: SimPod) => boolean): void {
	const {cluster} = api;
	const rvParam = q.get('resourceVersion');
	res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
	const table = wantsTable(req);
	let firstTable = true;
	const send = (type: string, object: any) => {
		if (table && object?.kind === 'Pod') {
			// kubectl get -w: each event carries a one-row Table; column definitions only in the first
			object = podTable([object], object.metadata.resourceVersion, firstTable);
			firstTable = false;
		}
		res.write(JSON.stringify({type, object}) + '\n');
	};
	const gone = cluster.takeFault(['watch-gone']);
	const since = rvParam && rvParam !== '0' ? Number(rvParam) : null;
	if (gone || (since !== null && since + 1 < cluster.compactedBelow)) {
		// a real server answers 200 and then an ERROR event carrying the 410 Status
		send('ERROR', statusBody(410, 'Expired', `too old resource version: ${rvParam} (${cluster.compactedBelow})`));
		res.end();
		return;
	}
	const closeFault = cluster.takeFault(['watch-close']);
	let off: (() => void) | null = null;
	let bookmarks: NodeJS.Timeout | null = null;
	let timeout: NodeJS.Timeout | null = null;
	let stopped = false;
	const stop = () => {
		if (stopped) return;
		stopped = true;
		off?.();
		if (bookmarks) clearInterval(bookmarks);
		if (timeout) clearTimeout(timeout);
		res.end();
	};
	let sent = 0;
	const emit = (type: string, object: unknown) => {
		if (stopped) return;
		send(type, object);
		sent++;
		if (closeFault && sent >= (closeFault.afterEvents ?? 0)) stop();
	};
	let lastRv = since ?? cluster.rv;
	const onEvent = (e: WatchEvent) => {
		if (e.rv <= lastRv) return;
		lastRv = e.rv;
		if (match(e.pod)) emit(e.type, e.json);
	};
	if (since === null) {
		for (const pod of cluster.pods.values()) if (match(pod)) emit('ADDED', podJson(pod));
	} else {
		for (const e of cluster.history) onEvent(e);
	}
	if (closeFault && (closeFault.afterEvents ?? 0) === 0) return stop();
	if (stopped) return;
	const offEvents = cluster.onWatchEvent(onEvent);
	const offClose = cluster.onWatchClose(() => stop());
	off = () => {
		offEvents();
		offClose();
	};
	if (q.get('allowWatchBookmarks') === 'true') {
		bookmarks = setInterval(() => send('BOOKMARK', {kind: 'Pod', apiVersion: 'v1', metadata: {resourceVersion: String(Math.max(lastRv, cluster.rv))}}), api.bookmarkMs);
		api.timers.add(bookmarks);
	}
	const timeoutS = Number(q.get('timeoutSeconds') ?? 0);
	if (timeoutS > 0) {
		timeout = setTimeout(() => stop(), timeoutS * 1000);
		api.timers.add(timeout);
	}
	res.on('close', () => stop());
}
