/**
 * Writes only the rows that changed. Ink 6.8 redraws its whole output on every
 * frame: log-update erases every line it wrote (`CSI 2K CSI 1A` per line) and
 * writes all of them again — ~17 KB a frame at 200x60, 170 KB/s at 10 frames/s over
 * an SSH link, for a clock digit. Its incremental mode would fix that but puts the
 * frame one row low when the output ends in a newline (it moves up one line too
 * few: seen in tmux), and a frame as tall as the terminal takes a clear-screen path
 * that mode does not cover.
 *
 * This sits between Ink and the terminal. A write that is a whole frame — either
 * form: log-update's erase-lines prefix then the rows, or the clear-screen sequence
 * then the rows — becomes, against the frame before it, for each changed row a
 * cursor move, an erase of that row, and the row; then the cursor is put back where
 * Ink's next write expects it (the last line of the frame, column 1). Moves are
 * relative to where Ink left the cursor, so the frame may start on any row. Every
 * other write passes as it is, and a frame after the width or the frame's height
 * changed is written whole. Ink paints each row from blank cells
 * and ends it with a style reset, so a row written alone draws as in the whole
 * frame. The row is erased before it is written, not after: a row as wide as the
 * terminal leaves the cursor on its last cell, which an erase-to-end would clear.
 */

// ansi-escapes' clearTerminal (what Ink writes before a frame as tall as the terminal), outside old Windows
const CLEAR_TERMINAL = '\x1b[2J\x1b[3J\x1b[H';
// ansi-escapes' eraseLines(n): `CSI 2K CSI 1A` n-1 times, then `CSI 2K CSI G`
const ERASE_UP = '\x1b[2K\x1b[1A';
const ERASE_LAST = '\x1b[2K\x1b[G';

export interface ScreenDiff {
	/** what to write instead of `chunk` ('' = nothing) for a terminal `columns` wide */
	next(chunk: string, columns: number): string;
	/** forget the last frame: the next one is written whole (after a resize, or anything else wrote) */
	reset(): void;
}

interface Frame {
	rows: string[];
	/** the frame's row the cursor is on before the frame is written (0 = its first row) */
	cursorRow: number;
	/** absolute (after a clear-screen) or relative moves */
	absolute: boolean;
}

/** A whole frame from Ink, or null for any other write. */
export function readWholeFrame(chunk: string): Frame | null {
	if (chunk.startsWith(CLEAR_TERMINAL)) return {rows: chunk.slice(CLEAR_TERMINAL.length).split('\n'), cursorRow: 0, absolute: true};
	if (!chunk.startsWith('\x1b[2K')) return null;
	let i = 0;
	let up = 0;
	while (chunk.startsWith(ERASE_UP, i)) {
		i += ERASE_UP.length;
		up++;
	}
	if (!chunk.startsWith(ERASE_LAST, i)) return null;
	// the erase went up `up` lines from where the last frame left the cursor: the frame's top
	return {rows: chunk.slice(i + ERASE_LAST.length).split('\n'), cursorRow: up, absolute: false};
}

/** A write that is one whole frame from Ink. */
export const isWholeFrame = (chunk: string) => readWholeFrame(chunk) !== null;

export function createScreenDiff(): ScreenDiff {
	let previous: string[] | null = null;
	let previousColumns = -1;
	// Ink's very first frame has nothing to erase before it, so it can't be told from other
	// text; the last multi-line write is kept, and taken as the frame before when the next
	// frame's erase covers exactly its lines.
	let firstCandidate: {rows: string[]; columns: number} | null = null;
	return {
		next(chunk, columns) {
			const frame = readWholeFrame(chunk);
			if (frame === null) {
				if (previous === null && chunk.includes('\n')) firstCandidate = {rows: chunk.split('\n'), columns};
				return chunk;
			}
			const rows = frame.rows;
			if (previous === null && firstCandidate !== null && !frame.absolute && firstCandidate.rows.length === frame.cursorRow + 1) {
				previous = firstCandidate.rows;
				previousColumns = firstCandidate.columns;
			}
			firstCandidate = null;
			if (previous === null || previous.length !== rows.length || columns !== previousColumns) {
				previous = rows;
				previousColumns = columns;
				return chunk;
			}
			let out = '';
			let at = frame.cursorRow;
			const moveTo = (row: number) => {
				if (frame.absolute) out += `\x1b[${row + 1};1H`;
				else {
					if (row < at) out += `\x1b[${at - row}A`;
					else if (row > at) out += `\x1b[${row - at}B`;
					out += '\r';
				}
				at = row;
			};
			for (let i = 0; i < rows.length; i++) {
				if (rows[i] === previous[i]) continue;
				moveTo(i);
				out += `\x1b[2K${rows[i]}`;
			}
			previous = rows;
			if (out === '') return '';
			// where the whole frame would have left the cursor: its last line, column 1
			moveTo(rows.length - 1);
			return out;
		},
		reset() {
			previous = null;
			firstCandidate = null;
		},
	};
}

type Write = (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;

/**
 * Route a TTY stream's writes through a ScreenDiff until the returned function is
 * called. Counts what was asked and what was written (the bench reports both).
 */
export function installScreenDiff(stream: {write: Write; columns?: number; on?: (e: 'resize', f: () => void) => unknown; off?: (e: 'resize', f: () => void) => unknown}): {
	uninstall: () => void;
	stats: {framesIn: number; bytesIn: number; bytesOut: number};
} {
	const diff = createScreenDiff();
	const raw = stream.write;
	const stats = {framesIn: 0, bytesIn: 0, bytesOut: 0};
	const onResize = () => diff.reset();
	stream.on?.('resize', onResize);
	const write: Write = (chunk, ...rest) => {
		if (typeof chunk !== 'string') return raw.call(stream, chunk, ...rest);
		const out = diff.next(chunk, stream.columns ?? 0);
		if (isWholeFrame(chunk)) {
			stats.framesIn++;
			stats.bytesIn += Buffer.byteLength(chunk);
			stats.bytesOut += Buffer.byteLength(out);
		}
		if (out === '') {
			const done = rest.find(x => typeof x === 'function') as (() => void) | undefined;
			if (done) process.nextTick(done);
			return true;
		}
		return raw.call(stream, out, ...rest);
	};
	stream.write = write;
	return {
		uninstall: () => {
			if (stream.write === write) stream.write = raw;
			stream.off?.('resize', onResize);
		},
		stats,
	};
}
