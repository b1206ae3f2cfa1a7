/**
 * Events the stream parser emits from log lines. Owned by the parser (parse/);
 * every event carries the pod it was read from and the time of its line.
 */
export interface LogEventBase {
	pod: string;
	/** epoch ms of the line, or null when the line has no usable stamp */
	at: number | null;
}

// Placeholder until the parser lands; the parser replaces this union.
export type LogEvent = LogEventBase & {type: 'log-progress'; lines: number; lastAt: number | null};
