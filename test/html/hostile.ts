/**
 * A log written to break the page: markup, `</svg>`, quotes and escape sequences inside
 * NCCL WARN, error and exit lines, from a file whose name (so its pod's) holds quotes and
 * `<svg>`. Every such string reaches the report (findings, evidence, topology, timeline).
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

export const payload = `<script>alert("x")</script></svg><img src=x onerror=alert(1)> '"\``;

const esc = '\u001B';

export function hostileLog(): {dir: string; file: string; pod: string} {
	const dir = mkdtempSync(path.join(tmpdir(), 'infertop-hostile-'));
	const pod = `evil"'<svg>pod`;
	const file = path.join(dir, `${pod}.log`);
	const t = (s: number) => new Date(Date.UTC(2026, 10, 26, 22, 0, s)).toISOString();
	const lines = [
		`${t(0)} vm:100:100 [0] NCCL INFO NCCL version 2.28.9+cuda13.0`,
		`${t(1)} vm:100:100 [0] NCCL INFO ncclCommInitRankConfig comm 0x1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 60 commId 0xabc - Init START`,
		`${t(1)} vm:101:101 [1] NCCL INFO ncclCommInitRankConfig comm 0x2 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 70 commId 0xabc - Init START`,
		`${t(2)} vm:100:100 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM ${payload}`,
		`${t(2)} vm:100:100 [0] NCCL INFO ncclCommInitRankConfig comm 0x1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 60 commId 0xabc - Init COMPLETE`,
		`${t(2)} vm:101:101 [1] NCCL INFO ncclCommInitRankConfig comm 0x2 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 70 commId 0xabc - Init COMPLETE`,
		`${t(3)} vm:100:120 [0] misc/socket.cc:72 NCCL WARN socketProgress: ${payload} ${esc}]0;pwned${esc}\\ ${esc}[31mred${esc}[0m \u009b2J`,
		`${t(3)} vm:100:120 [0] misc/socket.cc:72 NCCL WARN socketProgress: ${payload} ${esc}]0;pwned${esc}\\ ${esc}[31mred${esc}[0m \u009b2J`,
		`${t(4)} [rank1]:[E1126 22:00:04.000000000 ProcessGroupNCCL.cpp:612] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE ${payload}) ran for 25029 milliseconds before timing out.`,
		`${t(5)} E1126 22:00:05.000000 1441 torch/distributed/elastic/multiprocessing/api.py:986] failed (exitcode: 3) local_rank: 1 (pid: 101) of binary: ${payload}`,
		`${t(6)} RuntimeError: ${payload} token=hf_abcdefghijklmnopqrstuvwxyz123456`,
	];
	writeFileSync(file, `${lines.join('\n')}\n`);
	return {dir, file, pod};
}
