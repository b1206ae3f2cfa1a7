/**
 * Python tracebacks (`Traceback (most recent call last):`, indented frames, the final
 * `Type: message`), one bounded block per process prefix. The final line goes to the reader
 * that knows it — torch's (NCCL errors, CUDA OOM …), then vLLM's (its own fatal exceptions,
 * `RuntimeError: Engine core initialization failed …`, `…EngineDeadError`, say which process)
 * — and is else a `traceback` failure.
 */
import type {AtFn, StreamCtx} from './context.js';
import {isRemoteText} from './nccl/warn.js';
import {clip, handleTorchLine} from './torch.js';
import {handleVllmMessage} from './vllm/engine.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Tab = 9,
	Space = 32,
}

// the final `Type: message` line, e.g. "RuntimeError: NCCL error …", "KeyboardInterrupt"
const FINAL = /^[\w.]+(?:Error|Exception|Interrupt|Exit)\b/;

/**
 * Returns true when the line belongs to a traceback of the writer `key` ('' = no process
 * prefix). `rank`: the line's `[rankN]:` prefix, for torch's reading of the final line.
 */
export function feedTraceback(ctx: StreamCtx, key: string, text: string, rank: number | null, at: AtFn): boolean {
	const tb = ctx.tracebacks.get(key);
	if (text.startsWith('Traceback (most recent call last)')) {
		ctx.tracebacks.set(key, {lines: 1, last: ''});
		return true;
	}
	if (!tb) return false;
	if (text.charCodeAt(0) === Ch.Space || text.charCodeAt(0) === Ch.Tab || text === '') {
		tb.lines++;
		return true;
	}
	ctx.tracebacks.delete(key);
	if (FINAL.test(text)) {
		if (!handleTorchLine(ctx, text, rank, at, key || undefined) && !((text.indexOf('Engine') !== -1 || text.indexOf('died') !== -1) && handleVllmMessage(ctx, 'ERROR', text, undefined, at, key || undefined))) {
			// the process prefix names who raised it (`Worker_TP1 pid=77`); no proc key: a bare traceback may be survivable
			const procName = key ? key.replace(/,? ?ip=\S+$/, '') : null;
			ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: 'traceback', proc: null, rank: null, message: clip(text), remote: isRemoteText(text), ...(procName ? {procName} : {})});
		}
		return true;
	}
	return false;
}
