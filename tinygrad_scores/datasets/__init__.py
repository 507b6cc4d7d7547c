"""Data shipped with the package and its loaders (see README.md in this folder for the
sources and licences)."""

from .mnist import download_mnist, load_idx, load_mnist, load_mnist_subset

__all__ = ["download_mnist", "load_idx", "load_mnist", "load_mnist_subset"]
