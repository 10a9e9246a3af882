"""The package version: one leaf module, so that every part can name it without importing the package."""

__version__ = "0.1.0"
