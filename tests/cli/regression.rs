//! Regression tests: each pins a bug found by this suite and fixed in src/.
