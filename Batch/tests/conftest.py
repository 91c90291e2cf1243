import sys
from pathlib import Path

# The package lives in Batch/, not on the default path: `python3 -m pytest Batch/tests` works from the root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
