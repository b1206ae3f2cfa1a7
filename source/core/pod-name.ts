/**
 * Saved logs: a file stands for one pod, named by its file name without the log
 * extensions (contract/cli.md: `.log`, `.log.gz`; `.gz` and `.txt` too). Pure string
 * work so the snapshot can list a file that produced no line.
 */

// e.g. "logs/vllm-0-1.log.gz" -> "vllm-0-1"; "pod0.txt" -> "pod0"; "-" -> "stdin"
const logExtensions = /(\.log\.gz|\.txt\.gz|\.log|\.txt|\.gz)$/i;

export function podNameForFile(file: string): string {
	if (file === '-') return 'stdin';
	const base =
		file
			.replace(/[\\/]+$/, '')
			.split(/[\\/]/)
			.pop() ?? file;
	const name = base.replace(logExtensions, '');
	return name === '' ? base : name;
}
