"""Maximum likelihood in log-parameter space on exact gradients, with standard errors from the observed information."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy.optimize import minimize


@dataclass(frozen=True)
class ModelParams:
    """Base of a model's parameter record; the fields, in order, are the parameters a fit estimates."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))

    @classmethod
    def from_fit(cls, fit: FitResult):
        return cls(**{name: fit.params[name] for name in cls.names()})

    def values(self) -> list[float]:
        return [getattr(self, name) for name in self.names()]


class FitError(RuntimeError):
    """The optimiser did not reach a maximum; the message says what to check."""


@dataclass(frozen=True)
class FitResult:
    """Estimates of a maximum-likelihood fit.

    ``standard_errors`` come from the inverse Hessian of the negative log-likelihood in
    log-parameter space, mapped to the natural scale by the delta method (se(θ) = θ·se(log θ)).
    """

    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    converged: bool
    iterations: int
    message: str
    n_observations: int

    def as_metadata(self) -> dict[str, float | int | bool | str]:
        """Flat dictionary for asset metadata and result tables."""
        flat: dict[str, float | int | bool | str] = dict(self.params)
        flat.update({f"{name}_se": se for name, se in self.standard_errors.items()})
        flat.update(log_likelihood=self.log_likelihood, converged=self.converged, iterations=self.iterations,
                    n_observations=self.n_observations)
        return flat


# A model's negative log-likelihood at natural-scale parameters, with its gradient with respect to them.
NegativeLogLikelihood = Callable[[np.ndarray], tuple[float, np.ndarray]]


def _hessian(gradient: Callable[[np.ndarray], np.ndarray], at: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Central differences of the exact gradient, symmetrised (error O(step²) on the gradient's own accuracy);
    steps are in log-parameter units, so one size fits all parameters."""
    columns = [(gradient(at + step * unit) - gradient(at - step * unit)) / (2 * step) for unit in np.eye(len(at))]
    hessian = np.column_stack(columns)
    return (hessian + hessian.T) / 2


def fit_log_parameters(negative_log_likelihood: NegativeLogLikelihood, names: Sequence[str],
                       start: Sequence[float], n_observations: int, model: str) -> FitResult:
    """Minimise ``negative_log_likelihood(exp(theta))`` over theta = log(params) with L-BFGS-B, on its exact
    gradient (d/dθ = params · d/dparams).

    Raises FitError when the optimiser fails or lands on a non-finite likelihood, so callers
    never publish estimates from a failed fit.
    """
    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        value, gradient = negative_log_likelihood(params)
        if not (np.isfinite(value) and np.isfinite(gradient).all()):
            return 1e300, np.zeros_like(log_params)
        return value, gradient * params

    def value_only(log_params: np.ndarray) -> float:
        return objective(log_params)[0]

    bounds = [(-12.0, 12.0)] * len(names)
    result = minimize(objective, np.log(np.asarray(start, dtype=float)), jac=True, method="L-BFGS-B",
                      bounds=bounds, options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
    message = str(result.message)
    if not result.success:
        # The line search can stall where the likelihood is flat to rounding; a derivative-free simplex from
        # where it stopped either converges, or crawls along a ridge (e.g. BG/NBD a, b -> infinity on short
        # histories: dropout heterogeneity not identified) without raising the likelihood — then the maximum
        # is reached and the SEs show the ridge.
        polished = minimize(value_only, result.x, method="Nelder-Mead", bounds=bounds,
                            options={"maxiter": 20000, "xatol": 1e-6, "fatol": 1e-10})
        settled = polished.success or abs(polished.fun - result.fun) <= 1e-5 * max(1.0, abs(result.fun))
        message = (f"{result.message}; Nelder-Mead: {polished.message}" if polished.success else
                   f"{result.message}; likelihood maximum reached on a flat ridge, some parameters not identified")
        result = polished if polished.fun <= result.fun else result
        result.success = settled
    if not np.isfinite(result.fun) or result.fun >= 1e300:
        raise FitError(f"{model}: the likelihood is not finite at any tried parameters; check the inputs "
                       f"(non-negative counts, recency <= age, positive spend)")
    if not result.success:
        raise FitError(f"{model}: optimiser stopped without converging ({message}); "
                       f"check for too few observations ({n_observations}) or degenerate inputs")
    estimate = np.exp(result.x)
    covariance = _inverse_or_nan(_hessian(lambda log_params: objective(log_params)[1], result.x))
    log_se = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    return FitResult(
        params={name: float(value) for name, value in zip(names, estimate, strict=True)},
        standard_errors={name: float(value * se) for name, value, se in zip(names, estimate, log_se, strict=True)},
        log_likelihood=float(-result.fun),
        converged=bool(result.success),
        iterations=int(result.nit),
        message=message,
        n_observations=n_observations,
    )


def _inverse_or_nan(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.full_like(matrix, np.nan)
