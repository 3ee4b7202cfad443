"""Calibration by approximate Bayesian computation (ABC-SMC with pyabc), kept apart from validation.

``spec`` reads a calibration spec (base config, priors, targets, distance, population, generations);
``simulator`` turns one parameter draw into the targets' summary statistics; ``sampler`` runs
pyabc's particles on the project's process pool with seeded, deterministic batches; ``run`` drives
pyabc (a new calibration, or the stored one resumed from its last finished generation);
``report`` writes the posterior, its plots and the posterior predictive check; ``posterior`` draws
parameters from a posterior for ``sim run --posterior``, ``sim cases --posterior`` and experiments.
"""
