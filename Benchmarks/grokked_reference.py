#!/usr/bin/env python3
"""A re-implementation of the composition-data procedure of Wang et al., "Grokked Transformers are
Implicit Reasoners" (2024; OSU-NLP-Group/GrokkedTransformer, composition.ipynb), written for
Quiver's benchmark. Same steps, same draws, same output layout:

  1. every entity gets OUT_DEGREE distinct relations (numpy choice without replacement), each to a
     uniformly random tail entity;
  2. exactly round(OOD_RATIO * |atomic|) atomic facts are OOD;
  3. every 2-hop walk (h,r1,b),(b,r2,t) gives an inferred fact (h,r1,r2,t): both hops OOD -> OOD
     test; one hop OOD -> dropped; both ID -> test_inferred_iid with probability IID_P, otherwise a
     training candidate;
  4. probes of TEST_SIZE per type; training = all atomic facts + round(phi * |ID atomic|) sampled
     candidates; valid = the OOD probe; train/valid/test/vocab.json written with json.dump.

Differences from the notebook, none of which change the distribution of the output: a seed is set
(the notebook sets none); ID/OOD membership uses a set instead of `i in list` (their version is
quadratic); ID and OOD atomic facts keep generation order instead of Python set order.
Prints one JSON line of counts and the seconds taken (writing included).
"""
import argparse
import json
import os
import time

import numpy as np


def choose(arr, count):
    if count >= len(arr):
        return arr
    return [arr[i] for i in np.random.choice(len(arr), count, replace=False).tolist()]


def item(tokens, tail):
    text = "".join(tokens)
    return {"input_text": text, "target_text": text + tail + "</a>"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=2000)
    ap.add_argument("--relations", type=int, default=200)
    ap.add_argument("--out-degree", type=int, default=20)
    ap.add_argument("--phi", type=float, default=7.2)
    ap.add_argument("--ood-ratio", type=float, default=0.05)
    ap.add_argument("--iid-test-prob", type=float, default=0.005)
    ap.add_argument("--probe-size", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    started = time.perf_counter()
    np.random.seed(a.seed)

    entities = ["<e_{}>".format(i) for i in range(a.entities)]
    relations = ["<r_{}>".format(i) for i in range(a.relations)]
    by_head = {}
    atomics = []
    for i in range(a.entities):
        for r in np.random.choice(a.relations, size=a.out_degree, replace=False).tolist():
            t = np.random.randint(a.entities)
            fact = (entities[i], relations[r], entities[t])
            atomics.append(fact)
            by_head.setdefault(entities[i], []).append((fact[1], fact[2]))

    n_ood = round(len(atomics) * a.ood_ratio)
    ood_index = set(np.random.choice(len(atomics), n_ood, replace=False).tolist())
    ood_facts = set(atomics[i] for i in ood_index)
    id_atomic = [item([h, r], t) for k, (h, r, t) in enumerate(atomics) if k not in ood_index]
    ood_atomic = [item([h, r], t) for k, (h, r, t) in enumerate(atomics) if k in ood_index]

    walks = 0
    train_inferred, test_iid, test_ood = [], [], []
    for h in entities:
        for (r1, b) in by_head.get(h, []):
            first_ood = (h, r1, b) in ood_facts
            for (r2, t) in by_head.get(b, []):
                walks += 1
                second_ood = (b, r2, t) in ood_facts
                if first_ood or second_ood:
                    if first_ood and second_ood:
                        test_ood.append(item([h, r1, r2], t))
                    continue
                if np.random.uniform() > a.iid_test_prob:
                    train_inferred.append(item([h, r1, r2], t))
                else:
                    test_iid.append(item([h, r1, r2], t))

    vocab = entities + relations + ["<mask>", "<sep>", "<a>", "</a>", "<q>", "</q>"]
    id_probe = choose(id_atomic, a.probe_size)
    ood_probe = choose(ood_atomic, a.probe_size)
    iid_probe = choose(test_iid, a.probe_size)
    ood_inferred_probe = choose(test_ood, a.probe_size)
    train_sample = choose(train_inferred, round(a.phi * len(id_atomic)))
    probes = []
    for kind, items in (("id_atomic", id_probe), ("ood_atomic", ood_probe),
                        ("train_inferred", choose(train_sample, a.probe_size)),
                        ("test_inferred_iid", iid_probe), ("test_inferred_ood", ood_inferred_probe)):
        for x in items:
            y = dict(x)
            y["type"] = kind
            probes.append(y)

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "train.json"), "w", encoding="utf-8") as f:
        json.dump(id_atomic + ood_atomic + train_sample, f)
    with open(os.path.join(a.out, "valid.json"), "w", encoding="utf-8") as f:
        json.dump(ood_inferred_probe, f)
    with open(os.path.join(a.out, "test.json"), "w", encoding="utf-8") as f:
        json.dump(probes, f)
    with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "atomic": len(atomics), "walks": walks, "id_atomic": len(id_atomic), "ood_atomic": len(ood_atomic),
        "candidates": len(train_inferred), "test_inferred_iid_pool": len(test_iid),
        "test_inferred_ood_pool": len(test_ood), "train_inferred": len(train_sample),
        "train_items": len(id_atomic) + len(ood_atomic) + len(train_sample), "valid_items": len(ood_inferred_probe),
        "test_items": len(probes), "seconds": seconds}))


if __name__ == "__main__":
    main()
