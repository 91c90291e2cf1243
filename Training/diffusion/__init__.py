"""Diffusion inpainting of over-exposed regions (issue 7, part 1): model, data, schedule, training.

Swift twin: ``Sources/Diffusion`` (``DiffusionInpainter``). See ``train.py`` for the recipe.
"""
