"""`python -m pipeline` is the same as the `planextract` command."""
from pipeline.cli import main

raise SystemExit(main())
