"""Tools around the package, not part of it: the benchmark, generated cases, the browser driver."""
