"""Fitting, storing and loading re-ranker models."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matcher.learning.dataset import feature_matrix, feature_names_of, training_set
from matcher.learning.model import (
    BoostedReranker,
    LogisticReranker,
    RerankerFormatError,
    fit_reranker,
    load_reranker,
)
from tests.learning.synthetic import synthetic_decisions


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return training_set(synthetic_decisions(challenges=12, per_challenge=20, seed=3))


def test_feature_names_put_the_score_first_and_skip_non_numbers() -> None:
    names = feature_names_of([{"b": 1.0, "score": 2.0, "a": 3, "flag": True, "name": "x"}])
    assert names == ("score", "a", "b")


def test_feature_matrix_reads_missing_and_non_finite_as_zero() -> None:
    x = feature_matrix([{"score": 1.0, "extra": 9.0}, {"a": float("nan")}], ("score", "a"))
    assert x.tolist() == [[1.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("kind", ["logistic", "boosting"])
def test_round_trip_predicts_identically(data, kind) -> None:  # type: ignore[no-untyped-def]
    model = fit_reranker(data.feature_names, data.x, data.y, kind=kind)
    payload = model.to_payload()
    loaded = load_reranker(payload)
    assert type(loaded) is type(model)
    assert loaded.feature_names == model.feature_names
    rng = np.random.default_rng(7)
    probe = np.vstack([data.x, rng.normal(scale=3.0, size=(50, data.x.shape[1]))])
    before = model.predict_matrix(probe)
    after = loaded.predict_matrix(probe)
    assert np.array_equal(before, after)
    assert loaded.to_payload() == payload
    # Plain JSON, no pickle: it parses and names its parts.
    document = json.loads(payload)
    assert document["kind"] == kind
    assert document["feature_names"][0] == "score"


def test_logistic_matches_scikit_learn(data) -> None:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = fit_reranker(data.feature_names, data.x, data.y, kind="logistic")
    assert isinstance(model, LogisticReranker)
    reference = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    reference.fit(data.x, data.y)
    expected = reference.predict_proba(data.x)[:, 1]
    np.testing.assert_allclose(model.predict_matrix(data.x), expected, rtol=0, atol=1e-12)
    # The signal is in lexical_best: the model leans on it most.
    coefficients = model.coefficients()
    assert max(coefficients, key=lambda k: abs(coefficients[k])) == "lexical_best"


def test_boosting_matches_scikit_learn(data) -> None:  # type: ignore[no-untyped-def]
    from sklearn.ensemble import GradientBoostingClassifier

    from matcher.learning import model as m

    model = fit_reranker(data.feature_names, data.x, data.y, kind="boosting", random_state=0)
    assert isinstance(model, BoostedReranker)
    reference = GradientBoostingClassifier(
        n_estimators=m.BOOSTING_TREES,
        learning_rate=m.BOOSTING_LEARNING_RATE,
        max_depth=m.BOOSTING_DEPTH,
        min_samples_leaf=m.BOOSTING_MIN_LEAF,
        subsample=m.BOOSTING_SUBSAMPLE,
        random_state=0,
    ).fit(data.x, data.y)
    probe = np.vstack([data.x, np.random.default_rng(1).normal(size=(40, data.x.shape[1]))])
    expected = reference.predict_proba(probe)[:, 1]
    np.testing.assert_allclose(model.predict_matrix(probe), expected, rtol=0, atol=1e-12)
    # The starting log-odds (computed from the fitted prior, not a private method) and every
    # stage after it give scikit-learn's own raw scores.
    assert np.array_equal(model.decision_function(probe), reference.decision_function(probe))
    prior = data.y.mean()
    assert model.init == pytest.approx(np.log(prior / (1 - prior)), abs=1e-12)


def test_boosting_start_is_clipped_like_scikit_learn() -> None:
    from matcher.learning.model import _prior_log_odds

    eps = np.finfo(np.float64).eps
    assert _prior_log_odds(0.0) == pytest.approx(np.log(eps), rel=1e-9)
    assert _prior_log_odds(1.0) == pytest.approx(-np.log(eps), rel=1e-9)
    assert _prior_log_odds(0.5) == 0.0


def test_predict_from_feature_dicts_ignores_unknown_features(data) -> None:  # type: ignore[no-untyped-def]
    model = fit_reranker(data.feature_names, data.x, data.y)
    row = dict(zip(data.feature_names, data.x[0].tolist(), strict=True))
    with_new_feature = {**row, "a_feature_added_later": 123.0}
    assert model.predict([with_new_feature])[0] == model.predict_matrix(data.x[:1])[0]
    assert model.predict([]).shape == (0,)


def test_fit_needs_both_classes(data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="positive and negative"):
        fit_reranker(data.feature_names, data.x[:3], np.ones(3, dtype=np.int64))


@pytest.mark.parametrize(
    "payload",
    [
        b"\x80\x04\x95",  # a pickle header: never accepted
        b"{}",
        json.dumps({"format": "matcher.reranker", "format_version": 99}).encode(),
        json.dumps(
            {
                "format": "matcher.reranker",
                "format_version": 1,
                "kind": "logistic",
                "feature_names": ["score", "a"],
                "parameters": {"mean": [0], "scale": [1, 1], "coef": [1, 1], "intercept": 0},
            }
        ).encode(),
        json.dumps(
            {
                "format": "matcher.reranker",
                "format_version": 1,
                "kind": "boosting",
                "feature_names": ["score"],
                "parameters": {
                    "init": 0,
                    "learning_rate": 0.1,
                    # A node pointing back at itself would never end.
                    "trees": [
                        {
                            "feature": [0, -2],
                            "threshold": [0.5, -2.0],
                            "left": [0, -1],
                            "right": [1, -1],
                            "value": [0.0, 1.0],
                        }
                    ],
                },
            }
        ).encode(),
        json.dumps(
            {
                "format": "matcher.reranker",
                "format_version": 1,
                "kind": "forest",
                "feature_names": ["score"],
                "parameters": {},
            }
        ).encode(),
    ],
)
def test_load_rejects_what_it_cannot_read(payload: bytes) -> None:
    with pytest.raises(RerankerFormatError):
        load_reranker(payload)
