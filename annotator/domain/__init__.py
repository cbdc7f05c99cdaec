"""Plain-Python core: codebook, records crossing layers, errors, progress protocol."""
