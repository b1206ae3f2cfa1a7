/**
 * `--save DIR`: every container's raw log, with its kubelet timestamps, written as
 * it streams to `DIR/<pod>.log` (all containers of a pod, previous instances
 * included, complete lines only) so `infertop analyze DIR` reads it back with
 * one pod per file, named by the file.
 */
import {createWriteStream, mkdirSync, type WriteStream} from 'node:fs';
import path from 'node:path';

export interface LogSaver {
	writer(pod: string): (text: string) => void;
	close(): Promise<void>;
}

export function createLogSaver(dir: string): LogSaver {
	mkdirSync(dir, {recursive: true});
	const files = new Map<string, WriteStream>();
	return {
		writer(pod) {
			// pod names are DNS labels; keep the file name safe anyway
			const safe = pod.replace(/[^A-Za-z0-9._-]/g, '_');
			return text => {
				let f = files.get(safe);
				if (!f) {
					f = createWriteStream(path.join(dir, `${safe}.log`), {flags: 'a'});
					files.set(safe, f);
				}
				f.write(text);
			};
		},
		async close() {
			await Promise.all([...files.values()].map(f => new Promise<void>(resolve => f.end(() => resolve()))));
			files.clear();
		},
	};
}
