"""The scikit-learn estimator checks our estimators are expected to fail, and why
(shared by every module that runs ``parametrize_with_checks``)."""

from sklearn_nnprune import PrunedMLPRegressor


def expected_failed_checks(estimator):
    params = estimator.get_params(deep=True)
    if params.get("validation_fraction") is not None:
        # The check passes its own splits as cv, which a validation_fraction
        # excludes (a clear error names the contradiction).
        return {"check_sample_weight_equivalence_on_dense_data":
                "the check sets cv, exclusive with validation_fraction"}
    if params.get("estimator__validation_fraction") is not None:
        # Inside a selector or committee the check cannot reach the network's
        # split: it is drawn by rows, so weights and repeats differ (they agree
        # in distribution only).
        return {"check_sample_weight_equivalence_on_dense_data":
                "the network's held-out split is drawn by rows"}
    if isinstance(estimator, PrunedMLPRegressor):
        # Weights and repeated rows give the same structure (tests/
        # test_sample_weight.py) and predictions equal up to the solver's
        # tolerance: tol=1e-6 leaves 1e-5 on the check's data, the check asks
        # 1e-7 (the classifier meets it there).
        return {"check_sample_weight_equivalence_on_dense_data":
                "equal up to the solver's tolerance (1e-5), not to 1e-7"}
    return {}
