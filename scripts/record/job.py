"""The job each recorded "pod" runs (scripts/record/straggler.sh): the corpus job's
shape (world communicator, TP=2 groups split from it, all-reduces), except that one
rank, STRAGGLER_RANK, sleeps STRAGGLER_SECONDS before it joins: a real late rank."""
import os
import time

import torch
import torch.distributed as dist

rank = int(os.environ["RANK"])
local = int(os.environ["LOCAL_RANK"])
world = int(os.environ["WORLD_SIZE"])
torch.cuda.set_device(local)
late = int(os.environ.get("STRAGGLER_RANK", "-1"))
delay = float(os.environ.get("STRAGGLER_SECONDS", "0"))
if rank == late:
    print(f"capture: rank {rank} sleeps {delay:.0f}s before init_process_group", flush=True)
    time.sleep(delay)
# device_id makes the world communicator's init eager: its Init START is logged now
dist.init_process_group("nccl", device_id=torch.device("cuda", local))
tp = 2
groups = [dist.new_group(list(range(i, i + tp))) for i in range(0, world, tp)]
group = groups[rank // tp]
x = torch.ones(1 << 20, device="cuda")
dist.all_reduce(x)
dist.all_reduce(x, group=group)
torch.cuda.synchronize()
print(f"capture: rank {rank} allreduce ok sum={x[0].item():.0f}", flush=True)
dist.destroy_process_group()
