#!/usr/bin/env python3
"""scikit-learn peer: the same overall metrics + per-slice accuracy on EvalBench's predictions."""
import sys, time
import numpy as np
from sklearn import metrics as M

raw = np.fromfile(sys.argv[1], dtype=np.dtype([("p", "<f8"), ("y", "i1"), ("k1", "i1"), ("k2", "i1"), ("k3", "i1")]))
t0 = time.perf_counter()
p, y = raw["p"], raw["y"].astype(int)
pred = (p > 0.5).astype(int)
res = {"accuracy": M.accuracy_score(y, pred), "precision": M.precision_score(y, pred), "recall": M.recall_score(y, pred),
       "f1": M.f1_score(y, pred), "auc_roc": M.roc_auc_score(y, p), "auc_pr": M.average_precision_score(y, p),
       "log_loss": M.log_loss(y, p)}
M.confusion_matrix(y, pred)
slices = 0
for key in ("k1", "k2", "k3"):
    for v in np.unique(raw[key]):
        m = raw[key] == v
        M.accuracy_score(y[m], pred[m])
        slices += 1
sec = time.perf_counter() - t0
print("scikit-learn peer (overall metrics + accuracy on %d slices): %d rows in %.2f s = %.0f rows/s; "
      "accuracy=%.6f auc_roc=%.6f log_loss=%.6f" % (slices, len(y), sec, len(y) / sec, res["accuracy"], res["auc_roc"], res["log_loss"]))
