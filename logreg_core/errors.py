"""The one exception type for mistakes a user can make."""

from __future__ import annotations


class LogRegInputError(ValueError):
    """Input a user can fix: wrong shapes, non-finite values, labels not 0/1, bad settings.

    The message always says what to change. The dashboard turns it into ``st.error``;
    programming errors are never wrapped in it.
    """
