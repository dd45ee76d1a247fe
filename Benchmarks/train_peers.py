#!/usr/bin/env python3
"""Peer for Quiver's KGE training throughput: PyKEEN DistMult on Kinships, CPU.

Trains PyKEEN's DistMult with the sLCWA training loop (basic negative sampler,
num_negs_per_pos = --negatives, Adam, the model's default loss) on the training
split and prints one JSON line:

  {"triples_per_second": ..., "seconds": ..., "epochs": ..., "triples": ..., "torch_threads": ...}

triples_per_second = positive training triples processed (len(train) * epochs) / seconds,
where seconds is the wall time of PyKEEN's train() call only: reading the TSV, building
the model and optimizer, and torch start-up are excluded, and no evaluation is run.
Each positive is scored together with its --negatives corrupted triples.

Needs `pip install pykeen` (pulls torch).
"""
import argparse
import json
import time
import warnings

import torch

warnings.filterwarnings("ignore", message=".*pin_memory.*")  # CPU-only: harmless


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train", default="/work/shared/datasets/kinships/train.txt",
                   help="TSV head<TAB>relation<TAB>tail")
    p.add_argument("--dim", type=int, default=200)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--negatives", type=int, default=1)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    from pykeen.models import DistMult
    from pykeen.training import SLCWATrainingLoop
    from pykeen.triples import TriplesFactory

    tf = TriplesFactory.from_path(a.train)
    model = DistMult(triples_factory=tf, embedding_dim=a.dim, random_seed=a.seed).to("cpu")
    loop = SLCWATrainingLoop(
        model=model,
        triples_factory=tf,
        optimizer=torch.optim.Adam(model.parameters(), lr=a.lr),
        negative_sampler="basic",
        negative_sampler_kwargs=dict(num_negs_per_pos=a.negatives),
    )
    t0 = time.perf_counter()
    loop.train(triples_factory=tf, num_epochs=a.epochs, batch_size=a.batch,
               use_tqdm=False, use_tqdm_batch=False, num_workers=0, pin_memory=False)
    seconds = time.perf_counter() - t0
    triples = tf.num_triples * a.epochs
    print(json.dumps({
        "triples_per_second": triples / seconds,
        "seconds": seconds,
        "epochs": a.epochs,
        "triples": triples,
        "torch_threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
