"""``torch.version``: what a program asks to learn its build (no CUDA, no ROCm here);
``__version__`` is the package's, set by its ``__init__``."""

cuda = None
hip = None
debug = False
git_version = None
