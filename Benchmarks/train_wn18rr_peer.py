"""PyKEEN's ComplEx on a dataset directory (train/valid/test TSV) as the peer of
`quiver train DATASET --time-budget B` with Quiver's fitted defaults: the same width, negatives per
positive, batch, optimizer (Adagrad) and learning rate, trained (sLCWA, no validation) until the
wall-clock budget runs out, then the filtered test metrics over both sides with ties at the mean
position (PyKEEN's "realistic" rank, as Quiver counts them). Prints one JSON line."""
import argparse
import json
import resource
import time


class OutOfTime(Exception):
    pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="directory with train.txt, valid.txt, test.txt")
    p.add_argument("--budget", type=float, default=900, help="training seconds")
    p.add_argument("--dim", type=int, default=200)
    p.add_argument("--negatives", type=int, default=256)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    import torch
    from pykeen.evaluation import RankBasedEvaluator
    from pykeen.models import ComplEx
    from pykeen.training import SLCWATrainingLoop
    from pykeen.training.callbacks import TrainingCallback
    from pykeen.triples import TriplesFactory

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train = TriplesFactory.from_path(f"{a.data}/train.txt")
    ids = dict(entity_to_id=train.entity_to_id, relation_to_id=train.relation_to_id)
    valid = TriplesFactory.from_path(f"{a.data}/valid.txt", **ids)
    test = TriplesFactory.from_path(f"{a.data}/test.txt", **ids)
    model = ComplEx(triples_factory=train, embedding_dim=a.dim, random_seed=a.seed)
    optimizer = torch.optim.Adagrad(model.parameters(), lr=a.lr)
    loop = SLCWATrainingLoop(model=model, triples_factory=train, optimizer=optimizer,
                             negative_sampler_kwargs=dict(num_negs_per_pos=a.negatives))
    started = time.time()
    seen = {"batches": 0, "epochs": 0}

    class Budget(TrainingCallback):
        def post_batch(self, epoch, batch, **kwargs):
            seen["batches"] += 1
            if time.time() - started >= a.budget:
                raise OutOfTime()

        def post_epoch(self, epoch, epoch_loss, **kwargs):
            seen["epochs"] = epoch

    try:
        loop.train(triples_factory=train, num_epochs=100000, batch_size=a.batch, use_tqdm=False, callbacks=[Budget()])
    except OutOfTime:
        pass
    trained = time.time() - started
    t = time.time()
    results = RankBasedEvaluator(filtered=True).evaluate(
        model, test.mapped_triples, batch_size=256, additional_filter_triples=[train.mapped_triples, valid.mapped_triples],
        use_tqdm=False)
    evaluated = time.time() - t
    metric = lambda name: float(results.get_metric(f"both.realistic.{name}"))
    print(json.dumps({
        "mrr": metric("inverse_harmonic_mean_rank"), "hits@1": metric("hits_at_1"), "hits@3": metric("hits_at_3"),
        "hits@10": metric("hits_at_10"), "epochs": seen["epochs"], "batches": seen["batches"],
        "train_seconds": trained, "eval_seconds": evaluated,
        "triples_per_second": seen["batches"] * a.batch / max(trained, 1e-9),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
