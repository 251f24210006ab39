//! Nothing here: the point is `tests/`, written as a downstream user would.
