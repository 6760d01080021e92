"""These notebooks exercise the brief runner (one fails, one hangs on purpose): pytest and nbval must not collect them."""

collect_ignore_glob = ["*.ipynb"]
