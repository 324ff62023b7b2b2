"""What a fit says when a KeyboardInterrupt (Ctrl-C) stopped its pruning.

The procedure (``_procedure.run``) stops pruning on the first interrupt and
returns the step it cut short; the estimators warn here, once per fit, and the
selector and the committee, which fit several networks, say instead what they
did with the interrupted one.
"""

import warnings


class PruningInterruptedWarning(UserWarning):
    """A fit whose pruning a KeyboardInterrupt stopped early: the estimator is
    fitted and consistent, but less pruned than a full fit would leave it."""


def interruption_note(estimator, interrupted_at):
    """The sentence that says what an estimator whose pruning stopped during
    step ``interrupted_at`` holds."""
    taken = interrupted_at - 1
    return (f"pruning was interrupted (KeyboardInterrupt) during step {interrupted_at}: "
            f"the network has the structure that path_choice="
            f"{getattr(estimator, 'path_choice', 'first_stop')!r} chose among the "
            f"{taken} step{'s' if taken != 1 else ''} taken (pruning_history_), "
            "trained on all the data; later steps, caps, weight levels and threshold "
            "neurons not reached were not applied. Fit again without interrupting "
            "for the fully pruned network.")


def warn_interrupted(estimator, interrupted_at):
    """Warn, once, that pruning stopped during step ``interrupted_at`` (nothing
    when it is None)."""
    if interrupted_at is not None:
        warnings.warn(f"{type(estimator).__name__}: "
                      f"{interruption_note(estimator, interrupted_at)}",
                      PruningInterruptedWarning, stacklevel=3)
