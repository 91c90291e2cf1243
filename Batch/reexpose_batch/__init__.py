"""reexpose_batch: split a programme at scene cuts, re-expose the parts on a Dask cluster, join them frame-exact.

The split is safe because the filter's state resets at the cuts `reexpose --detect-cuts` reports: a part that
starts at one of them re-exposes to the same frames as the whole-file run. See Batch/README.md.
"""

from .errors import BatchError, StepError
from .plan import Segment, plan_segments, plan_file
from .run import run_segments
from .join import join_segments

__all__ = ["BatchError", "StepError", "Segment", "plan_segments", "plan_file", "run_segments", "join_segments"]
