"""The peer of the compression benchmark: torch.nn.utils.prune global magnitude pruning.

Needs only numpy and torch (no scikit-learn), so that it can run in an interpreter
of its own: ``python _torch_peer.py DATA.npz`` reads ``X_train, y_train, X_test,
y_test`` (inputs already standardized, labels 0..C-1) and prints one JSON object.
``bench_pruning.py`` imports it when torch is importable, calls it through
``--torch-python`` otherwise, and quotes the published figures when neither works.

Procedure (the usual iterative magnitude pruning recipe):

- network ``Linear(d, 32) -> tanh -> Linear(32, C)``, cross-entropy loss (C = 2 for
  a binary problem, so breast_cancer has 30*32 + 32*2 = 1024 weights), biases not
  pruned and not counted;
- full-batch Adam, learning rate 1e-2, 300 epochs; torch.manual_seed(0), one thread;
- each round: ``prune.global_unstructured`` over both weight matrices with
  ``L1Unstructured`` and ``amount=0.2`` (20% of the weights still present), then 100
  epochs of fine-tuning with a fresh Adam; until a round removes nothing, 40 rounds,
  or 3 rounds in a row more than 1 point below the unpruned test accuracy;
- the reported network is the most pruned round whose test accuracy is within 1
  point of the unpruned network's, as in the quoted figures (the peer selects on
  the test set; sklearn_nnprune never sees it).
"""

import json
import sys
import time

import numpy as np


def run(X_train, y_train, X_test, y_test, *, hidden=32, rate=0.2, epochs=300,
        finetune_epochs=100, lr=1e-2, max_rounds=40, within=0.01, seed=0):
    import torch
    from torch import nn
    from torch.nn.utils import prune

    start = time.perf_counter()
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    Xtr = torch.as_tensor(np.asarray(X_train), dtype=torch.float32)
    Xte = torch.as_tensor(np.asarray(X_test), dtype=torch.float32)
    ytr = torch.as_tensor(np.asarray(y_train), dtype=torch.long)
    yte = torch.as_tensor(np.asarray(y_test), dtype=torch.long)
    n_classes = int(max(ytr.max(), yte.max())) + 1
    model = nn.Sequential(nn.Linear(Xtr.shape[1], hidden), nn.Tanh(),
                          nn.Linear(hidden, n_classes))

    def train(n_epochs):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(n_epochs):
            opt.zero_grad()
            nn.functional.cross_entropy(model(Xtr), ytr).backward()
            opt.step()

    def accuracy():
        with torch.no_grad():
            return float((model(Xte).argmax(dim=1) == yte).float().mean())

    def structure():
        W1 = model[0].weight.detach().numpy() != 0  # (hidden, d)
        W2 = model[2].weight.detach().numpy() != 0  # (C, hidden)
        alive = W1.any(axis=1) & W2.any(axis=0)
        return int(W1.sum() + W2.sum()), int((W1 & alive[:, None]).any(axis=0).sum())

    train(epochs)
    n_weights = model[0].weight.numel() + model[2].weight.numel()
    rounds = [dict(round=0, weights=n_weights, inputs=Xtr.shape[1], accuracy=accuracy())]
    params = [(model[0], "weight"), (model[2], "weight")]
    for r in range(1, max_rounds + 1):
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=rate)
        train(finetune_epochs)
        weights, inputs = structure()
        rounds.append(dict(round=r, weights=weights, inputs=inputs, accuracy=accuracy()))
        tail = rounds[-3:]
        if (weights == rounds[-2]["weights"] or weights <= 1 or
                (len(tail) == 3 and all(not _within(e, rounds[0], within) for e in tail))):
            break
    chosen = [e for e in rounds if _within(e, rounds[0], within)][-1]
    return dict(n_weights=n_weights, n_inputs=int(Xtr.shape[1]),
                unpruned_accuracy=rounds[0]["accuracy"], weights=chosen["weights"],
                inputs=chosen["inputs"], accuracy=chosen["accuracy"],
                rounds=chosen["round"], history=rounds,
                seconds=time.perf_counter() - start, torch=torch.__version__)


def _within(entry, unpruned, within):
    return entry["accuracy"] >= unpruned["accuracy"] - within - 1e-9


def main(path):
    data = np.load(path)
    result = run(data["X_train"], data["y_train"], data["X_test"], data["y_test"])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
