/** What a command may touch of the process: passed in so commands are testable in-process. */
export interface Io {
	stdout: NodeJS.WritableStream & {isTTY?: boolean; columns?: number; rows?: number};
	stderr: NodeJS.WritableStream;
	stdin: NodeJS.ReadableStream & {isTTY?: boolean};
	env: Record<string, string | undefined>;
	/** resolves when the user asks to stop (Ctrl-C / SIGTERM) */
	signal: AbortSignal;
}

export const exitCodes = {ok: 0, findings: 1, usage: 2, timeout: 3} as const;

/** A user-facing failure: printed as one paragraph, never with a stack trace. */
export class UserError extends Error {
	constructor(
		message: string,
		readonly exitCode: number = exitCodes.usage,
	) {
		super(message);
		this.name = 'UserError';
	}
}
