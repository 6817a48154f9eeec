"""A quiet HiGHS instance: the library prints a banner on its first construction; we hide it."""

from __future__ import annotations

import os
import sys

import highspy

_banner_shown = False


def new_highs() -> highspy.Highs:
    """A Highs object with output off (the one-time banner is swallowed)."""
    global _banner_shown
    if not _banner_shown:
        _banner_shown = True
        sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no real stdout (embedded use): let HiGHS print
            saved = None
        if saved is not None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            try:
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
        else:
            h = highspy.Highs()
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h
