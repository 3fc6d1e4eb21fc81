"""SEND Evidence Pack: the library behind the notebooks (import name ``helpers``).

Readers live in :mod:`helpers.sources`, analysis in pure-function modules (``growth``, ``timeliness``, ``spc`` ...),
presentation in ``charts``/``narrative``/``glossary``/``disclosure`` and the build in :mod:`helpers.pack`.
"""

__version__ = "0.1.0"
