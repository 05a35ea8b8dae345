"""Plotting helpers for the notebooks.

Each helper takes ``ax=None``, draws on it (a new one if None) and returns it, so
a notebook can compose figures. No helper calls ``plt.show()``.
"""
import matplotlib.pyplot as plt
import numpy as np


def _axes(ax):
    return plt.gca() if ax is None else ax
