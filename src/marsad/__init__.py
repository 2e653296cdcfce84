"""marsad (مرصد): Arabic multi-source news intelligence."""

import os as _os

# One BLAS thread unless the user says otherwise: the sentence encoder's matrix products ran 2-3x slower with a
# thread per core whenever the other core was busy (measured on 2 cores; see ../shared/STACK.md). Must be set
# before numpy is first imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

__version__ = "0.1.0"
SPEC_VERSION = 1
