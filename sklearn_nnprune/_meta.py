"""What the selector and the committee share as meta-estimators: the fit
parameters they pass to their networks (sample weights, metadata routing), and
how they stop when a network's pruning was interrupted."""

import warnings

from sklearn import config_context
from sklearn.utils._metadata_requests import _routing_enabled
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import has_fit_parameter

from ._estimators import PrunedMLPClassifier, PrunedMLPRegressor
from ._interrupt import PruningInterruptedWarning


def default_network(classifier=True):
    """The network a selector fits when ``estimator`` is None (see its docstring)."""
    network = PrunedMLPClassifier if classifier else PrunedMLPRegressor
    return network(prune=("inputs",), prune_step=0.25)


def network_fit_params(meta, estimator, sample_weight):
    """What ``meta`` (the selector or the committee) passes to ``estimator.fit``:
    with metadata routing enabled, what :func:`process_routing` routes to it
    (``sample_weight`` only when the estimator requested it); else
    ``sample_weight`` itself when given (nothing when None, so that a fit without
    weights is the fit it always was). A TypeError names an estimator whose fit
    takes no ``sample_weight``."""
    params = {} if sample_weight is None else {"sample_weight": sample_weight}
    if _routing_enabled():
        return dict(process_routing(meta, "fit", **params).estimator.fit)
    if params and not has_fit_parameter(estimator, "sample_weight"):
        raise TypeError(f"{type(meta).__name__}: sample_weight was given, but the fit of "
                        f"estimator {type(estimator).__name__} takes no sample_weight.")
    return params


def network_router(meta, estimator):
    """The metadata router of ``meta``: ``fit`` routes to ``estimator``'s fit. A
    default network (``estimator`` None, built by ``meta``) requests
    ``sample_weight`` when its fit takes it: no user could request it for one."""
    if estimator is None:
        estimator = default_network()
        if has_fit_parameter(estimator, "sample_weight"):
            # set_fit_request itself is only there with routing enabled.
            with config_context(enable_metadata_routing=True):
                estimator.set_fit_request(sample_weight=True)
    return MetadataRouter(owner=meta).add(
        estimator=estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))


def fitted_until_interrupted(jobs):
    """The networks of ``jobs`` (a generator of fitted networks) up to and with
    the first whose pruning a KeyboardInterrupt stopped (its ``_interrupted_at``),
    and that network (None if none was): the jobs after it are not run."""
    networks = []
    for net in jobs:
        networks.append(net)
        if getattr(net, "_interrupted_at", None) is not None:
            jobs.close()
            return networks, net
    return networks, None


def fit_quietly(net, X, y, params):
    """``net.fit(X, y, **params)``, its own warning of an interrupted pruning
    silenced: the meta-estimator says what it did with the network instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PruningInterruptedWarning)
        return net.fit(X, y, **params)
