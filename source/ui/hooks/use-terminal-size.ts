/** Columns × rows, following the terminal's 'resize' event (tmux, SSH window changes). */
import {useEffect, useState} from 'react';

type Sized = NodeJS.WritableStream & {columns?: number; rows?: number; on?: (e: string, f: () => void) => unknown; off?: (e: string, f: () => void) => unknown};

export function useTerminalSize(stdout: Sized): {cols: number; rows: number} {
	const read = () => ({cols: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on?.('resize', onResize);
		return () => {
			stdout.off?.('resize', onResize);
		};
	}, [stdout]);
	return size;
}
