#!/bin/bash
# Records test/fixtures/corpus/recorded/straggler-h100x4: two launchers stand for two
# pods (2 GPUs each, NCCL_HOSTID differs so NCCL sees 2 nodes); global rank 3 sleeps
# 30 s before init_process_group. Run on a 4-GPU machine (device kind nvidia-h100-x4):
#   bash scripts/record/straggler.sh OUTDIR
# NVLink multicast stays off (the machine sets NCCL_NVLS_ENABLE=0; we keep it).
set -u
out=${1:?usage: straggler.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
{ nvidia-smi; nvidia-smi topo -m; nvidia-smi --query-gpu=index,pci.bus_id,name --format=csv; python3 -c 'import torch; print("torch", torch.__version__, "nccl", torch.cuda.nccl.version())'; env | grep -E '^NCCL_' | sort; } >"$out/host.txt" 2>&1
export NCCL_DEBUG=INFO NCCL_NVLS_ENABLE=0 STRAGGLER_RANK=3 STRAGGLER_SECONDS=30 PYTHONUNBUFFERED=1
pod() {
	local n=$1 gpus=$2
	CUDA_VISIBLE_DEVICES=$gpus NCCL_HOSTID=node$n timeout 300 python3 -m torch.distributed.run \
		--nnodes 2 --node-rank "$n" --nproc-per-node 2 --master-addr 127.0.0.1 --master-port 29531 \
		"$here/job.py" 2>&1 | python3 "$here/stamp.py" >"$out/pod$n.log"
	echo "pod$n exit ${PIPESTATUS[0]}" >>"$out/exit.txt"
}
pod 0 0,1 &
pod 1 2,3 &
wait
cat "$out/exit.txt"
