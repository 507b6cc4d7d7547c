"""Data shipped with the package (see README.md in this folder for its source and licence)."""
