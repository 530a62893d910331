//! Settings from flags and `HOSPES_*` variables (see the README). Filled in by the backbone.
