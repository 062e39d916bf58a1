#!/usr/bin/env python3
"""Generates fixed prediction sets and scikit-learn's metric values for MetricsVsSklearnTest.

Run: /usr/bin/python3 make_expected.py > expected.json  (Debian python3-sklearn)
"""
import json
import numpy as np
import sklearn
from sklearn import metrics as M

rng = np.random.default_rng(20261124)

# binary: labels from a noisy logistic model; p = predicted probability of class 1
n = 3000
z = rng.normal(size=n)
y = (rng.random(n) < 1 / (1 + np.exp(-2 * z))).astype(int)
p = np.clip(1 / (1 + np.exp(-(1.5 * z + rng.normal(scale=0.8, size=n)))), 1e-6, 1 - 1e-6)
w = rng.integers(1, 4, size=n).astype(float)
pred = (p > 0.5).astype(int)
binary = {
    "labels": y.tolist(), "p1": p.tolist(), "weights": w.tolist(),
    "accuracy": M.accuracy_score(y, pred), "precision": M.precision_score(y, pred),
    "recall": M.recall_score(y, pred), "f1": M.f1_score(y, pred),
    "auc_roc": M.roc_auc_score(y, p), "auc_pr": M.average_precision_score(y, p),
    "log_loss": M.log_loss(y, p), "confusion": M.confusion_matrix(y, pred).tolist(),
    "weighted_accuracy": M.accuracy_score(y, pred, sample_weight=w),
    "weighted_auc_roc": M.roc_auc_score(y, p, sample_weight=w),
    "weighted_log_loss": M.log_loss(y, p, sample_weight=w),
}

# multi-class (3 classes): softmax of noisy logits
m = 2000
yk = rng.integers(0, 3, size=m)
logits = rng.normal(size=(m, 3)) + 1.2 * np.eye(3)[yk]
probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
pk = probs.argmax(axis=1)
multi = {
    "labels": yk.tolist(), "probs": probs.tolist(),
    "accuracy": M.accuracy_score(yk, pk),
    "precision_macro": M.precision_score(yk, pk, average="macro"),
    "recall_macro": M.recall_score(yk, pk, average="macro"),
    "f1_macro": M.f1_score(yk, pk, average="macro"),
    "f1_micro": M.f1_score(yk, pk, average="micro"),
    "auc_roc_macro": M.roc_auc_score(yk, probs, multi_class="ovr", average="macro"),
    "log_loss": M.log_loss(yk, probs), "confusion": M.confusion_matrix(yk, pk).tolist(),
}

# regression
r = 1500
yr = rng.normal(10, 3, size=r)
pr = yr + rng.normal(0.5, 1.5, size=r)
regression = {
    "labels": yr.tolist(), "predictions": pr.tolist(),
    "mse": M.mean_squared_error(yr, pr), "mae": M.mean_absolute_error(yr, pr), "r2": M.r2_score(yr, pr),
}
print(json.dumps({"sklearn_version": sklearn.__version__, "binary": binary, "multiclass": multi,
                  "regression": regression}))
