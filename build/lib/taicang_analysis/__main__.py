import os
import sys

# The models' matrices are tiny: BLAS threads only add synchronisation (3x slower
# statsmodels fits measured on 2 cores). Set before numpy loads; results do not depend on it.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from .cli import main  # noqa: E402

sys.exit(main())
